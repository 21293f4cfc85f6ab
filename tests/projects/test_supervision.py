"""The supervision desk: opinions, replies within working days, reply ratings; following and
satisfaction ratings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.clock import LOCAL_TZ, FrozenClock
from core.ids import from_global_id
from models.projects import Opinion, Rating
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.projects.support import (
    ProjectStreet,
    call,
    create_project,
    data,
    move,
    project_street,
    running_project,
)
from tests.support import Api, error_codes

POST = """
mutation($input: PostSupervisionOpinionInput!) {
  postSupervisionOpinion(input: $input) {
    __typename
    ... on OpinionSuccess { opinion { id replyDueOn overdue reply } }
    ... on UserError { code field message }
  }
}
"""
REPLY = """
mutation($input: ReplyToOpinionInput!) {
  replyToOpinion(input: $input) {
    __typename
    ... on OpinionSuccess { opinion { id reply overdue repliedBy { id } } }
    ... on UserError { code field message }
  }
}
"""
RATE_REPLY = """
mutation($input: RateOpinionReplyInput!) {
  rateOpinionReply(input: $input) {
    __typename
    ... on OpinionSuccess { opinion { replyScore } }
    ... on UserError { code field message }
  }
}
"""
RATE = """
mutation($input: RateProjectInput!) {
  rateProject(input: $input) {
    __typename
    ... on RateProjectSuccess {
      rating { score comment } project { averageSatisfaction ratingCount }
    }
    ... on UserError { code field message }
  }
}
"""
FOLLOW = """
mutation($input: FollowProjectInput!) {
  followProject(input: $input) {
    __typename
    ... on FollowProjectSuccess { following project { followerCount } }
  }
}
"""
OPINIONS = """
query($id: ID!) {
  project(id: $id) {
    openOpinionCount overdueOpinionCount
    opinions { edges { node { body overdue author { id } } } }
  }
}
"""
BOARD = """
{ projectBoard(first: 50) { edges { node {
    id openOpinionCount overdueOpinionCount averageSatisfaction ratingCount
} } } }
"""
INBOX = "{ notifications { edges { node { kind title subject } } } }"


@pytest.fixture(scope="module")
async def ps(services: Services) -> ProjectStreet:
    return await project_street(services, "sup")


async def on_board(api: Api, user: object, project_id: str) -> dict:
    """The project's figures as the progress board computes them (one query for the page)."""
    body = await call(api, user, BOARD, {})
    nodes = [e["node"] for e in data(body, "projectBoard")["edges"]]
    return next(n for n in nodes if n["id"] == project_id)


async def post(api: Api, ps: ProjectStreet, project_id: str, body: str = "进度偏慢") -> dict:
    result = await call(
        api, ps.representative, POST, {"input": {"projectId": project_id, "body": body}}
    )
    return data(result, "postSupervisionOpinion")


def at_local(clock: FrozenClock, year: int, month: int, day: int) -> None:
    clock.current = datetime(year, month, day, 10, tzinfo=LOCAL_TZ)


async def test_reply_days_follow_the_holiday_calendar(
    api: Api, services: Services, clock: FrozenClock, ps: ProjectStreet
) -> None:
    """The one working-day calendar of cases and the bell: National Day 2024 (1–7 October) is
    off, and Sunday 29 September is a swapped working day (调休)."""
    project_id = await running_project(api, ps, services)
    real = clock.current
    try:
        at_local(clock, 2024, 9, 27)  # a Friday
        api.tokens.clear()
        opinion = (await post(api, ps, project_id))["opinion"]
    finally:
        clock.current = real
        api.tokens.clear()
    assert opinion["replyDueOn"] == "2024-10-10"  # 29 Sep, 30 Sep, 8, 9, 10 Oct


