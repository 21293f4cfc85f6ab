"""Notices to 73,000 residents (一键群发), fanned out on read.

``python -m bench.notices`` loads one street with 73,000 residents in bulk (about 12 % tagged
独居老人, 8 % 残疾人); a sample of them (300 tagged, 300 of anyone) have accounts and sign in
through the GraphQL ``login`` mutation. Through the whole HTTP stack (the app, its lifespan and
middleware, on an in-process ASGI transport) it sends one notice by tag and one to the whole
street with ``sendNotice`` and measures the seconds from the send's start until a targeted
resident's ``myNotices`` query returns it: the send, plus the slowest of the sampled residents'
queries, each asked on its own as one phone would; a SQL count shows that every targeted
resident's inbox predicate matches it by then. Then the ``myNotices`` p95
for one resident with 500 notices in the street (200 requests, one at a time). Runs on SQLite
and on PostgreSQL (a fresh database on GONGZHI_TEST_DATABASE_URL). Progress on stderr, one
JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from typing import Any

import httpx

from core.identity import IdHasher, make_id_number, mask_id_number
from core.ids import from_global_id, to_global_id
from core.settings import Env, Settings
from gongzhi.app import create_app
from gongzhi.cli import apply_migrations
from models.accounts import Membership, Role, User
from models.notices import Notice, NoticeTarget, TargetKind
from models.people import Resident, ResidentTag, Tag
from models.scoping import unscoped
from models.tenancy import Community, Grid
from resolvers import notices
from resolvers.services import Services
from tenants.registry import create_street
from tenants.scoping import street_scope

RESIDENTS = 73_000
SAMPLE = 300
CONCURRENCY = 16
PASSWORD = "bench-resident-password"
LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  __typename ... on LoginSuccess { accessToken } } }"""
SEND = """mutation($input: SendNoticeInput!) { sendNotice(input: $input) {
  __typename ... on SendNoticeSuccess { notice { id } } } }"""
