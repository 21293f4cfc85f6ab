"""Counting in a time window: login attempts per account and per client address, and the
request cost each person spends per minute.

In-process counters by default; Redis counters (shared by all workers) when configured. A
login attempt is counted *before* its password is checked (``hit``: one atomic increment that
answers the new count), so parallel attempts cannot all pass a check made before any of them
was counted.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError


class FailureCounter(Protocol):
    async def count(self, key: str) -> tuple[int, int]:
        """Failures recorded under ``key`` in the window, and seconds until it resets."""

    async def hit(self, key: str) -> tuple[int, int]:
        """Count one attempt now; the count with it, and seconds until the window resets."""

    async def release(self, key: str) -> None:
        """Take back one attempt counted by ``hit`` (it turned out to be no failure)."""

    async def clear(self, key: str) -> None: ...


class MemoryFailureCounter:
    def __init__(self, window_seconds: int) -> None:
        self.window = window_seconds
        self._hits: dict[str, list[float]] = {}

    def _live(self, key: str) -> list[float]:
        cutoff = time.monotonic() - self.window
        hits = [t for t in self._hits.get(key, []) if t > cutoff]
        if hits:
            self._hits[key] = hits
        else:
            self._hits.pop(key, None)
        return hits

    async def count(self, key: str) -> tuple[int, int]:
        hits = self._live(key)
        if not hits:
            return 0, 0
        return len(hits), max(1, int(hits[0] + self.window - time.monotonic()))

    async def hit(self, key: str) -> tuple[int, int]:
        # Nothing awaited between reading and adding: atomic for every task of this process.
        self._live(key)
        self._hits.setdefault(key, []).append(time.monotonic())
        return await self.count(key)

    async def release(self, key: str) -> None:
        hits = self._live(key)
        if hits:
            hits.pop()
        if not hits:
            self._hits.pop(key, None)

    async def clear(self, key: str) -> None:
        self._hits.pop(key, None)


class RedisFailureCounter:
    """A fixed window per key (INCR + EXPIRE); when Redis is down, it fails open for reads
    and falls back to the local counter, so a Redis outage never locks everyone out."""

    def __init__(self, redis: aioredis.Redis, prefix: str, window_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds
        self._fallback = MemoryFailureCounter(window_seconds)

    def _key(self, key: str) -> str:
        return f"{self.prefix}:fail:{key}"

    async def count(self, key: str) -> tuple[int, int]:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.get(self._key(key))
                pipe.ttl(self._key(key))
                value, ttl = await pipe.execute()
            return int(value or 0), max(int(ttl), 0)
        except (RedisError, OSError):
            return await self._fallback.count(key)

    async def hit(self, key: str) -> tuple[int, int]:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(self._key(key))
                pipe.expire(self._key(key), self.window, nx=True)
                pipe.ttl(self._key(key))
                value, _, ttl = await pipe.execute()
            return int(value), max(int(ttl), 0)
        except (RedisError, OSError):
            return await self._fallback.hit(key)

    async def release(self, key: str) -> None:
        try:
            if int(await self.redis.decr(self._key(key))) <= 0:
                await self.redis.delete(self._key(key))
        except (RedisError, OSError):
            await self._fallback.release(key)

    async def clear(self, key: str) -> None:
        try:
            await self.redis.delete(self._key(key))
        except (RedisError, OSError):
            await self._fallback.clear(key)


class Spending(Protocol):
    async def spend(self, key: str, amount: int) -> tuple[int, int]:
        """Add ``amount`` to what ``key`` spent in the current minute: the total, and the
        seconds until the minute is over."""


SPENDING_WINDOW_SECONDS = 60
MAX_SPENDERS = 100_000  # in-process: the table starts over when this many are counted


class MemorySpending:
    """A fixed window per key, in this process (the embedded default, and Redis' fallback)."""

    def __init__(self, window_seconds: int = SPENDING_WINDOW_SECONDS) -> None:
        self.window = window_seconds
        self._spent: dict[str, tuple[float, int]] = {}  # key -> (window start, total)

    async def spend(self, key: str, amount: int) -> tuple[int, int]:
        now = time.monotonic()
        start, total = self._spent.get(key, (now, 0))
        if now - start >= self.window:
            start, total = now, 0
        if len(self._spent) >= MAX_SPENDERS and key not in self._spent:
            self._spent = {k: v for k, v in self._spent.items() if now - v[0] < self.window}
        total += amount
        self._spent[key] = (start, total)
        return total, max(1, int(start + self.window - now))


class RedisSpending:
    """INCRBY + EXPIRE per key, shared by every worker; the local table when Redis is down.

    The spends of the requests a worker validates while one round trip to Redis is on its way
    are sent together in the next (one MULTI/EXEC for all of them): under load, one round
    trip for many requests instead of one each; each request still waits for its own total."""

    def __init__(
        self, redis: aioredis.Redis, prefix: str, window_seconds: int = SPENDING_WINDOW_SECONDS
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds
        self._fallback = MemorySpending(window_seconds)
        self._waiting: list[tuple[str, int, asyncio.Future[tuple[int, int]]]] = []
        self._sending = asyncio.Lock()
        self.round_trips = 0

    async def spend(self, key: str, amount: int) -> tuple[int, int]:
        answer: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        self._waiting.append((key, amount, answer))
        async with self._sending:
            if not answer.done():
                spends, self._waiting = self._waiting, []
                if not any(waiting is answer for _, _, waiting in spends):
                    # Taken by a request that was cancelled while sending: send it again (at
                    # worst counted twice, never lost).
                    spends.append((key, amount, answer))
                await self._send(spends)
        return answer.result()

    async def _send(self, spends: list[tuple[str, int, asyncio.Future[tuple[int, int]]]]) -> None:
        self.round_trips += 1
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                for key, amount, _ in spends:
                    name = f"{self.prefix}:cost:{key}"
                    pipe.incrby(name, amount)
                    pipe.expire(name, self.window, nx=True)
                    pipe.ttl(name)
                replies = await pipe.execute()
        except (RedisError, OSError):
            for key, amount, answer in spends:
                answer.set_result(await self._fallback.spend(key, amount))
            return
        for n, (_, _, answer) in enumerate(spends):
            total, _, ttl = replies[3 * n : 3 * n + 3]
            answer.set_result((int(total), max(int(ttl), 1)))
