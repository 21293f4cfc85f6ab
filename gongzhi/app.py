"""``create_app(settings)``: the one place where the app is wired together.

The lifespan owns every resource: the database, the broker, the enforcer, the event relay and
hub, and every domain's background tasks (``Domain.tasks``: the projects' deadline scanner, the
votes' scheduler…). Beside ``/graphql`` the app serves each domain's own HTTP routes
(``Domain.routes``), the probes (``/healthz``, ``/readyz``) and, when allowed on this port,
``/metrics``. What the domains bring comes from ``gongzhi.platform``. Every request passes the
request log (``gongzhi/observe.py``) and the body limit (``gongzhi/edge.py``); ``drain(app)``
is the first step of a graceful stop (``gongzhi/serving.py``).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise
from tortoise.connection import get_connection

from core.broker import make_broker
from core.clock import Clock
from core.metrics import CONTENT_TYPE
from core.observe import configure_logging
from core.reads import ReplicaUnavailable, lagging_reads
from core.settings import Settings
from gongzhi.edge import BodyLimit
from gongzhi.files import serve_file
from gongzhi.observe import RequestLog, pool_use
from gongzhi.platform import database_config, make_schema, make_services
from resolvers.periodic import Periodic
from resolvers.services import Services
from schema.domain import background_tasks, http_routes
from schema.domains import DOMAINS
from schema.view import GRAPHIQL_ASSETS, GraphQLEndpoint

GRAPHIQL_FILES = Path(__file__).resolve().parent / "graphiql"
"""GraphiQL's vendored files (``update.sh`` there copies them from npm)."""

log = logging.getLogger("gongzhi.security")
GC_THRESHOLDS = (100_000, 50, 1000)
SWITCH_INTERVAL_SECONDS = 0.0005


def report_security(settings: Settings) -> None:
    """The effective security settings, one log line at startup (docs/limits.md)."""
    log.info("security settings: %s", json.dumps(settings.security_report()))


async def healthz(request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database and the broker (Redis, when configured) answer, and the server is not
    stopping (a draining server answers 503, so no new traffic is sent to it)."""
    services: Services = request.app.state.services
    checks: dict[str, str] = {}
    if request.app.state.draining:
        checks["server"] = "draining"
    try:
        await get_connection("default").execute_query("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is a probe
        checks["database"] = f"down: {type(exc).__name__}"
    if services.settings.redis_url:
        checks["redis"] = "ok" if await services.broker.ping() else "down"
    ready = all(value == "ok" for value in checks.values())
    answer: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": checks}
    if services.writers.enabled:
        # Said, never a reason to be unready: the primary answers the replica's reads.
        answer["replica"] = await _replica_answers()
    return JSONResponse(answer, status_code=200 if ready else 503)


async def _replica_answers() -> str:
    try:
        with lagging_reads():
            await get_connection("default").execute_query("SELECT 1")
        return "ok"
    except ReplicaUnavailable:
        return "down (its reads are made on the primary)"
    except Exception as exc:  # report, never raise: this is a probe
        return f"down: {type(exc).__name__}"


async def metrics(request: Request) -> Response:
    """Prometheus's text format: this app's metrics, or every worker's (``core/metrics.py``)."""
    services: Services = request.app.state.services
    if (use := pool_use()) is not None:
        services.metrics.pool(*use)
    live = services.presence
    services.metrics.websockets_open.set(len(live))
    services.metrics.subscriptions_open.set(live.subscriptions_total())
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE)


async def drain(app: Starlette) -> int:
    """The first step of a graceful stop, once the server accepts no more connections:
    ``/readyz`` answers 503, and every WebSocket is closed with 1001 *going away* (clients
    connect again, to another replica, and resume from their cursor). Returns how many were
    closed. Requests under way go on; the server waits for them (``gongzhi/serving.py``)."""
    app.state.draining = True
    services: Services = app.state.services
    return await services.presence.going_away()


def create_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    settings.require_safe_secret()
    broker = make_broker(settings.redis_url, settings.redis_prefix)
    services = make_services(settings, broker, clock)
    graphql = GraphQLEndpoint(make_schema(settings), services)
    tasks = background_tasks(DOMAINS, services)
    for task in tasks:
        if isinstance(task, Periodic):
            task.metrics = services.metrics

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        report_security(settings)
        # A costly document is validated in a thread (schema/limits.py); the event loop's thread
        # takes the GIL back after each socket call, and waits up to this long every time it
        # does: 5 ms by default, which made /healthz wait 0.6 s behind two such threads.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        # The database, and with GONGZHI_READ_DATABASE_URL its read replica: the app's client
        # keeps the replica's pool (core/postgres.py), opened on first use, closed with it.
        await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
        await broker.start()
        await services.authorizer.load_from_database()
        await services.authorizer.start_watching(broker)
        await services.streets.warm()
        await services.streets.start_watching(broker)
        await services.sessions.start_watching(broker)
        await services.responses.start_watching(broker)
        await services.hub.start()
        await services.relay.start()
        await services.presence.start()
        for task in tasks:
            await task.start()
        # Everything loaded so far (modules, the schema, the policies) lives as long as the
        # process: keep it out of the collector's full passes, which would walk it again and
        # again while requests allocate.
        gc.collect()
        gc.freeze()
        # A board of 20 rows allocates tens of thousands of objects, few of them in cycles:
        # with the default young generation (700 allocations) the collector ran several
        # times per request. 100,000 cut the board's CPU per request by about 8 % (bench).
        thresholds = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            for task in reversed(tasks):
                await task.stop()
            await services.presence.stop()
            await services.relay.stop()
            await services.hub.stop()
            await services.sessions.stop_watching()
            await services.responses.stop_watching()
            await services.streets.stop_watching()
            await services.authorizer.stop_watching()
            await broker.close()
            await Tortoise.close_connections()
            services.metrics.process_ended(os.getpid())

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/files/{path:path}", serve_file, methods=["GET", "HEAD"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount(GRAPHIQL_ASSETS, app=StaticFiles(directory=GRAPHIQL_FILES), name="graphiql"),
            WebSocketRoute("/graphql", graphql),
            *([Route("/metrics", metrics)] if settings.metrics_on_public_port else []),
            *http_routes(DOMAINS),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(RequestLog, metrics=services.metrics),
            Middleware(BodyLimit, settings=settings),
        ],
    )
    app.state.services = services
    app.state.graphql = graphql
    app.state.draining = False
    return app


def serve_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options from the settings (``gongzhi serve``).

    Reverse proxies from ``GONGZHI_TRUSTED_PROXIES``: with none configured,
    ``X-Forwarded-For`` is never read (uvicorn would otherwise believe it from 127.0.0.1), so
    the client address (login throttling, the signed-out cost budget) is the peer's; with
    some, only those peers' header is believed. A WebSocket message is at most
    ``max_body_bytes``, like an HTTP body."""
    trusted = settings.trusted_proxies.strip()
    options: dict[str, Any] = {
        "ws_max_size": settings.max_body_bytes,
        "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
        "access_log": False,  # the request log says more (gongzhi/observe.py)
        "log_config": None,  # configure_logging, in each worker
    }
    if not trusted:
        return {**options, "proxy_headers": False, "forwarded_allow_ips": ""}
    return {**options, "proxy_headers": True, "forwarded_allow_ips": trusted}


def create_app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory`` (used by ``gongzhi serve``, in each worker): the log
    as the settings say, then the app."""
    settings = Settings()
    configure_logging(settings)
    return create_app(settings)
