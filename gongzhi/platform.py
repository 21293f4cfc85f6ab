"""The platform as the domain list makes it: what the app, the CLI, the tests and the benches
build from ``schema.domains.DOMAINS``, in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from core.broker import Broker, MemoryBroker
from core.clock import Clock
from core.database import tortoise_config
from core.settings import Env, Settings
from policies.vocabulary import Vocabulary
from resolvers import demo
from resolvers.services import Services, build_services
from schema import domain
from schema.domains import DOMAINS
from schema.root import build_schema
from tenants.registry import StreetHook


def database_config(settings: Settings) -> dict[str, Any]:
    """Tortoise's settings with every domain's models."""
    return tortoise_config(settings, domain.model_modules(DOMAINS))


def make_services(settings: Settings, broker: Broker, clock: Clock | None = None) -> Services:
    """The per-process services, with the domains' vocabulary and new-street hooks; every
    domain's settings are read (and checked) here."""
    domain.check_settings(DOMAINS, settings)
    return build_services(
        settings,
        broker,
        clock,
        vocabulary=domain.vocabulary(DOMAINS),
        street_hooks=domain.street_hooks(DOMAINS),
    )


def street_hooks() -> list[StreetHook]:
    """What each domain writes into a new street."""
    return domain.street_hooks(DOMAINS)


def make_schema(settings: Settings) -> strawberry.Schema:
    return build_schema(settings, DOMAINS)


async def load_demo(settings: Settings, echo: Callable[[str], object] = print) -> None:
    """The demo streets, with every domain's part (idempotent), written through the domains'
    own operations with services of their own (an in-process broker: nothing is served)."""
    services = make_services(settings, MemoryBroker())
    await demo.load_demo(services, domain.demo_loaders(DOMAINS), echo)


def __getattr__(name: str) -> Any:
    """``gongzhi.platform.TORTOISE_ORM`` for Tortoise's own CLI (``tortoise -c ...``), built
    lazily from the environment, so importing this module reads nothing."""
    if name == "TORTOISE_ORM":
        return database_config(Settings(env=Env.DEV))
    raise AttributeError(name)


def capability_vocabulary() -> Vocabulary:
    """Every capability of every domain."""
    return domain.vocabulary(DOMAINS)
