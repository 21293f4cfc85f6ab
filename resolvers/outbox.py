"""From committed changes to live subscribers: the relay, the per-process hub, the streams.

* ``EventRelay`` (one task per worker) gives every committed, unsequenced outbox row the next
  position of its street's stream, then publishes sequenced rows to the broker and marks them
  published. Sequencing takes a PostgreSQL advisory lock (one relay at a time, in every worker),
  publishing claims rows with ``FOR UPDATE SKIP LOCKED``. If the broker is down, rows stay
  unpublished and go out when it is back.
* ``EventHub`` (one per worker) reads the broker once, decodes each event once, and hands the
  same object to the listeners of its street. A slow listener's backlog is bounded: past it, the
  listener catches up from the stored log instead. A sweep compares each watched street's head
  with what the broker brought, so an event the broker lost is read from the log.
* ``stream`` turns a listener into what a subscription sends: first the stored events after the
  client's cursor, then live ones, with no gap and no duplicate (positions are dense per street,
  so a gap is seen and filled from the log).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.broker import Broker
from core.clock import Clock
from core.errors import ErrorCode, Refused
from core.ids import BIGINT_KEY_MAX, parse_key
from core.metrics import Metrics
from models.columns import column
from models.events import EventStream, OutboxEvent
from models.sql import Statement
from resolvers.periodic import each_in_street
from tenants.scoping import street_scope, streets_scope, unscoped

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "events"
BATCH = 500
REPLAY_PAGE = 200
LISTENER_BACKLOG = 500
_RELAY_LOCK = 0x67_7A_65_76  # "gzev": the advisory lock that serializes sequencing
_TRY_RELAY_LOCK = Statement(
    "SELECT pg_try_advisory_xact_lock(:lock) AS locked",
    unscoped="an advisory lock of the relay (PostgreSQL), no street's rows",
)
_CURSOR_PREFIX = "ev:"


# -- events ------------------------------------------------------------------------------


@dataclass(eq=False)
class Event:
    """A committed event with its place in its street's stream. One object per process is
    shared by every local subscriber; ``cache`` keeps what was derived from it (the GraphQL
    object, the encoded message per subscription shape) so that work is done once."""

    id: int
    street_id: int
    position: int
    type: str
    subject: str
    actor_id: int | None
    payload: dict[str, Any]
    visibility: str
    occurred_at: datetime
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def cursor(self) -> str:
        return encode_cursor(self.street_id, self.position)

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Event:
        assert row.position is not None
        return cls(
            id=row.id,
            street_id=row.tenant_id,
            position=row.position,
            type=row.type,
            subject=row.subject,
            actor_id=row.actor_id,
            payload=row.payload,
            visibility=row.visibility,
            occurred_at=row.occurred_at,
        )

    def encode(self) -> bytes:
        return json.dumps(
            {
                "i": self.id,
                "s": self.street_id,
                "p": self.position,
                "t": self.type,
                "j": self.subject,
                "a": self.actor_id,
                "d": self.payload,
                "v": self.visibility,
                "o": self.occurred_at.isoformat(),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    @classmethod
    def decode(cls, message: bytes) -> Event:
        raw = json.loads(message)
        return cls(
            id=int(raw["i"]),
            street_id=int(raw["s"]),
            position=int(raw["p"]),
            type=str(raw["t"]),
            subject=str(raw["j"]),
            actor_id=raw["a"],
            payload=raw["d"],
            visibility=str(raw["v"]),
            occurred_at=datetime.fromisoformat(raw["o"]),
        )


def encode_cursor(street_id: int, position: int) -> str:
    raw = f"{_CURSOR_PREFIX}{street_id}:{position}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, street_id: int) -> int:
    """The position in this street's stream a cursor names; another street's cursor, or
    anything else, is refused."""
    try:
        if len(cursor) > 80:
            raise ValueError(cursor[:20])
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        street, _, position = raw[len(_CURSOR_PREFIX) :].partition(":")
        if parse_key(street) != street_id:
            raise ValueError(raw)
        return parse_key(position, BIGINT_KEY_MAX, smallest=0)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_event_cursor", "after") from exc


# -- the stored log ------------------------------------------------------------------------


async def head_position(street_id: int) -> int:
    with street_scope(street_id, writable=False):
        head = await EventStream.filter(tenant_id=street_id).first()
    return head.position if head else 0


async def stored_events(street_id: int, after: int, before: int | None = None) -> list[Event]:
    """Sequenced events of a street with ``after < position < before`` (one page)."""
    with street_scope(street_id, writable=False):
        query = OutboxEvent.filter(position__gt=after, position__not_isnull=True)
        if before is not None:
            query = query.filter(position__lt=before)
        rows = await query.order_by("position").limit(REPLAY_PAGE)
    return [Event.from_row(row) for row in rows]


async def check_resumable(street_id: int, after: int) -> None:
    """Refuse a cursor whose following events were already dropped from the log."""
    head = await head_position(street_id)
    if after > head:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_event_cursor", "after")
    if after == head:
        return
    with street_scope(street_id, writable=False):
        kept = await OutboxEvent.filter(position=after + 1).exists()
    if not kept:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.event_cursor_expired", "after")


# -- the relay -----------------------------------------------------------------------------


class EventRelay:
    """Sequences and publishes committed outbox rows; woken after each commit, and polling."""

    def __init__(
        self,
        broker: Broker,
        clock: Clock,
        poll_seconds: float,
        retention: timedelta,
        metrics: Metrics | None = None,
    ) -> None:
        self.broker = broker
        self.metrics = metrics
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.retention = retention
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_prune: datetime | None = None

    def wake(self) -> None:
        """Call after committing a change that recorded events."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.pump()
                await self._maybe_prune()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database or the broker is away: try again soon
                log.warning("event relay: %s: %s", type(exc).__name__, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    async def pump(self) -> int:
        """Sequence, then publish, until nothing is left; returns how many were published.

        Every street at once; when a row cannot be read (a poison written to the database),
        street by street instead, each in its own error boundary (``each_in_street``): the
        poison holds up its own street's stream, whose order it is part of, and no other."""
        with unscoped("the relay serves every street"):
            try:
                return await self._pump()
            except UnreadableRows as exc:
                log.warning("event relay: %s: street by street this round", exc.__cause__)
            waiting = OutboxEvent.filter(Q(position=None) | Q(published_at=None))
            street_ids = await column(waiting.distinct(), "tenant_id", int)
        return await each_in_street(
            "event relay street", [(sid, sid) for sid in street_ids], lambda _: self._pump()
        )

    async def _pump(self) -> int:
        published = 0
        while True:
            sequenced = await self._sequence()
            sent = await self._publish()
            published += sent
            if sequenced < BATCH and sent < BATCH:
                return published

    async def _sequence(self) -> int:
        async with in_transaction() as conn:
            if conn.capabilities.dialect == "postgres":
                rows = await _TRY_RELAY_LOCK.fetch(conn, lock=_RELAY_LOCK)
                if not rows[0]["locked"]:
                    return 0  # another worker is sequencing right now
            # An unsequenced row is unpublished too (publishing takes sequenced rows only): said
            # here, the few unpublished rows are found through ``published_at``'s index, where
            # ``position IS NULL`` alone scans every event kept (the log's whole retention).
            pending = await _rows(
                OutboxEvent.filter(position=None, published_at=None)
                .order_by("id")
                .limit(BATCH)
                .using_db(conn)
            )
            if not pending:
                return 0
            street_ids = sorted({row.tenant_id for row in pending})
            heads = {
                head.tenant_id: head
                for head in await EventStream.filter(tenant_id__in=street_ids).using_db(conn)
            }
            missing = [EventStream(tenant_id=sid, position=0) for sid in street_ids]
            missing = [head for head in missing if head.tenant_id not in heads]
            if missing:
                await EventStream.bulk_create(missing, using_db=conn)
                for head in await EventStream.filter(
                    tenant_id__in=[h.tenant_id for h in missing]
                ).using_db(conn):
                    heads[head.tenant_id] = head
            for row in pending:
                head = heads[row.tenant_id]
                head.position += 1
                row.position = head.position
            await OutboxEvent.bulk_update(pending, fields=["position"], using_db=conn)
            await EventStream.bulk_update(list(heads.values()), fields=["position"], using_db=conn)
            return len(pending)

    async def _publish(self) -> int:
        async with in_transaction() as conn:
            rows = await _rows(
                OutboxEvent.filter(published_at=None, position__not_isnull=True)
                .order_by("tenant_id", "position")
                .limit(BATCH)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if not rows:
                return 0
            # One round trip for the batch; raises while the broker is down, and the rows stay
            # unpublished.
            await self.broker.publish_many(
                EVENTS_CHANNEL, [Event.from_row(row).encode() for row in rows]
            )
            await (
                OutboxEvent.filter(id__in=[row.id for row in rows])
                .using_db(conn)
                .update(published_at=self.clock.now())
            )
        if self.metrics is not None:  # from the change to its publication
            self.metrics.relayed((row.occurred_at for row in rows), self.clock.now())
        return len(rows)

    async def _maybe_prune(self) -> None:
        now = self.clock.now()
        if self._last_prune and now - self._last_prune < timedelta(minutes=5):
            return
        self._last_prune = now
        with unscoped("the relay prunes every street's event log"):
            await OutboxEvent.filter(
                occurred_at__lt=now - self.retention, published_at__not_isnull=True
            ).delete()


class UnreadableRows(Exception):
    """A batch of outbox rows the driver could not read (a value out of Python's range)."""


async def _rows(query: QuerySet[OutboxEvent]) -> list[OutboxEvent]:
    try:
        return await query
    except (ValueError, OverflowError, TypeError) as exc:
        raise UnreadableRows(type(exc).__name__) from exc


# -- the hub and its listeners ----------------------------------------------------------


class Listener:
    """One subscription's inbox from the hub: bounded; past the bound it asks to catch up."""

    def __init__(self, street_id: int, backlog: int = LISTENER_BACKLOG) -> None:
        self.street_id = street_id
        self.backlog = backlog
        self.pending: deque[Event] = deque()
        self.behind = 0  # a position the listener must reach from the log
        self.signal = asyncio.Event()
        self.ready = asyncio.Event()  # set once its stream knows where it starts

    def offer(self, event: Event) -> None:
        if len(self.pending) >= self.backlog:
            self.pending.clear()
            self.behind = max(self.behind, event.position)
        else:
            self.pending.append(event)
        self.signal.set()

    def poke(self, head: int) -> None:
        if head > self.behind:
            self.behind = head
            self.signal.set()

    async def take(self) -> tuple[list[Event], int]:
        await self.signal.wait()
        self.signal.clear()
        events = list(self.pending)
        self.pending.clear()
        return events, self.behind


class EventHub:
    """This worker's single reader of the event channel, fanning out per street."""

    def __init__(self, broker: Broker, sweep_seconds: float) -> None:
        self.broker = broker
        self.sweep_seconds = sweep_seconds
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._seen: dict[int, int] = {}
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._receive(), name="event-hub"),
            asyncio.create_task(self._sweep(), name="event-hub-sweep"),
        ]
        await asyncio.sleep(0)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    @contextlib.contextmanager
    def listen(self, street_id: int) -> Iterator[Listener]:
        listener = Listener(street_id)
        self._listeners[street_id].add(listener)
        try:
            yield listener
        finally:
            self._listeners[street_id].discard(listener)
            if not self._listeners[street_id]:
                del self._listeners[street_id]

    def ready_count(self) -> int:
        """Subscriptions of this worker that are receiving (for probes and tests)."""
        return sum(
            listener.ready.is_set()
            for listeners in self._listeners.values()
            for listener in listeners
        )

    def dispatch(self, event: Event) -> None:
        if event.position > self._seen.get(event.street_id, 0):
            self._seen[event.street_id] = event.position
        for listener in list(self._listeners.get(event.street_id, ())):
            listener.offer(event)

    async def _receive(self) -> None:
        async for message in self.broker.subscribe(EVENTS_CHANNEL):
            try:
                event = Event.decode(message)
            except (ValueError, KeyError, TypeError):
                log.warning("event hub: dropped a malformed message")
                continue
            self.dispatch(event)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            street_ids = list(self._listeners)
            if not street_ids:
                continue
            try:
                with streets_scope(street_ids, "the hub watches the streets it serves"):
                    heads = await EventStream.all().values_list("tenant_id", "position")
            except Exception as exc:
                log.warning("event hub sweep: %s", exc)
                continue
            for street_id, position in heads:
                if position > self._seen.get(street_id, 0):
                    self._seen[street_id] = position
                    for listener in list(self._listeners.get(street_id, ())):
                        listener.poke(position)


async def stream(hub: EventHub, street_id: int, after: int | None) -> AsyncIterator[Event]:
    """A street's events after ``after`` (from the log), then live ones; without ``after``,
    live ones from now. In order, no gap, no duplicate."""
    with hub.listen(street_id) as listener:
        if after is None:
            last = await head_position(street_id)
            listener.ready.set()
        else:
            await check_resumable(street_id, after)
            last = after
            listener.ready.set()
            while True:
                page = await stored_events(street_id, last)
                for event in page:
                    yield event
                    last = event.position
                if len(page) < REPLAY_PAGE:
                    break
        while True:
            events, behind = await listener.take()
            for event in events:
                if event.position <= last:
                    continue
                while event.position > last + 1:  # a gap: fill it from the log
                    page = await stored_events(street_id, last, event.position)
                    if not page:
                        break
                    for missed in page:
                        yield missed
                        last = missed.position
                yield event
                last = event.position
            while behind > last:  # fell behind, or the broker lost something
                page = await stored_events(street_id, last)
                if not page:
                    break
                for missed in page:
                    yield missed
                    last = missed.position
