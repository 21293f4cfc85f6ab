"""The seam every domain plugs into: one ``Domain`` descriptor per domain.

A domain (people, projects, votes, cases…) declares itself once, in ``schema/<domain>/domain.py``,
and is listed once in ``schema/domains.py``. Everything shared iterates that list: the schema's
root types and ``node(id:)`` (``schema/root.py``, ``schema/node.py``), the error codes
(``schema/codes.py``), the ORM's model modules and the background tasks (``gongzhi/app.py``), the
capability vocabulary handed to the enforcer, the demo loader and what a new street starts with.
No shared module names a domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from starlette.routing import BaseRoute

from core.errors import ErrorCode as PlatformCode
from core.settings import Settings, SettingsSection
from policies.vocabulary import Capability, Vocabulary
from resolvers.demo import DemoLoader
from resolvers.neighbourhood import NearbySource
from resolvers.panels import PanelKind
from resolvers.publishing import Reviewable, ReviewQueue, kinds_by_name
from resolvers.services import HandOverHook, Services, UnreadCount
from schema.context import Info
from schema.permissions import Requirement
from schema.relay import Node
from tenants.registry import StreetHook


class Task(Protocol):
    """A background task of each worker (a scanner, a scheduler), started and stopped by the
    app's lifespan. ``resolvers.periodic.Periodic`` is one."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class NodeKind:
    """A Relay node type: what reading it requires and how to fetch one by its primary key,
    inside the current street (``None`` when there is none the caller may see)."""

    requires: Requirement
    fetch: Callable[[Info, int], Awaitable[Node | None]]


@dataclass(frozen=True)
class Domain:
    """What a domain brings to the platform. Only ``name`` is required; a domain fills in
    what it has."""

    name: str
    description: str = ""
    models: Sequence[str] = ()
    """Dotted paths of its Tortoise model modules (``"models.votes"``)."""
    query: Sequence[type] = ()
    mutation: Sequence[type] = ()
    subscription: Sequence[type] = ()
    """Strawberry types whose fields join the root Query / Mutation / Subscription."""
    types: Sequence[type] = ()
    """Extra types the schema must know though no field returns them directly."""
    nodes: dict[str, NodeKind] = field(default_factory=dict)
    """Relay node kinds by GraphQL type name, for ``node(id:)``."""
    capabilities: Sequence[Capability] = ()
    """Its capabilities (``policies/capabilities/<domain>.py``), granted in ``policy.csv``."""
    codes: type[StrEnum] | None = None
    """Its own error codes (beyond ``core.errors.ErrorCode``), joined into the ``ErrorCode``
    enum of the schema."""
    settings: type[SettingsSection] | None = None
    """Its own settings, read from the ``GONGZHI_`` environment (``settings.section(cls)``);
    checked when the app starts."""
    tasks: Callable[[Services], Sequence[Task]] | None = None
    """Its background tasks, built once per worker from the services."""
    demo: DemoLoader | None = None
    """Loads its part of a demo street (``gongzhi demo``), idempotently."""
    on_street_created: StreetHook | None = None
    """Writes what a new street starts with (in the street's creating transaction) and
    returns what it wrote, for the street's first audit entry."""
    panels: Sequence[PanelKind] = ()
    """Its panels of the dashboard and the big screen (``resolvers/panels.py``): counts
    and rates of a scope and period, never a person."""
    on_hand_over: HandOverHook | None = None
    """Moves what the domain holds of a leaving account to its successor, in the hand-over's
    transaction (账号继承), and returns what it moved for the hand-over's audit entry."""
    unread: UnreadCount | None = None
    """Its part of the one badge (未读, ``unreadNotificationCount``): how many of its things the
    signed-in account has not read in the current street (e.g. unread group messages)."""
    reviewable: Sequence[Reviewable] = ()
    """Its kinds of content that pass the street's review queue before they are public
    (审核, ``resolvers/publishing.py``), each with what it does once decided."""
    review_queue: ReviewQueue | None = None
    """The review queue itself, from the one domain that holds it (the liaison station)."""
    nearby: Sequence[NearbySource] = ()
    """What it adds to a resident's nearby feed (身边, ``resolvers/neighbourhood.py``)."""
    routes: Sequence[BaseRoute] = ()
    """HTTP routes it serves beside ``/graphql`` (a Starlette ``Route`` or ``Mount``, e.g. a
    standard API other systems speak), mounted by the app; a handler finds the services at
    ``request.app.state.services`` and enters the street's scope itself."""


