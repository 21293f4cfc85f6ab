from __future__ import annotations

import strawberry

from resolvers import notices, notifications
from schema.context import Info
from schema.events.types import Notification
from schema.permissions import SignedIn, field
from schema.relay import Connection


@strawberry.type
class EventsQuery:
    @field(
        requires=SignedIn(street=True),
        description="My notifications in the current street (消息), newest first.",
    )
    async def notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool = False,
    ) -> Connection[Notification]:
        context = info.context
        page = await notifications.my_notifications(
            context.services, context.viewer.require_user(), first, after, unread_only
        )
        return Connection.from_page(page, Notification.from_model)

    @field(
        requires=SignedIn(street=True),
        description="The one badge (未读): my unread notifications in the current street plus "
        "the notices addressed to me that I have not opened (see `unreadNoticeCount`) and "
        "what each domain counts as unread for me (e.g. `unreadGroupMessageCount`).",
    )
    async def unread_notification_count(self, info: Info) -> int:
        return await badge_count(info)


async def badge_count(info: Info) -> int:
    """The one badge: notifications, notices and every domain's part (``Domain.unread``)."""
    context = info.context
    user = context.viewer.require_user()
    total = await notifications.unread_count(user) + await notices.unread_count(user.id)
    for count in context.services.unread_counts:
        total += await count(user.id)
    return total
