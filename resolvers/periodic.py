"""A background task of each worker that runs one job again and again (scanners)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Run ``job`` now, then every ``seconds``, until stopped. A failing round (the database
    is away…) is logged and tried again next round; it never ends the task."""

    def __init__(self, name: str, job: Callable[[], Awaitable[object]], seconds: float) -> None:
        self.name = name
        self.job = job
        self.seconds = seconds
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
        while True:
            try:
                await self.job()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s: %s: %s", self.name, type(exc).__name__, exc)
            await asyncio.sleep(self.seconds)
