"""The notification inbox (消息): per user and street, pushed live.

Later domains call ``notify`` inside their ``changing(...)`` block: deadline warnings, replies,
vote openings. The rows and the live event are committed with the change that caused them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime

from models.accounts import User
from models.columns import column
from models.events import PRIVATE, Notification
from models.sql import Statement
from resolvers.events import Change, check_still_signed_in
from resolvers.outbox import Event, stream
from resolvers.owned import unusable
from resolvers.pagination import Page, keyset_page
from resolvers.services import Services

NOTIFICATION_ADDED = "notification.added"
_INSERT = Statement(
    'INSERT INTO "notification" ("tenant_id", "user_id", "kind", "title", "body", "subject", '
    '"created_at") VALUES (:street, :user, :kind, :title, :body, :subject, :created_at) '
    'RETURNING "id", "user_id"'
)
_CREATED_AT = Notification._meta.fields_map["created_at"]


@dataclass(frozen=True)
class AddedNotification:
    """A notification as it arrives live: the event's cursor and the inbox row."""

    cursor: str
    notification: Notification


async def notify(
    change: Change,
    users: Iterable[int | User],
    kind: str,
    title: str,
    body: str = "",
    subject: str | None = None,
) -> list[Notification]:
    """Put a notification in each user's inbox in the change's street, and push it."""
    user_ids = sorted({u.id if isinstance(u, User) else int(u) for u in users})
    if not user_ids:
        return []
    title = title[:200]
    rows = [
        Notification(
            tenant_id=change.street_id,
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            subject=subject,
            created_at=change.at,
        )
        for user_id in user_ids
    ]
    # One multi-row INSERT … RETURNING per 500 recipients (a vote's electorate is thousands);
    # like saving through the ORM, only into the change's street, in a writable scope.
    created_at = _CREATED_AT.to_db_value(change.at, Notification)
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        found = await _INSERT.fetch(
            change.conn,
            each=[{"user": row.user_id} for row in chunk],
            street=change.street_id,
            kind=kind,
            title=title,
            body=body,
            subject=subject,
            created_at=created_at,
        )
        ids = {int(r["user_id"]): int(r["id"]) for r in found}
        for row in chunk:
            row.id = ids[row.user_id]
            row._saved_in_db = True
    if rows:
        await change.event(
            NOTIFICATION_ADDED,
            subject or "",
            {
                "recipients": {str(row.user_id): row.id for row in rows},
                "kind": kind,
                "title": title,
                "body": body,
                "subject": subject,
            },
            visibility=PRIVATE,
        )
    return rows


def _row_for(event: Event, user_id: int) -> Notification | None:
    if event.type != NOTIFICATION_ADDED:
        return None
    notification_id = (event.payload.get("recipients") or {}).get(str(user_id))
    if notification_id is None:
        return None
    payload = event.payload
    return Notification(
        id=int(notification_id),
        tenant_id=event.street_id,
        user_id=user_id,
        kind=payload.get("kind", ""),
        title=payload.get("title", ""),
        body=payload.get("body", ""),
        subject=payload.get("subject"),
        created_at=event.occurred_at,
        read_at=None,
    )


async def notifications_added(
    services: Services,
    user_id: int,
    street_id: int,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[AddedNotification]:
    """My new notifications; after the position ``since`` first (a decoded cursor)."""
    async for event in stream(services.hub, street_id, since):
        check_still_signed_in(services, token_expires_at)
        row = _row_for(event, user_id)
        if row is not None:
            yield AddedNotification(event.cursor, row)


async def my_notifications(
    services: Services, user: User, first: int | None, after: str | None, unread_only: bool
) -> Page[Notification]:
    query = Notification.filter(user_id=user.id)
    if unread_only:
        query = query.filter(read_at=None)
    return await keyset_page(
        query, first, after, services.settings.max_page_size, newest_first=True
    )


async def unread_count(user: User) -> int:
    return await Notification.filter(user_id=user.id, read_at=None).count()


async def mark_read(services: Services, user: User, ids: list[int] | None, everything: bool) -> int:
    """Mark some (or all) of my notifications in this street read; returns how many changed.
    An ID that is not one of my notifications here (another street's, another person's, none)
    refuses them all: nothing is marked."""
    query = Notification.filter(user_id=user.id, read_at=None)
    if not everything:
        wanted = sorted(set(ids or []))
        mine = await column(Notification.filter(user_id=user.id, id__in=wanted), "id", int)
        if len(mine) != len(wanted):
            raise unusable("ids", "notification.not_found")
        query = query.filter(id__in=wanted)
    return await query.update(read_at=services.clock.now())
