"""Background work of each worker: a task that runs one job again and again (``Periodic``), and
the error boundary every scanner puts around each item it handles (``each_in_street``).

A scanner (the deadline warnings, the vote scheduler, any domain's ``tasks``) finds what is due
across every street, as the platform (``unscoped``), and reads only IDs there: an ID and a
street cannot be a poison. Then each item is handled by ``each_in_street``: in its street's
scope, in its own error boundary. An item whose step raises (a row the handler cannot deal
with: a date past the calendar, a broken reference, a bug) is logged with its ID and street
and skipped; every other item, of its street and of every other street, goes on, this round
and every next one. The first failure of an item is logged with its traceback, later ones in
one line, so a poison left in the database does not flood the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from core.metrics import Metrics
from tenants.scoping import street_scope

log = logging.getLogger(__name__)


_ROUND: ContextVar[tuple[Metrics, str] | None] = ContextVar("periodic_round", default=None)


class Periodic:
    """Run ``job`` now, then every ``seconds``, until stopped. A failing round (the database
    is away…) is logged and tried again next round; it never ends the task. With ``metrics``
    (the app gives its own, ``gongzhi/app.py``), its rounds, failed rounds and skipped items
    are counted."""

    def __init__(self, name: str, job: Callable[[], Awaitable[object]], seconds: float) -> None:
        self.name = name
        self.job = job
        self.seconds = seconds
        self.metrics: Metrics | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        if self.metrics is not None:
            _ROUND.set((self.metrics, self.name))
        while True:
            outcome = "ok"
            try:
                await self.job()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outcome = "failed"
                log.warning("%s: %s: %s", self.name, type(exc).__name__, exc)
            if self.metrics is not None:
                self.metrics.scanner_rounds.labels(self.name, outcome).inc()
            await asyncio.sleep(self.seconds)


@dataclass
class Poisoned:
    """The items of this process whose step has failed, and how often (for the log)."""

    failures: dict[tuple[str, int], int] = field(default_factory=dict)

    def count(self, step: str, item_id: int) -> int:
        key = (step, item_id)
        self.failures[key] = self.failures.get(key, 0) + 1
        return self.failures[key]

    def recovered(self, step: str, item_id: int) -> None:
        self.failures.pop((step, item_id), None)


POISONED = Poisoned()


async def each_in_street(
    step: str,
    items: Iterable[tuple[int, int]],
    handle: Callable[[int], Awaitable[int]],
) -> int:
    """``handle(item_id)`` for each ``(item_id, street_id)``, in that street's scope, each in
    its own error boundary: one that raises is logged (``step``, its ID, its street) and
    skipped, and the rest go on. Returns the sum of what the handled items returned (how many
    things each did). Cancellation still stops it."""
    done = 0
    for item_id, street_id in items:
        try:
            with street_scope(street_id):
                done += await handle(item_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failures = POISONED.count(step, item_id)
            if (running := _ROUND.get()) is not None:
                running[0].scanner_items_skipped.labels(running[1]).inc()
            if failures == 1:
                log.exception("%s: item %s of street %s skipped", step, item_id, street_id)
            else:
                log.warning(
                    "%s: item %s of street %s skipped again (%s times): %s: %s",
                    *(step, item_id, street_id, failures, type(exc).__name__, exc),
                )
        else:
            if POISONED.failures:
                POISONED.recovered(step, item_id)
    return done
