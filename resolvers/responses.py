"""Answers kept until their street changes (响应缓存): boards and big screens ask the same
thing thousands of times between two changes.

An answer is kept under its street and a key the endpoint makes (the document, its variables,
the caller's roles and language: ``schema/responses.py`` says which documents may be kept),
in this worker and, with Redis, for every worker. It is dropped when anything of its street
changes: ``changing()`` calls ``changed(street)`` once the change is committed. This worker
forgets at once; the others when the ``responses-changed`` message reaches them; an answer in
Redis is tagged with the street's generation (a counter the change increments) and is not
served once the generation moved. The counter and the message go to Redis in one round trip,
the change's request is answered only after it, and the changes a worker commits while one
announcement is on its way go out together in the next (under load, one round trip for many
writes instead of one each). An answer being computed
while the street changed is not kept. Every answer also expires after ``max_age`` seconds,
which bounds what a lost message or a write outside ``changing()`` can leave behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from core.broker import Broker

log = logging.getLogger(__name__)
RESPONSES_CHANNEL = "responses-changed"
MAX_ANSWERS = 5_000


@dataclass(frozen=True)
class Stamp:
    """A street's generations when an answer began to be computed: this worker's count of
    the street's changes, and the street's counter in Redis (None without Redis)."""

    here: int
    shared: bytes | None = None


class ResponseCache:
    """One worker's kept answers, by street; ``max_age`` 0 keeps nothing."""

    def __init__(
        self,
        max_age: float = 0.0,
        *,
        redis: Any = None,
        prefix: str = "gongzhi",
        monotonic: Callable[[], float] = time.monotonic,
        maxsize: int = MAX_ANSWERS,
    ) -> None:
        self.max_age = max_age
        self.maxsize = maxsize
        self._redis = redis
        self._prefix = prefix
        self._monotonic = monotonic
        self._answers: dict[int, dict[str, tuple[float, Any]]] = {}  # street -> key -> answer
        self._generations: dict[int, int] = {}  # this worker's count of each street's changes
        self._size = 0
        self._broker: Broker | None = None
        self._listener: asyncio.Task[None] | None = None
        self.hits = 0
        self.misses = 0
        self._unannounced: set[int] = set()  # streets changed, not yet told to the others
        self._announcing = asyncio.Lock()
        self.announcements = 0

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def __len__(self) -> int:
        return self._size

    # -- reading and keeping --------------------------------------------------------------
    async def lookup(self, street_id: int, key: str) -> tuple[Any | None, Stamp]:
        """The answer kept for ``key`` in this street, here or in Redis (None if none is), and
        the street's generations now: give them to ``keep`` with the answer computed after."""
        stamp = Stamp(self._generations.get(street_id, 0))
        if not self.enabled:
            return None, stamp
        kept = self._answers.get(street_id, {}).get(key)
        if kept is not None:
            if self._monotonic() - kept[0] <= self.max_age:
                self.hits += 1
                return kept[1], stamp
            self._drop(street_id, key)
        if self._redis is not None:
            stamp, shared = await self._shared_get(street_id, key, stamp)
            if shared is not None:
                self._keep_here(street_id, key, shared, stamp)
                self.hits += 1
                return shared, stamp
        self.misses += 1
        return None, stamp

    async def keep(self, street_id: int, key: str, answer: Any, stamp: Stamp) -> None:
        """Keep an answer computed since ``stamp``, unless the street changed since."""
        if not self.enabled or stamp.here != self._generations.get(street_id, 0):
            return
        self._keep_here(street_id, key, answer, stamp)
        if self._redis is not None and stamp.shared is not None:
            await self._shared_keep(street_id, key, answer, stamp.shared)

    def _keep_here(self, street_id: int, key: str, answer: Any, stamp: Stamp) -> None:
        if stamp.here != self._generations.get(street_id, 0):
            return
        if self._size >= self.maxsize:
            self._answers.clear()
            self._size = 0
        answers = self._answers.setdefault(street_id, {})
        if key not in answers:
            self._size += 1
        answers[key] = (self._monotonic(), answer)

    def _drop(self, street_id: int, key: str) -> None:
        answers = self._answers.get(street_id)
        if answers is not None and answers.pop(key, None) is not None:
            self._size -= 1

    def forget(self, street_id: int) -> None:
        """Drop every answer of this street kept by this worker."""
        self._generations[street_id] = self._generations.get(street_id, 0) + 1
        self._size -= len(self._answers.pop(street_id, {}))

    async def changed(self, street_id: int) -> None:
        """Call once a change of this street is committed: forget here, in Redis, and tell
        the other workers; returns once that is done (the writer's next request, on whichever
        worker, is never answered from before its change). The broker or Redis being down
        must not fail the change.

        Changes committed while an announcement is on its way are announced together by the
        next one (one round trip to Redis and one message a street for all of them, as a
        database groups commits): each change is announced by an announcement that began
        after it, which is all the promise above needs."""
        self.forget(street_id)
        if self._redis is None and self._broker is None:
            return
        self._unannounced.add(street_id)
        async with self._announcing:
            if street_id not in self._unannounced:
                return  # an announcement that began after this change carried it
            streets, self._unannounced = sorted(self._unannounced), set()
            await self._announce(streets)

    async def _announce(self, streets: list[int]) -> None:
        """The streets' generations in Redis moved on and the message to the other workers,
        in one round trip."""
        self.announcements += 1
        counters = (
            [self._generation_key(street_id) for street_id in streets]
            if self._redis is not None
            else []
        )
        try:
            if self._broker is not None:
                messages = [str(street_id).encode() for street_id in streets]
                await self._broker.publish_many(RESPONSES_CHANNEL, messages, counters=counters)
            elif counters:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for counter in counters:
                        pipe.incr(counter)
                    await pipe.execute()
        except Exception:
            log.warning("could not announce streets %s's change; their answers expire", streets)

    # -- Redis: answers shared by every worker ----------------------------------------------
    def _generation_key(self, street_id: int) -> str:
        return f"{self._prefix}:responses:{street_id}:generation"

    def _answer_key(self, street_id: int, key: str) -> str:
        return f"{self._prefix}:responses:{street_id}:{key}"

    async def _shared_get(self, street_id: int, key: str, stamp: Stamp) -> tuple[Stamp, Any]:
        """The street's generation in Redis, and the answer kept there if it is of it."""
        try:
            current, stored = await self._redis.mget(
                self._generation_key(street_id), self._answer_key(street_id, key)
            )
        except Exception:
            log.warning("could not read kept answers from Redis")
            return stamp, None
        generation = bytes(current) if current is not None else b"0"
        stamp = Stamp(stamp.here, generation)
        if stored is None:
            return stamp, None
        tag, _, body = bytes(stored).partition(b"\n")
        return stamp, (orjson.loads(body) if tag == generation else None)

    async def _shared_keep(self, street_id: int, key: str, answer: Any, generation: bytes) -> None:
        try:
            await self._redis.set(
                self._answer_key(street_id, key),
                generation + b"\n" + orjson.dumps(answer),
                px=max(1, int(self.max_age * 1000)),
            )
        except Exception:
            log.warning("could not keep an answer in Redis")

    # -- keeping workers in step ------------------------------------------------------------
    async def start_watching(self, broker: Broker) -> None:
        self._broker = broker
        self._listener = asyncio.create_task(self._listen(broker), name="response-watcher")

    async def stop_watching(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None

    async def _listen(self, broker: Broker) -> None:
        while True:
            try:
                async for message in broker.subscribe(RESPONSES_CHANNEL):
                    with contextlib.suppress(ValueError):
                        self.forget(int(message))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the responses channel; forgetting every answer", exc_info=True)
                self._answers.clear()
                self._size = 0
                await asyncio.sleep(1)
