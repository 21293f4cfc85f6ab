"""The progress board, the map and the totals: rankings, filters, no personal data on big
screens, and a constant number of SQL statements per board page."""

from __future__ import annotations

from datetime import timedelta

import geojson
import pytest

from bench.sqlcount import count_statements
from resolvers.services import Services
from tests.projects.support import (
    ProjectStreet,
    add_milestone,
    call,
    create_project,
    data,
    project_street,
    running_project,
    today,
)
from tests.support import Api, error_codes, gid

BOARD = """
query($first: Int, $after: String, $status: [ProjectStatus!], $category: String,
      $community: ID, $order: ProjectBoardOrder) {
  projectBoard(first: $first, after: $after, status: $status, category: $category,
               communityId: $community, order: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title status progress lateness budget spent averageSatisfaction ratingCount
      openOpinionCount overdueOpinionCount community { name } milestones { title done }
    } }
  }
}
"""
SET_PROGRESS = """
mutation($input: SetProjectProgressInput!) { setProjectProgress(input: $input) { __typename } }
"""
TOTALS = """
{ projectTotals {
    byStatus { status count } budget spent overBudgetCount activeCount yellowCount redCount
    onTimeShare openOpinionCount overdueOpinionCount ratingCount averageSatisfaction
} }
"""


@pytest.fixture(scope="module")
async def board_street(api_module: Api, services: Services) -> tuple[ProjectStreet, list[str]]:
    api = api_module
    ps = await project_street(services, "board")
    ids = []
    on = today(services)
    for i, percent in enumerate([10, 80, 50, 80]):
        project_id = await running_project(
            api,
            ps,
            services,
            title=f"项目{i}",
            category="道路" if i % 2 else "养老",
            budget="100.00",
        )
        await add_milestone(api, ps, project_id, on + timedelta(days=2 + 20 * i))
        variables = {"input": {"projectId": project_id, "percent": percent, "reason": "估算"}}
        await call(api, ps.department, SET_PROGRESS, variables)
        ids.append(project_id)
    proposed = await create_project(api, ps, services, title="提案", location=None)
    ids.append(proposed)
    return ps, ids


@pytest.fixture(scope="module")
async def api_module(app: object) -> Api:
    import httpx

    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 40000))  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    return Api(client)


def titles(body: dict) -> list[str]:
    return [e["node"]["title"] for e in data(body, "projectBoard")["edges"]]


async def test_board_ranks_by_progress_then_urgency_and_pages_with_cursors(
    api: Api, board_street: tuple[ProjectStreet, list[str]]
) -> None:
    ps, _ = board_street
    body = await call(api, ps.resident, BOARD, {"first": 10})
    # 80 % twice: the one whose milestone is due sooner first; the proposal (0 %) last.
    assert titles(body) == ["项目1", "项目3", "项目2", "项目0", "提案"]
    board = data(body, "projectBoard")
    assert board["totalCount"] == 5
    first = board["edges"][0]["node"]
    assert first["lateness"] == "ON_TIME" and first["community"] == {"name": "测试社区"}
    assert first["milestones"] == [{"title": "M", "done": False}]
    page1 = await call(api, ps.resident, BOARD, {"first": 2})
    cursor = data(page1, "projectBoard")["pageInfo"]["endCursor"]
    page2 = await call(api, ps.resident, BOARD, {"first": 2, "after": cursor})
    assert titles(page1) + titles(page2) == ["项目1", "项目3", "项目2", "项目0"]
    assert data(page2, "projectBoard")["pageInfo"]["hasNextPage"] is True
    late = await call(api, ps.resident, BOARD, {"order": "LATENESS"})
    assert titles(late)[0] == "项目0"  # due in two days: YELLOW
    assert data(late, "projectBoard")["edges"][0]["node"]["lateness"] == "YELLOW"
    bad = await call(api, ps.resident, BOARD, {"order": "LATENESS", "after": cursor})
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_board_filters(api: Api, board_street: tuple[ProjectStreet, list[str]]) -> None:
    ps, _ = board_street
    body = await call(api, ps.resident, BOARD, {"status": ["PROPOSED"]})
    assert titles(body) == ["提案"]
    body = await call(api, ps.resident, BOARD, {"category": "道路"})
    assert titles(body) == ["项目1", "项目3"]
    community = gid("Community", ps.street.community_id)
    body = await call(api, ps.resident, BOARD, {"community": community})
    assert len(titles(body)) == 5


async def test_board_statements_do_not_grow_with_the_page(
    api: Api, services: Services, board_street: tuple[ProjectStreet, list[str]]
) -> None:
    ps, _ = board_street
    await api.login(ps.resident.username)
    found = []
    for first in (1, 5):
        services.sessions.clear()  # both requests read the session
        with count_statements() as counter:
            body = await call(api, ps.resident, BOARD, {"first": first})
        assert len(titles(body)) == first
        found.append(counter.count)
    assert found[0] == found[1] > 0


async def test_a_display_reads_board_map_and_totals_but_no_person(
    api: Api, board_street: tuple[ProjectStreet, list[str]]
) -> None:
    ps, ids = board_street
    body = await call(api, ps.display, BOARD, {})
    assert len(titles(body)) == 5
    for personal in (
        "handler { id }",
        "leader { username }",
        "opinions { totalCount }",
        "updates { totalCount }",
        "ratings { totalCount }",
    ):
        body = await call(
            api,
            ps.display,
            "query($id: ID!) { project(id: $id) { " + personal + " } }",
            {"id": ids[0]},
        )
        assert error_codes(body) == ["FORBIDDEN"], personal
    body = await call(api, ps.display, "{ projectMap }", {})
    assert body["data"]["projectMap"]["type"] == "FeatureCollection"
    body = await call(api, ps.display, TOTALS, {})
    assert data(body, "projectTotals")["activeCount"] == 4
    staff = await call(
        api, ps.leader, "query($id: ID!) { project(id: $id) { handler { id } } }", {"id": ids[0]}
    )
    assert data(staff, "project")["handler"]["id"] == gid("Account", ps.department.id)


async def test_the_map_is_valid_geojson_of_located_projects(
    api: Api, board_street: tuple[ProjectStreet, list[str]]
) -> None:
    ps, ids = board_street
    body = await call(api, ps.resident, "{ projectMap }", {})
    collection = geojson.loads(geojson.dumps(body["data"]["projectMap"]))
    assert collection.is_valid
    assert {f["id"] for f in collection["features"]} == set(ids[:4])  # the proposal has no point
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.2, 30.55]}
    assert set(feature["properties"]) == {
        "id",
        "title",
        "category",
        "status",
        "progress",
        "lateness",
        "address",
    }
    body = await call(api, ps.resident, "{ projectMap(status: [PROPOSED]) }", {})
    assert body["data"]["projectMap"]["features"] == []


async def test_totals(
    api: Api, services: Services, board_street: tuple[ProjectStreet, list[str]]
) -> None:
    ps, _ = board_street
    body = await call(api, ps.leader, TOTALS, {})
    totals = data(body, "projectTotals")
    counts = {row["status"]: row["count"] for row in totals["byStatus"]}
    assert counts["IN_PROGRESS"] == 4 and counts["PROPOSED"] == 1 and counts["ACCEPTED"] == 0
    assert totals["budget"] == "1000400.00" and totals["spent"] == "0.00"
    assert (totals["activeCount"], totals["yellowCount"], totals["redCount"]) == (4, 1, 0)
    assert totals["onTimeShare"] == 1.0
    assert totals["averageSatisfaction"] is None and totals["ratingCount"] == 0
