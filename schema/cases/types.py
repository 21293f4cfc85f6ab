"""Cases (民情事项) as the schema shows them.

Every case field requires ``case:read`` and the case itself comes through the caller's row
rule. Who reported a case marked private (隐私保护) is shown only to the reporter, the first
handler and the street's reviewers (``case:dispatch``); everyone else reading the case sees no
reporter, no contact and no resident.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from core import workdays as calendar
from core.clock import LOCAL_TZ
from models import cases as m
from models.accounts import User as UserRow
from models.projects import Project as ProjectRow
from models.tenancy import Community as CommunityRow
from models.tenancy import Grid as GridRow
from policies.capabilities.cases import CASE_DISPATCH, CASE_READ
from resolvers.cases import views
from resolvers.pagination import page_key
from schema.accounts.types import Account
from schema.caller import caller
from schema.cases.enums import (
    AssignmentRole,
    CaseLevel,
    CaseSource,
    CaseState,
    CategoryKind,
    LeaderDuty,
    MediaKind,
    Satisfaction,
    StepAction,
    Urgency,
    WarningLevel,
)
from schema.context import Info
from schema.permissions import Can, field
from schema.projects.types import Location, Project
from schema.relay import Connection, Node, to_global_id
from schema.tenancy.types import Community, Grid
from schema.uploads import StoredFile

READ = Can(CASE_READ)


async def _account(info: Info, user_id: int | None) -> Account | None:
    if user_id is None:
        return None
    row = await info.context.loaders.by_id(UserRow).load(user_id)
    return Account.from_model(row) if row else None


@strawberry.type(description="事项类别: a category of the street's taxonomy (an Open311 service).")
class CaseCategory(Node):
    code: str
    name: str
    kind: CategoryKind
    description: str
    keywords: str
    service_group: str
    active: bool

    @classmethod
    def from_model(cls, row: m.CaseCategory) -> CaseCategory:
        return cls(
            id=to_global_id("CaseCategory", row.id),
            code=row.code,
            name=row.name,
            kind=row.kind,
            description=row.description,
            keywords=row.keywords,
            service_group=row.service_group,
            active=row.active,
        )


@strawberry.type(description="街道科室: a street department that handles transferred cases.")
class Department(Node):
    code: str
    name: str
    active: bool

    @classmethod
    def from_model(cls, row: m.Department) -> Department:
        return cls(
            id=to_global_id("Department", row.id), code=row.code, name=row.name, active=row.active
        )


@strawberry.type(description="区级部门: a department of the district, the fourth level.")
class DistrictDepartment(Node):
    code: str
    name: str

    @classmethod
    def from_model(cls, row: m.DistrictDepartment) -> DistrictDepartment:
        return cls(id=to_global_id("DistrictDepartment", row.id), code=row.code, name=row.name)


@strawberry.type(description="A photo, short video or voice note of a case.")
class CaseMedia(StoredFile):
    kind: MediaKind

    @classmethod
    def from_model(cls, row: m.CaseMedia) -> CaseMedia:
        return cls(
            kind=row.kind,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            path=row.path,
        )


@strawberry.type(description="处理记录: one step of a case's timeline: who, when, at which level.")
class CaseStep(Node):
    action: StepAction
    level: CaseLevel
    to_level: CaseLevel | None
    state: CaseState = strawberry.field(description="The case's state after the step.")
    round: int
    note: str
    at: datetime
    detail: strawberry.scalars.JSON
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who took the step (none for the deadline scanner).")
    async def actor(self, info: Info) -> Account | None:
        return await _account(info, self.actor_id)

    @classmethod
    def from_model(cls, row: m.CaseStep) -> CaseStep:
        return cls(
            id=to_global_id("CaseStep", row.id),
            action=row.action,
            level=CaseLevel(row.level),
            to_level=CaseLevel(row.to_level) if row.to_level is not None else None,
            state=row.state,
            round=row.round,
            note=row.note,
            at=row.at,
            detail=strawberry.scalars.JSON(row.detail),
            actor_id=row.actor_id,
        )


@strawberry.type(description="A department given a case (内部流转, 外部联动), with its part.")
class CaseAssignment:
    role: AssignmentRole
    part: str
    stint: int
    active: bool
    signed_at: datetime | None
    done_at: datetime | None
    done_note: str
    department_id: strawberry.Private[int | None]
    district_department_id: strawberry.Private[int | None]

    @strawberry.field
    async def department(self, info: Info) -> Department | None:
        if self.department_id is None:
            return None
        row = await info.context.loaders.by_id(m.Department).load(self.department_id)
        return Department.from_model(row) if row else None

    @strawberry.field
    async def district_department(self, info: Info) -> DistrictDepartment | None:
        if self.district_department_id is None:
            return None
        row = await info.context.loaders.by_id(m.DistrictDepartment).load(
            self.district_department_id
        )
        return DistrictDepartment.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: m.CaseAssignment) -> CaseAssignment:
        return cls(
            role=row.role,
            part=row.part,
            stint=row.stint,
            active=row.active,
            signed_at=row.signed_at,
            done_at=row.done_at,
            done_note=row.done_note,
            department_id=row.department_id,
            district_department_id=row.district_department_id,
        )


@strawberry.type(description="满意度评价: the rating of one round's result.")
class CaseRating:
    round: int
    satisfaction: Satisfaction
    comment: str
    on_behalf: bool = strawberry.field(description="Entered by staff after a call-back.")
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.CaseRating) -> CaseRating:
        return cls(
            round=row.round,
            satisfaction=row.satisfaction,
            comment=row.comment,
            on_behalf=row.on_behalf,
            created_at=row.created_at,
        )


@strawberry.type(description="A deadline warning sent: 黄线提醒 or 红线示警, once per stint.")
class CaseWarning:
    level: WarningLevel
    case_level: CaseLevel
    stint: int
    due_at: datetime
    sent_at: datetime

    @classmethod
    def from_model(cls, row: m.CaseWarning) -> CaseWarning:
        return cls(
            level=WarningLevel(row.level),
            case_level=CaseLevel(row.case_level),
            stint=row.stint,
            due_at=row.due_at,
            sent_at=row.sent_at,
        )


@strawberry.type(description="A street leader's duty for cases (分管 or 主要领导).")
class CaseLeader:
    duty: LeaderDuty
    user_id: strawberry.Private[int]
    category_id: strawberry.Private[int | None]

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        return await _account(info, self.user_id)

    @classmethod
    def from_model(cls, row: m.CaseLeader) -> CaseLeader:
        return cls(duty=row.duty, user_id=row.user_id, category_id=row.category_id)


@strawberry.type(description="民情事项: one reported matter, where it stands and what was done.")
class Case(Node):
    title: str
    description: str
    urgency: Urgency
    source: CaseSource
    source_name: str = strawberry.field(description="The Open311 client's key name, if any.")
    state: CaseState
    level: CaseLevel = strawberry.field(description="The level handling it now (or last).")
    entry_level: CaseLevel = strawberry.field(description="The level it was first sent to.")
    round: int = strawberry.field(description="1 the first report, 2 and 3 re-reports.")
    address: str
    private: bool = strawberry.field(description="The reporter is hidden (隐私保护).")
    public: bool = strawberry.field(description="Shown on the public map (no personal data).")
    reported_at: datetime
    updated_at: datetime
    arrived_at: datetime = strawberry.field(description="When its handling party got it.")
    signed_at: datetime | None
    sign_due_at: datetime = strawberry.field(description="To be signed for by then.")
    due_at: datetime = strawberry.field(description="To be resolved by then (working days).")
    yellow_at: datetime = strawberry.field(description="Turns yellow then (黄线).")
    result: str
    resolved_at: datetime | None
    resolved_late: bool
    satisfaction: Satisfaction | None = strawberry.field(description="This round's rating.")
    closed_at: datetime | None
    row: strawberry.Private[m.Case]

    @strawberry.field(
        description="The level it was resolved at (resolved at source: GRID, COMMUNITY)."
    )
    def resolved_level(self) -> CaseLevel | None:
        level = self.row.resolved_level
        return CaseLevel(level) if level is not None else None

    @strawberry.field(description="As of now: NONE, YELLOW once past its yellow line, RED overdue.")
    def warning(self, info: Info) -> WarningLevel:
        if self.row.state not in m.OPEN_STATES:
            return WarningLevel.RED if self.row.resolved_late else WarningLevel.NONE
        now = info.context.services.clock.now()
        if self.row.due_at <= now:
            return WarningLevel.RED
        return WarningLevel.YELLOW if self.row.yellow_at <= now else WarningLevel.NONE

    @strawberry.field(
        description="Whether the deadline was counted by the State Council's published holiday "
        "arrangement (false: a year not yet published, counted provisionally by the statutory "
        "holidays with weekends off; it may move by a day or two once published)."
    )
    def deadline_official(self) -> bool:
        last_day = (self.row.due_at - timedelta(microseconds=1)).astimezone(LOCAL_TZ).date()
        return calendar.is_official(last_day)

    @strawberry.field(description="Open past its deadline, or resolved after it.")
    def overdue(self, info: Info) -> bool:
        return views.is_overdue(self.row, info.context.services.clock.now())

    @strawberry.field
    def location(self) -> Location | None:
        if self.row.longitude is None or self.row.latitude is None:
            return None
        return Location(longitude=self.row.longitude, latitude=self.row.latitude)

    @strawberry.field
    async def category(self, info: Info) -> CaseCategory:
        row = await info.context.loaders.by_id(m.CaseCategory).load(self.row.category_id)
        assert row is not None
        return CaseCategory.from_model(row)

    @strawberry.field
    async def grid(self, info: Info) -> Grid | None:
        if self.row.grid_id is None:
            return None
        row = await info.context.loaders.by_id(GridRow).load(self.row.grid_id)
        return Grid.from_model(row) if row else None

    @strawberry.field
    async def community(self, info: Info) -> Community | None:
        if self.row.community_id is None:
            return None
        row = await info.context.loaders.by_id(CommunityRow).load(self.row.community_id)
        return Community.from_model(row) if row else None

    @strawberry.field(description="The lead street department after an internal transfer.")
    async def department(self, info: Info) -> Department | None:
        if self.row.department_id is None:
            return None
        row = await info.context.loaders.by_id(m.Department).load(self.row.department_id)
        return Department.from_model(row) if row else None

    @strawberry.field(description="The district department after an external linkage.")
    async def district_department(self, info: Info) -> DistrictDepartment | None:
        if self.row.district_department_id is None:
            return None
        row = await info.context.loaders.by_id(m.DistrictDepartment).load(
            self.row.district_department_id
        )
        return DistrictDepartment.from_model(row) if row else None

    @strawberry.field(description="Who signed for it at its current level (承办人).")
    async def handler(self, info: Info) -> Account | None:
        return await _account(info, self.row.handler_id)

    @strawberry.field(description="The leader of a re-report round (分管 or 主要领导).")
    async def leader(self, info: Info) -> Account | None:
        return await _account(info, self.row.leader_id)

    def _shows_reporter(self, info: Info) -> bool:
        if not self.row.private:
            return True
        me = caller(info)
        return me.user.id in (self.row.reporter_id, self.row.first_handler_id) or me.can(
            CASE_DISPATCH.resource, CASE_DISPATCH.action
        )

    @field(
        requires=READ,
        description="Who reported it; for a private case only the reporter, the first handler "
        "and the street's reviewers see it (else null).",
    )
    async def reporter(self, info: Info) -> Account | None:
        if not self._shows_reporter(info):
            return None
        return await _account(info, self.row.reporter_id)

    @field(requires=READ, description="The staff member who entered it for someone (代录).")
    async def entered_by(self, info: Info) -> Account | None:
        return await _account(info, self.row.entered_by_id)

    @field(
        requires=READ, description="The caller's name (hotline, Open311); hidden as the reporter."
    )
    def contact_name(self, info: Info) -> str | None:
        return self.row.contact_name if self._shows_reporter(info) else None

    @field(requires=READ, description="The caller's phone; hidden as the reporter.")
    def contact_phone(self, info: Info) -> str | None:
        return self.row.contact_phone if self._shows_reporter(info) else None

    @strawberry.field(description="The livelihood project it was turned into, if any.")
    async def project(self, info: Info) -> Project | None:
        if self.row.project_id is None:
            return None
        row = await info.context.loaders.by_id(ProjectRow).load(self.row.project_id)
        return Project.from_model(row, info) if row else None

    @strawberry.field(description="Its timeline (处理记录), oldest first.")
    async def timeline(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CaseStep]:
        key = page_key(self.row.id, first, after, info.context.services.settings.max_page_size)
        page = await info.context.loaders.of(views.load_step_pages).load(key)
        return Connection.from_page(page, CaseStep.from_model)

    @strawberry.field(description="Photos, video and voice notes (of the report and the steps).")
    async def media(self, info: Info) -> list[CaseMedia]:
        rows = await info.context.loaders.of(views.load_media).load(self.row.id)
        return [CaseMedia.from_model(r) for r in rows]

    @strawberry.field(description="The departments it was given to, every stint.")
    async def assignments(self, info: Info) -> list[CaseAssignment]:
        rows = await info.context.loaders.of(views.load_assignments).load(self.row.id)
        return [CaseAssignment.from_model(r) for r in rows]

    @strawberry.field(description="Every round's rating (the history of re-reports).")
    async def ratings(self, info: Info) -> list[CaseRating]:
        rows = await info.context.loaders.of(views.load_ratings).load(self.row.id)
        return [CaseRating.from_model(r) for r in rows]

    @strawberry.field(description="The deadline warnings sent (黄线提醒, 红线示警).")
    async def warnings(self, info: Info) -> list[CaseWarning]:
        rows = await info.context.loaders.of(views.load_warnings).load(self.row.id)
        return [CaseWarning.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, row: m.Case) -> Case:
        return cls(
            id=to_global_id("Case", row.id),
            title=row.title,
            description=row.description,
            urgency=row.urgency,
            source=row.source,
            source_name=row.source_name,
            state=row.state,
            level=CaseLevel(row.level),
            entry_level=CaseLevel(row.entry_level),
            round=row.round,
            address=row.address,
            private=row.private,
            public=row.public,
            reported_at=row.reported_at,
            updated_at=row.updated_at,
            arrived_at=row.arrived_at,
            signed_at=row.signed_at,
            sign_due_at=row.sign_due_at,
            due_at=row.due_at,
            yellow_at=row.yellow_at,
            result=row.result,
            resolved_at=row.resolved_at,
            resolved_late=row.resolved_late,
            satisfaction=row.satisfaction,
            closed_at=row.closed_at,
            row=row,
        )


@strawberry.type(description="How many cases are in one state at one level (no case, no person).")
class CaseCount:
    state: CaseState
    level: CaseLevel
    count: int


@strawberry.type(
    description="A change of a case, as pushed live: `cursor` is its place in the street's "
    "stream; pass the last one seen as `after` to resume."
)
class CaseEvent:
    cursor: str
    type: str
    case_id: strawberry.ID | None = strawberry.field(description="None for a batch of warnings.")
    occurred_at: datetime
    payload: strawberry.scalars.JSON
