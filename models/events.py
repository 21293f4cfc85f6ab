"""Domain events (the outbox) and the per-user notification inbox (消息).

An event row is written in the same transaction as the change it describes. The relay later
gives it a position in its street's stream and publishes it, so a rolled-back change is never
published and a committed one is never lost. The rows double as the stored event log from
which a reconnecting subscriber catches up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Street

# Who may see an event in a street's stream: a capability, or PRIVATE (named recipients only).
EVENT_READ = "event:read"
PRIVATE = "private"
TOPICS_MAX = 200  # the length of ``OutboxEvent.topics``, its keys joined by spaces


class OutboxEvent(TenantModel):
    """One domain event of a street, as committed with its change.

    ``position`` is the event's place in the street's stream (its cursor), given by the relay
    once the change is committed: dense, 1, 2, 3… per street. ``published_at`` is set once the
    broker took it. ``topics`` are the keys a subscription can listen on instead of the whole
    street (``group:12``), joined by spaces: the hub hands the event to those listeners only.
    """

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("events")
    type = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=120, default="")
    actor_id = fields.IntField(null=True, description="The user who made the change, if any")
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    visibility = fields.CharField(max_length=64, default=EVENT_READ)
    topics = fields.CharField(
        max_length=TOPICS_MAX, null=True, description="Topic keys, joined by spaces"
    )
    occurred_at = fields.DatetimeField()
    position = fields.BigIntField(null=True)
    published_at = fields.DatetimeField(null=True, index=True)

    class Meta:
        table = "outbox_event"
        unique_together = (("tenant", "position"),)


class EventStream(TenantModel):
    """The head of a street's event stream: the last position the relay gave out."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("event_streams")
    position = fields.BigIntField(default=0)

    class Meta:
        table = "event_stream"
        unique_together = (("tenant",),)


class Notification(TenantModel):
    """A message in one user's inbox in one street (消息): a deadline warning, a reply…"""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("notifications")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=64)
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    subject = fields.CharField(max_length=120, null=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "notification"
        indexes = (("tenant_id", "user_id", "read_at"),)


async def record_event(
    conn: BaseDBAsyncClient,
    *,
    street_id: int,
    type: str,
    subject: str,
    actor_id: int | None,
    payload: dict[str, Any],
    occurred_at: datetime,
    visibility: str = EVENT_READ,
    topics: Sequence[str] = (),
) -> OutboxEvent:
    """Write an event into the outbox. Call inside the transaction of the change itself.
    ``topics``: keys without spaces (``"group:12"``) a subscription may listen on."""
    joined = " ".join(topics)
    if any(not key or " " in key for key in topics) or len(joined) > TOPICS_MAX:
        raise ValueError(f"bad event topics: {topics!r}")
    row = OutboxEvent(
        tenant_id=street_id,
        type=type,
        subject=subject,
        actor_id=actor_id,
        payload=payload,
        occurred_at=occurred_at,
        visibility=visibility,
        topics=joined or None,
    )
    await row.save(using_db=conn)
    return row
