"""The progress board under load: ``python -m bench.projects``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server), loads 1,000
projects with 10 milestones and 20 updates each into one street plus 50 streets of noise (COPY),
then measures:

* the SQL statements of the board query for ``first: 20`` and ``first: 100`` (must be equal);
* requests/s of the board through the whole HTTP stack (uvicorn in a subprocess) and of a
  hand-written Starlette + asyncpg endpoint returning the same JSON (``bench.projects_baseline``),
  with the same number of requests and the same concurrency.

Progress goes to stderr; the figures are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from core import notes

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
PROJECTS = 1000
MILESTONES = 10
UPDATES = 20
NOISE_STREETS = 50
NOISE_PROJECTS = 100
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
SECRET = secrets.token_urlsafe(48)
PASSWORD = "bench-password-1"
BOARD = """
query Board($first: Int) {
  projectBoard(first: $first) {
    totalCount
    edges { node {
      id title status category progress lateness budget spent averageSatisfaction ratingCount
      openOpinionCount community { name }
    } }
  }
}
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def load(url: str) -> tuple[int, str]:
    """Streets, one reader, and the projects; returns the bench street's id and username."""
    from tortoise import Tortoise

    from core.security import Passwords
    from core.settings import Env, Settings
    from gongzhi.platform import database_config
    from models.accounts import Membership, Role, User
    from models.scoping import unscoped
    from models.tenancy import Community, District, Street

    settings = Settings(env=Env.DEV, database_url=url)
    await Tortoise.init(config=database_config(settings))
    try:
        with unscoped("bench set-up"):
            district = await District.create(code="bench", name="基准区")
            streets = [
                await Street.create(code=f"bench-{i}", name=f"基准街道{i}", district=district)
                for i in range(NOISE_STREETS + 1)
            ]
            communities = {
                s.id: await Community.create(tenant=s, code="c1", name=f"{s.name}社区")
                for s in streets
            }
            user = await User.create(
                username="bench.resident",
                password_hash=Passwords(1, 1024).hash(PASSWORD),
            )
            await Membership.create(tenant=streets[0], user=user, role=Role.RESIDENT)
    finally:
        await Tortoise.close_connections()
    conn = await asyncpg.connect(pg(url))
    try:
        now = datetime.now(UTC)
        today = now.date()
        for index, street in enumerate(streets):
            count = PROJECTS if index == 0 else NOISE_PROJECTS
            await _projects(conn, street.id, communities[street.id].id, count, now, today)
            if index % 10 == 0:
                say(f"  loaded street {index + 1}/{len(streets)}")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return streets[0].id, user.username


async def _projects(
    conn: asyncpg.Connection, street: int, community: int, count: int, now: datetime, on: date
) -> None:
    rows = []
    for i in range(count):
        start = on - timedelta(days=60)
        rows.append(
            (
                street,
                f"项目 {i}",
                "",
                ("道路", "养老", "老旧小区改造")[i % 3],
                community,
                "",
                114.0 + i / 10000,
                30.5,
                "城建办",
                start,
                start + timedelta(days=200),
                Decimal("100000.00"),
                Decimal(i % 1000),
                ("IN_PROGRESS", "APPROVED")[i % 2],
                (i * 37) % 101,
                "MILESTONES",
                "",
                start + timedelta(days=(i % 90)),
                "",
                now,
                now,
            )
        )
    await conn.copy_records_to_table(
        "project",
        records=rows,
        columns=[
            "tenant_id",
            "title",
            "description",
            "category",
            "community_id",
            "address",
            "longitude",
            "latitude",
            "department",
            "planned_start",
            "planned_end",
            "budget",
            "spent",
            "status",
            "progress",
            "progress_source",
            "progress_reason",
            "next_due",
            "source_ref",
            "created_at",
            "updated_at",
        ],
    )
    ids = [r["id"] for r in await conn.fetch("SELECT id FROM project WHERE tenant_id=$1", street)]
    milestones = [
        (
            street,
            pid,
            f"节点 {m}",
            on + timedelta(days=m * 10 - 30),
            on if m < 3 else None,
            1,
            2,
            now,
        )  # late ones count as already warned
        for pid in ids
        for m in range(MILESTONES)
    ]
    await conn.copy_records_to_table(
        "project_milestone",
        records=milestones,
        columns=[
            "tenant_id",
            "project_id",
            "title",
            "planned_date",
            "done_date",
            "weight",
            "warned_level",
            "created_at",
        ],
    )
    updates = [(street, pid, f"进展 {u}", now) for pid in ids for u in range(UPDATES)]
    await conn.copy_records_to_table(
        "project_update", records=updates, columns=["tenant_id", "project_id", "body", "created_at"]
    )


