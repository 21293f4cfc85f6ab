"""Project work: creating, the lifecycle, milestones, progress, updates and funds."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.projects import Project as ProjectRow
from policies.capabilities.projects import PROJECT_FUND, PROJECT_MANAGE, PROJECT_PROGRESS
from resolvers.projects import funds, lifecycle, progress
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.permissions import Can, mutation
from schema.projects.inputs import (
    AddMilestoneInput,
    ChangeProjectStatusInput,
    CompleteMilestoneInput,
    CreateProjectInput,
    PostProgressUpdateInput,
    RecordDisbursementInput,
    SetProjectProgressInput,
    UpdateProjectInput,
)
from schema.projects.types import Project
from schema.projects.work_types import Disbursement, Milestone, ProgressUpdate
from schema.relay import decode_id


@strawberry.type
class ProjectSuccess:
    project: Project


@strawberry.type
class MilestoneSuccess:
    milestone: Milestone
    project: Project


@strawberry.type
class ProgressUpdateSuccess:
    update: ProgressUpdate
    project: Project


@strawberry.type
class DisbursementSuccess:
    disbursement: Disbursement
    project: Project


ProjectPayload = Annotated[ProjectSuccess | InputError, strawberry.union("ProjectPayload")]
MilestonePayload = Annotated[MilestoneSuccess | InputError, strawberry.union("MilestonePayload")]
ProgressUpdatePayload = Annotated[
    ProgressUpdateSuccess | InputError, strawberry.union("ProgressUpdatePayload")
]
DisbursementPayload = Annotated[
    DisbursementSuccess | InputError, strawberry.union("DisbursementPayload")
]


def _optional_id(value: strawberry.ID | None, kind: str, field: str) -> int | None:
    return decode_id(value, kind, field) if value is not None else None


async def _project(info: Info, project_id: int) -> Project:
    row = await info.context.loaders.by_id(ProjectRow).load(project_id)
    assert row is not None
    return Project.from_model(row, info)


def _new_project(input: CreateProjectInput | UpdateProjectInput) -> lifecycle.NewProject:
    source = getattr(input, "source", None)
    return lifecycle.NewProject(
        title=input.title,
        description=input.description,
        category=input.category,
        department=input.department,
        planned_start=input.planned_start,
        planned_end=input.planned_end,
        budget=input.budget,
        community_id=_optional_id(input.community_id, "Community", "communityId"),
        address=input.address,
        longitude=input.location.longitude if input.location else None,
        latitude=input.location.latitude if input.location else None,
        handler_id=_optional_id(input.handler_id, "Account", "handlerId"),
        leader_id=_optional_id(input.leader_id, "Account", "leaderId"),
        source_kind=source.kind if source else None,
        source_ref=source.reference if source else "",
    )


@strawberry.type
class ProjectsMutation:
    @mutation(
        requires=Can(PROJECT_MANAGE),
        description="Create a PROPOSED project (立项); with `source`, promote a case, suggestion "
        "or consultation to a project, keeping the link.",
    )
    async def create_project(self, info: Info, input: CreateProjectInput) -> ProjectPayload:
        row = await lifecycle.create_project(caller(info), _new_project(input))
        return ProjectSuccess(project=Project.from_model(row, info))

    @mutation(
        requires=Can(PROJECT_MANAGE),
        description="Edit a project's details (调整): title, department, dates, budget, handler, "
        "place. Once APPROVED a reason is required, and each change is in the audit trail with "
        "its before and after. ACCEPTED and REJECTED projects are closed: INVALID_TRANSITION.",
    )
    async def update_project(self, info: Info, input: UpdateProjectInput) -> ProjectPayload:
        row = await lifecycle.update_project(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            _new_project(input),
            input.reason,
        )
        return ProjectSuccess(project=Project.from_model(row, info))

    @mutation(
        requires=Can(PROJECT_MANAGE),
        description="Move a project through its lifecycle (leaders): PROPOSED → CANDIDATE → "
        "APPROVED → IN_PROGRESS → COMPLETED → ACCEPTED, REJECTED from PROPOSED or CANDIDATE, "
        "SUSPENDED and back, COMPLETED back to IN_PROGRESS. Other moves are INVALID_TRANSITION.",
    )
    async def change_project_status(
        self, info: Info, input: ChangeProjectStatusInput
    ) -> ProjectPayload:
        return await _transition(info, input, lifecycle.MANAGE_TRANSITIONS)

    @mutation(
        requires=Can(PROJECT_PROGRESS),
        description="The department starts approved work (APPROVED → IN_PROGRESS) or reports "
        "it complete (IN_PROGRESS → COMPLETED). Other moves are INVALID_TRANSITION.",
    )
    async def report_project_status(
        self, info: Info, input: ChangeProjectStatusInput
    ) -> ProjectPayload:
        return await _transition(info, input, lifecycle.PROGRESS_TRANSITIONS)

    @mutation(
        requires=Can(PROJECT_PROGRESS),
        description="Plan a milestone; progress is derived again from the milestones.",
    )
    async def add_milestone(self, info: Info, input: AddMilestoneInput) -> MilestonePayload:
        row = await progress.add_milestone(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.title,
            input.planned_date,
            input.weight,
        )
        return MilestoneSuccess(
            milestone=Milestone.from_model(row), project=await _project(info, row.project_id)
        )

    @mutation(
        requires=Can(PROJECT_PROGRESS),
        description="Mark a milestone done; progress is derived again from the milestones.",
    )
    async def complete_milestone(
        self, info: Info, input: CompleteMilestoneInput
    ) -> MilestonePayload:
        row = await progress.complete_milestone(
            caller(info),
            decode_id(input.milestone_id, "Milestone", "milestoneId"),
            input.done_date,
        )
        return MilestoneSuccess(
            milestone=Milestone.from_model(row), project=await _project(info, row.project_id)
        )

    @mutation(
        requires=Can(PROJECT_PROGRESS),
        description="Set progress by hand, with a reason (until the next milestone change).",
    )
    async def set_project_progress(
        self, info: Info, input: SetProjectProgressInput
    ) -> ProjectPayload:
        row = await progress.set_progress(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.percent,
            input.reason,
        )
        return ProjectSuccess(project=Project.from_model(row, info))

    @mutation(
        requires=Can(PROJECT_PROGRESS),
        description="Report progress with photos (GraphQL multipart upload). Files are checked "
        "by content (JPEG, PNG, WebP) and size; a refused report stores nothing.",
    )
    async def post_progress_update(
        self, info: Info, input: PostProgressUpdateInput
    ) -> ProgressUpdatePayload:
        row = await progress.post_update(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.body,
            list(input.photos or []),
        )
        return ProgressUpdateSuccess(
            update=ProgressUpdate.from_model(row), project=await _project(info, row.project_id)
        )

    @mutation(
        requires=Can(PROJECT_FUND),
        description="Record a disbursement (资金使用) with an optional voucher photo. One that "
        "takes spending over the budget needs `overBudgetReason` (else OVER_BUDGET) and is "
        "flagged.",
    )
    async def record_disbursement(
        self, info: Info, input: RecordDisbursementInput
    ) -> DisbursementPayload:
        row = await funds.record_disbursement(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.amount,
            input.paid_on,
            input.purpose,
            input.voucher,
            input.over_budget_reason,
        )
        return DisbursementSuccess(
            disbursement=Disbursement.from_model(row),
            project=await _project(info, row.project_id),
        )


async def _transition(
    info: Info, input: ChangeProjectStatusInput, allowed: dict
) -> ProjectSuccess | InputError:
    row = await lifecycle.change_status(
        caller(info),
        decode_id(input.project_id, "Project", "projectId"),
        input.to,
        input.reason,
        allowed,
    )
    return ProjectSuccess(project=Project.from_model(row, info))
