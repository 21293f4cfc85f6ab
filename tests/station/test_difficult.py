"""The difficult-matters list (办理疑难清单): marked by congress staff, listed with their age,
owner and last action, resolved; the monthly roll-up to the leaders, once per month."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from models.events import Notification
from models.station import DifficultRollUp
from resolvers.services import Services
from resolvers.station.difficult import roll_up
from tenants.scoping import street_scope
from tests.cases.support import clock_at
from tests.projects.support import call, data
from tests.station.support import ACCEPT, mutate, station_street, write
from tests.support import Api, gid

MARK = """
mutation($kind: DifficultMatterKind!, $subject: ID!, $note: String! = "") {
  markDifficult(kind: $kind, subjectId: $subject, note: $note) {
    __typename ... on DifficultMatterSuccess { id resolved } ... on UserError { code field }
  }
}
"""
RESOLVE = """
mutation($id: ID!) { resolveDifficult(id: $id) {
  __typename ... on DifficultMatterSuccess { id resolved } ... on UserError { code field }
} }
"""
LIST = """
query($open: Boolean!) { difficultMatters(openOnly: $open, first: 20) { totalCount edges { node {
  id kind subjectId title note ageDays owner lastAction resolvedAt
} } } }
"""


async def test_marked_listed_with_age_owner_and_last_action_then_resolved(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    suggestion = (await write(api, ss, text="垃圾站选址争议多年未决"))["id"]
    await mutate(api, ss.representative, ACCEPT, {"id": suggestion}, "acceptSuggestion")
    marked = await mutate(
        api,
        ss.congress,
        MARK,
        {"kind": "SUGGESTION", "subject": suggestion, "note": "涉及多个部门"},
        "markDifficult",
    )
    assert marked["resolved"] is False
    again = await mutate(
        api, ss.congress, MARK, {"kind": "SUGGESTION", "subject": suggestion}, "markDifficult"
    )
    assert again["id"] == marked["id"]  # marked once
    missing = await mutate(
        api, ss.congress, MARK, {"kind": "CASE", "subject": gid("Case", 999999)}, "markDifficult"
    )
    assert (missing["code"], missing["field"]) == ("NOT_FOUND", "subjectId")
    api.tokens.clear()
    with clock_at(services.clock, services.clock.now() + timedelta(days=3)):  # type: ignore[arg-type]
        body = data(await call(api, ss.leader, LIST, {"open": True}), "difficultMatters")
    api.tokens.clear()
    [node] = [e["node"] for e in body["edges"]]
    assert node == {
        "id": marked["id"],
        "kind": "SUGGESTION",
        "subjectId": suggestion,
        "title": "垃圾站选址争议多年未决",
        "note": "涉及多个部门",
        "ageDays": 3,
        "owner": "代表repr",
        "lastAction": "difficult.marked",
        "resolvedAt": None,
    }
    done = await mutate(api, ss.congress, RESOLVE, {"id": marked["id"]}, "resolveDifficult")
    assert done["resolved"] is True
    assert (
        data(await call(api, ss.leader, LIST, {"open": True}), "difficultMatters")["totalCount"]
        == 0
    )
    assert (
        data(await call(api, ss.leader, LIST, {"open": False}), "difficultMatters")["totalCount"]
        == 1
    )


async def test_the_monthly_roll_up_reaches_the_leaders_once(api: Api, services: Services) -> None:
    ss = await station_street(services)
    suggestion = (await write(api, ss))["id"]
    await mutate(
        api, ss.congress, MARK, {"kind": "SUGGESTION", "subject": suggestion}, "markDifficult"
    )
    await asyncio.gather(*(roll_up(services) for _ in range(4)))  # several workers at once
    await roll_up(services)
    with street_scope(ss.sid):
        sent = await Notification.filter(kind="difficult.roll_up")
        rolled = await DifficultRollUp.all()
    assert [n.user_id for n in sent] == [ss.leader.id]
    assert [(r.open_count) for r in rolled] == [1]
