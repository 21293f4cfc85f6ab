"""The bell work log, live to the street (协商铃工作日志实时查看)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from policies.capabilities.consultations import BELL_LOG_READ
from resolvers.consultations import worklog
from resolvers.outbox import Event
from schema.context import Info
from schema.live import listener, shared
from schema.permissions import Can, subscription


@strawberry.type(description="One bell activity as it is logged.")
class BellLogEvent:
    cursor: str
    entry_id: strawberry.ID
    activity: str
    occurred_at: datetime


def _of(event: Event) -> BellLogEvent:
    return BellLogEvent(
        cursor=event.cursor,
        entry_id=strawberry.ID(event.subject),
        activity=str(event.payload.get("activity", "")),
        occurred_at=event.occurred_at,
    )


@strawberry.type
class ConsultationsSubscription:
    @subscription(
        requires=Can(BELL_LOG_READ),
        description="协商铃工作日志: every bell activity of the street as it is logged. Pass the "
        "last `cursor` seen as `after` to resume.",
    )
    async def bell_log_live(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[BellLogEvent, None]:
        me = listener(info, after)
        stream = worklog.live_log(
            me.services, me.user.id, me.street.id, me.since, me.token_expires_at
        )
        async for item in shared(stream, BellLogEvent, _of):
            yield item
