"""The live dashboard (实时大屏): the dashboard again after the street's events, at most once a
second per subscriber, with only the figures and lists that changed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime

from resolvers.caller import Caller
from resolvers.events import check_still_signed_in, stream
from resolvers.panels import Panel, Scope
from resolvers.stats.dashboard import Dashboard, build

PUSH_SECONDS = 1.0


def changed(before: Dashboard | None, after: Dashboard) -> Dashboard | None:
    """What of ``after`` differs from ``before`` (everything when there was none): per panel,
    its changed figures, and its list when the list changed; None when nothing did."""
    if before is None:
        return after
    old = {p.key: p for p in before.panels}
    panels: list[Panel] = []
    for panel in after.panels:
        was = old.get(panel.key)
        known = {f.key: f for f in was.figures} if was else {}
        figures = [f for f in panel.figures if known.get(f.key) != f]
        items = panel.items if was is None or was.items != panel.items else []
        shown = panel.map if was is None or was.map != panel.map else None
        if figures or items or shown is not None:
            panels.append(Panel(panel.key, panel.title, figures, items, shown))
    if not panels:
        return None
    return Dashboard(after.kind, after.name, after.period, panels)


async def dashboard_updates(
    caller: Caller, scope: Scope, name: str, token_expires_at: datetime | None
) -> AsyncIterator[Dashboard]:
    """The whole dashboard first, then what changed after each burst of the scope's streets'
    events, coalesced: at most one push a second."""
    services = caller.services
    woken = asyncio.Event()
    since = [time.monotonic()]

    async def watch(street_id: int) -> None:
        async for _event in stream(services.hub, street_id, None):
            check_still_signed_in(services, token_expires_at)
            if not woken.is_set():
                since[0] = time.monotonic()
                woken.set()

    watchers = [asyncio.create_task(watch(sid)) for sid in scope.street_ids]
    try:
        last = await build(caller, scope, name)
        yield last
        pushed = time.monotonic()
        while True:
            waiting = asyncio.create_task(woken.wait())
            done, _ = await asyncio.wait([waiting, *watchers], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not waiting:
                    task.result()  # a watcher that stopped: its error (signed out) ends this
            waiting.cancel()
            await asyncio.sleep(max(0.0, pushed + PUSH_SECONDS - time.monotonic()))
            woken.clear()
            fresh = await build(caller, scope, name, computed_after=since[0])
            pushed = time.monotonic()
            update = changed(last, fresh)
            last = fresh
            if update is not None:
                yield update
    finally:
        for task in watchers:
            task.cancel()
        for task in watchers:
            with contextlib.suppress(BaseException):
                await task
