"""Street rows by id and by code, kept in the process: every request names its street, and
streets change rarely (a rename, a new street).

Whoever changes a street calls ``changed``: this worker forgets it at once and the others when
the ``street-changed`` message reaches them. Entries also expire after ``ttl`` seconds, so a
message lost while the broker is down leaves a stale name for a bounded time only. Callers get
a copy of the row, never the cached object. A street this worker has not kept (one made a
moment ago by ``gongzhi tenant create``, which announces it only through Redis) is read from
the database: an unknown street is never remembered as missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from copy import copy

from core.broker import Broker
from models.tenancy import Street

log = logging.getLogger(__name__)
STREET_CHANNEL = "street-changed"
DEFAULT_TTL_SECONDS = 60.0
MAX_STREETS = 10_000


async def announce_street_change(broker: Broker, street_ids: Iterable[int]) -> None:
    """Tell every worker's directory to forget these streets (the ``street-changed`` message).
    For a process without a directory of its own: the CLI."""
    await broker.publish(STREET_CHANNEL, json.dumps(sorted(set(street_ids))).encode())


class StreetDirectory:
    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._by_id: dict[int, tuple[float, Street]] = {}
        self._ids_by_code: dict[str, int] = {}
        self._broker: Broker | None = None
        self._listener: asyncio.Task[None] | None = None

    # -- reading -------------------------------------------------------------------
    async def warm(self) -> None:
        """Keep every street now (at start: the first requests then read none)."""
        for street in await Street.all().limit(MAX_STREETS):
            self._keep(street)

    async def by_id(self, street_id: int) -> Street | None:
        street = self._cached(street_id)
        if street is None:
            street = self._keep(await Street.get_or_none(id=street_id))
        return copy(street) if street is not None else None

    async def by_code(self, code: str) -> Street | None:
        street_id = self._ids_by_code.get(code)
        street = self._cached(street_id) if street_id is not None else None
        if street is None or street.code != code:
            street = self._keep(await Street.get_or_none(code=code))
        return copy(street) if street is not None else None

    def _cached(self, street_id: int) -> Street | None:
        entry = self._by_id.get(street_id)
        if entry is None:
            return None
        kept_at, street = entry
        if self._monotonic() - kept_at > self.ttl:
            self.forget([street_id])
            return None
        return street

    def _keep(self, street: Street | None) -> Street | None:
        if street is None:
            return None
        if len(self._by_id) >= MAX_STREETS:
            self.clear()
        self.forget([street.id])
        self._by_id[street.id] = (self._monotonic(), street)
        self._ids_by_code[street.code] = street.id
        return street

    # -- forgetting ----------------------------------------------------------------
    def forget(self, street_ids: Iterable[int]) -> None:
        for street_id in street_ids:
            entry = self._by_id.pop(street_id, None)
            if entry is not None and self._ids_by_code.get(entry[1].code) == street_id:
                del self._ids_by_code[entry[1].code]

    def clear(self) -> None:
        self._by_id.clear()
        self._ids_by_code.clear()

    async def changed(self, street_ids: Iterable[int]) -> None:
        """Call after committing a change to streets: forget here, tell the other workers."""
        ids = sorted(set(street_ids))
        self.forget(ids)
        if self._broker is not None:
            try:
                await announce_street_change(self._broker, ids)
            except Exception:  # the broker being down must not fail the mutation
                log.warning("could not announce a street change; other workers expire it")

    # -- keeping workers in step -----------------------------------------------------
    async def start_watching(self, broker: Broker) -> None:
        self._broker = broker
        self._listener = asyncio.create_task(self._listen(broker), name="street-watcher")
        await asyncio.sleep(0)

    async def stop_watching(self) -> None:
        if self._listener:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self, broker: Broker) -> None:
        async for message in broker.subscribe(STREET_CHANNEL):
            try:
                self.forget(int(i) for i in json.loads(message))
            except Exception:
                log.exception("could not apply a street change from another worker")
                self.clear()
