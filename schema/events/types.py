"""Live events and the notification inbox (实时动态、消息)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import events as em
from resolvers.outbox import Event
from schema.relay import Node, to_global_id


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
        return cls(
            cursor=event.cursor,
            type=event.type,
            subject=strawberry.ID(event.subject),
            actor_id=to_global_id("Account", event.actor_id) if event.actor_id else None,
            occurred_at=event.occurred_at,
            payload=JSON(event.payload),
        )


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
