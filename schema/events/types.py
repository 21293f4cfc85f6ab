"""Live events, the notification inbox, and audit entries (实时动态、消息、留痕)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import audit as am
from models import events as em
from resolvers.outbox import Event
from schema.accounts.types import Account
from schema.context import Info
from schema.relay import Node, to_global_id

# The event a subscription is sending right now, when what it sends depends only on the event
# and the subscription's shape (query and variables), not on who receives it: the WebSocket
# handler then encodes the message once per shape and reuses it for every such subscriber.
SHARED_EVENT: ContextVar[Event | None] = ContextVar("gongzhi_shared_event", default=None)


@strawberry.type(
    description="An event of the street (实时动态): something changed. `cursor` is its place "
    "in the street's stream: pass the last one seen as `after` when subscribing again to "
    "receive what was missed."
)
class StreetEvent:
    cursor: str
    type: str = strawberry.field(description="What happened, e.g. `community.created`.")
    subject: strawberry.ID = strawberry.field(description="The global ID of what changed.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the account that made the change, if any."
    )
    occurred_at: datetime
    payload: JSON = strawberry.field(description="The event's data; its shape depends on `type`.")

    @classmethod
    def of(cls, event: Event) -> StreetEvent:
        """One object per event, shared by every subscriber in this worker."""
        cached = event.cache.get(cls)
        if cached is None:
            cached = event.cache[cls] = cls(
                cursor=event.cursor,
                type=event.type,
                subject=strawberry.ID(event.subject),
                actor_id=to_global_id("Account", event.actor_id) if event.actor_id else None,
                occurred_at=event.occurred_at,
                payload=event.payload,
            )
        return cached


@strawberry.type(description="A message in my inbox (消息).")
class Notification(Node):
    kind: str = strawberry.field(description="What it is about, e.g. `deadline.yellow`.")
    title: str
    body: str
    subject: strawberry.ID | None = strawberry.field(
        description="The global ID of the record it is about, if any."
    )
    created_at: datetime
    read_at: datetime | None

    @strawberry.field(description="Whether I have read it.")
    def read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def from_model(cls, row: em.Notification) -> Notification:
        return cls(
            id=to_global_id("Notification", row.id),
            kind=row.kind,
            title=row.title,
            body=row.body,
            subject=strawberry.ID(row.subject) if row.subject else None,
            created_at=row.created_at,
            read_at=row.read_at,
        )


@strawberry.type(description="A notification as it arrives, with its place in the stream.")
class NotificationAdded:
    cursor: str = strawberry.field(description="Pass as `after` to resume from here.")
    notification: Notification


@strawberry.type(
    description="An entry of the street's audit chain (留痕): one change, hash-chained to the "
    "previous entry so that no record can be altered or removed unnoticed."
)
class AuditEntry:
    sequence: int = strawberry.field(description="Its place in the street's chain: 1, 2, 3…")
    at: datetime
    action: str = strawberry.field(description="What was done, e.g. `role.granted`.")
    subject: strawberry.ID
    change: JSON = strawberry.field(description="What changed.")
    digest: str = strawberry.field(description="sha256 of the change.")
    prev_hash: str
    hash: str
    actor_pk: strawberry.Private[int | None]

    @strawberry.field(description="The account that made the change, if any.")
    async def actor(self, info: Info) -> Account | None:
        if self.actor_pk is None:
            return None
        row = await info.context.loaders.user.load(self.actor_pk)
        return Account.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: am.AuditEntry) -> AuditEntry:
        return cls(
            sequence=row.sequence,
            at=row.at,
            action=row.action,
            subject=strawberry.ID(row.subject),
            change=row.change,
            digest=row.digest,
            prev_hash=row.prev_hash,
            hash=row.hash,
            actor_pk=row.actor_id,
        )
