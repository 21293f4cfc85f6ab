"""The request log and the request metrics (请求日志与指标): what every HTTP request and
WebSocket connection meets first, beside the body limit (``gongzhi/edge.py``).

* A request ID: the client's ``X-Request-ID`` when it is 8 to 64 plain characters, else a
  new one; sent back in the answer's ``X-Request-ID`` header (and the WebSocket handshake's),
  and carried by every log record written while the request runs (``core/observe.py``).
* One log line per request (``gongzhi.request``, ``request``) when it ends: method, route,
  status, duration, and what the GraphQL endpoint learnt: operation name and type, street
  code, user ID, outcome. Never a header, a body, a variable or a token. Probes
  (``/healthz``, ``/readyz``, ``/metrics``) are logged at DEBUG.
* A client that goes away before its body has arrived (``ClientDisconnect``) is its request
  line alone (outcome ``client_disconnected``), not a traceback.
* Metrics (``core/metrics.py``): GraphQL operations by name, type and outcome, with their
  latency; HTTP requests by route and status class; the database pool's use.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.connection import get_connection

from core.metrics import Metrics
from core.observe import REQUEST_ID_HEADER, RequestFacts, request_context, request_id_from

log = logging.getLogger("gongzhi.request")
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
_KNOWN = frozenset({"/graphql", *PROBES})
POOL_EVERY_SECONDS = 1.0


def route_of(path: str) -> str:
    """The route kind of a path, as logged and counted: a known path, else its first
    segment (``/files/*``): a path can hold a file's name, a query string a signature."""
    if path in _KNOWN:
        return path
    first = path.split("/", 2)[1] if path.count("/") else ""
    return f"/{first}/*" if first else "/"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin1")
    return None


def pool_use() -> tuple[int, int, int] | None:
    """(in use, idle, max) of the app's asyncpg pool; None on SQLite or before it opens."""
    try:
        pool = getattr(get_connection("default"), "_pool", None)
    except Exception:  # no connection configured yet
        return None
    if pool is None or not hasattr(pool, "get_idle_size"):
        return None
    size, idle = pool.get_size(), pool.get_idle_size()
    return size - idle, idle, pool.get_max_size()


class RequestLog:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self._pool_seen = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(_header(scope, REQUEST_ID_HEADER.encode()))
        echoed = (REQUEST_ID_HEADER.encode(), request_id.encode())
        status = 0

        async def answer(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind in ("http.response.start", "websocket.accept"):
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
                status = message.get("status", 101)
            elif kind == "websocket.close" and not status:
                status = 403  # refused before the handshake was accepted
            await send(message)

        started = time.perf_counter()
        with request_context(request_id) as facts:
            try:
                await self.app(scope, receive, answer)
            except ClientDisconnect:  # its request line says so; no traceback
                facts.outcome = "client_disconnected"
            except Exception:
                facts.outcome = "exception"
                status = status or 500
                raise  # uvicorn logs it, with this request's ID
            finally:
                self._done(scope, facts, status, time.perf_counter() - started)

    def _done(self, scope: Scope, facts: RequestFacts, status: int, seconds: float) -> None:
        route = route_of(str(scope.get("path", "")))
        if facts.outcome == "ok" and status >= 400:
            facts.outcome = f"HTTP_{status}"
        http = scope["type"] == "http"
        if http:
            self.metrics.http_requests.labels(route, f"{status // 100}xx").inc()
            if facts.operation is not None:
                self.metrics.answered(
                    facts.operation, facts.operation_type or "query", facts.outcome, seconds
                )
        now = time.monotonic()
        if now - self._pool_seen >= POOL_EVERY_SECONDS:
            self._pool_seen = now
            if (use := pool_use()) is not None:
                self.metrics.pool(*use)
        fields: dict[str, Any] = {
            "request_id": facts.request_id,
            "method": scope.get("method", "WS"),
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "operation": facts.operation,
            "operation_type": facts.operation_type,
            "street": facts.street,
            "user_id": facts.user_id,
            "outcome": facts.outcome,
        }
        level = logging.DEBUG if route in PROBES else logging.INFO
        log.log(level, "request" if http else "websocket", extra=fields)
