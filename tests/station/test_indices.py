"""The indices (指数) on a small fixed data set, computed by hand, equal the API's; a period in
the future or reversed is BAD_PERIOD. And the station's figures."""

from __future__ import annotations

import secrets
from datetime import timedelta

from core.clock import local_date
from models.accounts import Role
from models.outreach import ContactCode, Delegate, DelegateKind, DelegateLevel
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import RATE, case_street, ok, resolved
from tests.cases.support import call as case_call
from tests.station.support import (
    ANSWER,
    CLAIM,
    CONFIRM,
    FIGURES,
    POST_TASK,
    REPORT,
    WRITE,
    suggestion_input,
)
from tests.station.support import (
    RATE as RATE_SUGGESTION,
)
from tests.station.test_activities import CHECK_IN, PUBLISH, SIGN_UP, activity_input
from tests.support import Api, add_member, error_codes, gid

SATISFACTION = """
query($start: Date!, $end: Date!, $community: ID) {
  satisfactionIndex(start: $start, end: $end, communityId: $community) {
    index count points parts { source count points }
  }
}
"""
ACTIVITY = """
query($start: Date!, $end: Date!) { activityIndex(start: $start, end: $end) {
  delegate { id } index answeredOnTime visits activitiesAttended tasksDone opinions
} }
"""


async def test_the_indices_computed_by_hand_equal_the_apis(api: Api, services: Services) -> None:
    cs = await case_street(services, "station-index")
    sid = cs.street.street_id
    rep = await add_member(services, sid, Role.REPRESENTATIVE)
    congress = await add_member(services, sid, Role.CONGRESS_STAFF)
    token = secrets.token_urlsafe(24)
    with street_scope(sid):
        delegate = await Delegate.create(
            kind=DelegateKind.REPRESENTATIVE, name="王代表", level=DelegateLevel.CITY, user=rep
        )
        await ContactCode.create(delegate=delegate, token=token, created_at=services.clock.now())

    async def run(user: object, op: str, variables: dict, name: str) -> dict:
        body = await case_call(api, cs, user, op, variables)  # type: ignore[arg-type]
        assert "errors" not in body, body
        return body["data"][name]

    # Two case ratings: 满意 (1 point) and 基本满意 (0.5).
    for satisfaction in ("SATISFIED", "BASICALLY_SATISFIED"):
        case = await resolved(api, cs)
        await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": satisfaction})
    # Two suggestions, answered on time, rated 4 ((4 − 1) ÷ 4 = 0.75) and 2 (0.25).
    for rating in (4, 2):
        written = await run(
            cs.resident, WRITE, {"input": suggestion_input(token)}, "writeSuggestion"
        )
        sug = written["suggestion"]["id"]
        await run(rep, ANSWER, {"id": sug, "answer": "已办"}, "answerSuggestion")
        await run(cs.resident, RATE_SUGGESTION, {"id": sug, "rating": rating}, "rateSuggestion")
    # One task done (claimed, reported, confirmed) and one activity attended.
    task = await run(congress, POST_TASK, {"title": "走访", "places": 2}, "postStationTask")
    claim = await run(rep, CLAIM, {"task": task["task"]["id"]}, "claimStationTask")
    await run(rep, REPORT, {"task": task["task"]["id"], "report": "已走访"}, "reportStationTask")
    await run(congress, CONFIRM, {"claim": claim["claim"]["id"]}, "confirmStationTask")
    activity_vars = {"input": activity_input(services, audience=["REPRESENTATIVES"])}
    activity = (await run(congress, PUBLISH, activity_vars, "publishActivity"))["activity"]["id"]
    signed = await run(rep, SIGN_UP, {"a": activity}, "signUpForActivity")
    link = signed["signup"]["checkInLink"]
    await run(congress, CHECK_IN, {"a": activity, "t": link}, "checkInParticipant")

    today = local_date(services.clock.now()).isoformat()
    period = {"start": today, "end": today}
    street = await run(cs.leader, SATISFACTION, period, "satisfactionIndex")
    # By hand: (1 + 0.5 + 0.75 + 0.25) ÷ 4 ratings × 100 = 62.5.
    assert street == {
        "index": 62.5,
        "count": 4,
        "points": 2.5,
        "parts": [
            {"source": "CASE", "count": 2, "points": 1.5},
            {"source": "SUGGESTION", "count": 2, "points": 1.0},
            {"source": "PROJECT", "count": 0, "points": 0.0},
            {"source": "CONSULTATION", "count": 0, "points": 0.0},
        ],
    }
    # The community: its cases only, (1 + 0.5) ÷ 2 × 100 = 75.
    community = {**period, "community": gid("Community", cs.street.community_id)}
    assert (await run(cs.leader, SATISFACTION, community, "satisfactionIndex"))["index"] == 75.0
    # The representative: 3 × 2 answered on time + 2 × 1 activity + 3 × 1 task = 11.
    lines = await run(cs.leader, ACTIVITY, period, "activityIndex")
    mine = next(line for line in lines if line["delegate"]["id"] == gid("Delegate", delegate.id))
    assert mine == {
        "delegate": {"id": gid("Delegate", delegate.id)},
        "index": 11,
        "answeredOnTime": 2,
        "visits": 0,
        "activitiesAttended": 1,
        "tasksDone": 1,
        "opinions": 0,
    }
    # Yesterday holds nothing.
    yesterday = (local_date(services.clock.now()) - timedelta(days=1)).isoformat()
    before = await run(
        cs.leader, SATISFACTION, {"start": yesterday, "end": yesterday}, "satisfactionIndex"
    )
    assert (before["index"], before["count"]) == (None, 0)
    # The figures of the screen.
    figures = await run(cs.display, FIGURES, {}, "stationFigures")
    assert figures["suggestions"] == {
        "received": 2,
        "answered": 2,
        "onTime": 2,
        "rated": 2,
        "satisfied": 1,
        "replyRate": 1.0,
        "satisfactionRate": 0.5,
    }
    assert (figures["tasksPosted"], figures["tasksClaimed"], figures["tasksDone"]) == (1, 1, 1)


async def test_index_periods_in_the_future_or_reversed_are_refused(
    api: Api, services: Services
) -> None:
    cs = await case_street(services, "station-period")
    today = local_date(services.clock.now())
    for start, end in (
        (today, today + timedelta(days=1)),  # ends in the future
        (today, today - timedelta(days=1)),  # reversed
    ):
        for op in (SATISFACTION, ACTIVITY):
            body = await case_call(
                api, cs, cs.leader, op, {"start": start.isoformat(), "end": end.isoformat()}
            )
            assert error_codes(body) == ["BAD_PERIOD"], body
            assert body["errors"][0]["extensions"].get("field") in {"end", None}, body
