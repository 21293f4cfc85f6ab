"""Counting failures in a time window: per account and per client address.

In-process counters by default; Redis counters (shared by all workers) when configured.
"""

from __future__ import annotations

import time
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError


class FailureCounter(Protocol):
    async def count(self, key: str) -> tuple[int, int]:
        """Failures recorded under ``key`` in the window, and seconds until it resets."""

    async def record(self, key: str) -> None: ...
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

    async def record(self, key: str) -> None:
        self._live(key)
        self._hits.setdefault(key, []).append(time.monotonic())

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

    async def record(self, key: str) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(self._key(key))
                pipe.expire(self._key(key), self.window, nx=True)
                await pipe.execute()
        except (RedisError, OSError):
            await self._fallback.record(key)

    async def clear(self, key: str) -> None:
        try:
            await self.redis.delete(self._key(key))
        except (RedisError, OSError):
            await self._fallback.clear(key)
