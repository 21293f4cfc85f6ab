"""Publish/subscribe: in-process by default, Redis (``redis.asyncio``) in production.

Messages are bytes on named channels. Subscribers get an async iterator; a slow subscriber has
a bounded queue and loses its oldest messages rather than blocking the publisher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
QUEUE_SIZE = 1000


class Broker(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, channel: str, message: bytes) -> None: ...
    async def publish_many(
        self, channel: str, messages: list[bytes], *, counters: Sequence[str] = ()
    ) -> None:
        """Publish in order, in one round trip; with Redis, the keys of ``counters`` are
        incremented first in the same round trip (the in-process broker has no counters)."""
        ...

    def subscribe(self, channel: str) -> AsyncIterator[bytes]: ...
    async def ping(self) -> bool: ...
    def continuity(self) -> int | None:
        """A number that stays the same for as long as every message any process publishes
        reaches this one's subscribers; None when that is not promised now (no connection, or
        an in-process broker, which other processes cannot reach)."""
        ...


class _Fanout:
    """Local subscriber queues per channel, shared by both brokers."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[bytes]]] = defaultdict(set)
        self.dropped = 0  # messages a full queue lost (its oldest)

    def deliver(self, channel: str, message: bytes) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                    self.dropped += 1
            queue.put_nowait(message)

    def has(self, channel: str) -> bool:
        return bool(self._queues.get(channel))

    async def listen(self, channel: str) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]


class MemoryBroker:
    """One process, no server: the embedded default."""

    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, channel: str, message: bytes) -> None:
        self._fanout.deliver(channel, message)

    async def publish_many(
        self, channel: str, messages: list[bytes], *, counters: Sequence[str] = ()
    ) -> None:
        for message in messages:
            self._fanout.deliver(channel, message)

    def subscribe(self, channel: str) -> AsyncIterator[bytes]:
        return self._fanout.listen(channel)

    async def ping(self) -> bool:
        return True

    def continuity(self) -> int | None:
        return None


class RedisBroker:
    """Redis pub/sub shared by every worker; one Redis subscription per process.

    The listener reconnects by itself when Redis goes away and comes back.
    """

    def __init__(self, url: str, prefix: str = "gongzhi") -> None:
        self.url = url
        self.prefix = prefix
        self.client_name = f"{prefix}:broker"  # how its connections show in CLIENT LIST
        self.redis = aioredis.from_url(
            url, socket_connect_timeout=2, health_check_interval=10, client_name=self.client_name
        )
        self._fanout = _Fanout()
        self._pattern = f"{prefix}:*"
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self._subscriptions = 0  # made since start: each new one may follow missed messages

    def _key(self, channel: str) -> str:
        return f"{self.prefix}:{channel}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="redis-broker-listener")
        # Give the listener a moment, but do not refuse to start without Redis.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), timeout=2)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.redis.aclose()

    async def publish(self, channel: str, message: bytes) -> None:
        await self.redis.publish(self._key(channel), message)

    async def publish_many(
        self, channel: str, messages: list[bytes], *, counters: Sequence[str] = ()
    ) -> None:
        """In order, in one round trip (a pipeline, not a transaction), after ``INCR`` of each
        key of ``counters``."""
        if len(messages) == 1 and not counters:
            await self.publish(channel, messages[0])
            return
        key = self._key(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            for counter in counters:
                pipe.incr(counter)
            for message in messages:
                pipe.publish(key, message)
            await pipe.execute()

    def subscribe(self, channel: str) -> AsyncIterator[bytes]:
        return self._fanout.listen(channel)

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self.redis.ping(), timeout=2))
        except (RedisError, OSError, TimeoutError):
            return False

    def continuity(self) -> int | None:
        """Changes with every new subscription (messages published while there was none are
        lost) and every message a full local queue dropped."""
        if not self.connected.is_set():
            return None
        return self._subscriptions * 1_000_000_007 + self._fanout.dropped

    async def _listen(self) -> None:
        strip = len(self.prefix) + 1
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe(self._pattern)
                self._subscriptions += 1
                self.connected.set()
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"].decode()[strip:]
                    self._fanout.deliver(channel, message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self.connected.clear()
                log.warning("redis broker disconnected (%s); retrying", exc)
                await asyncio.sleep(0.5)
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


def make_broker(redis_url: str | None, prefix: str = "gongzhi") -> Broker:
    return RedisBroker(redis_url, prefix) if redis_url else MemoryBroker()
