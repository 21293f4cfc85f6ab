"""The handler's queue, the street's filtered list, a case's timeline, and the live streams:
a reporter following their case (resuming after a cursor) and the street's dispatch desk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from resolvers.services import Services
from tests.cases.support import (
    ESCALATE,
    RESOLVE,
    SIGN,
    CaseStreet,
    call,
    case_street,
    clock_at,
    ok,
    reported,
)
from tests.live import socket
from tests.support import Api, gid


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    return await case_street(services, "views")


QUEUE = """
query($kind: CaseQueueKind!, $u: [CaseUrgency!]) {
  caseQueue(kind: $kind, urgencies: $u) { totalCount edges { node { id } } }
}
"""
LIST = """
query($f: CaseFilterInput) { cases(filter: $f, first: 50) { totalCount edges { node { id } } } }
"""


async def ids(api: Api, cs: CaseStreet, user: object, query: str, variables: dict) -> list[str]:
    body = await call(api, cs, user, query, variables)  # type: ignore[arg-type]
    assert "errors" not in body, body
    found = next(iter(body["data"].values()))
    return [e["node"]["id"] for e in found["edges"]]


async def test_the_handlers_queue(api: Api, cs: CaseStreet, monday: FrozenClock) -> None:
    waiting = (await reported(api, cs))["id"]
    working = (await reported(api, cs, urgency="URGENT"))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": working})
    elsewhere = (await reported(api, cs, cs.resident2))["id"]  # grid 2
    up = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": up})
    await ok(api, cs, cs.chief, ESCALATE, {"caseId": up, "reason": "社区"})
    assert await ids(api, cs, cs.worker, QUEUE, {"kind": "TO_SIGN"}) == [waiting]
    assert await ids(api, cs, cs.worker, QUEUE, {"kind": "IN_PROGRESS"}) == [working]
    assert await ids(api, cs, cs.worker, QUEUE, {"kind": "ALL", "u": ["URGENT"]}) == [working]
    assert await ids(api, cs, cs.chief2, QUEUE, {"kind": "ALL"}) == [elsewhere]
    assert await ids(api, cs, cs.community, QUEUE, {"kind": "TO_SIGN"}) == [up]
    assert await ids(api, cs, cs.worker, QUEUE, {"kind": "OVERDUE"}) == []
    monday.advance(days=3)  # the urgent one (one working day) is past its deadline
    assert await ids(api, cs, cs.worker, QUEUE, {"kind": "OVERDUE"}) == [working]


async def test_the_streets_list_filters(api: Api, cs: CaseStreet, monday: FrozenClock) -> None:
    first = (await reported(api, cs, title="路灯不亮", address="琴台路"))["id"]
    monday.advance(days=2)
    urgent = (await reported(api, cs, urgency="URGENT", title="井盖缺失"))["id"]
    other = (await reported(api, cs, cs.resident2, title="噪音扰民"))["id"]
    await ok(api, cs, cs.chief2, SIGN, {"caseId": other})
    await ok(api, cs, cs.chief2, RESOLVE, {"caseId": other, "result": "已劝导"})
    everyone = [other, urgent, first]  # newest first
    assert await ids(api, cs, cs.reviewer, LIST, {}) == everyone
    cases = {
        "states": (["RESOLVED"], [other]),
        "levels": (["GRID"], everyone),
        "urgencies": (["URGENT"], [urgent]),
        "gridId": (gid("Grid", cs.grid2_id), [other]),
        "categoryId": (gid("CaseCategory", cs.category_id), everyone),
        "text": ("琴台", [first]),
        "reportedFrom": ("2026-06-03", [other, urgent]),
        "reportedTo": ("2026-06-01", [first]),
    }
    for name, (value, expected) in cases.items():
        assert await ids(api, cs, cs.reviewer, LIST, {"f": {name: value}}) == expected, name
    monday.advance(days=3)
    assert await ids(api, cs, cs.reviewer, LIST, {"f": {"overdue": True}}) == [urgent]
    assert await ids(api, cs, cs.reviewer, LIST, {"f": {"overdue": False}}) == [other, first]
    body = await call(
        api,
        cs,
        cs.reviewer,
        LIST,
        {"f": {"reportedFrom": "2026-06-05", "reportedTo": "2026-06-01"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_reporter_follows_the_case_live_and_resumes(
    api: Api, cs: CaseStreet, live_url: str
) -> None:
    case = (await reported(api, cs))["id"]
    token = await api.login(cs.resident.username)
    progress = (
        "subscription($id: ID!, $after: String) "
        "{ caseProgress(id: $id, after: $after) { cursor type caseId } }"
    )
    async with socket(live_url, token, cs.tenant) as ws:
        await ws.subscribe("1", progress, id=case)
        await ok(api, cs, cs.chief, SIGN, {"caseId": case})
        signed = (await ws.next("1"))["caseProgress"]
        assert (signed["type"], signed["caseId"]) == ("case.signed", case)
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": case, "result": "已清理"})
    async with socket(live_url, token, cs.tenant) as ws:  # back after a gap: what was missed
        await ws.subscribe("2", progress, id=case, after=signed["cursor"])
        missed = (await ws.next("2"))["caseProgress"]
        assert missed["type"] == "case.resolved"


async def test_the_dispatch_desk_is_for_reviewers_and_leaders(
    api: Api, cs: CaseStreet, live_url: str
) -> None:
    desk = "subscription { caseDesk { type caseId payload } }"
    async with socket(live_url, await api.login(cs.reviewer.username), cs.tenant) as ws:
        await ws.subscribe("1", desk)
        case = (await reported(api, cs))["id"]
        event = (await ws.next("1"))["caseDesk"]
        assert (event["type"], event["caseId"]) == ("case.reported", case)
        assert event["payload"]["level"] == "GRID" and "张三" not in str(event)
    async with socket(live_url, await api.login(cs.chief.username), cs.tenant) as ws:
        await ws.subscribe("2", desk)
        message = await ws.receive()
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
