"""Inputs of the cases domain."""

from __future__ import annotations

from datetime import date

import strawberry

from models import cases as m
from models import projects as p
from schema.cases.enums import (
    CaseLevel,
    CaseSource,
    CaseState,
    CategoryKind,
    LeaderDuty,
    Satisfaction,
    Urgency,
)
from schema.inputs import MONEY_MAX_LENGTH, SEARCH_MAX_LENGTH, TYPED_NUMBER_MAX_LENGTH, text
from schema.projects.inputs import LocationInput
from schema.uploads import FileUpload


@strawberry.input(description="A matter as reported (一事一报).")
class CaseDetailsInput:
    title: str = text(m.Case, "title")
    category_id: strawberry.ID = strawberry.field(description="A category of the street.")
    description: str = text(m.Case, "description", default="")
    urgency: Urgency = Urgency.ORDINARY
    location: LocationInput | None = strawberry.field(
        default=None, description="Where: the grid is found from it when grids have outlines."
    )
    address: str = text(m.Case, "address", default="")
    grid_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Staff: the grid, when no point places it (ignored for residents).",
    )
    private: bool = strawberry.field(
        default=False, description="Hide the reporter from all but the first handler and reviewers."
    )
    public: bool = strawberry.field(default=False, description="Show it on the public map.")
    photos: list[FileUpload] = strawberry.field(
        default_factory=list, description="Up to 9 JPEG, PNG or WebP images."
    )
    video: FileUpload | None = strawberry.field(default=None, description="A short MP4/MOV/WebM.")
    voice: FileUpload | None = strawberry.field(
        default=None, description="A voice note (AMR, MP3, AAC, M4A, WAV, Ogg)."
    )


@strawberry.input(description="Report a matter yourself (我要报事、巡查上报).")
class ReportCaseInput(CaseDetailsInput):
    source: CaseSource | None = strawberry.field(
        default=None,
        description="Staff: GRID_PATROL (default), VISIT or CONSULTATION_BELL. Residents: ignored.",
    )


@strawberry.input(description="Enter a case for someone (代录, hotline).")
class ReportCaseForInput(CaseDetailsInput):
    resident_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resident it is for (one the staff member may read)."
    )
    source: CaseSource = CaseSource.ON_BEHALF
    contact_name: str = text(m.Case, "contact_name", default="")
    contact_phone: str = text(max=TYPED_NUMBER_MAX_LENGTH, default="")


@strawberry.input(description="Record a matter solved on the spot (事事必报, 上报为已办结).")
class ReportResolvedCaseInput(CaseDetailsInput):
    result: str = text(m.Case, "result", description="What was done.")


@strawberry.input
class CaseNoteInput:
    case_id: strawberry.ID
    note: str = text(m.CaseStep, "note", default="")


@strawberry.input
class CaseReasonInput:
    case_id: strawberry.ID
    reason: str = text(m.CaseStep, "note", description="Why (required).")


@strawberry.input
class ResolveCaseInput:
    case_id: strawberry.ID
    result: str = text(m.Case, "result", description="What was done (办理结果, required).")
    photos: list[FileUpload] = strawberry.field(default_factory=list)


@strawberry.input(description="A department's part of a joint transfer.")
class DepartmentPartInput:
    department_id: strawberry.ID
    part: str = text(m.CaseAssignment, "part", default="")


@strawberry.input(description="内部流转: to a lead department, and assisting ones.")
class TransferCaseInput:
    case_id: strawberry.ID
    lead: DepartmentPartInput
    assisting: list[DepartmentPartInput] = strawberry.field(default_factory=list)
    note: str = text(m.CaseStep, "note", default="")


@strawberry.input(description="外部联动: to a department of the street's district.")
class LinkCaseInput:
    case_id: strawberry.ID
    district_department_id: strawberry.ID
    note: str = text(m.CaseStep, "note", default="")


@strawberry.input
class RateCaseInput:
    case_id: strawberry.ID
    satisfaction: Satisfaction
    comment: str = text(m.CaseRating, "comment", default="")


@strawberry.input(description="转为民生实事: the project's own details (the rest from the case).")
class MakeProjectInput:
    case_id: strawberry.ID
    department: str = text(p.Project, "department")
    planned_start: date
    planned_end: date
    budget: str = text(
        max=MONEY_MAX_LENGTH, description="Amount in yuan as a string, e.g. `250000.00`."
    )
    category: str | None = text(p.Project, "category", default=None)


@strawberry.input(description="The street list's filters, all optional.")
class CaseFilterInput:
    states: list[CaseState] | None = None
    levels: list[CaseLevel] | None = None
    category_id: strawberry.ID | None = None
    urgencies: list[Urgency] | None = None
    grid_id: strawberry.ID | None = None
    overdue: bool | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    text: str | None = text(
        max=SEARCH_MAX_LENGTH, default=None, description="In the title, description or address."
    )


@strawberry.input
class CaseCategoryInput:
    code: str = text(m.CaseCategory, "code")
    name: str = text(m.CaseCategory, "name")
    kind: CategoryKind
    description: str = text(m.CaseCategory, "description", default="")
    keywords: str = text(m.CaseCategory, "keywords", default="")
    service_group: str = text(m.CaseCategory, "service_group", default="")
    active: bool = True
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="To edit an existing category."
    )


@strawberry.input
class CreateDepartmentInput:
    code: str = text(m.Department, "code")
    name: str = text(m.Department, "name")


@strawberry.input
class DepartmentMemberInput:
    department_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.input
class CaseLeaderInput:
    account_id: strawberry.ID
    duty: LeaderDuty
    category_id: strawberry.ID | None = None


@strawberry.input(description="One row of the SLA table (时限), in working days.")
class DeadlineRuleInput:
    level: CaseLevel
    urgency: Urgency
    sign_days: int
    resolve_days: int
    category_id: strawberry.ID | None = None


@strawberry.input(description="The lowest level that may resolve such cases.")
class ClosureRuleInput:
    lowest_level: CaseLevel
    urgency: Urgency | None = None
    category_id: strawberry.ID | None = None


@strawberry.input
class CaseSettingsInput:
    yellow_percent: int = strawberry.field(description="Share of the deadline for the yellow line.")
    require_grid: bool = strawberry.field(description="Refuse a point outside every grid.")
    max_rounds: int = strawberry.field(description="First report and re-reports, 1 to 3.")


@strawberry.input
class GridBoundaryInput:
    grid_id: strawberry.ID
    geometry: strawberry.scalars.JSON = strawberry.field(
        description="A GeoJSON Polygon or MultiPolygon (WGS 84 longitude, latitude)."
    )
