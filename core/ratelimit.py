"""Counting in a time window: login attempts per account and per client address, and the
request cost each person spends per minute.

In-process counters by default; Redis counters (shared by all workers) when configured. A
login attempt is counted *before* its password is checked (``hit``: one atomic increment that
answers the new count), so parallel attempts cannot all pass a check made before any of them
was counted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
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
        return self.add(key, amount)

    def peek(self, key: str) -> tuple[int, int]:
        """What ``key`` spent in its current window, and the seconds left of it (0, 0: none)."""
        now = time.monotonic()
        start, total = self._spent.get(key, (now, 0))
        if total == 0 or now - start >= self.window:
            return 0, 0
        return total, max(1, int(start + self.window - now))

    def add(self, key: str, amount: int) -> tuple[int, int]:
        """``spend``, without waiting for anything."""
        now = time.monotonic()
        start, total = self._spent.get(key, (now, 0))
        if now - start >= self.window:
            start, total = now, 0
        if len(self._spent) >= MAX_SPENDERS and key not in self._spent:
            self._spent = {k: v for k, v in self._spent.items() if now - v[0] < self.window}
        total += amount
        self._spent[key] = (start, total)
        return total, max(1, int(start + self.window - now))


FLUSH_SECONDS = 0.25
"""How often at most a worker adds what was spent in it to the totals in Redis."""


class RedisSpending:
    """Per-minute totals in Redis (INCRBY + EXPIRE per key) shared by every worker, counted in
    the worker first.

    A spend is added to this worker's own count at once and answered from it: the total Redis
    gave at this worker's last flush, plus what was spent here since. At most every
    ``flush_seconds`` (at the first spend after that), what was spent here is added to Redis
    for every person at once, in one MULTI/EXEC, and Redis' totals (with every worker's
    spending in them) come back. So a request does not wait for Redis, and a worker makes a
    few round trips a second however many requests it serves. What the other workers spent in
    their last ``flush_seconds`` is not yet in a total: across N workers, a person can go past
    the minute's budget by what N − 1 workers admit in that time (a few requests), never more.
    While Redis is down, the worker's own window counts (``MemorySpending``)."""

    def __init__(
        self,
        redis: aioredis.Redis,
        prefix: str,
        window_seconds: int = SPENDING_WINDOW_SECONDS,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds
        self.flush_seconds = flush_seconds
        self._monotonic = monotonic
        self._fallback = MemorySpending(window_seconds)
        self._known: dict[str, tuple[int, float]] = {}  # key -> (Redis' total, window's end)
        self._pending: dict[str, int] = {}  # spent here, not yet sent
        self._sending: dict[str, int] = {}  # spent here, on its way to Redis
        self._flushed_at = -math.inf
        self._flushing = False
        self.round_trips = 0

    async def spend(self, key: str, amount: int) -> tuple[int, int]:
        self._pending[key] = self._pending.get(key, 0) + amount
        if not self._flushing and self._monotonic() - self._flushed_at >= self.flush_seconds:
            await self.flush()
        return self._total(key)

    def _total(self, key: str) -> tuple[int, int]:
        now = self._monotonic()
        here = self._pending.get(key, 0) + self._sending.get(key, 0)
        down, down_seconds = self._fallback.peek(key)
        known, ends = self._known.get(key, (0, 0.0))
        if ends > now:
            return known + here + down, max(1, math.ceil(ends - now))
        self._known.pop(key, None)
        return here + down, down_seconds or self.window

    async def flush(self) -> None:
        """Add what was spent here to Redis, and learn every worker's totals of those keys."""
        if self._flushing or not self._pending:
            self._flushed_at = self._monotonic()
            return
        self._flushing = True
        self._sending, self._pending = self._pending, {}
        spends = self._sending
        try:
            self.round_trips += 1
            async with self.redis.pipeline(transaction=True) as pipe:
                for key, amount in spends.items():
                    name = f"{self.prefix}:cost:{key}"
                    pipe.incrby(name, amount)
                    pipe.expire(name, self.window, nx=True)
                    pipe.ttl(name)
                replies = await pipe.execute()
        except (RedisError, OSError):
            for key, amount in spends.items():  # counted in this worker's own window instead
                self._fallback.add(key, amount)
        except BaseException:
            # The flushing request was cancelled on the way: send these with the next flush
            # (at worst counted twice, never lost).
            for key, amount in spends.items():
                self._pending[key] = self._pending.get(key, 0) + amount
            raise
        else:
            if len(self._known) > MAX_SPENDERS:
                self._known = {k: v for k, v in self._known.items() if v[1] > self._monotonic()}
            now = self._monotonic()
            for n, key in enumerate(spends):
                total, _, ttl = replies[3 * n : 3 * n + 3]
                self._known[key] = (int(total), now + max(int(ttl), 1))
        finally:
            self._sending = {}
            self._flushing = False
            self._flushed_at = self._monotonic()
