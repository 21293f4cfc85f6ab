"""Recording changes: one unit of work writes the change, its audit entry and its event
in one transaction, and wakes the relay (and the audit log's sequencer) once it is committed.
Reading a street's live events.

Later domains write::

    async with changing(services, actor) as change:
        case = await Case.create(...)
        await change.record("case.reported", to_global_id("Case", case.id), {"title": ...})
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.errors import DomainError, ErrorCode
from models.accounts import User
from models.audit import AuditEntry, append_entries, append_entry
from models.events import EVENT_READ, PRIVATE, OutboxEvent, record_event
from policies.capabilities import events as event_capabilities
from policies.vocabulary import Capability, street_domain
from resolvers.audit.sequencer import wake_sequencer
from resolvers.outbox import Event, stream
from resolvers.services import Services
from tenants.scoping import current_street_id

STREET_EVENTS = event_capabilities.EVENT_READ


@dataclass
class Change:
    """What one transaction changed in one street: its audit entries and its events."""

    services: Services
    conn: BaseDBAsyncClient
    street_id: int
    actor_id: int | None
    at: datetime
    events: list[OutboxEvent] = field(default_factory=list)
    audited: bool = False

    async def audit(self, action: str, subject: str, change: dict[str, Any]) -> AuditEntry:
        self.audited = True
        return await append_entry(
            self.conn,
            street_id=self.street_id,
            at=self.at,
            actor_id=self.actor_id,
            action=action,
            subject=subject,
            change=change,
        )

    async def audit_many(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Many entries at once, in order: ``(action, subject, change)`` each."""
        self.audited = self.audited or bool(entries)
        await append_entries(
            self.conn,
            street_id=self.street_id,
            at=self.at,
            actor_id=self.actor_id,
            entries=entries,
        )

    async def event(
        self,
        type: str,
        subject: str,
        payload: dict[str, Any] | None = None,
        visibility: str = EVENT_READ,
        topics: Sequence[str] = (),
    ) -> OutboxEvent:
        """An event of the street's stream; ``topics`` are the keys (``"group:12"``) a
        subscription may listen on instead of the whole street (``resolvers/outbox.py``)."""
        row = await record_event(
            self.conn,
            street_id=self.street_id,
            type=type,
            subject=subject,
            actor_id=self.actor_id,
            payload=payload or {},
            occurred_at=self.at,
            visibility=visibility,
            topics=topics,
        )
        self.events.append(row)
        return row

    async def record(
        self,
        action: str,
        subject: str,
        change: dict[str, Any],
        *,
        payload: dict[str, Any] | None = None,
        visibility: str = EVENT_READ,
    ) -> None:
        """The usual case: an audit entry and an event of the same name."""
        await self.audit(action, subject, change)
        await self.event(action, subject, change if payload is None else payload, visibility)


@contextlib.asynccontextmanager
async def changing(
    services: Services, actor: User | None, street_id: int | None = None
) -> AsyncIterator[Change]:
    """A transaction in the current street (or the one given) that records what it changes.
    Nothing is recorded when it rolls back; the relay and the audit sequencer are woken once it
    commits."""
    sid = current_street_id() if street_id is None else street_id
    async with in_transaction() as conn:
        change = Change(services, conn, sid, actor.id if actor else None, services.clock.now())
        yield change
    if actor is not None and services.writers.enabled:
        await services.writers.wrote(actor.id)
    if services.responses.enabled:
        await services.responses.changed(sid)
    if change.events:
        services.relay.wake()
    if change.audited:
        wake_sequencer(services)


def may_see(services: Services, user_id: int, event: Event) -> bool:
    """May this user see this event of the street's stream (not someone's private one)?"""
    if event.visibility == PRIVATE:
        return False
    domain = street_domain(event.street_id)
    authorizer = services.authorizer
    if not authorizer.can(user_id, domain, STREET_EVENTS):
        return False
    if event.visibility == EVENT_READ:
        return True
    resource, _, action = event.visibility.partition(":")
    return authorizer.can(user_id, domain, Capability(resource, action))


def check_still_signed_in(services: Services, token_expires_at: datetime | None) -> None:
    if token_expires_at is not None and services.clock.now() >= token_expires_at:
        raise DomainError(ErrorCode.TOKEN_EXPIRED)


async def street_events(
    services: Services,
    user_id: int,
    street_id: int,
    types: Collection[str] | None,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """The street's events this user may see, optionally of some types only; after the
    position ``since`` first (a decoded cursor), then live."""
    wanted = frozenset(types) if types else None
    async for event in stream(services.hub, street_id, since):
        check_still_signed_in(services, token_expires_at)
        if wanted is not None and event.type not in wanted:
            continue
        if may_see(services, user_id, event):
            yield event


async def domain_events(
    services: Services,
    user_id: int,
    street_id: int,
    prefix: str,
    capability: Capability,
    subject: str | None,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """One domain's events of the street's stream (types starting with ``prefix``, of one
    subject when given), for callers holding ``capability``; resumable after ``since``."""
    domain = street_domain(street_id)
    async for event in stream(services.hub, street_id, since):
        check_still_signed_in(services, token_expires_at)
        if not event.type.startswith(prefix) or event.visibility == PRIVATE:
            continue
        if subject is not None and event.subject != subject:
            continue
        if services.authorizer.can(user_id, domain, capability):
            yield event
