"""The one Tortoise settings dict, shared by the app, the CLI and the migration tool.

On PostgreSQL the app connects with ``database_url`` through ``core.postgres``, whose
statements carry the street scope of the code running them (row-level security,
``docs/rls.md``); the migrate step connects as the tables' owner (``database_owner_url``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import ValidationError

from core.postgres import PLATFORM, SCOPE, RowScopes
from core.settings import Settings

APP_LABEL = "gongzhi"
MIGRATIONS_MODULE = "migrations"
MIGRATIONS_TABLE = "tortoise_migrations"  # Tortoise's record of applied migrations


def _prepare_sqlite(url: str) -> str:
    """Make sure the directory of a SQLite file exists; keep foreign keys on."""
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return url


async def _keep_session(connection: Any) -> None:
    """Return a connection to the pool as it is: asyncpg still rolls back an open
    transaction, and the app never leaves session state (settings, LISTEN, advisory locks,
    cursors) behind, so its default reset query (one more round trip per query run outside a
    transaction) buys nothing."""


SQLITE_BUSY_TIMEOUT_MS = 15_000
REPLICA_CONNECT_TIMEOUT_SECONDS = 3.0
"""A replica that does not accept a connection this fast is down: its reads go to the primary."""


def _connection(
    settings: Settings, row_scopes: RowScopes | None, owner: bool, url: str | None = None
) -> str | dict[str, Any]:
    if url is None:
        url = (
            (settings.database_owner_url or settings.database_url)
            if owner
            else settings.database_url
        )
    config = expand_db_url(_prepare_sqlite(url) if url.startswith("sqlite") else url)
    if config["engine"] == "tortoise.backends.sqlite":
        # Several processes on one file (workers, the CLI): WAL lets readers go on while one
        # writes, a writer waits its turn up to the busy timeout, and every transaction
        # takes the write lock first (core/sqlite.py says why).
        config["engine"] = "core.sqlite"
        config["credentials"].setdefault("journal_mode", "WAL")
        config["credentials"].setdefault("busy_timeout", SQLITE_BUSY_TIMEOUT_MS)
        return config
    if config["engine"] == "tortoise.backends.asyncpg":
        config["credentials"].setdefault("reset", _keep_session)
        if not settings.database_statement_cache:
            # Behind pgbouncer in transaction mode: no named prepared statement outlives its
            # transaction's server connection (asyncpg then prepares unnamed ones).
            config["credentials"]["statement_cache_size"] = 0
        if owner:
            # The owner is held to the policies too (FORCE): a migration that reads or writes
            # street-owned rows does it as the platform, on every connection of its session.
            settings_of_session = config["credentials"].setdefault("server_settings", {})
            settings_of_session[SCOPE] = PLATFORM
        else:
            config["engine"] = "core.postgres"
            config["credentials"]["row_scopes"] = row_scopes
    return config


def tortoise_config(
    settings: Settings,
    models: Sequence[str],
    *,
    row_scopes: RowScopes | None = None,
    owner: bool = False,
) -> dict[str, Any]:
    """Tortoise's settings for these model modules (every domain's: ``gongzhi.platform``):
    the app's, whose statements carry ``row_scopes``, or the owner's (``owner=True``), for
    the migrate step. With ``read_database_url`` (PostgreSQL only), the app's connection keeps
    a second client, on the read replica, for the reads that may lag (``core/reads.py``)."""
    default = _connection(settings, row_scopes, owner)
    if replica_configured(settings) and not owner and isinstance(default, dict):
        replica = _connection(settings, row_scopes, owner, settings.read_database_url)
        assert isinstance(replica, dict)
        credentials = dict(replica["credentials"])
        credentials.pop("row_scopes", None)  # the primary's client gives its own
        credentials.setdefault("timeout", REPLICA_CONNECT_TIMEOUT_SECONDS)
        # no floor of idle connections: asyncpg would keep trying (and logging) while the
        # replica is down
        credentials.setdefault("minsize", 0)
        default["credentials"]["replica"] = credentials
    return {
        "connections": {"default": default},
        "apps": {
            APP_LABEL: {
                "models": list(models),
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def replica_configured(settings: Settings) -> bool:
    """Is there a read replica to use? (PostgreSQL only: unset, or on SQLite, every read is
    made on the primary.)"""
    url = settings.read_database_url
    return bool(url) and not settings.uses_sqlite and not (url or "").startswith("sqlite")


# A value the database (or the driver) could not take as it was given: too long for its column,
# out of its range, not encodable (a lone surrogate, a NUL on PostgreSQL). The inputs' bounds
# (``schema/inputs.py``, ``core/validators.py``) should keep every one of them away; one that
# still arrives is a missing bound, answered as a refused input and logged as a bug.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DataError,  # PostgreSQL's class 22: data exception
    asyncpg_base.DataError,  # asyncpg could not encode an argument (an int beyond int32)
    sqlite3.DataError,
    ValidationError,  # Tortoise's own check of a field (a CharField's max_length)
    OverflowError,  # an integer beyond SQLite's 64 bits, a date beyond year 9999
    UnicodeEncodeError,  # a lone surrogate on its way to UTF-8
)


def data_error(exc: BaseException) -> BaseException | None:
    """The data error behind ``exc`` (itself, or what it was raised from), if there is one."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, DATA_ERRORS):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


def constraint_broken(exc: BaseException) -> str | None:
    """``"unique"`` or ``"foreign key"`` when ``exc`` (or what it was raised from) is the
    database refusing a row for that constraint, else None. Under concurrency a unique
    constraint is the last word on a name two requests both found free."""
    seen: set[int] = set()
    found: BaseException | None = exc
    while found is not None and id(found) not in seen:
        if isinstance(found, asyncpg.exceptions.UniqueViolationError):
            return "unique"
        if isinstance(found, asyncpg.exceptions.ForeignKeyViolationError):
            return "foreign key"
        if isinstance(found, sqlite3.IntegrityError):
            name = getattr(found, "sqlite_errorname", "")
            if name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
                return "unique"
            if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
                return "foreign key"
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None
