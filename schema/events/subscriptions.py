from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from policies.capabilities.events import EVENT_READ
from resolvers import events, notifications
from schema.context import Info
from schema.events.types import SHARED_EVENT, Notification, NotificationAdded, StreetEvent
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
        self, info: Info, types: list[str] | None = None, after: str | None = None
    ) -> AsyncGenerator[StreetEvent, None]:
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        street = viewer.require_street()
        async for event in events.street_events(
            context.services, user.id, street.id, types, after, viewer.token_expires_at
        ):
            SHARED_EVENT.set(event)
            yield StreetEvent.of(event)

    @subscription(
        requires=SignedIn(street=True),
        description="My new notifications in the current street, as they arrive. Pass the "
        "last `cursor` seen as `after` to first receive what was missed.",
    )
    async def notification_added(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[NotificationAdded, None]:
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        street = viewer.require_street()
        async for added in notifications.notifications_added(
            context.services, user.id, street.id, after, viewer.token_expires_at
        ):
            yield NotificationAdded(
                cursor=added.cursor, notification=Notification.from_model(added.notification)
            )
