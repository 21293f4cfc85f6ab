from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from policies.capabilities.cases import CASE_DESK, CASE_READ
from resolvers.cases import live
from resolvers.cases.access import visible_case
from resolvers.cases.common import case_gid
from resolvers.outbox import Event
from schema.caller import caller
from schema.cases.types import CaseEvent
from schema.context import Info
from schema.live import listener, shared
from schema.permissions import Can, subscription
from schema.relay import decode_id


def _of(event: Event) -> CaseEvent:
    return CaseEvent(
        cursor=event.cursor,
        type=event.type,
        case_id=strawberry.ID(event.subject) if event.subject else None,
        occurred_at=event.occurred_at,
        payload=strawberry.scalars.JSON(event.payload),
    )


@strawberry.type
class CasesSubscription:
    @subscription(
        requires=Can(CASE_READ),
        description="Every step of one case the caller reads (its reporter follows it), live. "
        "Pass the last `cursor` seen as `after` to first receive what was missed.",
    )
    async def case_progress(
        self, info: Info, id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[CaseEvent, None]:
        me = listener(info, after)
        with me.reading():
            case = await visible_case(caller(info), decode_id(id, "Case", "id"))
        stream = live.case_events(
            me.services, me.user.id, me.street.id, case_gid(case.id), me.since, me.token_expires_at
        )
        async for item in shared(stream, CaseEvent, _of):
            yield item

    @subscription(
        requires=Can(CASE_DESK),
        description="值班台: every new, signed, escalated, dispatched, resolved, re-reported or "
        "warned case of the street, live. Pass the last `cursor` seen as `after` to resume.",
    )
    async def case_desk(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[CaseEvent, None]:
        me = listener(info, after)
        stream = live.case_events(
            me.services, me.user.id, me.street.id, None, me.since, me.token_expires_at
        )
        async for item in shared(stream, CaseEvent, _of):
            yield item