INBOX = "{ myNotices(first: 20) { edges { node { id title readAt } } } }"
PG_URL = os.environ.get("GONGZHI_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Client:
    """A frontend's view: GraphQL over HTTP into the app."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def gql(self, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]

    async def login(self, username: str, password: str) -> str:
        data = await self.gql(LOGIN, {"u": username, "p": password})
        assert data["login"]["__typename"] == "LoginSuccess", data
        return str(data["login"]["accessToken"])


async def _load(services: Services, settings: Settings) -> dict[str, Any]:
    created = await create_street(
        services.passwords,
        hooks=services.street_hooks,
        code="bench",
        name="五里墩街道（压测）",
        district_code="bench",
        admin_username="bench.admin",
        create_district=True,
    )
    street = created.street
    hasher = IdHasher(settings.secret_key or "")
    rng = random.Random(7)
    with unscoped("benchmark set-up"):
        grids = []
        for c in range(6):
            community = await Community.create(tenant=street, code=f"c{c}", name=f"社区{c}")
            for g in range(12):
                grids.append(
                    await Grid.create(
                        tenant=street, community=community, code=f"c{c}-{g}", name=f"网格{g}"
                    )
                )
        lonely = await Tag.get(tenant=street, name="独居老人")  # default tags of a new street
        disabled = await Tag.get(tenant=street, name="残疾人")
        rows = []
        for i in range(RESIDENTS):
            number = make_id_number("420105", f"19{40 + i % 60:02d}0{1 + i % 9}1{i % 9}", i)
            grid = grids[i % len(grids)]
            rows.append(
                Resident(
                    tenant_id=street.id,
                    name=f"居民{i}",
                    phone=f"139{i:08d}",
                    id_hash=hasher.hash(number + str(i // 1000)),
                    id_masked=mask_id_number(number),
                    grid_id=grid.id,
                    community_id=grid.community_id,
                )
            )
        for start in range(0, RESIDENTS, 5000):
            await Resident.bulk_create(rows[start : start + 5000])
            log(f"  residents {min(start + 5000, RESIDENTS)}/{RESIDENTS}")
        ids = list(await Resident.filter(tenant_id=street.id).values_list("id", flat=True))
        links = []
        lonely_ids = []
        for pk in ids:
            draw = rng.random()
            if draw < 0.12:
                links.append(ResidentTag(tenant_id=street.id, resident_id=pk, tag_id=lonely.id))
                lonely_ids.append(pk)
            elif draw < 0.20:
                links.append(ResidentTag(tenant_id=street.id, resident_id=pk, tag_id=disabled.id))
        for start in range(0, len(links), 5000):
            await ResidentTag.bulk_create(links[start : start + 5000])
        log(f"  tags on {len(links)} residents ({len(lonely_ids)} 独居老人)")
        # Sampled residents sign in: link them to accounts.
        sample_tag = rng.sample(lonely_ids, SAMPLE)
        sample_all = rng.sample(ids, SAMPLE)
        users = {}
        password_hash = services.passwords.hash(PASSWORD)
        for pk in set(sample_tag) | set(sample_all):
            user = await User.create(username=f"bench-r{pk}", password_hash=password_hash)
            await Membership.create(tenant=street, user=user, role=Role.RESIDENT)
            await Resident.filter(id=pk).update(user_id=user.id)
            users[pk] = user
    if not settings.uses_sqlite:  # as autovacuum would after a bulk load
        from tortoise import connections

        await connections.get("default").execute_script("ANALYZE")
    await services.authorizer.load_from_database()
    return {
        "services": services,
        "street": street,
        "admin": created.admin,
        "admin_password": created.admin_password,
        "lonely": lonely,
        "sample_tag": [users[pk] for pk in sample_tag],
        "sample_all": [users[pk] for pk in sample_all],
        "lonely_count": len(lonely_ids),
        "postgres": not settings.uses_sqlite,
    }


async def _sign_in(env: dict[str, Any], client: Client) -> None:
    """The admin and every sampled resident sign in (not timed)."""
    env["admin_token"] = await client.login(env["admin"].username, env["admin_password"])
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(user: User) -> tuple[int, str]:
        async with limit:
            return user.id, await client.login(user.username, PASSWORD)

    users = {u.id: u for u in env["sample_tag"] + env["sample_all"]}
    env["tokens"] = dict(await asyncio.gather(*(one(u) for u in users.values())))


async def _reach(env: dict[str, Any], client: Client, tag: bool) -> float:
    """Seconds from the send mutation's start until a targeted resident's inbox shows it.

    With fan-out on read, every targeted resident can read the notice once the send commits;
    what one of them waits for is the send plus their own inbox query. So: the send's duration
    plus the slowest of the sampled residents' inbox queries, each asked on its own (as one
    phone would), and a SQL count proving every targeted resident is matched at that point.
    """
    street = env["street"]
    target = {"tagIds": [to_global_id("Tag", env["lonely"].id)]} if tag else {}
    title = "高温关怀" if tag else "停水通知"
    started = time.perf_counter()
    sent = await client.gql(
        SEND, {"input": {"title": title, "body": "请注意。", **target}}, env["admin_token"]
    )
    send_seconds = time.perf_counter() - started
    notice_id = sent["sendNotice"]["notice"]["id"]
    sample = env["sample_tag"] if tag else env["sample_all"]
    slowest = 0.0
    for user in sample:
        asked = time.perf_counter()
        data = await client.gql(INBOX, {}, env["tokens"][user.id])
        slowest = max(slowest, time.perf_counter() - asked)
        edges = data["myNotices"]["edges"]
        assert edges and edges[0]["node"]["id"] == notice_id, "a targeted resident missed it"
    with street_scope(street.id):
        _, pk = from_global_id(notice_id)
        targets = await NoticeTarget.filter(notice_id=pk)
        covered = await notices.targeted_residents(targets).count()
    expected = env["lonely_count"] if tag else RESIDENTS
    assert covered == expected, (covered, expected)
    log(
        f"  send {send_seconds * 1000:.0f} ms, slowest of {len(sample)} inbox queries "
        f"{slowest * 1000:.0f} ms, {covered} residents matched"
    )
    return send_seconds + slowest


async def _inbox_p95(env: dict[str, Any], client: Client) -> float:
    street = env["street"]
    with street_scope(street.id):
        existing = await Notice.all().count()
        for i in range(500 - existing):
            notice = await Notice.create(
                sender_id=env["admin"].id, title=f"通知{i}", body="…", created_at=street.created_at
            )
            await NoticeTarget.create(notice=notice, kind=TargetKind.STREET, ref_id=street.id)
    if env["postgres"]:  # as autovacuum does after this many new rows
        from tortoise import connections

        await connections.get("default").execute_script("ANALYZE notice, notice_target")
    token = env["tokens"][env["sample_tag"][0].id]
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        data = await client.gql(INBOX, {}, token)
        timings.append((time.perf_counter() - started) * 1000)
        assert len(data["myNotices"]["edges"]) == 20
    return statistics.quantiles(timings, n=20)[18]


async def _run(settings: Settings, label: str) -> tuple[float, float, float]:
    log(f"{label}: migrating and loading {RESIDENTS} residents")
    await apply_migrations(settings, quiet=True)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        env = await _load(app.state.services, settings)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            client = Client(http)
            await _sign_in(env, client)
            log(f"{label}: {len(env['tokens'])} residents signed in")
            tag_seconds = await _reach(env, client, tag=True)
            log(f"{label}: tag notice reached its residents in {tag_seconds:.3f} s")
            street_seconds = await _reach(env, client, tag=False)
            log(f"{label}: street notice reached everyone in {street_seconds:.3f} s")
            p95 = await _inbox_p95(env, client)
            log(f"{label}: myNotices p95 with 500 notices {p95:.2f} ms")
        return tag_seconds, street_seconds, p95


def _settings(url: str, secret: str) -> Settings:
    return Settings(
        env=Env.TEST,
        database_url=url,
        secret_key=secret,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )


def _child(label: str, url: str) -> tuple[float, float, float]:
    """One backend per process: Tortoise keeps per-dialect state after the first init."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "bench.notices", "--one", label, url],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return tuple(json.loads(out.strip().splitlines()[-1]))  # type: ignore[return-value]


async def _pg_database(create: bool, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    try:
        if create:
            await conn.execute(f'CREATE DATABASE "{name}"')
        else:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        result = asyncio.run(_run(_settings(sys.argv[3], secrets.token_urlsafe(48)), sys.argv[2]))
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = _child("sqlite", f"sqlite://{tmp}/bench.sqlite3")
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    asyncio.run(_pg_database(True, name))
    try:
        pg = _child("postgres", f"{PG_URL.rsplit('/', 1)[0]}/{name}")
    finally:
        asyncio.run(_pg_database(False, name))
    print(
        json.dumps(
            {
                "residents": RESIDENTS,
                "tag_notice_seconds_sqlite": round(sqlite[0], 3),
                "street_notice_seconds_sqlite": round(sqlite[1], 3),
                "tag_notice_seconds_postgres": round(pg[0], 3),
                "street_notice_seconds_postgres": round(pg[1], 3),
                "inbox_p95_ms": round(pg[2], 2),
                "inbox_p95_ms_sqlite": round(sqlite[2], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
