"""The per-process resources a request can use, owned by the app's lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from core.broker import Broker
from core.clock import Clock, SystemClock
from core.database import replica_configured
from core.metrics import Metrics
from core.ratelimit import (
    FailureCounter,
    MemoryFailureCounter,
    MemorySpending,
    RedisFailureCounter,
    RedisSpending,
    Spending,
)
from core.security import FileUrls, Passwords, Tokens
from core.settings import Settings
from policies.enforcer import Authorizer
from policies.vocabulary import Vocabulary
from resolvers.outbox import EventHub, EventRelay
from resolvers.presence import Presence
from resolvers.reads import RecentWriters, ReplicaLag
from resolvers.responses import ResponseCache
from resolvers.sessions import SessionCache
from tenants.registry import StreetHook
from tenants.streets import StreetDirectory

if TYPE_CHECKING:
    from resolvers.events import Change
    from resolvers.neighbourhood import NearbySource
    from resolvers.panels import PanelKind
    from resolvers.publishing import Reviewable, ReviewQueue

K = TypeVar("K")

HandOverHook = Callable[["Change", int, int], Awaitable[dict[str, Any]]]
"""What a domain moves from a leaving account to its successor (账号继承), inside the
hand-over's transaction (``change``, the leaver's ID, the successor's); returns what it moved,
for the hand-over's audit entry (e.g. the groups domain's group chats)."""

UnreadCount = Callable[[int], Awaitable[int]]
"""A domain's part of the one badge (未读, ``unreadNotificationCount``): how many of its things
the account (its ID) has not read, in the current street scope (e.g. the groups domain's
unread group messages)."""


@dataclass
class Services:
    settings: Settings
    clock: Clock
    broker: Broker
    authorizer: Authorizer
    streets: StreetDirectory
    passwords: Passwords
    tokens: Tokens
    files: FileUrls
    login_failures: FailureCounter
    spending: Spending
    """The request cost each person spent this minute (``schema/cost.py``)."""
    relay: EventRelay
    hub: EventHub
    vocabulary: Vocabulary
    presence: Presence
    """This worker's open WebSocket connections, per person (closed when a session ends)."""
    street_hooks: Sequence[StreetHook] = ()
    """What each domain writes into a new street (``tenants.registry.create_street``)."""
    panels: Sequence[PanelKind] = ()
    """Each domain's panel of the dashboard (``resolvers.panels``), in screen order."""
    hand_over_hooks: Sequence[HandOverHook] = ()
    """What each domain moves in a hand-over (``resolvers.people.handover``)."""
    unread_counts: Sequence[UnreadCount] = ()
    """Each domain's part of the inbox badge (``schema/events``)."""
    reviewables: Mapping[str, Reviewable] = field(default_factory=dict)
    """Each domain's kinds of content that pass review before they are public, by kind
    (``resolvers.publishing``)."""
    review_queue: ReviewQueue | None = None
    """The street's review queue, from the one domain that holds it (none: all is public)."""
    nearby: Sequence[NearbySource] = ()
    """What each domain adds to a resident's nearby feed (``resolvers.neighbourhood``)."""
    sessions: SessionCache = field(default_factory=SessionCache)
    responses: ResponseCache = field(default_factory=ResponseCache)
    """Answers kept until their street changes (``resolvers/responses.py``)."""
    metrics: Metrics = field(default_factory=Metrics)
    """This app's Prometheus metrics (``core/metrics.py``, ``/metrics``)."""
    writers: RecentWriters = field(default_factory=lambda: RecentWriters(0, enabled=False))
    """Who wrote a moment ago, and so reads from the primary (``resolvers/reads.py``)."""
    replica_lag: ReplicaLag = field(default_factory=lambda: ReplicaLag(0, enabled=False))
    """Whether the read replica is too far behind to read (``resolvers/reads.py``)."""
    keep: dict[type, object] = field(default_factory=dict)
    """Per-process state a domain keeps, one object per class, made on first use
    (``kept(BallotPapers)``): no domain needs a field here."""

    def kept(self, cls: type[K]) -> K:
        """The worker's one ``cls()`` (e.g. the votes domain's ballot papers)."""
        found = self.keep.get(cls)
        if not isinstance(found, cls):
            found = self.keep[cls] = cls()
        return found


def build_services(
    settings: Settings,
    broker: Broker,
    clock: Clock | None = None,
    *,
    vocabulary: Vocabulary,
    street_hooks: Sequence[StreetHook] = (),
    panels: Sequence[PanelKind] = (),
    hand_over_hooks: Sequence[HandOverHook] = (),
    unread_counts: Sequence[UnreadCount] = (),
    reviewables: Mapping[str, Reviewable] | None = None,
    review_queue: ReviewQueue | None = None,
    nearby: Sequence[NearbySource] = (),
) -> Services:
    settings.require_safe_secret()
    assert settings.secret_key
    redis = getattr(broker, "redis", None)
    failures: FailureCounter = (
        RedisFailureCounter(redis, settings.redis_prefix, settings.login_window_seconds)
        if redis is not None
        else MemoryFailureCounter(settings.login_window_seconds)
    )
    spending: Spending = (
        RedisSpending(redis, settings.redis_prefix) if redis is not None else MemorySpending()
    )
    clock = clock or SystemClock()
    metrics = Metrics(settings.prometheus_multiproc_dir)
    authorizer = Authorizer(vocabulary)
    sessions = SessionCache()
    presence = Presence(authorizer, redis, settings.redis_prefix)
    sessions.on_end.append(presence.sessions_ended)
    authorizer.on_reload.append(presence.roles_changed)
    return Services(
        settings=settings,
        clock=clock,
        broker=broker,
        authorizer=authorizer,
        streets=StreetDirectory(),
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        tokens=Tokens(
            settings.secret_key,
            access_ttl=timedelta(minutes=settings.access_token_minutes),
            refresh_ttl=timedelta(days=settings.refresh_token_days),
        ),
        files=FileUrls(settings.secret_key, timedelta(minutes=settings.file_link_minutes)),
        login_failures=failures,
        spending=spending,
        relay=EventRelay(
            broker,
            clock,
            poll_seconds=settings.event_poll_seconds,
            retention=timedelta(hours=settings.event_retention_hours),
            metrics=metrics,
        ),
        hub=EventHub(broker, sweep_seconds=max(1.0, 2 * settings.event_poll_seconds)),
        vocabulary=vocabulary,
        presence=presence,
        street_hooks=tuple(street_hooks),
        panels=tuple(sorted(panels, key=lambda kind: (kind.order, kind.key))),
        hand_over_hooks=tuple(hand_over_hooks),
        unread_counts=tuple(unread_counts),
        reviewables=dict(reviewables or {}),
        review_queue=review_queue,
        nearby=tuple(nearby),
        sessions=sessions,
        responses=ResponseCache(
            settings.response_cache_seconds, redis=redis, prefix=settings.redis_prefix
        ),
        metrics=metrics,
        writers=RecentWriters(
            settings.read_your_writes_seconds,
            enabled=replica_configured(settings),
            redis=redis,
            prefix=settings.redis_prefix,
        ),
        replica_lag=ReplicaLag(settings.read_max_lag_seconds, enabled=replica_configured(settings)),
    )
