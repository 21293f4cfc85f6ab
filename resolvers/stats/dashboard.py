"""The dashboard (一屏统览): every domain's panel for one scope and period.

A scope is the caller's street, one of its communities, or (for district accounts) the
district: its streets read together in the read-only multi-street scope, never ``unscoped()``.
A paired screen reads only the scope it was paired for. A period is today, this week (from
Monday), this month, or a range of local dates (at most ``GONGZHI_DASHBOARD_MAX_DAYS``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.clock import local_date
from core.errors import DomainError, ErrorCode, Refused
from core.validators import in_order, in_range
from models.columns import column
from models.scoping import street_scope, streets_scope
from models.tenancy import Community, District, Street
from policies.capabilities.tenancy import DISTRICT_READ
from resolvers.caller import Caller
from resolvers.cases.figures import Period
from resolvers.owned import in_street
from resolvers.panels import Panel, Scope, ScopeKind
from resolvers.stats.codes import StatsCode
from resolvers.stats.screens import screen_of
from resolvers.stats.settings import StatsSettings

CACHE_SECONDS = 1.0


class PeriodKind(StrEnum):
    TODAY = "TODAY"  # 今日
    THIS_WEEK = "THIS_WEEK"  # 本周 (from Monday)
    THIS_MONTH = "THIS_MONTH"  # 本月
    RANGE = "RANGE"  # 自定义: firstDay to lastDay


def period_of(
    kind: PeriodKind, first: date | None, last: date | None, today: date, max_days: int
) -> Period:
    if kind is PeriodKind.TODAY:
        return Period(today, today)
    if kind is PeriodKind.THIS_WEEK:
        return Period(today - timedelta(days=today.weekday()), today)
    if kind is PeriodKind.THIS_MONTH:
        return Period(today.replace(day=1), today)
    if first is None or last is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "stats.range_needs_dates", "firstDay")
    in_order(first, last, "lastDay", "stats.period_order")
    in_range((last - first).days + 1, 1, max_days, "lastDay", "stats.period_too_long")
    return Period(first, last)


@dataclass(frozen=True)
class Dashboard:
    kind: ScopeKind
    name: str
    period: Period
    panels: list[Panel]


async def scope_of(
    caller: Caller, kind: ScopeKind, community_id: int | None, period: Period
) -> tuple[Scope, str]:
    """The scope asked, checked: a screen's own, a community of the street, the district for
    district accounts only."""
    screen = await screen_of(caller.user)
    if screen is not None:
        own = ScopeKind.COMMUNITY if screen.community_id else ScopeKind.STREET
        if kind is not own or (community_id or None) != screen.community_id:
            raise Refused(StatsCode.SCREEN_SCOPE, "stats.screen_scope", "scope")
    now = caller.services.clock.now()
    street = caller.street
    if kind is ScopeKind.DISTRICT:
        if not caller.can(DISTRICT_READ.resource, DISTRICT_READ.action):
            raise DomainError(ErrorCode.FORBIDDEN, field="scope")
        ids = await column(Street.filter(district_id=street.district_id), "id", int)
        district = await District.get(id=street.district_id)
        return Scope(kind, tuple(sorted(ids)), None, period, now, caller.services), district.name
    if kind is ScopeKind.COMMUNITY:
        if community_id is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "stats.community_required", "communityId")
        community = await in_street(Community, community_id, "communityId")
        return Scope(kind, (street.id,), community.id, period, now, caller.services), community.name
    return Scope(kind, (street.id,), None, period, now, caller.services), street.name


async def build(
    caller: Caller, scope: Scope, name: str, computed_after: float | None = None
) -> Dashboard:
    """Every domain's panel, in the scope's streets (the district's read-only together). A
    live push (``computed_after``, the ``time.monotonic()`` of the event that woke it) shares
    this worker's computation of the same scope and period begun since, finished or not: two
    hundred screens woken by one case cost one computation. A query always computes."""
    if computed_after is None:
        return await _compute(caller, scope, name)
    cache = caller.services.kept(DashboardCache)
    key = (scope.kind, scope.street_ids, scope.community_id, scope.period)
    return await cache.shared(key, computed_after, lambda: _compute(caller, scope, name))


async def _compute(caller: Caller, scope: Scope, name: str) -> Dashboard:
    panels: list[Panel] = []
    if scope.kind is ScopeKind.DISTRICT:
        with streets_scope(scope.street_ids, "the district's dashboard (区级一屏)"):
            for kind in caller.services.panels:
                panels.append(await kind.build(scope))
    else:
        with street_scope(scope.street_ids[0], writable=False):
            for kind in caller.services.panels:
                panels.append(await kind.build(scope))
    return Dashboard(scope.kind, name, scope.period, panels)


async def dashboard(
    caller: Caller,
    kind: ScopeKind,
    community_id: int | None,
    period: PeriodKind,
    first_day: date | None,
    last_day: date | None,
) -> Dashboard:
    today = local_date(caller.services.clock.now())
    scope, name = await scope_of(
        caller, kind, community_id, period_of(period, first_day, last_day, today, max_days(caller))
    )
    return await build(caller, scope, name)


def max_days(caller: Caller) -> int:
    return caller.services.settings.section(StatsSettings).dashboard_max_days


class DashboardCache:
    """A worker's dashboards being computed or computed in the last second, by scope and
    period, each with the ``time.monotonic()`` it began at."""

    def __init__(self) -> None:
        self._kept: dict[object, tuple[float, asyncio.Future[Dashboard]]] = {}

    async def shared(
        self, key: object, computed_after: float, compute: Callable[[], Awaitable[Dashboard]]
    ) -> Dashboard:
        now = time.monotonic()
        found = self._kept.get(key)
        if found is not None and found[0] >= computed_after and now - found[0] <= CACHE_SECONDS:
            return await asyncio.shield(found[1])
        if len(self._kept) > 1000:
            self._kept = {k: v for k, v in self._kept.items() if now - v[0] <= CACHE_SECONDS}
        future: asyncio.Future[Dashboard] = asyncio.ensure_future(compute())
        self._kept[key] = (now, future)
        try:
            return await asyncio.shield(future)
        except BaseException:
            if self._kept.get(key, (0, None))[1] is future:
                del self._kept[key]
            raise
