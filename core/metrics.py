"""Prometheus metrics of one app (指标): made with the app (``build_services``), each in the
app's own registry, never the library's global one.

Every call is ``POST /graphql``, so requests are counted by GraphQL **operation name** and
outcome. Names come from clients: a name that is not a GraphQL name, or one past the first
``MAX_OPERATION_NAMES`` of this process, is counted as ``other`` (a client cannot grow the
series without bound).

Several workers (``gongzhi serve --workers N``) write their values into prometheus-client's
multi-process directory (``PROMETHEUS_MULTIPROC_DIR``, set before the library is imported);
``exposition()`` then reads every worker's, so any worker, or the serve process's metrics
port, answers for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MAX_OPERATION_NAMES = 200
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_FIRST_OPERATION = re.compile(
    r"(?:^|[\s,}])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?", re.ASCII
)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

__all__ = ["CONTENT_TYPE", "Metrics", "operation_of"]


def operation_of(query: str | None, operation_name: str | None) -> tuple[str, str]:
    """(type, name) of the operation a document runs: the name the request gives, else the
    first operation's own; ``anonymous`` when unnamed. A shorthand ``{ … }`` is a query."""
    kind, found = "query", None
    for match in _FIRST_OPERATION.finditer(query or ""):
        if operation_name is None or match.group(2) == operation_name:
            kind, found = match.group(1), match.group(2)
            break
    return kind, operation_name or found or "anonymous"


class Metrics:
    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self._names: set[str] = set()
        self.requests = Counter(
            "gongzhi_graphql_requests",
            "GraphQL operations answered, by operation name, type and outcome",
            ["operation", "type", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "gongzhi_graphql_request_seconds",
            "Time to answer a GraphQL operation over HTTP, by operation name",
            ["operation", "type"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.http_requests = Counter(
            "gongzhi_http_requests",
            "HTTP requests by route kind and status class",
            ["route", "status"],
            registry=registry,
        )
        self.websockets_open = Gauge(
            "gongzhi_websockets_open",
            "Acknowledged WebSocket connections open now",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.subscriptions_open = Gauge(
            "gongzhi_subscriptions_open",
            "GraphQL subscriptions running now",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.events_relayed = Counter(
            "gongzhi_events_relayed",
            "Committed events published to the broker by the relay",
            registry=registry,
        )
        self.event_lag = Histogram(
            "gongzhi_event_relay_lag_seconds",
            "From an event's commit to its publication by the relay",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.scanner_rounds = Counter(
            "gongzhi_scanner_rounds",
            "Rounds of a background scanner, by scanner and outcome (ok, failed)",
            ["scanner", "outcome"],
            registry=registry,
        )
        self.scanner_items_skipped = Counter(
            "gongzhi_scanner_items_skipped",
            "Items a scanner's step raised on and skipped (each_in_street)",
            ["scanner"],
            registry=registry,
        )
        self.login_failures = Counter(
            "gongzhi_login_failures",
            "Refused sign-ins, by reason (invalid_credentials, throttled)",
            ["reason"],
            registry=registry,
        )
        self.db_pool = Gauge(
            "gongzhi_db_pool_connections",
            "The database pool's connections, by state (in_use, idle, max)",
            ["state"],
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.replica_fallbacks = Counter(
            "gongzhi_replica_fallbacks",
            "Reads of a replica field made on the primary because the read replica could not "
            "answer (down, refusing, or a statement canceled by its recovery)",
            registry=registry,
        )

    # -- recording ----------------------------------------------------------------------
    def operation_label(self, name: str) -> str:
        if name in self._names:
            return name
        if not _GRAPHQL_NAME.fullmatch(name) or len(self._names) >= MAX_OPERATION_NAMES:
            return "other"
        self._names.add(name)
        return name

    def answered(self, name: str, kind: str, outcome: str, seconds: float | None) -> None:
        label = self.operation_label(name)
        self.requests.labels(label, kind, outcome).inc()
        if seconds is not None:
            self.latency.labels(label, kind).observe(seconds)

    def relayed(self, occurred: Iterable[datetime], now: datetime) -> None:
        count = 0
        for at in occurred:
            count += 1
            self.event_lag.observe(max(0.0, (now - at).total_seconds()))
        self.events_relayed.inc(count)

    def pool(self, in_use: int, idle: int, maximum: int) -> None:
        self.db_pool.labels("in_use").set(in_use)
        self.db_pool.labels("idle").set(idle)
        self.db_pool.labels("max").set(maximum)

    # -- reading ------------------------------------------------------------------------
    def exposition(self) -> bytes:
        """The text format: this app's registry, or every worker's values when several
        share the multi-process directory."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        return generate_latest(multiprocess_registry())

    def process_ended(self, pid: int) -> None:
        """A worker's live gauges leave the sums when it stops."""
        if self.multiprocess_dir is not None:
            multiprocess.mark_process_dead(pid, str(self.multiprocess_dir))  # type: ignore[no-untyped-call]  # unannotated


def multiprocess_registry() -> CollectorRegistry:
    """A registry that reads every worker's values from the multi-process directory (the
    serve process's metrics port answers with it)."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated
    return registry
