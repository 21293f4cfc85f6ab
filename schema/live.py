"""Subscriptions (实时推送), one way: who listens, in which street, from where, encoded once.

Every subscription resolver starts with ``listener(info, after)``: the caller is signed in and
has a current street (else ``UNAUTHENTICATED`` / ``TENANT_REQUIRED``), the resume cursor
``after`` is decoded once for that street (another street's cursor, or garbage, is refused
with ``BAD_USER_INPUT``), and ``reading()`` gives the read-only street scope a generator needs
(it runs outside the operation, so the operation's scope is gone)::

    async def vote_progress(self, info: Info, id: strawberry.ID, after: str | None = None):
        me = listener(info, after)
        with me.reading():
            vote = await require_vote(decode_id(id, "Vote", "id"))
        async for item in shared(live.vote_events(me.services, ..., me.since, ...), ...):
            yield item

``shared(...)`` is for messages that depend only on the event and the subscription's shape,
not on who receives them: one object per event in this worker, and the WebSocket handler
(``schema/view.py``) encodes each such message once per shape (``SHARED_EVENT``). A message
that is the receiver's own (a notification) is yielded as is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from models.accounts import User
from models.tenancy import Street
from resolvers.outbox import Event, decode_cursor
from resolvers.services import Services
from schema.context import Info
from tenants.scoping import street_scope

SHARED_EVENT: ContextVar[Event | None] = ContextVar("gongzhi_shared_event", default=None)
"""The event a subscription is sending right now, when what it sends depends only on the event
and the subscription's shape (query and variables), not on who receives it: the WebSocket
handler then encodes the message once per shape and reuses it for every such subscriber."""

Item = TypeVar("Item")
Message = TypeVar("Message")


@dataclass(frozen=True)
class Listener:
    """The subscriber, checked once: who, in which street, resuming after which position, and
    when their sign-in ends (the streams stop with ``TOKEN_EXPIRED`` then)."""

    services: Services
    user: User
    street: Street
    since: int | None
    """The position in the street's stream the cursor ``after`` names; None: live events only."""
    token_expires_at: datetime | None

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """The street's read-only scope, for what the subscription reads itself."""
        with street_scope(self.street.id, writable=False):
            yield


def listener(info: Info, after: str | None = None) -> Listener:
    context = info.context
    viewer = context.viewer
    user = viewer.require_user()
    street = viewer.require_street()
    since = decode_cursor(after, street.id) if after else None
    return Listener(context.services, user, street, since, viewer.token_expires_at)


async def shared(
    items: AsyncIterable[Item],
    kind: Any,
    message: Callable[[Item], Message],
    event_of: Callable[[Item], Event] = lambda item: item,  # type: ignore[assignment,return-value]
) -> AsyncIterator[Message]:
    """The same message for every subscriber of an event: built once per event and ``kind``
    (kept on the event), and marked for the encode-once path."""
    async for item in items:
        event = event_of(item)
        found = event.cache.get(kind)
        if found is None:
            found = event.cache[kind] = message(item)
        SHARED_EVENT.set(event)
        yield found
