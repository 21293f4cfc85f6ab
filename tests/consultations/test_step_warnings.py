"""Step deadline warnings of the bell (黄线提醒、红线示警): each step's yellow then red, sent once
each to whoever holds the step and the leader in charge, counted in working days across a
holiday, shown on the consultation, started again by the next step; with two scanners racing
on PostgreSQL, still once; a broken consultation in one street holds up no other street. The
clock jumps; nothing sleeps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tortoise import connections

from core.clock import FrozenClock
from models.cases import CaseLeader, LeaderDuty
from models.consultations import StepWarning
from models.events import Notification
from models.sql import Statement
from resolvers.consultations.deadlines import scan_step_deadlines
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import clock_at
from tests.conftest import needs_postgres
from tests.consultations.support import ACCEPT, BellStreet, bell_street, ok, pk, ring
from tests.projects.support import call
from tests.support import Api

# Wednesday 17 June 2026, 09:00 in Beijing. Acceptance takes 2 working days: Thursday 18,
# then the Dragon Boat Festival (Friday 19) and the weekend, then Monday 22 June; due at the
# close of Monday. 63 h of working time, 80 % of it gone on Monday at 11:24.
WEDNESDAY = datetime(2026, 6, 17, 1, 0, tzinfo=UTC)
SUNDAY_NIGHT = datetime(2026, 6, 21, 15, 0, tzinfo=UTC)  # 23:00 in Beijing
MONDAY_11 = datetime(2026, 6, 22, 3, 0, tzinfo=UTC)
MONDAY_1130 = datetime(2026, 6, 22, 3, 30, tzinfo=UTC)
TUESDAY = datetime(2026, 6, 22, 16, 0, tzinfo=UTC)  # 00:00 in Beijing, the deadline

SHOWN = """
query($id: ID!) {
  consultation(id: $id) {
    step stepDue stepDueAt warning stepWarnings { step level dueAt }
    timeline { step warning note }
  }
}
"""
STEP_FIGURES = """
query($since: Date) { consultationFigures(since: $since) { stepDays { step averageDays count } } }
"""


@pytest.fixture
def wednesday(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock, WEDNESDAY) as at:
        yield at


def move(api: Api, clock: FrozenClock, to: datetime) -> None:
    """Move the clock; sign in again afterwards (access tokens expire by the same clock)."""
    clock.current = to
    api.tokens.clear()


async def warned_street(services: Services, prefix: str) -> BellStreet:
    bs = await bell_street(services, prefix)
    with street_scope(bs.sid):
        await CaseLeader.create(user=bs.leader, duty=LeaderDuty.IN_CHARGE, category=None)
    return bs


async def warnings_of(bs: BellStreet, cid: str) -> list[tuple[str, int]]:
    with street_scope(bs.sid):
        rows = await StepWarning.filter(consultation_id=pk(cid)).order_by("id")
    return [(r.step.value, int(r.level)) for r in rows]


async def deadline_mail(bs: BellStreet, user_id: int) -> list[tuple[str, str | None]]:
    with street_scope(bs.sid):
        rows = await Notification.filter(
            user_id=user_id, kind__startswith="consultation.deadline"
        ).order_by("id")
    return [(n.kind, n.subject) for n in rows]


async def shown(api: Api, bs: BellStreet, cid: str) -> dict:
    body = await call(api, bs.staff, SHOWN, {"id": cid})
    assert "errors" not in body, body
    return body["data"]["consultation"]


async def test_yellow_then_red_once_each_across_a_holiday(
    api: Api, services: Services, wednesday: FrozenClock
) -> None:
    bs = await warned_street(services, "warn")
    cid = (await ring(api, bs))["id"]
    c = await shown(api, bs, cid)
    assert (c["stepDue"], c["warning"]) == ("2026-06-22", "NONE")
    assert datetime.fromisoformat(c["stepDueAt"]) == TUESDAY
    for when in (SUNDAY_NIGHT, MONDAY_11):  # the holiday and the weekend do not count
        move(api, wednesday, when)
        await scan_step_deadlines(services)
        assert await warnings_of(bs, cid) == []
    assert (await shown(api, bs, cid))["warning"] == "NONE"
    move(api, wednesday, MONDAY_1130)
    await scan_step_deadlines(services)
    await scan_step_deadlines(services)
    assert await warnings_of(bs, cid) == [("ACCEPTED", 1)]
    assert (await shown(api, bs, cid))["warning"] == "YELLOW"
    move(api, wednesday, TUESDAY)
    await scan_step_deadlines(services)
    await scan_step_deadlines(services)
    assert await warnings_of(bs, cid) == [("ACCEPTED", 1), ("ACCEPTED", 2)]
    expected = [("consultation.deadline.yellow", cid), ("consultation.deadline.red", cid)]
    assert await deadline_mail(bs, bs.staff.id) == expected  # the community's staff
    assert await deadline_mail(bs, bs.leader.id) == expected  # 分管领导
    assert await deadline_mail(bs, bs.resident.id) == []
    c = await shown(api, bs, cid)
    assert c["warning"] == "RED"
    assert [(w["step"], w["level"]) for w in c["stepWarnings"]] == [
        ("ACCEPTED", "YELLOW"),
        ("ACCEPTED", "RED"),
    ]
    assert [(t["step"], t["warning"]) for t in c["timeline"]] == [
        ("SUBMITTED", "NONE"),
        ("SUBMITTED", "YELLOW"),
        ("SUBMITTED", "RED"),
    ]
    assert "受理" in c["timeline"][2]["note"]
    with street_scope(bs.sid):
        titles = await Notification.filter(
            user_id=bs.staff.id, kind="consultation.deadline.red"
        ).values_list("title", flat=True)
    assert titles == ["红线示警：协商事项「3幢电梯长期故障」"]

    # The next step starts its own deadline (约请 in 3 working days) and its own warnings.
    accepted = await ok(api, bs.staff, ACCEPT, id=cid)
    assert (accepted["stepDue"], accepted["lateness"]) == ("2026-06-26", "ON_TIME")
    assert (await shown(api, bs, cid))["warning"] == "NONE"
    # the warnings on the timeline are no steps: 受理 took 5 days 15 hours from the ring
    body = await call(api, bs.display, STEP_FIGURES, {"since": "2026-06-01"})
    assert body["data"]["consultationFigures"]["stepDays"] == [
        {"step": "ACCEPTED", "averageDays": 5.62, "count": 1}
    ]
    await scan_step_deadlines(services)
    assert len(await warnings_of(bs, cid)) == 2
    move(api, wednesday, datetime(2026, 6, 26, 16, 0, tzinfo=UTC))  # Saturday 00:00
    await scan_step_deadlines(services)
    await scan_step_deadlines(services)
    assert await warnings_of(bs, cid) == [("ACCEPTED", 1), ("ACCEPTED", 2), ("INVITED", 2)]
    # accepted: the handler who accepted it is told, and the leader
    assert (await deadline_mail(bs, bs.staff.id))[-1] == ("consultation.deadline.red", cid)
    assert len(await deadline_mail(bs, bs.leader.id)) == 3


@needs_postgres
async def test_two_scanners_racing_send_each_warning_exactly_once(
    api: Api, services: Services, wednesday: FrozenClock
) -> None:
    bs = await warned_street(services, "race")
    rings = [(await ring(api, bs, title=f"竞争 {n}"))["id"] for n in range(8)]
    move(api, wednesday, MONDAY_1130)
    await asyncio.gather(scan_step_deadlines(services), scan_step_deadlines(services))
    for _ in range(2):
        again = await asyncio.gather(scan_step_deadlines(services), scan_step_deadlines(services))
        assert sum(again) == 0
    for cid in rings:
        assert await warnings_of(bs, cid) == [("ACCEPTED", 1)]
    assert len(await deadline_mail(bs, bs.leader.id)) == 8  # each ring once
    move(api, wednesday, TUESDAY)
    await asyncio.gather(*(scan_step_deadlines(services) for _ in range(3)))
    for cid in rings:
        assert await warnings_of(bs, cid) == [("ACCEPTED", 1), ("ACCEPTED", 2)]
    assert len(await deadline_mail(bs, bs.leader.id)) == 16


# A deadline PostgreSQL holds but no Python datetime can (past 9999-12-31 in UTC), as a bad
# write straight to the database would leave it; on SQLite the text cannot be read either.
_BROKEN_DUE = "9999-12-31T23:59:59-12:00"
_BREAK = {
    "postgres": Statement(
        'UPDATE "consultation" SET "step_due_at" = CAST(CAST(:at AS TEXT) AS TIMESTAMPTZ) '
        'WHERE "id" = :id AND "tenant_id" = :street'
    ),
    "sqlite": Statement(
        'UPDATE "consultation" SET "step_due_at" = :at WHERE "id" = :id AND "tenant_id" = :street'
    ),
}
_MEND = Statement(
    """UPDATE "consultation" SET "step_due_at" = NULL, "step_yellow_at" = NULL """
    'WHERE "id" = :id AND "tenant_id" = :street'
)


async def test_a_broken_consultation_holds_up_no_other_street(
    api: Api, services: Services, wednesday: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    broken_street = await warned_street(services, "poison")
    other_street = await warned_street(services, "healthy")
    broken = (await ring(api, broken_street, title="坏数据"))["id"]  # the first one found
    same = (await ring(api, broken_street))["id"]
    other = (await ring(api, other_street))["id"]
    sid = broken_street.sid
    dialect = connections.get("default").capabilities.dialect
    with street_scope(sid):
        await _BREAK[dialect].run(at=_BROKEN_DUE, id=pk(broken))
    try:
        move(api, wednesday, TUESDAY)
        with caplog.at_level(logging.WARNING, logger="resolvers.periodic"):
            await scan_step_deadlines(services)
            await scan_step_deadlines(services)
        assert f"bell step deadline: item {pk(broken)} of street {sid} skipped" in caplog.text
        assert await warnings_of(broken_street, broken) == []
        assert await warnings_of(broken_street, same) == [("ACCEPTED", 2)]
        assert await warnings_of(other_street, other) == [("ACCEPTED", 2)]
        assert await deadline_mail(other_street, other_street.staff.id) == [
            ("consultation.deadline.red", other)
        ]
    finally:  # the background scanner would try it again
        with street_scope(sid):
            await _MEND.run(id=pk(broken))


async def test_a_step_taken_before_deadlines_had_instants_is_warned_too(
    api: Api, services: Services, wednesday: FrozenClock
) -> None:
    """A consultation left by migration 0011 with its ``step_due`` day and no instants gets
    them from that day and its last step, then its warnings."""
    bs = await warned_street(services, "legacy")
    cid = (await ring(api, bs))["id"]
    with street_scope(bs.sid):
        await _MEND.run(id=pk(cid))
    assert (await shown(api, bs, cid))["stepDueAt"] is None
    move(api, wednesday, MONDAY_1130)
    await scan_step_deadlines(services)
    c = await shown(api, bs, cid)
    assert datetime.fromisoformat(c["stepDueAt"]) == TUESDAY
    assert (c["warning"], await warnings_of(bs, cid)) == ("YELLOW", [("ACCEPTED", 1)])
