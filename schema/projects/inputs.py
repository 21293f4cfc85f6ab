from __future__ import annotations

from datetime import date

import strawberry

from models import projects as p
from schema.inputs import MONEY_MAX_LENGTH, REASON_MAX_LENGTH, text
from schema.projects.enums import ProjectStatus, SourceKind
from schema.uploads import FileUpload


@strawberry.input(description="A point: WGS84 longitude (-180–180) and latitude (-90–90).")
class LocationInput:
    longitude: float
    latitude: float


@strawberry.input(description="The matter a project is promoted from (a case, a suggestion…).")
class ProjectSourceInput:
    kind: SourceKind
    reference: str = text(
        p.Project, "source_ref", description="Its reference, e.g. its ID or number."
    )


@strawberry.input(description="A project's details, as created or edited.")
class ProjectDetailsInput:
    title: str = text(p.Project, "title")
    category: str = text(p.Project, "category", description="e.g. 老旧小区改造, 道路, 养老.")
    department: str = text(
        p.Project, "department", description="The responsible department (承办部门)."
    )
    planned_start: date
    planned_end: date
    budget: str = text(
        max=MONEY_MAX_LENGTH, description="Amount in yuan as a string, e.g. `1250000.00`."
    )
    description: str = text(p.Project, "description", default="")
    community_id: strawberry.ID | None = None
    address: str = text(p.Project, "address", default="")
    location: LocationInput | None = None
    handler_id: strawberry.ID | None = strawberry.field(
        default=None, description="A staff account of the street (承办人)."
    )
    leader_id: strawberry.ID | None = strawberry.field(
        default=None, description="The handler's leader, warned with them."
    )


@strawberry.input(description="A new project; it starts PROPOSED.")
class CreateProjectInput(ProjectDetailsInput):
    source: ProjectSourceInput | None = None


@strawberry.input(description="A project's details, all given again (what is left out is cleared).")
class UpdateProjectInput(ProjectDetailsInput):
    project_id: strawberry.ID
    reason: str = text(
        max=REASON_MAX_LENGTH,
        default="",
        description="Why (调整说明): required once the project is APPROVED or later.",
    )


@strawberry.input
class ChangeProjectStatusInput:
    project_id: strawberry.ID
    to: ProjectStatus
    reason: str = text(
        max=REASON_MAX_LENGTH,
        default="",
        description="Needed to reject, suspend, or send back for rework.",
    )


@strawberry.input
class AddMilestoneInput:
    project_id: strawberry.ID
    title: str = text(p.Milestone, "title")
    planned_date: date = strawberry.field(description="Not before the project's planned start.")
    weight: int = strawberry.field(default=1, description="1–100: its share of the progress.")


@strawberry.input
class CompleteMilestoneInput:
    milestone_id: strawberry.ID
    done_date: date | None = strawberry.field(default=None, description="Today when omitted.")


@strawberry.input
class SetProjectProgressInput:
    project_id: strawberry.ID
    percent: int = strawberry.field(description="0–100.")
    reason: str = text(p.Project, "progress_reason")


@strawberry.input(description="Send as GraphQL multipart (`photos` as files).")
class PostProgressUpdateInput:
    project_id: strawberry.ID
    body: str = text(p.ProgressUpdate, "body")
    photos: list[FileUpload] | None = strawberry.field(
        default=None, description="Up to 9 JPEG, PNG or WebP images."
    )


@strawberry.input(description="Send as GraphQL multipart when a voucher photo is attached.")
class RecordDisbursementInput:
    project_id: strawberry.ID
    amount: str = text(
        max=MONEY_MAX_LENGTH, description="Positive, at most two decimals, e.g. `5000.00`."
    )
    paid_on: date
    purpose: str = text(p.Disbursement, "purpose")
    voucher: FileUpload | None = None
    over_budget_reason: str = text(
        p.Disbursement,
        "over_budget_reason",
        default="",
        description="Required when this payment takes spending over the budget.",
    )


@strawberry.input
class PostSupervisionOpinionInput:
    project_id: strawberry.ID
    body: str = text(p.Opinion, "body")


@strawberry.input
class ReplyToOpinionInput:
    opinion_id: strawberry.ID
    body: str = text(p.Opinion, "reply")


@strawberry.input
class RateOpinionReplyInput:
    opinion_id: strawberry.ID
    score: int = strawberry.field(description="1–5.")


@strawberry.input
class FollowProjectInput:
    project_id: strawberry.ID
    follow: bool = strawberry.field(default=True, description="False to stop following.")


@strawberry.input
class RateProjectInput:
    project_id: strawberry.ID
    score: int = strawberry.field(description="1–5.")
    comment: str = text(p.Rating, "comment", default="")
