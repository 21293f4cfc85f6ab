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
from collections.abc import AsyncIterator, Iterable, Iterator
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
    topics: tuple[str, ...] = ()
    """Keys a subscription can listen on instead of the whole street (``group:12``)."""
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
            topics=tuple((row.topics or "").split()),
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
                "k": list(self.topics),
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
            topics=tuple(str(key) for key in raw.get("k", ())),
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
        await self.prune()

    async def prune(self) -> int:
        """Delete the published events older than the retention (every street's): a
        subscription can resume only within it. Unpublished events are kept whatever their
        age. Answers how many were deleted."""
        with unscoped("the relay prunes every street's event log"):
            return await OutboxEvent.filter(
                occurred_at__lt=self.clock.now() - self.retention, published_at__not_isnull=True
            ).delete()


class UnreadableRows(Exception):
    """A batch of outbox rows the driver could not read (a value out of Python's range)."""


async def _rows(query: QuerySet[OutboxEvent]) -> list[OutboxEvent]:
    try:
        return await query
    except (ValueError, OverflowError, TypeError) as exc:
        raise UnreadableRows(type(exc).__name__) from exc


# -- the hub and its listeners ----------------------------------------------------------

GAP_WAIT = 0.05
"""Seconds an event that came before its predecessors (two workers' relays publish at once)
waits for them before the hub reads them from the log."""


class Listener:
    """One subscription's inbox from the hub: bounded; past the bound it asks to catch up.

    It follows the whole street (``topics`` None) or some topic keys only (``group:12``): the
    hub then hands it the events carrying one of them and no other. ``follow`` and
    ``unfollow`` change that while it runs; what the hub passed of a newly followed topic
    before is read from the log (``behind``)."""

    def __init__(
        self,
        street_id: int,
        backlog: int = LISTENER_BACKLOG,
        topics: Iterable[str] | None = None,
        hub: EventHub | None = None,
    ) -> None:
        self.street_id = street_id
        self.backlog = backlog
        self.topics: set[str] | None = None if topics is None else set(topics)
        self.hub = hub
        self.pending: deque[Event] = deque()
        self.behind = 0  # a position the listener must reach from the log
        self.signal = asyncio.Event()
        self.ready = asyncio.Event()  # set once its stream knows where it starts

    def wants(self, event: Event) -> bool:
        return self.topics is None or not self.topics.isdisjoint(event.topics)

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

    def follow(self, topic: str) -> None:
        """This topic's events too, from the position the stream has reached: those the hub
        already passed are read from the log, in order with the others."""
        if self.topics is None or topic in self.topics:
            return
        self.topics.add(topic)
        if self.hub is not None:
            self.hub._index(self, topic)
            self.poke(self.hub.passed(self.street_id))

    def unfollow(self, topic: str) -> None:
        if self.topics is None or topic not in self.topics:
            return
        self.topics.discard(topic)
        if self.hub is not None:
            self.hub._unindex(self, topic)

    async def take(self) -> tuple[list[Event], int]:
        await self.signal.wait()
        self.signal.clear()
        events = list(self.pending)
        self.pending.clear()
        return events, self.behind


@dataclass
class _Place:
    """The hub's place in a street it serves: every position up to ``passed`` was handed out
    (or is not in the log); ``early`` holds those that came before their predecessors."""

    passed: int | None = None
    early: dict[int, Event] = field(default_factory=dict)
    filling: asyncio.Task[None] | None = None


