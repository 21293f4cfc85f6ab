"""Street A never reads or changes street B's projects: every project query, mutation and
subscription that takes an ID gets NOT_FOUND for B's IDs, and B's rows stay as they were."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from models.projects import Disbursement, Follow, Milestone, Opinion, Project, Rating
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.live import socket
from tests.projects.support import (
    ProjectStreet,
    add_milestone,
    call,
    create_project,
    data,
    move,
    project_street,
    running_project,
    today,
)
from tests.support import Api, error_codes, gid


@dataclass(frozen=True)
class Pair:
    a: ProjectStreet
    b: ProjectStreet
    project: str  # B's
    milestone: str  # B's
    opinion: str  # B's


@pytest.fixture
async def two(api: Api, services: Services) -> Pair:
    a = await project_street(services, "iso-pa")
    b = await project_street(services, "iso-pb")
    project = await running_project(api, b, services)
    milestone = (await add_milestone(api, b, project, today(services) + timedelta(days=9)))[
        "milestone"
    ]["id"]
    body = await call(
        api,
        b.representative,
        "mutation($i: PostSupervisionOpinionInput!) { postSupervisionOpinion(input: $i) "
        "{ ... on OpinionSuccess { opinion { id } } } }",
        {"i": {"projectId": project, "body": "B 的意见"}},
    )
    opinion = data(body, "postSupervisionOpinion")["opinion"]["id"]
    return Pair(a, b, project, milestone, opinion)


async def snapshot(street_id: int) -> dict[str, list]:
    with unscoped("test: B's project rows"):
        return {
            model.__name__: sorted(map(str, await model.filter(tenant_id=street_id).values_list()))
            for model in (Project, Milestone, Disbursement, Opinion, Follow, Rating)
        }


MUTATIONS = [
    (
        "changeProjectStatus",
        "ChangeProjectStatusInput",
        {"projectId": "P", "to": "SUSPENDED", "reason": "x"},
        "leader",
    ),
    (
        "reportProjectStatus",
        "ChangeProjectStatusInput",
        {"projectId": "P", "to": "COMPLETED"},
        "department",
    ),
    (
        "addMilestone",
        "AddMilestoneInput",
        {"projectId": "P", "title": "x", "plannedDate": "2099-01-01"},
        "department",
    ),
    ("completeMilestone", "CompleteMilestoneInput", {"milestoneId": "M"}, "department"),
    (
        "setProjectProgress",
        "SetProjectProgressInput",
        {"projectId": "P", "percent": 5, "reason": "x"},
        "department",
    ),
    (
        "postProgressUpdate",
        "PostProgressUpdateInput",
        {"projectId": "P", "body": "x"},
        "department",
    ),
    (
        "recordDisbursement",
        "RecordDisbursementInput",
        {"projectId": "P", "amount": "1.00", "paidOn": "2024-01-01", "purpose": "x"},
        "department",
    ),
    (
        "postSupervisionOpinion",
        "PostSupervisionOpinionInput",
        {"projectId": "P", "body": "x"},
        "representative",
    ),
    ("replyToOpinion", "ReplyToOpinionInput", {"opinionId": "O", "body": "x"}, "department"),
    ("rateOpinionReply", "RateOpinionReplyInput", {"opinionId": "O", "score": 3}, "representative"),
    ("followProject", "FollowProjectInput", {"projectId": "P"}, "resident"),
    (
        "updateProject",
        "UpdateProjectInput",
        {
            "projectId": "P",
            "title": "x",
            "category": "x",
            "department": "x",
            "plannedStart": "2024-01-01",
            "plannedEnd": "2024-02-01",
            "budget": "1.00",
            "reason": "x",
        },
        "leader",
    ),
    ("rateProject", "RateProjectInput", {"projectId": "P", "score": 3}, "resident"),
    (
        "createProject",
        "CreateProjectInput",
        {
            "title": "x",
            "category": "x",
            "department": "x",
            "plannedStart": "2024-01-01",
            "plannedEnd": "2024-02-01",
            "budget": "1.00",
            "communityId": "C",
        },
        "leader",
    ),
    (
        "createProject",
        "CreateProjectInput",
        {
            "title": "x",
            "category": "x",
            "department": "x",
            "plannedStart": "2024-01-01",
            "plannedEnd": "2024-02-01",
            "budget": "1.00",
            "handlerId": "H",
        },
        "leader",
    ),
]


def fill(value: dict, two: Pair) -> dict:
    ids = {
        "P": two.project,
        "M": two.milestone,
        "O": two.opinion,
        "C": gid("Community", two.b.street.community_id),
        "H": gid("Account", two.b.department.id),
    }
    return {k: ids.get(v, v) if isinstance(v, str) else v for k, v in value.items()}


@pytest.mark.parametrize(
    ("name", "input_type", "values", "role"),
    MUTATIONS,
    ids=[m[0] + str(i) for i, m in enumerate(MUTATIONS)],
)
async def test_a_mutation_with_another_streets_id_is_not_found_and_changes_nothing(
    api: Api, two: Pair, name: str, input_type: str, values: dict, role: str
) -> None:
    before = await snapshot(two.b.street.street_id)
    query = (
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ __typename "
        "... on UserError { code field } } }"
    )
    body = await call(api, getattr(two.a, role), query, {"i": fill(values, two)})
    result = data(body, name)
    assert result["__typename"] == "InputError" and result["code"] == "NOT_FOUND", result
    assert await snapshot(two.b.street.street_id) == before
    assert two.b.street.code not in str(body)


QUERIES = [
    ("query($id: ID!) { project(id: $id) { title } }", {"id": "P"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "P"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "M"}),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "O"}),
    ("query($id: ID!) { projectBoard(communityId: $id) { totalCount } }", {"id": "C"}),
]


@pytest.mark.parametrize(("query", "values"), QUERIES)
async def test_a_query_with_another_streets_id_is_not_found(
    api: Api, two: Pair, query: str, values: dict
) -> None:
    own = await call(api, two.b.leader, query, fill(values, two))
    assert "errors" not in own, own  # the control: B reads its own
    body = await call(api, two.a.leader, query, fill(values, two))
    assert body["data"] is None and error_codes(body) == ["NOT_FOUND"], body
    assert "B 的意见" not in str(body) and "老旧小区" not in str(body)


async def test_subscribing_to_another_streets_project_is_refused(
    api: Api, two: Pair, live_url: str
) -> None:
    token = await api.login(two.a.leader.username)
    async with socket(live_url, token, two.a.street.code) as ws:
        await ws.subscribe(
            "1", "subscription($id: ID!) { projectProgress(id: $id) { type } }", id=two.project
        )
        message = await ws.receive()
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


async def test_board_map_and_totals_show_only_the_own_street(
    api: Api, services: Services, two: Pair
) -> None:
    mine = await create_project(api, two.a, services, title="A 的项目")
    await move(api, two.a, mine, "CANDIDATE")
    body = await call(api, two.a.display, "{ projectBoard { edges { node { id } } } }", {})
    assert [e["node"]["id"] for e in data(body, "projectBoard")["edges"]] == [mine]
    body = await call(api, two.a.display, "{ projectMap }", {})
    assert [f["id"] for f in body["data"]["projectMap"]["features"]] == [mine]
    body = await call(api, two.a.display, "{ projectTotals { openOpinionCount budget } }", {})
    assert data(body, "projectTotals") == {"openOpinionCount": 0, "budget": "1000000.00"}
