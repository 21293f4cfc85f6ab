"""How ``gongzhi serve`` runs the app: uvicorn, stopping gracefully, and the metrics port.

A graceful stop (SIGTERM from Kubernetes, ``docker stop``, Compose), one worker per process:

1. the listening socket closes: no new connection is accepted;
2. ``drain(app)``: ``/readyz`` answers 503, and every WebSocket is closed with **1001 going
   away**, which graphql-ws clients retry on: they connect again (to another replica) and
   resume their subscriptions from their cursor, missing nothing;
3. uvicorn lets the requests under way finish, up to ``shutdown_grace_seconds``, then cancels
   what is left, and the lifespan closes the database, the broker and the tasks.

With ``--workers N`` (several processes under uvicorn's supervisor) uvicorn stops each worker
its own way: WebSockets are closed with 1012 (*service restart*), which clients retry on too.
In a container, run one worker per container and more replicas.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from core.settings import Settings

log = logging.getLogger("gongzhi.serve")
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _starlette(app: Any) -> Starlette | None:
    """The Starlette app inside uvicorn's wrappers (proxy headers, message logger)."""
    for _ in range(8):
        if isinstance(app, Starlette):
            return app
        app = getattr(app, "app", None)
    return None


class GracefulServer(uvicorn.Server):
    """uvicorn's server, whose stop drains the app first (WebSockets closed with 1001)."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        app = _starlette(getattr(self.config, "loaded_app", None))
        if app is not None and hasattr(app.state, "services"):
            from gongzhi.app import drain

            try:
                async with asyncio.timeout(self.config.timeout_graceful_shutdown or 10):
                    closed = await drain(app)
                log.info("stopping: %d WebSocket connection(s) closed with 1001", closed)
            except Exception as exc:  # the stop goes on whatever happens here
                log.warning("stopping: could not close the WebSockets: %s", exc)
        await super().shutdown(sockets)


def metrics_directory(settings: Settings) -> Path:
    """prometheus-client's multi-process directory, emptied (values of a previous run are
    stale), and put in the environment before prometheus-client is first imported (it
    chooses its way of keeping values then), so every worker inherits it."""
    found = settings.prometheus_multiproc_dir
    if found is None:
        found = Path(tempfile.mkdtemp(prefix="gongzhi-metrics-"))
    found.mkdir(parents=True, exist_ok=True)
    for stale in found.glob("*.db"):
        with contextlib.suppress(OSError):
            stale.unlink()
    os.environ[METRICS_DIR_VARIABLE] = str(found)
    return found


def start_metrics_port(host: str, port: int) -> None:
    """Every worker's metrics on a port of their own, served by this process (a thread)."""
    from prometheus_client import start_http_server

    from core.metrics import multiprocess_registry

    start_http_server(port, addr=host, registry=multiprocess_registry())


def run(settings: Settings, host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Serve ``create_app_from_env`` until stopped."""
    config = uvicorn.Config(
        "gongzhi.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        lifespan="on",
        log_level=settings.log_level.lower(),
        **options,
    )
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        GracefulServer(config).run()
