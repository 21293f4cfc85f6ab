"""走访日志: household visits by grid workers, and monthly counts against the street's target."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import DomainError, ErrorCode, ProblemError, problem
from core.ids import to_global_id
from models.accounts import Membership, Role, User
from models.columns import column
from models.people import PeopleSettings, VisitLog
from resolvers.events import changing
from resolvers.people.access import Caller
from resolvers.people.residents import check_text, visible_resident

DEFAULT_TARGET = 30
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
VISITING_ROLES = (Role.GRID_WORKER, Role.GRID_CHIEF)
VISIT_EVENTS = "visit:read"


@dataclass(frozen=True)
class WorkerMonth:
    user: User
    visits: int
    target: int


async def record_visit(
    caller: Caller, resident_id: int, findings: str, follow_up: str, visited_at: datetime | None
) -> VisitLog:
    if not findings.strip():
        raise ProblemError(problem(ErrorCode.BAD_USER_INPUT, "input.required", "findings"))
    findings = check_text(findings, "findings", 2000)
    follow_up = check_text(follow_up, "followUp", 2000)
    resident = await visible_resident(caller, resident_id)
    now = caller.services.clock.now()
    when = visited_at or now
    if when > now:
        when = now
    async with changing(caller.services, caller.user) as change:
        row = await VisitLog.create(
            worker_id=caller.user.id,
            resident=resident,
            visited_at=when,
            findings=findings,
            follow_up=follow_up,
        )
        # What was found stays in the visit log, not in the street's stream.
        await change.record(
            "visit.recorded",
            to_global_id("VisitLog", row.id),
            {
                "resident": to_global_id("Resident", resident.id),
                "worker": to_global_id("Account", caller.user.id),
                "visitedAt": when.isoformat(),
                "followUp": bool(follow_up),
            },
            visibility=VISIT_EVENTS,
        )
    return row


async def monthly_target() -> int:
    row = await PeopleSettings.first()
    return row.monthly_visit_target if row else DEFAULT_TARGET


async def set_monthly_target(caller: Caller, target: int) -> int:
    if not 1 <= target <= 1000:
        raise ProblemError(
            problem(ErrorCode.BAD_USER_INPUT, "input.number_range", "target", min=1, max=1000)
        )
    async with changing(caller.services, caller.user) as change:
        row = await PeopleSettings.first()
        before = row.monthly_visit_target if row else DEFAULT_TARGET
        if row is None:
            await PeopleSettings.create(monthly_visit_target=target)
        else:
            row.monthly_visit_target = target
            await row.save(update_fields=["monthly_visit_target"])
        await change.record(
            "street.visit_target_set",
            to_global_id("Street", change.street_id),
            {"monthlyVisitTarget": target, "previous": before},
        )
    return target


def month_bounds(month: str) -> tuple[datetime, datetime]:
    found = _MONTH.match(month.strip())
    if not found:
        raise DomainError(ErrorCode.BAD_USER_INPUT, "input.month_format", field="month")
    year, mon = int(found.group(1)), int(found.group(2))
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return start, end


async def month_counts(caller: Caller, month: str) -> list[WorkerMonth]:
    """Every visiting worker of the street (grid staff see only themselves)."""
    start, end = month_bounds(month)
    target = await monthly_target()
    if caller.street_wide:
        worker_ids = set(
            await column(Membership.filter(role__in=list(VISITING_ROLES)), "user_id", int)
        )
    else:
        worker_ids = {caller.user.id}
    visits = await column(
        VisitLog.filter(visited_at__gte=start, visited_at__lt=end, worker_id__in=list(worker_ids)),
        "worker_id",
        int,
    )
    per_worker: dict[int, int] = {}
    for worker_id in visits:
        per_worker[worker_id] = per_worker.get(worker_id, 0) + 1
    users = await User.filter(id__in=list(worker_ids)).order_by("username")
    return [WorkerMonth(user, per_worker.get(user.id, 0), target) for user in users]