class EventHub:
    """This worker's single reader of the event channel, fanning out per street and topic.

    The broker brings every street's events once per worker; the hub hands each to the
    listeners of the whole street and to those of its topics only, in position order: an
    event that came early waits for its predecessors (``GAP_WAIT``), then the gap is read from
    the log, once for the worker, not per listener. A sweep compares each served street's head
    with what the hub passed, so an event the broker lost is read from the log too."""

    def __init__(self, broker: Broker, sweep_seconds: float) -> None:
        self.broker = broker
        self.sweep_seconds = sweep_seconds
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._whole: dict[int, set[Listener]] = defaultdict(set)
        self._topics: dict[tuple[int, str], set[Listener]] = defaultdict(set)
        self._places: dict[int, _Place] = {}
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
    def listen(self, street_id: int, topics: Iterable[str] | None = None) -> Iterator[Listener]:
        """A listener of the whole street, or (``topics``) of those topics only."""
        listener = Listener(street_id, topics=topics, hub=self)
        self._listeners[street_id].add(listener)
        self._places.setdefault(street_id, _Place())
        if listener.topics is None:
            self._whole[street_id].add(listener)
        else:
            for topic in listener.topics:
                self._index(listener, topic)
        try:
            yield listener
        finally:
            for topic in listener.topics or ():
                self._unindex(listener, topic)
            self._whole[street_id].discard(listener)
            if not self._whole[street_id]:
                del self._whole[street_id]
            self._listeners[street_id].discard(listener)
            if not self._listeners[street_id]:
                del self._listeners[street_id]
                place = self._places.pop(street_id, None)
                if place is not None and place.filling is not None:
                    place.filling.cancel()

    def _index(self, listener: Listener, topic: str) -> None:
        self._topics[(listener.street_id, topic)].add(listener)

    def _unindex(self, listener: Listener, topic: str) -> None:
        key = (listener.street_id, topic)
        found = self._topics.get(key)
        if found is not None:
            found.discard(listener)
            if not found:
                del self._topics[key]

    def ready_count(self) -> int:
        """Subscriptions of this worker that are receiving (for probes and tests)."""
        return sum(
            listener.ready.is_set()
            for listeners in self._listeners.values()
            for listener in listeners
        )

    def passed(self, street_id: int) -> int:
        """The position up to which this hub handed out the street's events."""
        place = self._places.get(street_id)
        return place.passed or 0 if place is not None else 0

    def anchor(self, street_id: int, head: int) -> None:
        """A listener read the street's head: a hub that had no place in the street yet
        starts there (what came meanwhile after it is handed out)."""
        place = self._places.get(street_id)
        if place is None or place.passed is not None:
            return
        place.passed = head
        self._advance(street_id, place)

    def dispatch(self, event: Event) -> None:
        """Hand an event to the street's listeners that want it (in order: see ``receive``)."""
        street_id = event.street_id
        for listener in list(self._whole.get(street_id, ())):
            listener.offer(event)
        if len(event.topics) == 1:
            for listener in list(self._topics.get((street_id, event.topics[0]), ())):
                listener.offer(event)
        elif event.topics:
            offered: set[Listener] = set()
            for topic in event.topics:
                for listener in list(self._topics.get((street_id, topic), ())):
                    if listener not in offered:
                        offered.add(listener)
                        listener.offer(event)

    def receive(self, event: Event) -> None:
        """An event from the broker: handed out once every one before it was."""
        place = self._places.get(event.street_id)
        if place is None:
            return  # nobody here listens to that street
        if place.passed is not None and event.position <= place.passed:
            return  # handed out already (from the log)
        place.early[event.position] = event
        if place.passed is not None:
            self._advance(event.street_id, place)

    def _advance(self, street_id: int, place: _Place) -> None:
        self._drain(place)
        if place.early and place.filling is None:
            place.filling = asyncio.create_task(self._fill(street_id, place, GAP_WAIT, None))

    def _drain(self, place: _Place) -> None:
        """Hand out the early events that now follow on."""
        passed = place.passed
        assert passed is not None
        for position in [p for p in place.early if p <= passed]:
            del place.early[position]
        while passed + 1 in place.early:
            event = place.early.pop(passed + 1)
            passed = place.passed = event.position
            self.dispatch(event)

    async def _fill(self, street_id: int, place: _Place, wait: float, upto: int | None) -> None:
        """Read from the log what the broker has not brought (up to the first early event,
        or the street's head), and hand it out in order."""
        try:
            if wait:
                await asyncio.sleep(wait)
            while place.passed is not None and self._places.get(street_id) is place:
                target = max(upto or 0, min(place.early) - 1 if place.early else 0)
                if target <= place.passed:
                    break
                page = await stored_events(street_id, place.passed, target + 1)
                if place.passed is None:
                    break
                for event in page:
                    if event.position > place.passed:
                        place.passed = event.position
                        self.dispatch(event)
                if len(page) < REPLAY_PAGE:
                    place.passed = max(place.passed, target)  # the rest is not in the log
                self._drain(place)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: the next event or sweep tries again
            log.warning("event hub fill: %s: %s", type(exc).__name__, exc)
        finally:
            place.filling = None

    async def _receive(self) -> None:
        async for message in self.broker.subscribe(EVENTS_CHANNEL):
            try:
                event = Event.decode(message)
            except (ValueError, KeyError, TypeError):
                log.warning("event hub: dropped a malformed message")
                continue
            self.receive(event)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            street_ids = [sid for sid, place in self._places.items() if place.passed is not None]
            if not street_ids:
                continue
            try:
                with streets_scope(street_ids, "the hub watches the streets it serves"):
                    heads = await EventStream.all().values_list("tenant_id", "position")
            except Exception as exc:
                log.warning("event hub sweep: %s", exc)
                continue
            for street_id, position in heads:
                place = self._places.get(street_id)
                if place is None or place.passed is None or place.filling is not None:
                    continue
                if position > place.passed:
                    place.filling = asyncio.create_task(
                        self._fill(street_id, place, 0, int(position))
                    )


async def stream(
    hub: EventHub, street_id: int, after: int | None, topics: Iterable[str] | None = None
) -> AsyncIterator[Event]:
    """A street's events after ``after`` (from the log), then live ones; without ``after``,
    live ones from now. In order, no gap, no duplicate. With ``topics``, those carrying one
    of them only (a subscription that changes its topics as it goes uses ``listened``)."""
    with hub.listen(street_id, topics) as listener:
        async for event in listened(hub, listener, after):
            yield event


async def listened(hub: EventHub, listener: Listener, after: int | None) -> AsyncIterator[Event]:
    """What a listener of ``hub.listen(...)`` receives: after ``after`` from the log first, then
    live, in order, no gap, no duplicate; whatever it must catch up on (a backlog it
    overflowed, a topic it started to follow) is read from the log."""
    street_id = listener.street_id
    if after is not None:
        await check_resumable(street_id, after)
    head = await head_position(street_id)
    hub.anchor(street_id, head)
    listener.ready.set()
    if after is None:
        last = head
    else:
        last = after
        listener.poke(head)
    while True:
        while listener.behind > last:  # the log up to where the hub has passed
            target = listener.behind
            page = await stored_events(street_id, last, target + 1)
            for event in page:
                if event.position <= last:
                    continue
                last = event.position
                if listener.wants(event):  # asked now: a topic followed meanwhile counts
                    yield event
            if len(page) < REPLAY_PAGE:
                last = max(last, target)
        events, _ = await listener.take()
        for event in events:
            if listener.behind > last:
                break  # to catch up on: the log has these too, in order
            if event.position <= last or not listener.wants(event):
                continue
            last = event.position
            yield event
