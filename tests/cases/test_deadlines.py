"""Yellow and red warnings (黄线提醒、红线示警): sent once each, to the handler and their leader
in charge, shown on the case, started again by an escalation; with two scanners racing on
PostgreSQL, still once. The clock jumps; nothing sleeps."""

from __future__ import annotations

import asyncio

from core.clock import FrozenClock
from models.cases import CaseWarning
from models.events import Notification
from resolvers.cases.deadlines import scan_case_deadlines
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import (
    ESCALATE,
    SIGN,
    CaseStreet,
    call,
    ok,
    pk,
    reported,
)
from tests.conftest import needs_postgres
from tests.support import Api

WARNING = "query($id: ID!) { case(id: $id) { warning overdue warnings { level stint } } }"


async def warnings_of(cs: CaseStreet, case: str) -> list[tuple[int, int]]:
    with street_scope(cs.street.street_id):
        rows = await CaseWarning.filter(case_id=pk(case)).order_by("id")
    return [(int(r.level), r.stint) for r in rows]


async def deadline_mail(cs: CaseStreet, user_id: int) -> list[tuple[str, str | None]]:
    with street_scope(cs.street.street_id):
        rows = await Notification.filter(
            user_id=user_id, kind__startswith="case.deadline"
        ).order_by("id")
    return [(n.kind, n.subject) for n in rows]


async def test_yellow_then_red_once_each_to_the_handler_and_the_leader_in_charge(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == []
    # Monday 1 June 09:00, due at the end of Monday 8 June: 135 h of working time, 80 % of it
    # passed on Friday at 21:00.
    monday.advance(days=4, hours=11)
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == []
    monday.advance(hours=2)
    await scan_case_deadlines(services)
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == [(1, 1)]
    body = await call(api, cs, cs.reviewer, WARNING, {"id": case})
    assert body["data"]["case"]["warning"] == "YELLOW" and not body["data"]["case"]["overdue"]
    monday.advance(days=7)
    await scan_case_deadlines(services)
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == [(1, 1), (2, 1)]
    expected = [("case.deadline.yellow", case), ("case.deadline.red", case)]
    assert await deadline_mail(cs, cs.chief.id) == expected  # who signed
    assert await deadline_mail(cs, cs.leader.id) == expected  # 分管领导
    assert await deadline_mail(cs, cs.worker.id) == []  # signed by the chief: not the worker
    body = await call(api, cs, cs.reviewer, WARNING, {"id": case})
    assert body["data"]["case"] == {
        "warning": "RED",
        "overdue": True,
        "warnings": [{"level": "YELLOW", "stint": 1}, {"level": "RED", "stint": 1}],
    }


async def test_an_escalation_starts_the_warnings_again(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    monday.advance(days=10)
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == [(2, 1)]  # straight to red: one warning, the worse
    await ok(api, cs, cs.chief, ESCALATE, {"caseId": case, "reason": "超期上报"})
    body = await call(api, cs, cs.reviewer, WARNING, {"id": case})
    assert body["data"]["case"]["warning"] == "NONE"
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == [(2, 1)]
    monday.advance(days=14)
    await scan_case_deadlines(services)
    assert await warnings_of(cs, case) == [(2, 1), (2, 2)]
    # unsigned at the community: its staff (the handling party) are told
    assert await deadline_mail(cs, cs.community.id) == [("case.deadline.red", case)]


async def test_cases_turning_together_each_warn_their_own_handling_party(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    signed = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": signed})
    at_grid = (await reported(api, cs))["id"]
    at_community = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": at_community})
    await ok(api, cs, cs.chief, ESCALATE, {"caseId": at_community, "reason": "需社区协调"})
    monday.advance(days=10)
    assert await scan_case_deadlines(services) == 3  # one pass, one batch
    red = "case.deadline.red"
    assert await deadline_mail(cs, cs.worker.id) == [(red, at_grid)]  # the grid, unsigned
    assert await deadline_mail(cs, cs.community.id) == [(red, at_community)]
    assert await deadline_mail(cs, cs.chief.id) == [(red, None)]  # signed one + grid: a list
    assert await deadline_mail(cs, cs.leader.id) == [(red, None)]  # all three: a list


@needs_postgres
async def test_two_scanners_racing_send_each_warning_exactly_once(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    cases = [(await reported(api, cs, title=f"竞争 {n}"))["id"] for n in range(12)]
    monday.advance(days=4, hours=13)
    sent = await asyncio.gather(scan_case_deadlines(services), scan_case_deadlines(services))
    assert sum(sent) == 12
    for _ in range(2):
        again = await asyncio.gather(scan_case_deadlines(services), scan_case_deadlines(services))
        assert sum(again) == 0
    for case in cases:
        assert await warnings_of(cs, case) == [(1, 1)]
    assert len(await deadline_mail(cs, cs.leader.id)) <= 12
    with street_scope(cs.street.street_id):
        told = await Notification.filter(
            user_id=cs.leader.id, kind="case.deadline.yellow"
        ).values_list("body", flat=True)
    lines = [line for body in told for line in str(body).splitlines()]
    assert len(lines) == 12  # each case named once, whichever scanner sent it
    monday.advance(days=7)
    await asyncio.gather(*(scan_case_deadlines(services) for _ in range(3)))
    for case in cases:
        assert await warnings_of(cs, case) == [(1, 1), (2, 1)]
