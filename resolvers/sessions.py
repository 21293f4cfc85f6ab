"""Signed-in sessions kept for a few seconds in each worker, so a client's requests in a row do
not each read its session and account again.

What is kept is the session row and its user row as the database gave them (every request gets
model objects of its own, built from them); whether the session is still good (not revoked, not
expired, the account active, the token's user) is checked on every request as before.

Whoever revokes a session (logout, a reused refresh token, a handover ending all of a user's
sessions) calls ``revoked`` once it is committed: this worker forgets at once, the others when
the ``session-changed`` message reaches them; in each, ``on_end`` closes the session's open
WebSocket connections. A role change (the authorizer's
``policy-changed`` message) forgets that user's sessions as well. A row read from the database
while something was being forgotten is not kept (its read may predate the revocation).

How long an entry is trusted depends on whether every such message is sure to arrive. While
the broker promises it (``Broker.continuity``: Redis connected, the same subscription since the
entry was kept, no message dropped), ``trusted_ttl`` seconds (60): a client sending every ten
seconds, as a patrol app does, is not read again at every request. Otherwise (no broker that
reaches the other workers, Redis lost and found again since the entry was kept), ``ttl``
seconds (5), which bounds what a message lost on the way can leave behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from core.broker import Broker
from policies.enforcer import POLICY_CHANNEL

log = logging.getLogger(__name__)
SESSION_CHANNEL = "session-changed"
DEFAULT_TTL_SECONDS = 5.0
TRUSTED_TTL_SECONDS = 60.0
MAX_SESSIONS = 20_000

Rows = tuple[dict[str, Any], dict[str, Any]]  # the session's columns, its user's columns
Mark = tuple[int, int | None]  # what was forgotten so far, the broker's continuity


class SessionCache:
    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        maxsize: int = MAX_SESSIONS,
        trusted_ttl: float = TRUSTED_TTL_SECONDS,
    ) -> None:
        self.ttl = ttl
        self.trusted_ttl = max(ttl, trusted_ttl) if ttl > 0 else 0.0
        self.maxsize = maxsize
        self._monotonic = monotonic
        # session -> (kept at, user, rows, the broker's continuity then)
        self._entries: dict[int, tuple[float, int, Rows, int | None]] = {}
        self._generation = 0
        self._broker: Broker | None = None
        self._listeners: list[asyncio.Task[None]] = []
        self.on_end: list[Callable[[list[int], list[int]], None]] = []
        """Told of every revocation, here and from the other workers (sessions, users): the
        open WebSocket connections of those sessions close (``resolvers/presence.py``)."""

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def generation(self) -> Mark:
        """Read it before reading a session from the database, and give it to ``keep``."""
        return self._generation, self._continuity()

    def _continuity(self) -> int | None:
        return self._broker.continuity() if self._broker is not None else None

    def get(self, session_id: int) -> Rows | None:
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        kept_at, _, rows, continuity = entry
        trusted = continuity is not None and continuity == self._continuity()
        if self._monotonic() - kept_at > (self.trusted_ttl if trusted else self.ttl):
            del self._entries[session_id]
            return None
        return rows

    def keep(self, session_id: int, user_id: int, rows: Rows, generation: Mark) -> None:
        """Keep rows read after ``generation`` was taken, unless something was forgotten since."""
        if self.ttl <= 0 or generation[0] != self._generation:
            return
        if len(self._entries) >= self.maxsize:
            self._entries.clear()
        self._entries[session_id] = (self._monotonic(), user_id, rows, generation[1])

    def forget(self, session_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
        self._generation += 1
        for session_id in session_ids:
            self._entries.pop(session_id, None)
        users = set(user_ids)
        if users:
            for session_id in [s for s, e in self._entries.items() if e[1] in users]:
                del self._entries[session_id]

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()

    async def revoked(self, session_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> None:
        """Call after committing a revocation: forget here, tell the other workers."""
        sessions, users = sorted(set(session_ids)), sorted(set(user_ids))
        self.forget(sessions, users)
        self._ended(sessions, users)
        if self._broker is not None:
            message = json.dumps({"sessions": sessions, "users": users}).encode()
            try:
                await self._broker.publish(SESSION_CHANNEL, message)
            except Exception:  # the broker being down must not fail the mutation
                log.warning("could not announce a revoked session; other workers expire it")

    def _ended(self, sessions: list[int], users: list[int]) -> None:
        for tell in self.on_end:
            try:
                tell(sessions, users)
            except Exception:
                log.exception("could not end the connections of a revoked session")

    # -- keeping workers in step -----------------------------------------------------
    async def start_watching(self, broker: Broker) -> None:
        self._broker = broker
        self._listeners = [
            asyncio.create_task(self._listen_sessions(broker), name="session-watcher"),
            asyncio.create_task(self._listen_roles(broker), name="session-role-watcher"),
        ]
        await asyncio.sleep(0)

    async def stop_watching(self) -> None:
        for task in self._listeners:
            task.cancel()
        for task in self._listeners:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._listeners = []

    async def _listen_sessions(self, broker: Broker) -> None:
        async for message in broker.subscribe(SESSION_CHANNEL):
            try:
                raw = json.loads(message)
                sessions = [int(i) for i in raw.get("sessions", ())]
                users = [int(i) for i in raw.get("users", ())]
                self.forget(sessions, users)
                self._ended(sessions, users)
            except Exception:
                log.exception("could not apply a revoked session from another worker")
                self.clear()

    async def _listen_roles(self, broker: Broker) -> None:
        async for message in broker.subscribe(POLICY_CHANNEL):
            try:
                self.forget(user_ids=(int(i) for i in json.loads(message)))
            except Exception:
                log.exception("could not apply a role change from another worker")
                self.clear()
