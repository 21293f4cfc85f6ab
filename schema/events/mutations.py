from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import ErrorCode, Refused
from resolvers import notices, notifications
from schema.context import Info
from schema.errors import InputError
from schema.events.inputs import MarkNotificationsReadInput
from schema.events.queries import badge_count
from schema.permissions import SignedIn, mutation
from schema.relay import decode_id


@strawberry.type
class MarkNotificationsReadSuccess:
    marked_count: int = strawberry.field(description="How many were unread and are now read.")
    unread_count: int = strawberry.field(description="How many of mine remain unread.")


MarkNotificationsReadPayload = Annotated[
    MarkNotificationsReadSuccess | InputError, strawberry.union("MarkNotificationsReadPayload")
]


@strawberry.type
class EventsMutation:
    @mutation(
        requires=SignedIn(street=True),
        description="Mark some of my notifications read, or (`all`) every notification and "
        "every notice addressed to me. `unreadCount` is the badge, like "
        "`unreadNotificationCount` (a domain's own unread things, e.g. group messages, are "
        "read where they are).",
    )
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        context = info.context

        user = context.viewer.require_user()
        if not input.all and not input.ids:
            raise Refused(ErrorCode.BAD_USER_INPUT, "input.required", "ids")
        ids = [decode_id(i, "Notification", "ids") for i in input.ids or []]
        marked = await notifications.mark_read(context.services, user, ids, input.all)
        if input.all:  # "all read" in the inbox includes the notices addressed to me
            marked += await notices.mark_all_read(user.id, context.services.clock.now())
        unread = await badge_count(info)
        return MarkNotificationsReadSuccess(marked_count=marked, unread_count=unread)
