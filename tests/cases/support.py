"""Helpers for the cases tests: a street with every party of the handling chain, GraphQL calls,
and a clock set to a working Monday (deadlines are in working days)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.clock import FrozenClock
from core.ids import from_global_id
from models.accounts import DistrictMembership, Role, User
from models.audit import AuditEntry
from models.cases import (
    Case,
    CaseAssignment,
    CaseCallBack,
    CaseCategory,
    CaseLeader,
    CaseMedia,
    CaseRating,
    CaseStep,
    CaseWarning,
    Department,
    DepartmentMember,
    DistrictDepartment,
    DistrictDepartmentMember,
    LeaderDuty,
    Satisfaction,
)
from models.events import Notification, OutboxEvent
from models.people import CommunityAssignment, GridAssignment, GridDuty, Resident
from models.scoping import unscoped
from models.tenancy import Community, Grid, Street
from resolvers.caller import Caller
from resolvers.cases import handling, open311, rating, reporting, setup
from resolvers.cases.deadlines import scan_case_deadlines
from resolvers.cases.media import Uploads
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import Api, StreetFixture, add_member, error_codes, gid, make_street

# A Monday, 09:00 in Beijing: well inside the holiday calendar.
MONDAY = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
AMR = b"#!AMR\n" + b"\x00" * 64

# A square grid outline around (114.20, 30.55) and one beside it.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[114.19, 30.54], [114.21, 30.54], [114.21, 30.56], [114.19, 30.56], [114.19, 30.54]]
    ],
}
BESIDE = {
    "type": "Polygon",
    "coordinates": [
        [[114.21, 30.54], [114.23, 30.54], [114.23, 30.56], [114.21, 30.56], [114.21, 30.54]]
    ],
}
INSIDE = {"longitude": 114.20, "latitude": 30.55}
INSIDE_BESIDE = {"longitude": 114.22, "latitude": 30.55}
OUTSIDE = {"longitude": 115.0, "latitude": 31.0}


@contextlib.contextmanager
def clock_at(clock: FrozenClock, when: datetime = MONDAY) -> Iterator[FrozenClock]:
    """The session's clock set to ``when`` for the block, then put back."""
    saved = clock.current
    clock.current = when
    try:
        yield clock
    finally:
        clock.current = saved


@dataclass(frozen=True)
class CaseStreet:
    street: StreetFixture
    grid2_id: int
    community2_id: int
    admin: User
    chief: User  # 网格长 of grid 1
    worker: User  # 网格员 of grid 1
    chief2: User  # 网格长 of grid 2 (community 2)
    community: User  # 社区两委 of community 1
    reviewer: User
    department: User  # in department A
    department_b: User  # in department B
    leader: User  # 分管领导
    head: User  # 主要领导
    resident: User  # lives in grid 1
    resident2: User  # lives in grid 2
    display: User
    district_department: User  # in the district department
    district_admin: User
    department_a_id: int
    department_b_id: int
    district_department_id: int
    resident_id: int  # the resident record of ``resident``
    walk_in_id: int  # a resident without an account, in grid 1
    category_id: int  # 城市管理
    tenant: str  # X-Tenant (district accounts hold several streets)

    def users(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "admin",
                "chief",
                "worker",
                "chief2",
                "community",
                "reviewer",
                "department",
                "department_b",
                "leader",
                "head",
                "resident",
                "resident2",
                "display",
                "district_department",
                "district_admin",
            )
        }


async def _district_user(services: Services, street_id: int, role: Role) -> User:
    user = await User.create(
        username=f"d-{secrets.token_hex(4)}",
        display_name="区级账号",
        password_hash=services.passwords.hash("demo1234"),
    )
    with unscoped("test set-up"):
        street = await Street.get(id=street_id)
        await DistrictMembership.create(user=user, district_id=street.district_id, role=role)
    await services.authorizer.reload_users([user.id])
    return user


