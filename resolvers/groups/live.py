"""Live delivery of group chats (群聊实时推送): the groups' private events, to the members
of each group only.

A subscription listens on the topics of its groups (``group:<id>``) and of its own account
(``account:<id>``), so the event hub hands it those events and no other of the street: a
message costs work for the group's connections only. Its groups are read once when it starts,
then kept up to date from the stream itself: added to a group (an event on its account's
topic), it follows that group from then on; removed, it receives the removal and nothing
after. Nothing is read per event: the event carries the message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from models.columns import column
from models.groups import GroupMember
from resolvers.events import check_still_signed_in
from resolvers.groups.chats import (
    GROUP_PREFIX,
    MEMBER_ADDED,
    MEMBER_REMOVED,
    OWNER_CHANGED,
    account_topic,
    group_topic,
)
from resolvers.outbox import Event, listened
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
    topics = {group_topic(group) for group in groups} | {account_topic(user_id)}
    hub = services.hub
    with hub.listen(street_id, topics) as listener:
        async for event in listened(hub, listener, since):
            check_still_signed_in(services, token_expires_at)
            if not event.type.startswith(GROUP_PREFIX):
                continue
            group = int(event.payload.get("group", 0))
            about_me = event.payload.get("user", event.payload.get("owner")) == user_id
            if event.type in (MEMBER_ADDED, OWNER_CHANGED) and about_me:
                groups.add(group)
                listener.follow(group_topic(group))
            if group in groups:
                yield event
            if event.type == MEMBER_REMOVED and about_me:
                groups.discard(group)
                listener.unfollow(group_topic(group))
