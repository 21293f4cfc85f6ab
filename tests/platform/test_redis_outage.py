"""Redis stopped and started under a running server: queries and mutations keep working,
`/readyz` says Redis is down, events wait in the outbox and reach subscribers once it is
back, none lost and none twice.

The server runs in its own process, on its own database and its own Redis (started here on a
free port), so that stopping that Redis touches nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import socket as socketlib
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from resolvers.outbox import encode_cursor
from tests.conftest import (
    PG_URL,
    _create_pg_database,
    _drop_pg_database,
    _with_database,
    needs_redis,
)
from tests.live import socket

pytestmark = [
    needs_redis,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

CREATE = """
mutation($code: String!) {
  createCommunity(input: {code: $code, name: "社区"}) {
    __typename ... on CreateCommunitySuccess { community { id } }
  }
}
"""
LOGIN = """
mutation { login(input: {username: "wulidun.street_admin", password: "demo1234"}) {
  ... on LoginSuccess { accessToken } } }
"""
EVENTS = """
subscription($after: String) {
  streetEvents(types: ["community.created"], after: $after) { subject cursor }
}
"""
DEADLINE = 60


def free_port() -> int:
    with socketlib.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for a condition (a hang guard, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not await check():
        if loop.time() > end:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.1)


async def start_redis(port: int, workdir: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        with contextlib.suppress(ProcessLookupError):
            await proc.wait()


@contextlib.asynccontextmanager
async def own_database(tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        name = await _create_pg_database(PG_URL)
        try:
            yield _with_database(PG_URL, name)
        finally:
            await _drop_pg_database(PG_URL, name)
    else:
        yield f"sqlite://{tmp_path / 'outage.sqlite3'}"


async def unpublished(database_url: str, subjects: list[str]) -> int:
    """How many of these events are still waiting in the outbox (read straight from the DB)."""
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite://")
        with contextlib.closing(sqlite3.connect(path)) as conn:
            marks = ",".join("?" * len(subjects))
            query = (
                f"SELECT count(*) FROM outbox_event "
                f"WHERE published_at IS NULL AND subject IN ({marks})"
            )
            return conn.execute(query, subjects).fetchone()[0]
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM outbox_event WHERE published_at IS NULL "
            "AND subject = ANY($1::text[])",
            subjects,
        )
    finally:
        await conn.close()


async def query_one(database_url: str, sql: str) -> Any:
    """One value read straight from the server's database (``?`` for the street's code)."""
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite://")
        with contextlib.closing(sqlite3.connect(path)) as conn:
            row = conn.execute(sql, ["wulidun"]).fetchone()
            return row[0] if row else None
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        return await conn.fetchval(sql.replace("?", "$1"), "wulidun")
    finally:
        await conn.close()


async def cursor_now(database_url: str) -> str:
    """A cursor at the head of the street's stream once every committed event has its place
    in it: a subscription resuming from it gets every later event, however late the server
    starts the stream (a server in another process cannot be watched for that)."""

    async def all_sequenced() -> bool:
        waiting = (
            "SELECT count(*) FROM outbox_event e JOIN street t ON t.id = e.tenant_id "
            "WHERE e.position IS NULL AND t.code = ?"
        )
        return await query_one(database_url, waiting) == 0

    await until(all_sequenced, "the demo's events to be sequenced")
    street_id = await query_one(database_url, "SELECT id FROM street WHERE code = ?")
    head = await query_one(
        database_url,
        "SELECT s.position FROM event_stream s JOIN street t ON t.id = s.tenant_id "
        "WHERE t.code = ?",
    )
    return encode_cursor(street_id, head or 0)


async def test_events_survive_a_redis_outage(tmp_path: Path) -> None:
    redis_port, http_port = free_port(), free_port()
    redis = await start_redis(redis_port, tmp_path)
    async with own_database(tmp_path) as database_url:
        env = {
            **os.environ,
            "GONGZHI_ENV": "test",
            "GONGZHI_DATABASE_URL": database_url,
            "GONGZHI_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "GONGZHI_SECRET_KEY": secrets.token_urlsafe(48),
            "GONGZHI_ARGON2_TIME_COST": "1",
            "GONGZHI_ARGON2_MEMORY_KIB": "1024",
        }
        cli = [sys.executable, "-m", "gongzhi.cli"]
        demo = await asyncio.create_subprocess_exec(
            *cli, "demo", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        assert await demo.wait() == 0
        log = (tmp_path / "server.log").open("wb")
        server = await asyncio.create_subprocess_exec(
            *cli, "serve", "--port", str(http_port), env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{http_port}"
        try:
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:

                async def healthy() -> bool:
                    with contextlib.suppress(httpx.HTTPError):
                        return (await http.get("/healthz")).status_code == 200
                    return False

                async def redis_is(state: str) -> bool:
                    return (await http.get("/readyz")).json()["checks"].get("redis") == state

                await until(healthy, "the server")
                token = (await http.post("/graphql", json={"query": LOGIN})).json()["data"][
                    "login"
                ]["accessToken"]
                headers = {"authorization": f"Bearer {token}"}

                async def create(code: str) -> str:
                    body = (
                        await http.post(
                            "/graphql",
                            json={"query": CREATE, "variables": {"code": code}},
                            headers=headers,
                        )
                    ).json()
                    return body["data"]["createCommunity"]["community"]["id"]

                after = await cursor_now(database_url)
                async with socket(f"127.0.0.1:{http_port}", token, "wulidun") as ws:
                    await ws.subscribe("1", EVENTS, after=after)
                    first = await create("before")
                    assert (await ws.next("1"))["streetEvents"]["subject"] == first

                    redis.terminate()  # our own Redis, not the shared one
                    await redis.wait()
                    await until(lambda: redis_is("down"), "readyz to report Redis down")
                    ready = await http.get("/readyz")
                    assert ready.status_code == 503

                    during = [await create("during-1"), await create("during-2")]
                    listed = await http.post(
                        "/graphql",
                        json={"query": "{ communities { totalCount } }"},
                        headers=headers,
                    )
                    assert listed.json()["data"]["communities"]["totalCount"] == 5
                    assert await unpublished(database_url, during) == 2  # waiting in the outbox

                    redis = await start_redis(redis_port, tmp_path)
                    await until(lambda: redis_is("ok"), "readyz to report Redis back")

                    async def all_published() -> bool:
                        return await unpublished(database_url, during) == 0

                    await until(all_published, "the outbox to drain")
                    back = await create("after")
                    got = [(await ws.next("1"))["streetEvents"]["subject"] for _ in range(3)]
                    assert got == [*during, back]
                    last = await create("last")  # nothing was delivered twice before it
                    assert (await ws.next("1"))["streetEvents"]["subject"] == last
        finally:
            await stop(server)
            await stop(redis)
            log.close()
