"""Open WebSocket connections (在线连接), per person: closed when their sign-in ends, and
counted for the per-person subscription cap.

Every connection acknowledged by the WebSocket handler joins this worker's ``Presence`` with
its person, session, street and the roles it started with. It is closed, with a typed
graphql-transport-ws close code (``CloseReason``, see docs/limits.md):

* ``4401`` *Session ended*: the session was ended — logout, a reused refresh token, a
  hand-over (all of the leaver's sessions) — announced by ``SessionCache.revoked`` here and
  through the broker's ``session-changed`` message in every other worker;
* ``4403`` *Roles changed*: a role the connection started with was taken away (the
  authorizer reloads a user's roles on every ``policy-changed`` message, in every worker). A
  role given keeps the connection (``myPermissionsChanged`` tells it).

A client closed so should not reconnect with the same token: 4401 means sign in again; 4403,
connect again to get what the new roles allow.

The cap counts a person's subscriptions over every connection in this worker and, with Redis,
over every worker (each worker keeps its counts in a Redis hash per person, refreshed while
they last; a worker gone stops counting after ``STALE_SECONDS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from policies.enforcer import Authorizer

log = logging.getLogger(__name__)
STALE_SECONDS = 60
REFRESH_SECONDS = 20


class CloseReason(Enum):
    """graphql-transport-ws close codes for a connection ended by the server."""

    SESSION_ENDED = (4401, "Session ended")
    ROLES_CHANGED = (4403, "Roles changed")
    GOING_AWAY = (1001, "Going away")
    """The server is stopping (a deploy, a scale-down): connect again, to another replica,
    and resume from the last cursor."""

    @property
    def code(self) -> int:
        return self.value[0]

    @property
    def reason(self) -> str:
        return self.value[1]


Closer = Callable[[int, str], Awaitable[None]]


@dataclass(eq=False)
class Connection:
    """One acknowledged connection: who, which session, which street, what it started with."""

    user_id: int
    session_id: int
    domain: str
    roles: frozenset[str]
    close: Closer
    subscriptions: Callable[[], int]
    """How many operations the connection runs now."""
    closing: bool = field(default=False)


class Presence:
    def __init__(
        self, authorizer: Authorizer, redis: aioredis.Redis | None = None, prefix: str = "gongzhi"
    ) -> None:
        self.authorizer = authorizer
        self.redis = redis
        self.prefix = prefix
        self.worker = secrets.token_hex(6)
        self._by_user: dict[int, set[Connection]] = defaultdict(set)
        self._closing: set[asyncio.Task[None]] = set()
        self._refresher: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    # -- joining and leaving ----------------------------------------------------------
    def join(self, connection: Connection) -> None:
        self._by_user[connection.user_id].add(connection)

    def leave(self, connection: Connection) -> None:
        found = self._by_user.get(connection.user_id)
        if found is None:
            return
        found.discard(connection)
        if not found:
            del self._by_user[connection.user_id]
        self._publish_soon(connection.user_id)

    def connections(self, user_id: int) -> list[Connection]:
        return list(self._by_user.get(user_id, ()))

    def subscriptions_total(self) -> int:
        """Every subscription of this worker's connections."""
        return sum(c.subscriptions() for c in self._everyone())

    def _everyone(self) -> list[Connection]:
        return [c for connections in self._by_user.values() for c in connections]

    async def going_away(self) -> int:
        """Close every connection with 1001 (the server is stopping) and wait for the closes;
        returns how many were closed."""
        everyone = self._everyone()
        for connection in everyone:
            self._close(connection, CloseReason.GOING_AWAY)
        await self.settle()
        return len(everyone)

    # -- ending -----------------------------------------------------------------------
    def sessions_ended(self, session_ids: Iterable[int], user_ids: Iterable[int]) -> None:
        """Close the connections of these sessions, and every connection of these users."""
        sessions, users = set(session_ids), set(user_ids)
        for user_id, connections in list(self._by_user.items()):
            for connection in list(connections):
                if user_id in users or connection.session_id in sessions:
                    self._close(connection, CloseReason.SESSION_ENDED)

    def roles_changed(self, user_ids: Iterable[int]) -> None:
        """After the authorizer read these users' roles again: close a connection that lost a
        role it started with; one that only gained keeps going (and may lose them later)."""
        for user_id in set(user_ids):
            for connection in self.connections(user_id):
                now = frozenset(self.authorizer.roles(user_id, connection.domain))
                if connection.roles <= now:
                    connection.roles = now
                else:
                    self._close(connection, CloseReason.ROLES_CHANGED)

    def _close(self, connection: Connection, reason: CloseReason) -> None:
        if connection.closing:
            return
        connection.closing = True
        task = asyncio.get_running_loop().create_task(self._run_close(connection, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _run_close(connection: Connection, reason: CloseReason) -> None:
        with contextlib.suppress(Exception):  # already gone: nothing to close
            await connection.close(reason.code, reason.reason)

    async def settle(self) -> None:
        """Wait for the closes started so far (tests, shutdown)."""
        while self._closing:
            await asyncio.gather(*list(self._closing), return_exceptions=True)

    # -- the per-person cap -----------------------------------------------------------
    def local_subscriptions(self, user_id: int) -> int:
        return sum(c.subscriptions() for c in self._by_user.get(user_id, ()))

    def _key(self, user_id: int) -> str:
        return f"{self.prefix}:subs:{user_id}"

    async def subscriptions(self, user_id: int) -> int:
        """The person's subscriptions in this worker and, with Redis, in the others."""
        local = self.local_subscriptions(user_id)
        if self.redis is None:
            return local
        try:
            counts = await self.redis.hgetall(self._key(user_id))
        except (RedisError, OSError):
            return local
        horizon = time.time() - STALE_SECONDS
        others = 0
        for worker, value in counts.items():
            name = worker.decode() if isinstance(worker, bytes) else str(worker)
            if name == self.worker:
                continue
            text = value.decode() if isinstance(value, bytes) else str(value)
            count, _, at = text.partition(":")
            with contextlib.suppress(ValueError):
                if float(at) >= horizon:
                    others += int(count)
        return local + others

    async def publish(self, user_id: int) -> None:
        """Tell the other workers this worker's count for the person."""
        if self.redis is None:
            return
        count = self.local_subscriptions(user_id)
        try:
            if count:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.hset(self._key(user_id), self.worker, f"{count}:{time.time():.0f}")
                    pipe.expire(self._key(user_id), STALE_SECONDS * 2)
                    await pipe.execute()
            else:
                await self.redis.hdel(self._key(user_id), self.worker)
        except (RedisError, OSError):
            log.warning("could not share a subscription count; the other workers count without it")

    def _publish_soon(self, user_id: int) -> None:
        if self.redis is None:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to tell
            task = asyncio.get_running_loop().create_task(self.publish(user_id))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def start(self) -> None:
        if self.redis is not None:
            self._refresher = asyncio.create_task(self._refresh(), name="presence-refresh")

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
            self._refresher = None

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            for user_id in list(self._by_user):
                await self.publish(user_id)
