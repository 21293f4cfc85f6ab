"""The dashboard query and its live subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry

from core.clock import local_date
from models.tenancy import Community
from policies.capabilities.stats import DASHBOARD_READ
from resolvers.panels import ScopeKind
from resolvers.stats import dashboard as calc
from resolvers.stats.live import dashboard_updates
from schema.caller import caller
from schema.context import Info
from schema.live import listener
from schema.permissions import Can, field, subscription
from schema.relay import decode_id
from schema.stats.types import Dashboard, DashboardPeriod, DashboardScope

_WHAT = (
    "Counts and rates of every domain (cases: received, resolved, rates, hot categories; the "
    "bell: rings, completion and satisfaction…) and their latest items by category and place, "
    "never a person. A paired screen reads only its own scope; the district's (the sums of "
    "its streets) only district accounts."
)


def _community(scope: DashboardScope) -> int | None:
    if scope.community_id is None:
        return None
    return decode_id(scope.community_id, Community.__name__, "communityId")


@strawberry.type
class DashboardQuery:
    @field(
        replica=True, requires=Can(DASHBOARD_READ), description=f"一屏统览: the dashboard. {_WHAT}"
    )
    async def dashboard(
        self,
        info: Info,
        scope: DashboardScope | None = None,
        period: DashboardPeriod = DashboardPeriod.TODAY,
        first_day: date | None = None,
        last_day: date | None = None,
    ) -> Dashboard:
        scope = scope or DashboardScope()
        found = await calc.dashboard(
            caller(info),
            ScopeKind(scope.kind.value),
            _community(scope),
            calc.PeriodKind(period.value),
            first_day,
            last_day,
        )
        return Dashboard.of(found)


@strawberry.type
class DashboardSubscription:
    @subscription(
        requires=Can(DASHBOARD_READ),
        description="实时大屏: the whole dashboard first, then, after the scope's events, only "
        "the figures and lists that changed, at most once a second. Reconnecting starts "
        f"again with the whole dashboard. {_WHAT}",
    )
    async def dashboard(
        self,
        info: Info,
        scope: DashboardScope | None = None,
        period: DashboardPeriod = DashboardPeriod.TODAY,
        first_day: date | None = None,
        last_day: date | None = None,
    ) -> AsyncGenerator[Dashboard, None]:
        me = listener(info)
        scope = scope or DashboardScope()
        who = caller(info)
        today = local_date(me.services.clock.now())
        with me.reading():
            asked, name = await calc.scope_of(
                who,
                ScopeKind(scope.kind.value),
                _community(scope),
                calc.period_of(
                    calc.PeriodKind(period.value), first_day, last_day, today, calc.max_days(who)
                ),
            )
        async for update in dashboard_updates(who, asked, name, me.token_expires_at):
            yield Dashboard.of(update)