async def case_street(services: Services, prefix: str = "cs") -> CaseStreet:
    street = await make_street(services, prefix)
    sid = street.street_id
    admin = await User.get(username=street.admin_username)
    roles = {
        "chief": Role.GRID_CHIEF,
        "worker": Role.GRID_WORKER,
        "chief2": Role.GRID_CHIEF,
        "community": Role.COMMUNITY_STAFF,
        "reviewer": Role.STREET_REVIEWER,
        "department": Role.STREET_DEPARTMENT,
        "department_b": Role.STREET_DEPARTMENT,
        "leader": Role.STREET_LEADER,
        "head": Role.STREET_LEADER,
        "resident": Role.RESIDENT,
        "resident2": Role.RESIDENT,
        "display": Role.DISPLAY,
    }
    users = {name: await add_member(services, sid, role) for name, role in roles.items()}
    district_department = await _district_user(services, sid, Role.DISTRICT_DEPARTMENT)
    district_admin = await _district_user(services, sid, Role.DISTRICT_ADMIN)
    with street_scope(sid):
        community2 = await Community.create(code="c2", name="第二社区")
        grid2 = await Grid.create(community=community2, code="g2", name="二格")
        await GridAssignment.create(
            grid_id=street.grid_id, user=users["chief"], duty=GridDuty.CHIEF
        )
        await GridAssignment.create(
            grid_id=street.grid_id, user=users["worker"], duty=GridDuty.WORKER
        )
        await GridAssignment.create(grid_id=grid2.id, user=users["chief2"], duty=GridDuty.CHIEF)
        await CommunityAssignment.create(community_id=street.community_id, user=users["community"])
        dept_a = await Department.create(code="cgb", name="城管办")
        dept_b = await Department.create(code="scjg", name="市场监管所")
        await DepartmentMember.create(department=dept_a, user=users["department"])
        await DepartmentMember.create(department=dept_b, user=users["department_b"])
        await CaseLeader.create(user=users["leader"], duty=LeaderDuty.IN_CHARGE)
        await CaseLeader.create(user=users["head"], duty=LeaderDuty.HEAD)
        resident = await Resident.create(
            name="张三",
            id_hash=secrets.token_hex(16),
            id_masked="110***********1234",
            grid_id=street.grid_id,
            community_id=street.community_id,
            user=users["resident"],
        )
        await Resident.create(
            name="李四",
            id_hash=secrets.token_hex(16),
            id_masked="110***********5678",
            grid_id=grid2.id,
            community_id=community2.id,
            user=users["resident2"],
        )
        walk_in = await Resident.create(
            name="王奶奶",
            id_hash=secrets.token_hex(16),
            id_masked="110***********0000",
            grid_id=street.grid_id,
            community_id=street.community_id,
        )
        category = await CaseCategory.get(code="city")
    with unscoped("test set-up"):
        street_row = await Street.get(id=sid)
        district_dept, _ = await DistrictDepartment.get_or_create(
            district_id=street_row.district_id, code="qcgj", defaults={"name": "区城管局"}
        )
        await DistrictDepartmentMember.create(department=district_dept, user=district_department)
    return CaseStreet(
        street=street,
        grid2_id=grid2.id,
        community2_id=community2.id,
        admin=admin,
        district_department=district_department,
        district_admin=district_admin,
        department_a_id=dept_a.id,
        department_b_id=dept_b.id,
        district_department_id=district_dept.id,
        resident_id=resident.id,
        walk_in_id=walk_in.id,
        category_id=category.id,
        tenant=street.code,
        **users,
    )


# -- GraphQL --------------------------------------------------------------------------------

CASE_FIELDS = """
  id title state level entryLevel round urgency source private public address
  dueAt signDueAt yellowAt warning overdue result resolvedLevel resolvedLate satisfaction
  grid { id } community { id } department { id } districtDepartment { id }
  handler { id } leader { id } reporter { id } enteredBy { id } contactName
  category { code }
"""


def mutation(name: str, input_type: str, fields: str = CASE_FIELDS) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename "
        f"... on CaseSuccess {{ case {{ {fields} }} }} "
        "... on UserError { code field message } } }"
    )