# -- composing the domains: what the shared modules ask of the list ---------------------------


def model_modules(domains: Sequence[Domain]) -> list[str]:
    """Every domain's model modules, for Tortoise (each once)."""
    found: list[str] = []
    for domain in domains:
        found.extend(module for module in domain.models if module not in found)
    return found


def vocabulary(domains: Sequence[Domain]) -> Vocabulary:
    """Every capability of the domains; a capability declared by two domains is refused."""
    return Vocabulary(cap for domain in domains for cap in domain.capabilities)


def node_kinds(domains: Sequence[Domain]) -> dict[str, NodeKind]:
    kinds: dict[str, NodeKind] = {}
    for domain in domains:
        for name, kind in domain.nodes.items():
            if name in kinds:
                raise ValueError(f"node kind {name} is declared twice ({domain.name})")
            kinds[name] = kind
    return kinds


def error_codes(domains: Sequence[Domain]) -> type[StrEnum]:
    """The platform's codes (``core.errors.ErrorCode``) and every domain's own, as one enum;
    a code declared twice is refused."""
    members = {code.name: code.value for code in PlatformCode}
    for domain in domains:
        for code in domain.codes or ():
            if code.name in members:
                raise ValueError(f"error code {code.name} is declared twice ({domain.name})")
            members[code.name] = code.value
    codes = StrEnum("ErrorCode", members)  # type: ignore[misc]  # members known at run time only
    return codes


def demo_loaders(domains: Sequence[Domain]) -> list[DemoLoader]:
    return [domain.demo for domain in domains if domain.demo is not None]


def street_hooks(domains: Sequence[Domain]) -> list[StreetHook]:
    return [hook for domain in domains if (hook := domain.on_street_created) is not None]


def panel_kinds(domains: Sequence[Domain]) -> list[PanelKind]:
    """Every domain's dashboard panels; a panel key declared twice is refused."""
    found: dict[str, PanelKind] = {}
    for domain in domains:
        for kind in domain.panels:
            if kind.key in found:
                raise ValueError(f"panel {kind.key} is declared twice ({domain.name})")
            found[kind.key] = kind
    return list(found.values())


def reviewables(domains: Sequence[Domain]) -> dict[str, Reviewable]:
    """Every domain's reviewable kinds of content by kind; a kind declared twice is refused."""
    return kinds_by_name([item for domain in domains for item in domain.reviewable])


def review_queue(domains: Sequence[Domain]) -> ReviewQueue | None:
    """The one domain's review queue (none: everything is public at once); two are refused."""
    queues = [(domain.name, q) for domain in domains if (q := domain.review_queue) is not None]
    if len(queues) > 1:
        raise ValueError(f"a review queue is declared twice ({', '.join(n for n, _ in queues)})")
    return queues[0][1] if queues else None


def nearby_sources(domains: Sequence[Domain]) -> list[NearbySource]:
    """Every domain's part of the nearby feed, in the list's order; a kind declared twice is
    refused."""
    found: dict[str, NearbySource] = {}
    for domain in domains:
        for source in domain.nearby:
            if source.kind in found:
                raise ValueError(f"nearby kind {source.kind} is declared twice ({domain.name})")
            found[source.kind] = source
    return list(found.values())


def hand_over_hooks(domains: Sequence[Domain]) -> list[HandOverHook]:
    return [hook for domain in domains if (hook := domain.on_hand_over) is not None]


def unread_counts(domains: Sequence[Domain]) -> list[UnreadCount]:
    return [count for domain in domains if (count := domain.unread) is not None]


def background_tasks(domains: Sequence[Domain], services: Services) -> list[Task]:
    return [task for domain in domains if domain.tasks for task in domain.tasks(services)]


def http_routes(domains: Sequence[Domain]) -> list[BaseRoute]:
    """Every domain's own HTTP routes; a path claimed twice is refused."""
    found: list[BaseRoute] = []
    paths: dict[str, str] = {}
    for domain in domains:
        for route in domain.routes:
            path = str(getattr(route, "path", ""))
            if path in paths:
                raise ValueError(f"route {path} is declared twice ({paths[path]}, {domain.name})")
            paths[path] = domain.name
            found.append(route)
    return found


def check_settings(domains: Sequence[Domain], settings: Settings) -> None:
    """Read every domain's settings now, so a bad value stops the start, not a request."""
    for domain in domains:
        if domain.settings is not None:
            settings.section(domain.settings)
