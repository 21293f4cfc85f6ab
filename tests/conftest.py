"""Test fixtures: one app per test session, on SQLite by default or on PostgreSQL and Redis.

* ``GONGZHI_TEST_DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/test``): the suite
  creates a fresh database on that server for the run and drops it afterwards.
* ``GONGZHI_TEST_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/0``): the broker and login counters
  use Redis, under a key prefix unique to the run.

Without them the suite runs on a temporary SQLite file with the in-process broker, and tests
that need a server are skipped with the reason shown.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import Tortoise

from core.clock import FrozenClock
from core.settings import Env, Settings
from gongzhi.app import create_app
from gongzhi.cli import apply_migrations
from gongzhi.platform import database_config, load_demo
from models.scoping import unscoped
from resolvers.services import Services
from tests import live
from tests.support import Api

PG_URL = os.environ.get("GONGZHI_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("GONGZHI_TEST_REDIS_URL")

needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="needs PostgreSQL: set GONGZHI_TEST_DATABASE_URL"
)
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set GONGZHI_TEST_REDIS_URL")


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"gongzhi database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary file)'}",
        f"gongzhi broker: {'Redis ' + REDIS_URL if REDIS_URL else 'in-process'}",
    ]


APP_ROLE = "gongzhi_app"
"""The app's role in the PostgreSQL run: it owns nothing and cannot bypass row security (the
migrate step creates it); the URL's own role migrates, as the tables' owner."""


def _with_database(url: str, name: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    if user is not None:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{user}@{host}")
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _create_pg_database(url: str) -> str:
    import asyncpg

    name = f"gongzhi_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _drop_pg_database(url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def settings(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Settings]:
    pg_name = owner_url = None
    if PG_URL:
        pg_name = await _create_pg_database(PG_URL)
        owner_url = _with_database(PG_URL, pg_name)
        database_url = _with_database(PG_URL, pg_name, user=APP_ROLE)
    else:
        database_url = f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    yield Settings(
        env=Env.TEST,
        database_url=database_url,
        database_owner_url=owner_url,
        redis_url=REDIS_URL,
        redis_prefix=f"gongzhi-test-{secrets.token_hex(4)}",
        secret_key=secrets.token_urlsafe(48),
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        login_failure_delay_ms=1,
        upload_dir=Path(tmp_path_factory.mktemp("uploads")),
        # Tests move the clock decades ahead (a date past the holiday calendar); the relay
        # would then prune the event log under a test comparing it before and after. Pruning
        # has its own test, with its own relay (tests/events/test_events.py).
        event_retention_hours=24 * 365 * 200,
    )
    if pg_name and PG_URL:
        await _drop_pg_database(PG_URL, pg_name)


@pytest.fixture(scope="session")
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(scope="session")
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[Starlette]:
    await apply_migrations(settings, quiet=True)
    await Tortoise.init(config=database_config(settings))
    await load_demo(settings, echo=lambda _: None)
    await Tortoise.close_connections()
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def services(app: Starlette) -> Services:
    return app.state.services


@pytest.fixture
async def api(app: Starlette) -> AsyncIterator[Api]:
    """A GraphQL client; each test gets its own client address (for login throttling)."""
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client)


@pytest.fixture(scope="session")
async def live_url(app: Starlette) -> AsyncIterator[str]:
    """The same app served by uvicorn on a free loopback port (for WebSocket tests)."""
    import asyncio

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    address = f"127.0.0.1:{port}"
    live.serving(address, app.state.services.hub, app.state.services.relay)
    task = asyncio.create_task(server.serve())
    await live.until(lambda: server.started, "the WebSocket server")  # uvicorn has no event
    yield address
    server.should_exit = True
    await task


@pytest.fixture
def no_scope() -> object:
    """For test set-up that writes into several streets at once."""
    return unscoped("test set-up")
