"""Read your writes (读己之写): who wrote a moment ago reads from the primary.

With a read replica (``GONGZHI_READ_DATABASE_URL``), the fields declared ``replica=True``
(``schema/replica.py``) read from it, and it may lag. A person whose change committed in the
last ``GONGZHI_READ_YOUR_WRITES_SECONDS`` (10) reads those fields from the primary instead,
so a board shows what they just did: ``changing()`` notes the actor once its transaction has
committed (``wrote``), and the field asks ``recently_wrote`` before it runs.

With Redis the note is one key per person with that expiry (``SET … EX``; ``EXISTS``), so
every worker knows it; without Redis it is this worker's own (one process, or SQLite, which
has no replica anyway). Redis down: everyone reads from the primary, nothing is shown stale.
Without a replica nothing is noted at all.

How far behind the replica is (``ReplicaLag``, 复制延迟): a replica more than
``GONGZHI_READ_MAX_LAG_SECONDS`` (30) behind is not read until it catches up. Each worker asks
the replica at most once a second: nothing waits for replay (its last received WAL is its last
replayed), or the time since the last transaction it replayed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from tortoise.connection import connections

from core.reads import lagging_reads

log = logging.getLogger(__name__)
MAX_KEPT = 100_000


class RecentWriters:
    """Who wrote in the last ``seconds``; ``enabled`` False (no replica): nobody is noted."""

    def __init__(
        self,
        seconds: float,
        *,
        enabled: bool,
        redis: Any = None,
        prefix: str = "gongzhi",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.enabled = enabled and seconds > 0
        self._redis = redis
        self._prefix = prefix
        self._monotonic = monotonic
        self._until: dict[int, float] = {}  # user ID -> monotonic deadline (no Redis)

    def _key(self, user_id: int) -> str:
        return f"{self._prefix}:wrote:{user_id}"

    async def wrote(self, user_id: int) -> None:
        """This person's change has just committed."""
        if not self.enabled:
            return
        until = self._monotonic() + self.seconds
        self._until[user_id] = until  # this worker knows at once, even if Redis does not
        if len(self._until) > MAX_KEPT:
            now = self._monotonic()
            self._until = {k: v for k, v in self._until.items() if v > now}
        if self._redis is not None:
            try:
                await self._redis.set(self._key(user_id), b"1", ex=max(1, round(self.seconds)))
            except Exception:  # a note lost: the other workers may show a lagging board
                log.warning("could not note a recent writer in Redis", exc_info=True)

    async def recently_wrote(self, user_id: int | None) -> bool:
        """Did this person write in the last ``seconds`` (so their reads go to the primary)?"""
        if not self.enabled or user_id is None:
            return False
        until = self._until.get(user_id)
        if until is not None:
            if until > self._monotonic():
                return True
            self._until.pop(user_id, None)
        if self._redis is None:
            return False
        try:
            return bool(await self._redis.exists(self._key(user_id)))
        except Exception:  # Redis down: the primary, which is never behind
            return True


LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS lag"
)
"""Seconds the replica is behind (``NULL`` on a server that is not replaying: not behind)."""


class ReplicaLag:
    """Whether the replica is too far behind to read (more than ``max_seconds``); asked of the
    replica at most every ``every`` seconds per worker. ``enabled`` False: never."""

    def __init__(
        self,
        max_seconds: float,
        *,
        enabled: bool,
        every: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_seconds = max_seconds
        self.enabled = enabled and max_seconds > 0
        self.every = every
        self.seconds = 0.0
        """The lag last read."""
        self._monotonic = monotonic
        self._asked_at: float | None = None

    async def too_far_behind(self) -> bool:
        """Is the replica more than ``max_seconds`` behind? (May raise the replica's
        ``ReplicaUnavailable``: its reads then go to the primary.)"""
        if not self.enabled:
            return False
        now = self._monotonic()
        if self._asked_at is None or now - self._asked_at >= self.every:
            self._asked_at = now  # the requests meanwhile use the last reading
            with lagging_reads():
                rows = await connections.get("default").execute_query_dict(LAG_SQL)
            value = rows[0]["lag"] if rows else None
            self.seconds = float(value) if value is not None else 0.0
        return self.seconds > self.max_seconds
