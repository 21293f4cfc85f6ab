"""Who sees which cases (行级规则), written out by hand and compared with the declarations of
``resolvers/cases/rows.py``; then each scope through the API, as its users see it.

SELF for a case is the caller's own: reported or entered by them, about the resident they are,
signed by them, a round they lead, or dispatched to their department (street or district)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from models.accounts import Role
from policies.rows import Scope
from resolvers.cases.rows import RULES
from resolvers.services import Services
from tests.cases.support import (
    LINK,
    REPORT_FOR,
    SIGN,
    TRANSFER,
    CaseStreet,
    at_street_desk,
    call,
    case_street,
    clock_at,
    ok,
    report_input,
    reported,
)
from tests.support import Api, error_codes, gid

N, SELF, G, C, S = Scope.NONE, Scope.SELF, Scope.OWN_GRIDS, Scope.OWN_COMMUNITIES, Scope.STREET
TABLE: dict[Role, Scope] = {
    Role.RESIDENT: SELF,
    Role.BUILDING_CHIEF: SELF,
    Role.GRID_WORKER: G | SELF,
    Role.GRID_CHIEF: G | SELF,
    Role.COMMUNITY_STAFF: C | SELF,
    Role.STREET_REVIEWER: S,
    Role.STREET_DEPARTMENT: SELF,
    Role.STREET_LEADER: S,
    Role.STREET_ADMIN: S,
    Role.DISTRICT_DEPARTMENT: SELF,
    Role.DISTRICT_ADMIN: S,
    Role.REPRESENTATIVE: N,
    Role.DELIBERATOR: N,
    Role.CONGRESS_STAFF: N,
    Role.PROFESSIONAL: N,
    Role.DISPLAY: N,
    Role.PLATFORM_ADMIN: N,
}


def test_the_declarations_match_the_table() -> None:
    assert set(TABLE) == set(Role)
    assert RULES.table() == {("Case", role.value): scope for role, scope in TABLE.items()}


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    return await case_street(services, "rows")


LIST = "{ cases(first: 100) { totalCount edges { node { id } } } }"


async def seen(api: Api, cs: CaseStreet, user: object) -> set[str]:
    body = await call(api, cs, user, LIST, {})  # type: ignore[arg-type]
    assert "errors" not in body, body
    return {e["node"]["id"] for e in body["data"]["cases"]["edges"]}


async def test_each_role_sees_its_own_rows(api: Api, cs: CaseStreet) -> None:
    mine = (await reported(api, cs))["id"]  # the resident's, grid 1 / community 1
    theirs = (await reported(api, cs, cs.resident2))["id"]  # grid 2 / community 2
    entered = (
        await ok(
            api,
            cs,
            cs.worker,
            REPORT_FOR,
            {**report_input(cs), "residentId": gid("Resident", cs.walk_in_id)},
        )
    )["id"]
    transferred = await at_street_desk(api, cs)  # the resident's, through the desk
    lead = {"departmentId": gid("Department", cs.department_a_id)}
    await ok(api, cs, cs.reviewer, TRANSFER, {"caseId": transferred, "lead": lead})
    linked = await at_street_desk(api, cs)
    district = gid("DistrictDepartment", cs.district_department_id)
    await ok(api, cs, cs.reviewer, LINK, {"caseId": linked, "districtDepartmentId": district})
    every = {mine, theirs, entered, transferred, linked}

    assert await seen(api, cs, cs.resident) == {mine, transferred, linked}  # SELF
    assert await seen(api, cs, cs.resident2) == {theirs}
    assert await seen(api, cs, cs.worker) == {mine, entered, transferred, linked}  # OWN_GRIDS
    assert await seen(api, cs, cs.chief2) == {theirs}
    assert await seen(api, cs, cs.community) == {mine, entered, transferred, linked}
    assert await seen(api, cs, cs.department) == {transferred}  # dispatched to it
    assert await seen(api, cs, cs.department_b) == set()
    assert await seen(api, cs, cs.district_department) == {linked}  # escalated to it
    for user in (cs.reviewer, cs.leader, cs.admin, cs.district_admin):  # STREET
        assert await seen(api, cs, user) == every


async def test_a_display_gets_counts_never_a_case(api: Api, cs: CaseStreet) -> None:
    await reported(api, cs)
    body = await call(api, cs, cs.display, LIST, {})
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"]
    body = await call(api, cs, cs.display, "{ caseCounts { state level count } }", {})
    assert body["data"]["caseCounts"] == [{"state": "PENDING", "level": "GRID", "count": 1}]


async def test_the_district_admin_reads_but_never_writes(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]
    body = await call(
        api,
        cs,
        cs.district_admin,
        "mutation($i: CaseNoteInput!) { signCase(input: $i) { __typename } }",
        {"i": {"caseId": case}},
    )
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"]


async def test_a_private_reporter_is_shown_only_to_the_first_handler_and_reviewers(
    api: Api, cs: CaseStreet
) -> None:
    case = (await reported(api, cs, private=True))["id"]
    query = "query($id: ID!) { case(id: $id) { reporter { id } } }"
    me = {"reporter": {"id": gid("Account", cs.resident.id)}}
    assert (await call(api, cs, cs.resident, query, {"id": case}))["data"]["case"] == me
    assert (await call(api, cs, cs.reviewer, query, {"id": case}))["data"]["case"] == me
    hidden = {"reporter": None}
    assert (await call(api, cs, cs.worker, query, {"id": case}))["data"]["case"] == hidden
    await ok(api, cs, cs.worker, SIGN, {"caseId": case})  # the first handler
    assert (await call(api, cs, cs.worker, query, {"id": case}))["data"]["case"] == me
    assert (await call(api, cs, cs.chief, query, {"id": case}))["data"]["case"] == hidden
    assert (await call(api, cs, cs.leader, query, {"id": case}))["data"]["case"] == hidden


async def test_the_public_map_shows_public_cases_without_personal_data(
    api: Api, cs: CaseStreet
) -> None:
    shown = await reported(api, cs, public=True, location={"longitude": 114.2, "latitude": 30.55})
    await reported(api, cs, location={"longitude": 114.2, "latitude": 30.55})  # not public
    body = await call(api, cs, cs.display, "{ publicCaseMap }", {})
    features = body["data"]["publicCaseMap"]["features"]
    assert [f["id"] for f in features] == [shown["id"]]
    assert set(features[0]["properties"]) == {"title", "category", "state", "level", "reportedOn"}
    assert "张三" not in str(body)
