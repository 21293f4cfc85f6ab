from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from models.events import OutboxEvent
from policies.capabilities.events import EVENT_READ
from resolvers import events, notifications
from schema.context import Info
from schema.events.types import Notification, NotificationAdded, StreetEvent
from schema.inputs import text_argument
from schema.live import listener, shared
from schema.permissions import Can, SignedIn, subscription


@strawberry.type
class EventsSubscription:
    @subscription(
        requires=Can(EVENT_READ),
        description="The current street's live events (实时动态), for workbenches and big "
        "screens, optionally of some `types` only. Pass the last `cursor` seen as `after` to "
        "first receive what was missed (kept for GONGZHI_EVENT_RETENTION_HOURS), then live "
        "events: no gap, no duplicate. Events about accounts and roles also need `member:read`.",
    )
    async def street_events(
        self,
        info: Info,
        types: Annotated[list[str] | None, text_argument(OutboxEvent, "type")] = None,
        after: str | None = None,
    ) -> AsyncGenerator[StreetEvent, None]:
        me = listener(info, after)
        stream = events.street_events(
            me.services, me.user.id, me.street.id, types, me.since, me.token_expires_at
        )
        async for item in shared(stream, StreetEvent, StreetEvent.of):
            yield item

    @subscription(
        requires=SignedIn(street=True),
        description="My new notifications in the current street, as they arrive. Pass the "
        "last `cursor` seen as `after` to first receive what was missed.",
    )
    async def notification_added(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[NotificationAdded, None]:
        me = listener(info, after)  # each message is the receiver's own: not shared
        async for added in notifications.notifications_added(
            me.services, me.user.id, me.street.id, me.since, me.token_expires_at
        ):
            yield NotificationAdded(
                cursor=added.cursor, notification=Notification.from_model(added.notification)
            )
