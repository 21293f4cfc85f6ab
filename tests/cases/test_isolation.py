"""Street A never reads or changes street B's cases: every query, mutation and subscription of
the cases domain that takes an ID gets NOT_FOUND for B's IDs (cases, categories, departments,
grids, residents, accounts), and B's rows, audit chain and events stay as they were."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.clock import FrozenClock
from resolvers.services import Services
from tests.cases.support import (
    SIGN,
    CaseStreet,
    at_street_desk,
    call,
    case_street,
    clock_at,
    resolved,
    run,
    trace,
)
from tests.live import socket
from tests.support import Api, error_codes, gid


@dataclass(frozen=True)
class Pair:
    a: CaseStreet
    b: CaseStreet
    open_case: str  # B's, signed at its desk
    done_case: str  # B's, resolved
    a_case: str  # A's own, signed at its desk (the control for IDs beside the case)


@pytest.fixture(scope="module")
def module_clock(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock) as at:
        yield at


@pytest.fixture(scope="module")
async def two(services: Services, module_clock: FrozenClock, app: object) -> Pair:
    import httpx

    from tests.support import Api as Client

    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        api = Client(client)
        a = await case_street(services, "iso-ca")
        b = await case_street(services, "iso-cb")
        open_case = await at_street_desk(api, b)
        done_case = await resolved(api, b)
        a_case = await at_street_desk(api, a)
    return Pair(a, b, open_case, done_case, a_case)


def b_ids(two: Pair) -> dict[str, str]:
    b = two.b
    return {
        "@CASE": two.open_case,
        "@DONE": two.done_case,
        "@A_CASE": two.a_case,
        "@CATEGORY": gid("CaseCategory", b.category_id),
        "@DEPARTMENT": gid("Department", b.department_a_id),
        "@GRID": gid("Grid", b.street.grid_id),
        "@RESIDENT": gid("Resident", b.walk_in_id),
        "@STAFF": gid("Account", b.department.id),
        "@LEADER": gid("Account", b.leader.id),
        "@A_CATEGORY": gid("CaseCategory", two.a.category_id),
    }


def fill(value: object, ids: dict[str, str]) -> object:
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


REPORT = {"title": "x", "categoryId": "@A_CATEGORY"}
# (mutation, input type, input, who in street A asks, the field named)
MUTATIONS = [
    (
        "reportCase",
        "ReportCaseInput",
        {"title": "x", "categoryId": "@CATEGORY"},
        "resident",
        "categoryId",
    ),
    ("reportCase", "ReportCaseInput", {**REPORT, "gridId": "@GRID"}, "chief", "gridId"),
    (
        "reportCaseFor",
        "ReportCaseForInput",
        {**REPORT, "residentId": "@RESIDENT"},
        "worker",
        "residentId",
    ),
    (
        "reportResolvedCase",
        "ReportResolvedCaseInput",
        {**REPORT, "gridId": "@GRID", "result": "x"},
        "chief",
        "gridId",
    ),
    ("signCase", "CaseNoteInput", {"caseId": "@CASE"}, "reviewer", "caseId"),
    ("resolveCase", "ResolveCaseInput", {"caseId": "@CASE", "result": "x"}, "reviewer", "caseId"),
    ("escalateCase", "CaseReasonInput", {"caseId": "@CASE", "reason": "x"}, "reviewer", "caseId"),
    ("sendBackCase", "CaseReasonInput", {"caseId": "@CASE", "reason": "x"}, "reviewer", "caseId"),
    (
        "reportCasePartDone",
        "CaseNoteInput",
        {"caseId": "@CASE", "note": "x"},
        "department",
        "caseId",
    ),
    (
        "closeCaseDirectly",
        "ResolveCaseInput",
        {"caseId": "@CASE", "result": "x"},
        "reviewer",
        "caseId",
    ),
    (
        "transferCase",
        "TransferCaseInput",
        {"caseId": "@CASE", "lead": {"departmentId": "@DEPARTMENT"}},
        "reviewer",
        "caseId",
    ),
    (
        "transferCase",
        "TransferCaseInput",
        {"caseId": "@A_CASE", "lead": {"departmentId": "@DEPARTMENT"}},
        "reviewer",
        "leadDepartmentId",
    ),
    (
        "linkCaseToDistrict",
        "LinkCaseInput",
        {"caseId": "@CASE", "districtDepartmentId": "@DD"},
        "reviewer",
        "caseId",
    ),
    ("signLinkedCase", "CaseNoteInput", {"caseId": "@CASE"}, "district_department", "caseId"),
    (
        "resolveLinkedCase",
        "ResolveCaseInput",
        {"caseId": "@CASE", "result": "x"},
        "district_department",
        "caseId",
    ),
    (
        "sendBackLinkedCase",
        "CaseReasonInput",
        {"caseId": "@CASE", "reason": "x"},
        "district_department",
        "caseId",
    ),
    (
        "escalateLinkedCase",
        "CaseReasonInput",
        {"caseId": "@CASE", "reason": "x"},
        "district_department",
        "caseId",
    ),
    (
        "rateCase",
        "RateCaseInput",
        {"caseId": "@DONE", "satisfaction": "SATISFIED"},
        "resident",
        "caseId",
    ),
    ("rereportCase", "CaseReasonInput", {"caseId": "@DONE", "reason": "x"}, "resident", "caseId"),
    (
        "rateCaseOnBehalf",
        "RateCaseInput",
        {"caseId": "@DONE", "satisfaction": "SATISFIED"},
        "worker",
        "caseId",
    ),
    (
        "recordCaseCallBack",
        "RateCaseInput",
        {"caseId": "@DONE", "satisfaction": "SATISFIED"},
        "reviewer",
        "caseId",
    ),
    (
        "makeProjectFromCase",
        "MakeProjectInput",
        {
            "caseId": "@CASE",
            "department": "x",
            "plannedStart": "2026-07-01",
            "plannedEnd": "2026-08-01",
            "budget": "1.00",
        },
        "leader",
        "caseId",
    ),
]
SETUP = [
    (
        "saveCaseCategory",
        "CaseCategoryInput",
        {"code": "x-1", "name": "x", "kind": "SERVICE", "categoryId": "@CATEGORY"},
        "categoryId",
    ),
    (
        "addDepartmentMember",
        "DepartmentMemberInput",
        {"departmentId": "@DEPARTMENT", "accountId": "@STAFF"},
        "departmentId",
    ),
    ("setCaseLeader", "CaseLeaderInput", {"accountId": "@LEADER", "duty": "HEAD"}, "accountId"),
    (
        "setCaseLeader",
        "CaseLeaderInput",
        {"accountId": "@A_LEADER", "duty": "HEAD", "categoryId": "@CATEGORY"},
        "categoryId",
    ),
    (
        "setCaseDeadlineRule",
        "DeadlineRuleInput",
        {
            "level": "GRID",
            "urgency": "URGENT",
            "signDays": 1,
            "resolveDays": 2,
            "categoryId": "@CATEGORY",
        },
        "categoryId",
    ),
    (
        "setCaseClosureRule",
        "ClosureRuleInput",
        {"lowestLevel": "STREET", "categoryId": "@CATEGORY"},
        "categoryId",
    ),
    (
        "setGridBoundary",
        "GridBoundaryInput",
        {
            "gridId": "@GRID",
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
        "gridId",
    ),
]


async def assert_not_found(
    api: Api, two: Pair, user: object, name: str, input_type: str, values: dict, field: str
) -> None:
    ids = b_ids(two)
    ids["@DD"] = gid("DistrictDepartment", two.b.district_department_id)
    ids["@A_LEADER"] = gid("Account", two.a.leader.id)
    before = await trace(two.b.street.street_id)
    query = (
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename "
        "... on UserError { code field } } }"
    )
    body = await call(api, two.a, user, query, {"i": fill(values, ids)})  # type: ignore[arg-type]
    assert "errors" not in body, body
    result = body["data"][name]
    assert (result["__typename"], result["code"], result["field"]) == (
        "InputError",
        "NOT_FOUND",
        field,
    ), result
    assert await trace(two.b.street.street_id) == before
    assert two.b.street.code not in str(body)


@pytest.mark.parametrize(
    ("name", "input_type", "values", "who", "field"),
    MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)],
)
async def test_a_mutation_with_another_streets_id_is_not_found_and_changes_nothing(
    api: Api, two: Pair, name: str, input_type: str, values: dict, who: str, field: str
) -> None:
    await assert_not_found(api, two, getattr(two.a, who), name, input_type, values, field)


@pytest.mark.parametrize(
    ("name", "input_type", "values", "field"),
    SETUP,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(SETUP)],
)
async def test_a_setup_mutation_with_another_streets_id_is_not_found(
    api: Api, two: Pair, name: str, input_type: str, values: dict, field: str
) -> None:
    await assert_not_found(api, two, two.a.admin, name, input_type, values, field)


QUERIES = [
    ("query($id: ID!) { case(id: $id) { title } }", {"id": "@CASE"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "@CASE"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "@CATEGORY"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "@DEPARTMENT"}),
    ("query($id: ID!) { cases(filter: {categoryId: $id}) { totalCount } }", {"id": "@CATEGORY"}),
    ("query($id: ID!) { cases(filter: {gridId: $id}) { totalCount } }", {"id": "@GRID"}),
]


@pytest.mark.parametrize(("query", "values"), QUERIES)
async def test_a_query_with_another_streets_id_is_not_found(
    api: Api, two: Pair, query: str, values: dict
) -> None:
    own = await call(api, two.b, two.b.reviewer, query, fill(values, b_ids(two)))  # type: ignore[arg-type]
    assert "errors" not in own and "null" not in str(own["data"]).lower(), own  # the control
    body = await call(api, two.a, two.a.reviewer, query, fill(values, b_ids(two)))  # type: ignore[arg-type]
    if "node" in query:
        assert body["data"] == {"node": None} or error_codes(body) == ["NOT_FOUND"], body
    else:
        assert body["data"] is None and error_codes(body) == ["NOT_FOUND"], body
    assert "楼道堆放杂物" not in str(body)


async def test_lists_and_queues_show_only_the_own_street(api: Api, two: Pair) -> None:
    query = "{ cases { edges { node { id } } } caseQueue { edges { node { id } } } }"
    body = await call(api, two.a, two.a.reviewer, query, {})
    seen = {e["node"]["id"] for part in body["data"].values() for e in part["edges"]}
    assert two.a_case in seen and not {two.open_case, two.done_case} & seen


async def test_subscribing_to_another_streets_case_is_refused(
    api: Api, two: Pair, live_url: str
) -> None:
    token = await api.login(two.a.reviewer.username)
    async with socket(live_url, token, two.a.street.code) as ws:
        await ws.subscribe(
            "1", "subscription($id: ID!) { caseProgress(id: $id) { type } }", id=two.open_case
        )
        message = await ws.receive()
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


async def test_the_control_b_reads_its_own_case_and_a_signs_its_own(api: Api, two: Pair) -> None:
    body = await call(
        api,
        two.b,
        two.b.reviewer,
        "query($id: ID!) { case(id: $id) { id } }",
        {"id": two.open_case},
    )
    assert body["data"]["case"]["id"] == two.open_case
    payload = await run(api, two.a, two.a.reviewer, SIGN, {"caseId": two.a_case})
    assert payload["code"] == "ALREADY_SIGNED"  # A's own case is found (and already signed)