REPORT = mutation("reportCase", "ReportCaseInput")
REPORT_FOR = mutation("reportCaseFor", "ReportCaseForInput")
REPORT_RESOLVED = mutation("reportResolvedCase", "ReportResolvedCaseInput")
SIGN = mutation("signCase", "CaseNoteInput")
RESOLVE = mutation("resolveCase", "ResolveCaseInput")
ESCALATE = mutation("escalateCase", "CaseReasonInput")
SEND_BACK = mutation("sendBackCase", "CaseReasonInput")
PART_DONE = mutation("reportCasePartDone", "CaseNoteInput")
CLOSE = mutation("closeCaseDirectly", "ResolveCaseInput")
TRANSFER = mutation("transferCase", "TransferCaseInput")
LINK = mutation("linkCaseToDistrict", "LinkCaseInput")
SIGN_LINKED = mutation("signLinkedCase", "CaseNoteInput")
RESOLVE_LINKED = mutation("resolveLinkedCase", "ResolveCaseInput")
SEND_BACK_LINKED = mutation("sendBackLinkedCase", "CaseReasonInput")
RATE = mutation("rateCase", "RateCaseInput")
REREPORT = mutation("rereportCase", "CaseReasonInput")
RATE_ON_BEHALF = mutation("rateCaseOnBehalf", "RateCaseInput")
CALL_BACK = mutation("recordCaseCallBack", "RateCaseInput")
MAKE_PROJECT = mutation("makeProjectFromCase", "MakeProjectInput")

CASE = f"query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS} }} }}"
TIMELINE = """
query($id: ID!) { case(id: $id) { timeline(first: 100) { totalCount edges { node {
  action level toLevel state round note actor { id } } } } } }
"""


async def call(api: Api, cs: CaseStreet, user: User, query: str, variables: dict) -> dict:
    """As ``user``, in the case street; signed in again when a clock jump expired the token."""
    for _ in range(2):
        if user.username == cs.street.admin_username:  # its password came with the street
            await api.login(user.username, cs.street.admin_password)
        body = await api.as_user(user.username, query, variables, tenant=cs.tenant)
        if "TOKEN_EXPIRED" not in error_codes(body):
            return body
        api.tokens.pop(user.username, None)
    return body


async def run(api: Api, cs: CaseStreet, user: User, query: str, input: dict) -> dict:
    """A mutation's payload (its GraphQL errors fail the test)."""
    body = await call(api, cs, user, query, {"input": input})
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


async def ok(api: Api, cs: CaseStreet, user: User, query: str, input: dict) -> dict:
    """A mutation that must succeed: the case it returns."""
    payload = await run(api, cs, user, query, input)
    assert payload["__typename"] == "CaseSuccess", payload
    return payload["case"]


def report_input(cs: CaseStreet, **overrides: Any) -> dict:
    values: dict[str, Any] = {
        "title": "楼道堆放杂物",
        "categoryId": gid("CaseCategory", cs.category_id),
        "description": "三单元楼道堆满纸箱，影响通行",
        "address": "一格 3 单元",
    }
    values.update(overrides)
    return values


async def reported(api: Api, cs: CaseStreet, user: User | None = None, **overrides: Any) -> dict:
    """A case reported by the resident (grid 1), unless told otherwise."""
    return await ok(api, cs, user or cs.resident, REPORT, report_input(cs, **overrides))


async def at_street_desk(api: Api, cs: CaseStreet, **overrides: Any) -> str:
    """A case escalated grid → community → street desk, signed by the reviewer."""
    case = (await reported(api, cs, **overrides))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await ok(api, cs, cs.chief, ESCALATE, {"caseId": case, "reason": "需社区协调"})
    await ok(api, cs, cs.community, SIGN, {"caseId": case})
    await ok(api, cs, cs.community, ESCALATE, {"caseId": case, "reason": "需街道处理"})
    await ok(api, cs, cs.reviewer, SIGN, {"caseId": case})
    return case


async def resolved(api: Api, cs: CaseStreet, **overrides: Any) -> str:
    """A case reported by the resident and resolved at the grid."""
    case = (await reported(api, cs, **overrides))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": case, "result": "已清理"})
    return case


