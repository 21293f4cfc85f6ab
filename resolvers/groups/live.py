"""Live delivery of group chats (群聊实时推送): the street's stream, the groups' private
events only, to the members of each group.

A subscriber's groups are read once when it starts, then kept up to date from the stream
itself: added to a group, it receives that group's events from then on; removed, it receives
the removal and nothing after. Nothing is read per event: the event carries the message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from models.columns import column
from models.groups import GroupMember
from resolvers.events import check_still_signed_in
from resolvers.groups.chats import GROUP_PREFIX, MEMBER_ADDED, MEMBER_REMOVED
from resolvers.outbox import Event, stream
from resolvers.services import Services
from tenants.scoping import street_scope


async def my_group_ids(street_id: int, user_id: int) -> set[int]:
    with street_scope(street_id, writable=False):
        return set(
            await column(
                GroupMember.filter(user_id=user_id, removed_at__isnull=True), "group_id", int
            )
        )


async def group_events(
    services: Services,
    user_id: int,
    street_id: int,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    groups = await my_group_ids(street_id, user_id)
    async for event in stream(services.hub, street_id, since):
        check_still_signed_in(services, token_expires_at)
        if not event.type.startswith(GROUP_PREFIX):
            continue
        group = int(event.payload.get("group", 0))
        about_me = event.payload.get("user") == user_id
        if event.type == MEMBER_ADDED and about_me:
            groups.add(group)
        if group in groups:
            yield event
        if event.type == MEMBER_REMOVED and about_me:
            groups.discard(group)
