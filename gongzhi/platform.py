"""The platform as the domain list makes it: what the app, the CLI, the tests and the benches
build from ``schema.domains.DOMAINS``, in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from core.broker import Broker, MemoryBroker
from core.clock import Clock
from core.database import APP_LABEL, MIGRATIONS_TABLE, tortoise_config
from core.settings import Env, Settings
from models.row_security import ROW_SCOPES, grant_app_role, secure_tables
from policies.vocabulary import Vocabulary
from resolvers import demo
from resolvers.services import Services, build_services
from schema import domain
from schema.domains import DOMAINS
from schema.root import build_schema
from tenants.registry import StreetHook


def database_config(settings: Settings, *, owner: bool = False) -> dict[str, Any]:
    """Tortoise's settings with every domain's models: the app's connection, whose statements
    carry the street scope to PostgreSQL's row security, or the owner's, for migrating."""
    return tortoise_config(
        settings, domain.model_modules(DOMAINS), row_scopes=ROW_SCOPES, owner=owner
    )


async def secure_database(settings: Settings) -> str | None:
    """The migrate step's end, on PostgreSQL, as the tables' owner (after ``migrate``, whose
    connection and models it uses): the app's role (``database_url``'s) created when missing
    and given the rows of every table, and row security on every street-owned table, in one
    transaction. Returns a warning worth showing (an app role that bypasses row security)."""
    from tortoise import Tortoise
    from tortoise.backends.base.config_generator import expand_db_url
    from tortoise.transactions import in_transaction

    if settings.uses_sqlite:
        return None
    app = expand_db_url(settings.database_url)["credentials"]
    owner = expand_db_url(settings.database_owner_url or settings.database_url)["credentials"]
    async with in_transaction() as conn:
        await secure_tables(conn, Tortoise.apps[APP_LABEL].values())
        if app.get("user") != owner.get("user"):
            await grant_app_role(conn, app["user"], app.get("password"), MIGRATIONS_TABLE)
            return None
        rows = await conn.execute_query_dict(
            "SELECT rolsuper OR rolbypassrls AS bypasses FROM pg_roles WHERE rolname = current_user"
        )
    if rows and rows[0]["bypasses"]:
        return (
            f"the app connects as {app.get('user')}, who bypasses row security: set "
            "GONGZHI_DATABASE_OWNER_URL to the owner and GONGZHI_DATABASE_URL to a role of "
            "its own (docs/rls.md)"
        )
    return None


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
        panels=domain.panel_kinds(DOMAINS),
        hand_over_hooks=domain.hand_over_hooks(DOMAINS),
        unread_counts=domain.unread_counts(DOMAINS),
        reviewables=domain.reviewables(DOMAINS),
        review_queue=domain.review_queue(DOMAINS),
        nearby=domain.nearby_sources(DOMAINS),
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