async def trace(street_id: int, case_pk: int | None = None) -> dict[str, list]:
    """What a street holds of cases, around the scoping layer: to prove nothing changed."""
    with unscoped("test: compare a street's case rows before and after"):
        found: dict[str, list] = {}
        for model in (
            Case,
            CaseStep,
            CaseAssignment,
            CaseRating,
            CaseCallBack,
            CaseMedia,
            CaseWarning,
            Notification,
        ):
            query = model.filter(tenant_id=street_id)
            found[model.__name__] = sorted(map(str, await query.values_list()))
        found["audit"] = await AuditEntry.filter(tenant_id=street_id).count()  # type: ignore[assignment]
        # The newest event, not their number: the relay prunes published events older than its
        # retention, and a test that moves the clock years ahead lets it prune in between.
        newest = await OutboxEvent.filter(tenant_id=street_id).order_by("-id").first()
        found["events"] = newest.id if newest else None  # type: ignore[assignment]
    return found


def pk(global_id: str) -> int:
    return from_global_id(global_id)[1]


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every cases model of a street, one row at least, through the domain's own operations
    (for the whole-model isolation test): the new street's rules come from its creation."""
    chief = await add_member(services, fixture.street_id, Role.GRID_CHIEF)
    reviewer = await add_member(services, fixture.street_id, Role.STREET_REVIEWER)
    staff = await add_member(services, fixture.street_id, Role.STREET_DEPARTMENT)
    leader = await add_member(services, fixture.street_id, Role.STREET_LEADER)
    with street_scope(fixture.street_id):
        street = await Street.get(id=fixture.street_id)
        admin = await User.get(username=fixture.admin_username)
        await GridAssignment.create(grid_id=fixture.grid_id, user=chief, duty=GridDuty.CHIEF)
        as_admin = Caller(services, admin, street)
        department = await setup.create_department(as_admin, f"d{index}", "测试科")
        await setup.add_department_member(as_admin, department.id, staff.id)
        await setup.set_leader(as_admin, leader.id, LeaderDuty.IN_CHARGE, None)
        await setup.set_grid_boundary(as_admin, fixture.grid_id, SQUARE)
        await open311.issue_key(as_admin, "测试系统")  # an Open311 key (its hash)
        category = await CaseCategory.get(code="city")
        as_chief = Caller(services, chief, street)
        as_reviewer = Caller(services, reviewer, street)
        # in the grid, with a photo: signed, resolved, rated, called back
        new = reporting.NewCase(
            title="隔离测试事项", category_id=category.id, grid_id=fixture.grid_id
        )
        case = await reporting.report_case(as_chief, new, Uploads(photos=[Chunks(PNG)]))
        await handling.sign(as_chief, case.id)
        await handling.resolve(as_chief, case.id, "已处理")
        await rating.rate(as_chief, case.id, Satisfaction.SATISFIED)
        await rating.call_back(as_reviewer, case.id, Satisfaction.SATISFIED)
        # at the street desk: transferred to a department, then past its yellow line
        other = await reporting.report_case(
            as_chief, reporting.NewCase(title="隔离测试事项二", category_id=category.id)
        )
        await handling.sign(as_reviewer, other.id)
        await handling.transfer(as_reviewer, other.id, handling.Part(department.id))
        await Case.filter(id=other.id).update(yellow_at=datetime(2020, 1, 1, tzinfo=UTC))
    await scan_case_deadlines(services)


class Chunks:
    """An upload read in chunks, as Starlette's UploadFile is."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def read(self, size: int = -1) -> bytes:
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk


async def seed_cases(services: Services, street: Street, grid_id: int, staff: User) -> None:
    """Cases for the N+1 guard (tests/platform/test_n_plus_one.py): six at the grid of
    ``staff`` (who serves it), each with a timeline of several steps and a photo."""
    as_staff = Caller(services, staff, street)
    category = await CaseCategory.get(code="city")
    for n in range(6):
        new = reporting.NewCase(title=f"事项{n}", category_id=category.id, grid_id=grid_id)
        case = await reporting.report_case(as_staff, new, Uploads(photos=[Chunks(PNG)]))
        await handling.sign(as_staff, case.id, "签收")
        if n % 2:
            await handling.resolve(as_staff, case.id, "已处理")
