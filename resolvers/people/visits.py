"""走访日志: household visits by grid workers, and monthly counts against the street's target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import validators
from core.ids import to_global_id
from models.accounts import Membership, Role, User
from models.columns import column, max_length
from models.people import PeopleSettings, VisitLog
from policies.rows import Scope
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.people.residents import visible_resident
from resolvers.people.rows import RULES

DEFAULT_TARGET = 30
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
    findings = validators.text(findings, "findings", max_length(VisitLog, "findings"))
    follow_up = validators.text(
        follow_up, "followUp", max_length(VisitLog, "follow_up"), required=False
    )
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
    validators.in_range(target, 1, 1000, "target", "input.number_range")
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


async def month_counts(caller: Caller, month: str) -> list[WorkerMonth]:
    """Every visiting worker of the street, or only myself: the row rule on ``VisitLog``."""
    start, end = validators.month(month)
    target = await monthly_target()
    if Scope.STREET in RULES.scope_for(caller, VisitLog):
        worker_ids = set(
            await column(Membership.filter(role__in=list(VISITING_ROLES)), "user_id", int)
        )
    else:
        worker_ids = {caller.user.id}
    in_month = VisitLog.filter(
        visited_at__gte=start, visited_at__lt=end, worker_id__in=list(worker_ids)
    )
    visits = await column(RULES.rows(caller, in_month), "worker_id", int)
    per_worker: dict[int, int] = {}
    for worker_id in visits:
        per_worker[worker_id] = per_worker.get(worker_id, 0) + 1
    users = await User.filter(id__in=list(worker_ids)).order_by("username")
    return [WorkerMonth(user, per_worker.get(user.id, 0), target) for user in users]