@contextlib.contextmanager
def server(args: list[str], env: dict[str, str]) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args, "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz" if "--factory" in args else f"{base}/board", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


async def hammer(send: object) -> float:
    """REQUESTS requests, CONCURRENCY at a time; returns requests/s."""
    queue = iter(range(REQUESTS))

    async def worker() -> None:
        for _ in queue:
            await send()  # type: ignore[operator]

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return REQUESTS / (time.perf_counter() - started)


async def count_board_statements(url: str, username: str) -> tuple[int, int]:
    from bench.sqlcount import count_statements
    from core.settings import Env, Settings
    from gongzhi.app import create_app

    settings = Settings(
        env=Env.TEST,
        database_url=url,
        secret_key=SECRET,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    app = create_app(settings)
    counts = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            token = await login(client, username)
            for first in (20, 100):
                with count_statements() as counter:
                    response = await client.post(
                        "/graphql",
                        json={"query": BOARD, "variables": {"first": first}},
                        headers={"authorization": f"Bearer {token}"},
                    )
                body = response.json()
                assert "errors" not in body, body
                assert len(body["data"]["projectBoard"]["edges"]) == first
                counts.append(counter.count)
    return counts[0], counts[1]


async def login(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post(
        "/graphql",
        json={
            "query": "mutation($u: String!, $p: String!) { login(input: {username: $u, "
            "password: $p}) { ... on LoginSuccess { accessToken } } }",
            "variables": {"u": username, "p": PASSWORD},
        },
    )
    return response.json()["data"]["login"]["accessToken"]


async def main() -> None:
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    try:
        from core.settings import Env, Settings
        from gongzhi.cli import apply_migrations

        say(f"database {name}: migrating")
        await apply_migrations(Settings(env=Env.DEV, database_url=url), quiet=True)
        say("loading 1,000 projects × 10 milestones × 20 updates, and 50 streets of noise")
        street_id, username = await load(url)
        say("counting the board's SQL statements")
        statements_20, statements_100 = await count_board_statements(url, username)
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("bench.gongzhi/audit").text,
            "GONGZHI_ARGON2_TIME_COST": "1",
            "GONGZHI_ARGON2_MEMORY_KIB": "1024",
            "BENCH_DATABASE_URL": url,
            "BENCH_STREET_ID": str(street_id),
        }
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        say(f"GraphQL board through uvicorn: {REQUESTS} requests, {CONCURRENCY} at a time")
        with server(["--factory", "gongzhi.app:create_app_from_env"], env) as base:
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                token = await login(client, username)
                headers = {"authorization": f"Bearer {token}"}
                payload = {"query": BOARD, "variables": {"first": 20}}

                async def graphql() -> None:
                    response = await client.post("/graphql", json=payload, headers=headers)
                    assert response.status_code == 200 and b'"errors"' not in response.content

                for _ in range(50):
                    await graphql()
                graphql_rps = await hammer(graphql)
        say("hand-written Starlette + asyncpg board")
        with server(["bench.projects_baseline:app"], env) as base:
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

                async def handwritten() -> None:
                    response = await client.get("/board", params={"first": 20})
                    assert response.status_code == 200

                for _ in range(50):
                    await handwritten()
                handwritten_rps = await hammer(handwritten)
    finally:
        admin = await asyncpg.connect(pg(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(
        json.dumps(
            {
                "statements_20": statements_20,
                "statements_100": statements_100,
                "graphql_rps": round(graphql_rps, 1),
                "handwritten_rps": round(handwritten_rps, 1),
                "ratio": round(graphql_rps / handwritten_rps, 3),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
