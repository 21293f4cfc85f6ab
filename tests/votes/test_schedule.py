"""Votes open, remind and close by their times (the scheduler's ``scan_votes`` on the frozen
clock), each step once however many workers scan, and the electorate hears of it in its inbox.

The app's own vote scheduler also scans in the background: these tests assert on the state
that results, never on what one call of ``scan_votes`` returns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import LOCAL_TZ, FrozenClock
from models.scoping import street_scope, unscoped
from models.sql import Statement
from models.votes import Elector
from resolvers.services import Services
from resolvers.votes.lifecycle import scan_votes, vote_scheduler
from resolvers.votes.settings import VoteSettings
from tests.projects.support import call, data
from tests.support import Api, gid
from tests.votes.support import (
    CANCEL,
    CLOSE,
    OPEN,
    PUBLISH,
    VoteStreet,
    cast,
    create_vote,
    inbox,
    pk,
    step,
    vote_street,
)

REWIND_HOURS = 12
HANG_GUARD = 15  # seconds before a test gives up waiting (a hang, not a timing assert)

STATE = """
query($id: ID!) {
  vote(id: $id) {
    status opensAt closesAt openedAt closedAt turnout electorate { size }
    countedResult { turnout electorateSize }
  }
}
"""


@pytest.fixture
def clock_back(clock: FrozenClock) -> Iterator[FrozenClock]:
    """The frozen clock, set some hours back for the test and put back where it was after.

    Why back: an access token is issued at the app's clock, and the JWT library refuses one
    issued (``iat``) after the real time. Starting hours behind lets a test move the clock
    forward by up to that much and still sign in.
    """
    started = clock.current
    clock.current = started - timedelta(hours=REWIND_HOURS)
    try:
        yield clock
    finally:
        clock.current = started


async def state(api: Api, vs: VoteStreet, vote_id: str) -> dict:
    return data(await call(api, vs.staff, STATE, {"id": vote_id}), "vote")


async def scan(services: Services, workers: int = 1) -> None:
    """``workers`` scheduler rounds at once (as on several app workers), then one more."""
    await asyncio.gather(*(scan_votes(services) for _ in range(workers)))
    await scan_votes(services)


def move(api: Api, clock: FrozenClock, to: datetime | None = None, **delta: float) -> None:
    """Move the clock; sign in again afterwards (access tokens expire by the same clock)."""
    if to is not None:
        clock.current = to
    clock.advance(**delta)
    assert clock.current <= datetime.now(UTC), "moved past the real time: see clock_back"
    api.tokens.clear()


def iso(at: datetime) -> str:
    return at.isoformat()


async def test_a_vote_opens_reminds_once_and_closes_by_its_times(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    clock = clock_back
    vs = await vote_street(api, services, representatives=3, projects=1)
    r1, r2, r3 = vs.representatives
    soon = services.settings.section(VoteSettings).vote_closing_soon_minutes
    opens = clock.now() + timedelta(hours=1)
    closes = opens + timedelta(minutes=soon * 3)
    vote = await create_vote(api, vs, opensAt=iso(opens), closesAt=iso(closes))
    vote_id, line = vote["id"], vote["items"][0]["id"]

    await scan(services)
    assert (await state(api, vs, vote_id))["status"] == "DRAFT"
    early = await cast(api, r1, vote_id, [{"itemId": line, "answer": "YES"}])
    assert (early["__typename"], early["code"]) == ("InputError", "VOTE_NOT_OPEN")
    assert await inbox(api, r1, vote_id) == []

    move(api, clock, hours=1)  # its opening time
    await scan(services, workers=4)
    opened = await state(api, vs, vote_id)
    assert (opened["status"], opened["electorate"]["size"]) == ("OPEN", 3)
    assert datetime.fromisoformat(opened["openedAt"]) == opens
    with unscoped("test check"):
        assert await Elector.filter(tenant_id=vs.street.street_id).count() == 3  # frozen once
    for rep in vs.representatives:
        assert await inbox(api, rep, vote_id) == ["vote.opened"]
    assert await inbox(api, vs.resident, vote_id) == []
    assert (await cast(api, r1, vote_id, [{"itemId": line, "answer": "YES"}]))[
        "__typename"
    ] == "BallotCounted"

    move(api, clock, minutes=soon * 2 - 1)  # not yet within the closing-soon window
    await scan(services, workers=2)
    assert await inbox(api, r2, vote_id) == ["vote.opened"]

    move(api, clock, minutes=2)  # inside it: those who have not voted are reminded, once
    await scan(services, workers=4)
    await scan(services, workers=4)
    assert await inbox(api, r1, vote_id) == ["vote.opened"]  # voted already
    for rep in (r2, r3):
        assert await inbox(api, rep, vote_id) == ["vote.closing_soon", "vote.opened"]
    assert (await cast(api, r2, vote_id, [{"itemId": line, "answer": "NO"}]))[
        "__typename"
    ] == "BallotCounted"
    await scan(services)
    assert await inbox(api, r3, vote_id) == ["vote.closing_soon", "vote.opened"]
    assert (await state(api, vs, vote_id))["status"] == "OPEN"

    move(api, clock, closes)  # the closing time, before any scan: no more ballots
    late = await cast(api, r3, vote_id, [{"itemId": line, "answer": "YES"}])
    assert (late["__typename"], late["code"]) == ("InputError", "VOTE_CLOSED")
    await scan(services, workers=4)
    closed = await state(api, vs, vote_id)
    assert closed["status"] == "CLOSED"
    assert datetime.fromisoformat(closed["closedAt"]) == closes
    assert closed["countedResult"] == {"turnout": 2, "electorateSize": 3}
    late = await cast(api, r3, vote_id, [{"itemId": line, "answer": "YES"}])
    assert late["code"] == "VOTE_CLOSED"
    assert (await state(api, vs, vote_id))["turnout"] == 2

    # Publication is by hand, and the whole electorate hears of it.
    assert (await step(api, vs, PUBLISH, vote_id))["vote"]["status"] == "PUBLISHED"
    await scan(services)
    assert await inbox(api, r1, vote_id) == ["vote.published", "vote.opened"]
    for rep in (r2, r3):
        assert await inbox(api, rep, vote_id) == [
            "vote.published",
            "vote.closing_soon",
            "vote.opened",
        ]
    assert await inbox(api, vs.resident, vote_id) == []


async def test_notifications_name_the_vote_and_its_closing_time_in_local_time(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=1)
    closes = (clock_back.now() + timedelta(minutes=30)).replace(microsecond=0)
    vote = await create_vote(api, vs, title="加装电梯票决", closesAt=iso(closes))
    await step(api, vs, OPEN, vote["id"])
    query = "{ notifications { edges { node { kind title body subject read } } } }"
    body = await call(api, vs.representatives[0], query, {})
    nodes = [e["node"] for e in data(body, "notifications")["edges"]]
    opened = [n for n in nodes if n["subject"] == vote["id"]]
    assert [n["kind"] for n in opened] == ["vote.opened"]
    assert "加装电梯票决" in opened[0]["title"] and not opened[0]["read"]
    # The streets are in China: the closing time reads as Beijing time, to the minute.
    local = closes.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    assert local in opened[0]["body"], opened[0]["body"]
    assert closes.isoformat() not in opened[0]["body"]


async def test_a_vote_without_a_closing_time_says_so_when_it_opens(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=1)
    vote = await create_vote(api, vs)
    await step(api, vs, OPEN, vote["id"])
    query = "{ notifications { edges { node { kind body subject } } } }"
    body = await call(api, vs.representatives[0], query, {})
    nodes = [e["node"] for e in data(body, "notifications")["edges"]]
    opened = [n for n in nodes if n["subject"] == vote["id"]]
    assert [n["kind"] for n in opened] == ["vote.opened"]
    assert opened[0]["body"] and " - " not in opened[0]["body"], opened[0]["body"]
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    body = await call(api, vs.representatives[0], query, {})
    nodes = [e["node"] for e in data(body, "notifications")["edges"]]
    told = {n["kind"]: n["body"] for n in nodes if n["subject"] == vote["id"]}
    assert set(told) == {"vote.opened", "vote.published"}
    assert all(text and not text.startswith("vote.") for text in told.values()), told


async def test_a_vote_opened_by_hand_is_reminded_and_closed_by_time(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    clock = clock_back
    vs = await vote_street(api, services, representatives=2, projects=1)
    r1, r2 = vs.representatives
    # It closes within the reminder window already: the next scan reminds, once.
    closes = clock.now() + timedelta(
        minutes=services.settings.section(VoteSettings).vote_closing_soon_minutes // 2
    )
    opens_later = clock.now() + timedelta(days=1)
    vote = await create_vote(
        api, vs, closesAt=iso(closes + timedelta(days=2)), opensAt=iso(opens_later)
    )
    # Opening by hand before the opening time is allowed; the scheduler then leaves it be.
    edited = await call(
        api,
        vs.staff,
        "mutation($id: ID!, $input: VoteInput!) { updateVote(id: $id, input: $input) "
        "{ __typename } }",
        {
            "id": vote["id"],
            "input": {
                "kind": "PROJECT_BALLOT",
                "title": "手动开始",
                "electorate": {"kind": "REPRESENTATIVES"},
                "items": [{"projectId": vs.projects[0]}],
                "closesAt": iso(closes),
            },
        },
    )
    assert data(edited, "updateVote")["__typename"] == "VoteSuccess"
    assert (await step(api, vs, OPEN, vote["id"]))["vote"]["status"] == "OPEN"
    await scan(services, workers=3)
    await scan(services, workers=3)
    for rep in (r1, r2):
        assert await inbox(api, rep, vote["id"]) == ["vote.closing_soon", "vote.opened"]

    move(api, clock, closes + timedelta(seconds=1))
    await scan(services, workers=3)
    assert (await state(api, vs, vote["id"]))["status"] == "CLOSED"
    # Closing by time never publishes: the staff do.
    move(api, clock, hours=3)
    await scan(services)
    assert (await state(api, vs, vote["id"]))["status"] == "CLOSED"


async def test_closing_by_hand_before_the_time_and_the_scan_agree(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    clock = clock_back
    vs = await vote_street(api, services, representatives=1, projects=1)
    closes = clock.now() + timedelta(hours=5)
    vote = await create_vote(api, vs, closesAt=iso(closes))
    await step(api, vs, OPEN, vote["id"])
    assert (await step(api, vs, CLOSE, vote["id"]))["vote"]["status"] == "CLOSED"
    move(api, clock, closes)
    await scan(services, workers=2)
    seen = await state(api, vs, vote["id"])
    assert seen["status"] == "CLOSED"
    assert datetime.fromisoformat(seen["closedAt"]) < closes
    # No reminder for a vote that is no longer open.
    assert await inbox(api, vs.representatives[0], vote["id"]) == ["vote.opened"]


async def test_a_vote_that_cannot_open_stays_a_draft_and_others_still_open(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    clock = clock_back
    vs = await vote_street(api, services, representatives=1, projects=1)
    opens = clock.now() + timedelta(minutes=10)
    nobody = await create_vote(
        api,
        vs,
        kind="RESOLUTION",
        items=[],
        opensAt=iso(opens),
        electorate={"kind": "RESIDENTS", "gridIds": [gid("Grid", vs.street.grid_id)]},
    )
    fine = await create_vote(api, vs, opensAt=iso(opens))
    move(api, clock, minutes=10)
    try:
        await scan(services, workers=2)
        assert (await state(api, vs, nobody["id"]))["status"] == "DRAFT"
        assert (await state(api, vs, fine["id"]))["status"] == "OPEN"
    finally:  # stop the background scheduler from trying it again
        body = await call(api, vs.staff, CANCEL, {"id": nobody["id"], "reason": "无人可投"})
        assert data(body, "cancelVote")["vote"]["status"] == "CANCELLED"
    await scan(services)
    assert (await state(api, vs, nobody["id"]))["status"] == "CANCELLED"


async def test_the_scheduler_task_opens_a_vote_whose_time_has_come(
    api: Api, services: Services, clock_back: FrozenClock
) -> None:
    """The background task each worker runs: its first round scans at once."""
    vs = await vote_street(api, services, representatives=1, projects=1)
    vote = await create_vote(api, vs, opensAt=iso(clock_back.now() + timedelta(minutes=5)))
    move(api, clock_back, minutes=5)
    scheduler = vote_scheduler(services)
    await scheduler.start()
    try:
        deadline = asyncio.get_running_loop().time() + HANG_GUARD
        while (await state(api, vs, vote["id"]))["status"] == "DRAFT":
            assert asyncio.get_running_loop().time() < deadline, "the scheduler never opened it"
            await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert (await state(api, vs, vote["id"]))["status"] == "OPEN"
    assert await inbox(api, vs.representatives[0], vote["id"]) == ["vote.opened"]


# A closing time PostgreSQL holds but no Python datetime can (past 9999-12-31 in UTC), as a
# bad write straight to the database would leave it; on SQLite the same text cannot be read
# as a time in UTC either.
_BROKEN_CLOSING = "9999-12-31T23:59:59-12:00"
_BREAK = {
    "postgres": Statement(
        'UPDATE "vote" SET "closes_at" = CAST(CAST(:at AS TEXT) AS TIMESTAMPTZ) '
        'WHERE "id" = :vote AND "tenant_id" = :street'
    ),
    "sqlite": Statement(
        'UPDATE "vote" SET "closes_at" = :at WHERE "id" = :vote AND "tenant_id" = :street'
    ),
}
_MEND = Statement(
    """UPDATE "vote" SET "closes_at" = NULL, "status" = 'CANCELLED' """
    'WHERE "id" = :vote AND "tenant_id" = :street'
)


async def test_a_broken_vote_holds_up_no_other_vote_of_any_street(
    api: Api, services: Services, clock_back: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A vote whose row its handler cannot read is logged with its ID and skipped, round after
    round; every other vote, of its own street and of another, opens and closes on time."""
    from tortoise import connections

    clock = clock_back
    broken_street = await vote_street(api, services, representatives=1, projects=1)
    other_street = await vote_street(api, services, representatives=1, projects=1)
    opens = clock.now() + timedelta(hours=1)
    closes = opens + timedelta(hours=2)
    times = {"opensAt": iso(opens), "closesAt": iso(closes)}
    broken = await create_vote(api, broken_street, **times)  # the first one found
    same = await create_vote(api, broken_street, **times)
    other = await create_vote(api, other_street, **times)
    sid = broken_street.street.street_id
    dialect = connections.get("default").capabilities.dialect
    with street_scope(sid):
        await _BREAK[dialect].run(at=_BROKEN_CLOSING, vote=pk(broken["id"]))
    try:
        move(api, clock, hours=1)  # their opening time
        with caplog.at_level(logging.WARNING, logger="resolvers.periodic"):
            await scan(services, workers=2)
        for vs, vote in ((broken_street, same), (other_street, other)):
            opened = await state(api, vs, vote["id"])
            assert opened["status"] == "OPEN", vote
            assert datetime.fromisoformat(opened["openedAt"]) == opens
        skipped = f"open vote: item {pk(broken['id'])} of street {sid} skipped"
        assert skipped in caplog.text

        move(api, clock, closes)  # their closing time
        await scan(services)
        for vs, vote in ((broken_street, same), (other_street, other)):
            closed = await state(api, vs, vote["id"])
            assert closed["status"] == "CLOSED", vote
            assert datetime.fromisoformat(closed["closedAt"]) == closes
    finally:
        with street_scope(sid):
            await _MEND.run(vote=pk(broken["id"]))