async def test_reply_is_due_in_five_working_days_and_overdue_ones_are_counted(
    api: Api, services: Services, clock: FrozenClock, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    real = clock.current
    try:
        at_local(clock, 2024, 5, 3)  # a Friday
        api.tokens.clear()
        opinion = (await post(api, ps, project_id))["opinion"]
        assert opinion["replyDueOn"] == "2024-05-10"  # the May Day holiday and a weekend skipped
        assert opinion["overdue"] is False
        at_local(clock, 2024, 5, 13)
        api.tokens.clear()
        body = await call(api, ps.deliberator, OPINIONS, {"id": project_id})
        project = data(body, "project")
        assert (project["openOpinionCount"], project["overdueOpinionCount"]) == (1, 1)
        board = await on_board(api, ps.deliberator, project_id)
        assert (board["openOpinionCount"], board["overdueOpinionCount"]) == (1, 1)
        assert project["opinions"]["edges"][0]["node"]["overdue"] is True
        reply = await call(
            api, ps.department, REPLY, {"input": {"opinionId": opinion["id"], "body": "已加派人手"}}
        )
        replied = data(reply, "replyToOpinion")["opinion"]
        assert replied["reply"] == "已加派人手" and replied["overdue"] is True
        body = await call(api, ps.deliberator, OPINIONS, {"id": project_id})
        assert data(body, "project")["openOpinionCount"] == 0
        assert data(body, "project")["overdueOpinionCount"] == 1  # answered late stays counted
        board = await on_board(api, ps.deliberator, project_id)
        assert (board["openOpinionCount"], board["overdueOpinionCount"]) == (0, 1)
    finally:
        clock.current = real
        api.tokens.clear()


async def test_the_author_is_notified_and_only_they_rate_the_reply(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    opinion = (await post(api, ps, project_id))["opinion"]
    early = await call(
        api, ps.representative, RATE_REPLY, {"input": {"opinionId": opinion["id"], "score": 4}}
    )
    assert data(early, "rateOpinionReply")["code"] == "BAD_USER_INPUT"
    await call(api, ps.department, REPLY, {"input": {"opinionId": opinion["id"], "body": "收到"}})
    again = await call(
        api, ps.department, REPLY, {"input": {"opinionId": opinion["id"], "body": "x"}}
    )
    assert data(again, "replyToOpinion")["__typename"] == "InputError"
    inbox = data(await call(api, ps.representative, INBOX, {}), "notifications")["edges"]
    assert inbox[0]["node"]["kind"] == "project.opinion_replied"
    assert inbox[0]["node"]["subject"] == opinion["id"]
    other = await call(
        api, ps.deliberator, RATE_REPLY, {"input": {"opinionId": opinion["id"], "score": 1}}
    )
    assert data(other, "rateOpinionReply")["code"] == "FORBIDDEN"
    bad = await call(
        api, ps.representative, RATE_REPLY, {"input": {"opinionId": opinion["id"], "score": 6}}
    )
    assert data(bad, "rateOpinionReply")["field"] == "score"
    good = await call(
        api, ps.representative, RATE_REPLY, {"input": {"opinionId": opinion["id"], "score": 4}}
    )
    assert data(good, "rateOpinionReply")["opinion"]["replyScore"] == 4


async def test_residents_cannot_post_opinions(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    body = await call(api, ps.resident, POST, {"input": {"projectId": project_id, "body": "x"}})
    assert error_codes(body) == ["FORBIDDEN"]


async def test_an_opinion_on_another_streets_project_is_not_found_and_not_written(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    other = await project_street(services, "sup-b")
    foreign = await create_project(api, other, services)
    result = await post(api, ps, foreign)
    assert (result["__typename"], result["code"]) == ("InputError", "NOT_FOUND")
    with unscoped("test count"):
        assert not await Opinion.filter(project_id=from_global_id(foreign)[1]).exists()


async def test_one_rating_per_person_changeable_until_accepted(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)

    async def rate(user, score: int, comment: str = "") -> dict:
        variables = {"input": {"projectId": project_id, "score": score, "comment": comment}}
        return data(await call(api, user, RATE, variables), "rateProject")

    assert (await rate(ps.resident, 5))["code"] == "BAD_USER_INPUT"  # not completed yet
    await move(api, ps, project_id, "COMPLETED")
    for score in (0, 6, -1):
        assert (await rate(ps.resident, score))["field"] == "score"
    assert (await rate(ps.resident, 2, "太吵"))["project"] == {
        "averageSatisfaction": 2.0,
        "ratingCount": 1,
    }
    changed = await rate(ps.resident, 4, "后来好了")
    assert changed["rating"] == {"score": 4, "comment": "后来好了"}
    assert (await rate(ps.representative, 5))["project"] == {
        "averageSatisfaction": 4.5,
        "ratingCount": 2,
    }
    board = await on_board(api, ps.resident, project_id)
    assert (board["averageSatisfaction"], board["ratingCount"]) == (4.5, 2)
    await move(api, ps, project_id, "ACCEPTED")
    assert (await rate(ps.resident, 1))["code"] == "BAD_USER_INPUT"
    with unscoped("test count"):
        scores = await Rating.filter(project_id=from_global_id(project_id)[1]).order_by("id")
    assert [r.score for r in scores] == [4, 5]


async def test_followers_hear_of_status_changes(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    for _ in range(2):  # following twice is the same as once
        body = await call(api, ps.resident2, FOLLOW, {"input": {"projectId": project_id}})
        assert data(body, "followProject") == {
            "__typename": "FollowProjectSuccess",
            "following": True,
            "project": {"followerCount": 1},
        }
    await move(api, ps, project_id, "CANDIDATE")
    inbox = data(await call(api, ps.resident2, INBOX, {}), "notifications")["edges"]
    assert [e["node"]["kind"] for e in inbox] == ["project.status"]
    assert "CANDIDATE" in inbox[0]["node"]["title"]
    body = await call(
        api, ps.resident2, FOLLOW, {"input": {"projectId": project_id, "follow": False}}
    )
    assert data(body, "followProject")["project"]["followerCount"] == 0
    await move(api, ps, project_id, "APPROVED")
    inbox = data(await call(api, ps.resident2, INBOX, {}), "notifications")["edges"]
    assert len(inbox) == 1
    assert timedelta(0) == timedelta(0)
