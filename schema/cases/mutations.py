"""Reporting and handling cases, rating them, and the street's set-up for them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import cases as m
from policies.capabilities.cases import (
    CASE_CALL_BACK,
    CASE_CONFIGURE,
    CASE_DISPATCH,
    CASE_DISTRICT_HANDLE,
    CASE_HANDLE,
    CASE_PROJECT,
    CASE_RATE,
    CASE_REPORT,
    CASE_REPORT_FOR,
    CASE_RESOLVE_ON_SPOT,
)
from resolvers.cases import handling, rating, reporting, setup
from resolvers.cases.media import Uploads
from schema.caller import caller
from schema.cases.inputs import (
    CaseCategoryInput,
    CaseDetailsInput,
    CaseLeaderInput,
    CaseNoteInput,
    CaseReasonInput,
    CaseSettingsInput,
    ClosureRuleInput,
    CreateDepartmentInput,
    DeadlineRuleInput,
    DepartmentMemberInput,
    GridBoundaryInput,
    LinkCaseInput,
    MakeProjectInput,
    RateCaseInput,
    ReportCaseForInput,
    ReportCaseInput,
    ReportResolvedCaseInput,
    ResolveCaseInput,
    TransferCaseInput,
)
from schema.cases.types import Case, CaseCategory, Department
from schema.context import Info
from schema.errors import InputError
from schema.permissions import Can, mutation
from schema.relay import decode_id


@strawberry.type
class CaseSuccess:
    case: Case


@strawberry.type
class CaseCategorySuccess:
    category: CaseCategory


@strawberry.type
class DepartmentSuccess:
    department: Department


@strawberry.type(description="The street's set-up for cases was changed.")
class CaseSetupSuccess:
    ok: bool


CasePayload = Annotated[CaseSuccess | InputError, strawberry.union("CasePayload")]
CaseCategoryPayload = Annotated[
    CaseCategorySuccess | InputError, strawberry.union("CaseCategoryPayload")
]
DepartmentPayload = Annotated[DepartmentSuccess | InputError, strawberry.union("DepartmentPayload")]
CaseSetupPayload = Annotated[CaseSetupSuccess | InputError, strawberry.union("CaseSetupPayload")]


def _optional(value: strawberry.ID | None, kind: str, field: str) -> int | None:
    return decode_id(value, kind, field) if value is not None else None


def _case_id(value: strawberry.ID) -> int:
    return decode_id(value, "Case", "caseId")


def _new(input: CaseDetailsInput, **extra: str) -> reporting.NewCase:
    return reporting.NewCase(
        title=input.title,
        category_id=decode_id(input.category_id, "CaseCategory", "categoryId"),
        description=input.description,
        urgency=input.urgency,
        longitude=input.location.longitude if input.location else None,
        latitude=input.location.latitude if input.location else None,
        address=input.address,
        grid_id=_optional(input.grid_id, "Grid", "gridId"),
        private=input.private,
        public=input.public,
        **extra,
    )


def _uploads(input: CaseDetailsInput) -> Uploads:
    return Uploads(photos=input.photos, video=input.video, voice=input.voice)


def _done(row: m.Case) -> CaseSuccess:
    return CaseSuccess(case=Case.from_model(row))


@strawberry.type
class CasesMutation:
    @mutation(
        requires=Can(CASE_REPORT),
        description="我要报事 / 巡查上报: report a matter with photos, a short video or a voice "
        "note. It goes to the grid (found from the point when grids have outlines, else the "
        "reporter's own), or to the street's dispatch desk when no grid is known.",
    )
    async def report_case(self, info: Info, input: ReportCaseInput) -> CasePayload:
        row = await reporting.report_case(caller(info), _new(input), _uploads(input), input.source)
        return _done(row)

    @mutation(
        requires=Can(CASE_REPORT_FOR),
        description="代录: enter a case for a resident who cannot use a phone (the resident "
        "linked, you recorded as who entered it), or from the hotline with a name and number.",
    )
    async def report_case_for(self, info: Info, input: ReportCaseForInput) -> CasePayload:
        new = _new(input, contact_name=input.contact_name, contact_phone=input.contact_phone)
        row = await reporting.report_case_for(
            caller(info),
            new,
            _optional(input.resident_id, "Resident", "residentId"),
            input.source,
            _uploads(input),
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_RESOLVE_ON_SPOT),
        description="事事必报: record a matter you solved on the spot, in one of your grids, as "
        "a case resolved at the grid with what was done.",
    )
    async def report_resolved_case(self, info: Info, input: ReportResolvedCaseInput) -> CasePayload:
        row = await reporting.report_resolved(
            caller(info), _new(input), input.result, _uploads(input)
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_HANDLE),
        description="签收: take on a case waiting at your level (your grid, community, the "
        "street desk, your department, or your re-report round). NOT_YOURS otherwise; "
        "ALREADY_SIGNED twice.",
    )
    async def sign_case(self, info: Info, input: CaseNoteInput) -> CasePayload:
        return _done(await handling.sign(caller(info), _case_id(input.case_id), input.note))

    @mutation(
        requires=Can(CASE_HANDLE),
        description="办结: resolve a case you signed for, with the result (required) and "
        "photos; the street's closure levels may require escalating instead (CLOSURE_LEVEL).",
    )
    async def resolve_case(self, info: Info, input: ResolveCaseInput) -> CasePayload:
        row = await handling.resolve(
            caller(info), _case_id(input.case_id), input.result, Uploads(photos=input.photos)
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_HANDLE),
        description="上报上级: pass a signed case one level up (grid → community → street desk) "
        "with a reason; the new level gets new working-day deadlines.",
    )
    async def escalate_case(self, info: Info, input: CaseReasonInput) -> CasePayload:
        return _done(await handling.escalate(caller(info), _case_id(input.case_id), input.reason))

    @mutation(
        requires=Can(CASE_HANDLE),
        description="回退: send a wrongly routed case back with a reason (a department's to "
        "the street desk, the desk's to the community, the community's to the grid).",
    )
    async def send_back_case(self, info: Info, input: CaseReasonInput) -> CasePayload:
        return _done(await handling.send_back(caller(info), _case_id(input.case_id), input.reason))

    @mutation(
        requires=Can(CASE_HANDLE),
        description="协办完成: an assisting department reports its part of a joint transfer done.",
    )
    async def report_case_part_done(self, info: Info, input: CaseNoteInput) -> CasePayload:
        return _done(await handling.part_done(caller(info), _case_id(input.case_id), input.note))

    @mutation(
        requires=Can(CASE_DISPATCH),
        description="直接结案: the street's dispatch desk resolves a signed case itself.",
    )
    async def close_case_directly(self, info: Info, input: ResolveCaseInput) -> CasePayload:
        row = await handling.close_directly(caller(info), _case_id(input.case_id), input.result)
        return _done(row)

    @mutation(
        requires=Can(CASE_DISPATCH),
        description="内部流转: give a signed case to one street department, or to several "
        "jointly (a lead department and assisting ones, each with its part).",
    )
    async def transfer_case(self, info: Info, input: TransferCaseInput) -> CasePayload:
        lead = handling.Part(
            decode_id(input.lead.department_id, "Department", "lead"), input.lead.part
        )
        assisting = [
            handling.Part(decode_id(p.department_id, "Department", "assisting"), p.part)
            for p in input.assisting
        ]
        row = await handling.transfer(
            caller(info), _case_id(input.case_id), lead, assisting, input.note
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_DISPATCH),
        description="外部联动: give a signed case to a department of the street's district, "
        "the fourth level.",
    )
    async def link_case_to_district(self, info: Info, input: LinkCaseInput) -> CasePayload:
        department = decode_id(
            input.district_department_id, "DistrictDepartment", "districtDepartmentId"
        )
        row = await handling.link_district(
            caller(info), _case_id(input.case_id), department, input.note
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_DISTRICT_HANDLE),
        description="区级部门: sign for a case linked to your department (the one write a "
        "district account makes into a street; any other case is NOT_YOURS).",
    )
    async def sign_linked_case(self, info: Info, input: CaseNoteInput) -> CasePayload:
        row = await handling.sign(caller(info), _case_id(input.case_id), input.note, district=True)
        return _done(row)

    @mutation(
        requires=Can(CASE_DISTRICT_HANDLE),
        description="区级部门: resolve a case linked to your department, with the result.",
    )
    async def resolve_linked_case(self, info: Info, input: ResolveCaseInput) -> CasePayload:
        row = await handling.resolve(
            caller(info),
            _case_id(input.case_id),
            input.result,
            Uploads(photos=input.photos),
            district=True,
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_DISTRICT_HANDLE),
        description="区级部门: send a case linked to your department back to the street's "
        "dispatch desk, with a reason.",
    )
    async def send_back_linked_case(self, info: Info, input: CaseReasonInput) -> CasePayload:
        row = await handling.send_back(
            caller(info), _case_id(input.case_id), input.reason, district=True
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_DISTRICT_HANDLE),
        description="区级部门: the fourth level is the last: escalating a linked case is "
        "refused (TOP_LEVEL); send it back to the street instead.",
    )
    async def escalate_linked_case(self, info: Info, input: CaseReasonInput) -> CasePayload:
        row = await handling.escalate(
            caller(info), _case_id(input.case_id), input.reason, district=True
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_RATE),
        description="评价: rate the result of your resolved case, once per round. Satisfied "
        "closes it; unsatisfied lets you report it again (`rereportCase`).",
    )
    async def rate_case(self, info: Info, input: RateCaseInput) -> CasePayload:
        row = await rating.rate(
            caller(info), _case_id(input.case_id), input.satisfaction, input.comment
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_RATE),
        description="二次/三次上报: report your case again after an unsatisfied rating: to the "
        "street's leader in charge, then to its head; no fourth report (NO_MORE_ROUNDS).",
    )
    async def rereport_case(self, info: Info, input: CaseReasonInput) -> CasePayload:
        return _done(await rating.rereport(caller(info), _case_id(input.case_id), input.reason))

    @mutation(
        requires=Can(CASE_CALL_BACK),
        description="Rate a case entered for someone (代录) on their behalf, after calling "
        "them back.",
    )
    async def rate_case_on_behalf(self, info: Info, input: RateCaseInput) -> CasePayload:
        row = await rating.rate(
            caller(info),
            _case_id(input.case_id),
            input.satisfaction,
            input.comment,
            on_behalf=True,
        )
        return _done(row)

    @mutation(
        requires=Can(CASE_CALL_BACK),
        description="回访: record a satisfaction call-back to the reporter of a resolved case.",
    )
    async def record_case_call_back(self, info: Info, input: RateCaseInput) -> CasePayload:
        me = caller(info)
        row = await rating.call_back(me, _case_id(input.case_id), input.satisfaction, input.comment)
        case = await m.Case.get(id=row.case_id)
        return _done(case)

    @mutation(
        requires=Can(CASE_PROJECT),
        description="转为民生实事: turn a large matter into a PROPOSED livelihood project (the "
        "project keeps the case as its source; the case links the project).",
    )
    async def make_project_from_case(self, info: Info, input: MakeProjectInput) -> CasePayload:
        row = await rating.make_project(
            caller(info),
            _case_id(input.case_id),
            department=input.department,
            planned_start=input.planned_start,
            planned_end=input.planned_end,
            budget=input.budget,
            category=input.category,
        )
        return _done(row)

    # -- the street's set-up ---------------------------------------------------------------

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Add a category to the street's taxonomy, or edit one (with `categoryId`).",
    )
    async def save_case_category(self, info: Info, input: CaseCategoryInput) -> CaseCategoryPayload:
        row = await setup.save_category(
            caller(info),
            setup.CategoryInput(
                code=input.code,
                name=input.name,
                kind=input.kind,
                description=input.description,
                keywords=input.keywords,
                service_group=input.service_group,
                active=input.active,
            ),
            _optional(input.category_id, "CaseCategory", "categoryId"),
        )
        return CaseCategorySuccess(category=CaseCategory.from_model(row))

    @mutation(requires=Can(CASE_CONFIGURE), description="Add a street department (街道科室).")
    async def create_department(
        self, info: Info, input: CreateDepartmentInput
    ) -> DepartmentPayload:
        row = await setup.create_department(caller(info), input.code, input.name)
        return DepartmentSuccess(department=Department.from_model(row))

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="A STREET_DEPARTMENT account of the street joins a department.",
    )
    async def add_department_member(
        self, info: Info, input: DepartmentMemberInput
    ) -> CaseSetupPayload:
        await setup.add_department_member(
            caller(info),
            decode_id(input.department_id, "Department", "departmentId"),
            decode_id(input.account_id, "Account", "accountId"),
        )
        return CaseSetupSuccess(ok=True)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Give a STREET_LEADER a duty for cases: in charge (分管, of a category or "
        "all) or head (主要).",
    )
    async def set_case_leader(self, info: Info, input: CaseLeaderInput) -> CaseSetupPayload:
        await setup.set_leader(
            caller(info),
            decode_id(input.account_id, "Account", "accountId"),
            input.duty,
            _optional(input.category_id, "CaseCategory", "categoryId"),
        )
        return CaseSetupSuccess(ok=True)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Set one row of the SLA table (时限): working days to sign and to resolve.",
    )
    async def set_case_deadline_rule(
        self, info: Info, input: DeadlineRuleInput
    ) -> CaseSetupPayload:
        await setup.set_deadline_rule(
            caller(info),
            input.level,
            input.urgency,
            _optional(input.category_id, "CaseCategory", "categoryId"),
            input.sign_days,
            input.resolve_days,
        )
        return CaseSetupSuccess(ok=True)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="小事不出网格: the lowest level that may resolve cases of an urgency and/or "
        "category.",
    )
    async def set_case_closure_rule(self, info: Info, input: ClosureRuleInput) -> CaseSetupPayload:
        await setup.set_closure_rule(
            caller(info),
            input.urgency,
            _optional(input.category_id, "CaseCategory", "categoryId"),
            input.lowest_level,
        )
        return CaseSetupSuccess(ok=True)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="The street's case settings: the yellow line's share, whether a point "
        "must lie in a grid, how many rounds of reports.",
    )
    async def update_case_settings(self, info: Info, input: CaseSettingsInput) -> CaseSetupPayload:
        await setup.update_settings(
            caller(info), input.yellow_percent, input.require_grid, input.max_rounds
        )
        return CaseSetupSuccess(ok=True)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Set a grid's outline (网格边界), a GeoJSON Polygon or MultiPolygon.",
    )
    async def set_grid_boundary(self, info: Info, input: GridBoundaryInput) -> CaseSetupPayload:
        await setup.set_grid_boundary(
            caller(info), decode_id(input.grid_id, "Grid", "gridId"), input.geometry
        )
        return CaseSetupSuccess(ok=True)
