"""The dashboard at district scale: ``python -m bench.dashboard``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server) and loads, with
COPY and progress on stderr, a district of BENCH_STREETS (20) streets holding BENCH_CASES
(1,000,000) cases of the last year in all (with their first steps) and BENCH_CONSULTATIONS
(200,000) consultations, a leader per street and a district administrator.

Then it serves ``gongzhi`` with BENCH_WORKERS (2) uvicorn workers (Redis as the broker) and
measures, through the API:

* ``street_p95_ms``: the whole ``dashboard`` query (every panel, ``THIS_MONTH``) of one street,
  BENCH_QUERIES (60) times, the streets in turn; ``street_today_p95_ms`` the same for ``TODAY``;
* ``district_p95_ms``: the district's dashboard (the sums of its streets) by the district
  administrator, ``THIS_MONTH``;
* ``push_p95_ms``: BENCH_SCREENS (200) screens paired through the API (``startScreenPairing``,
  ``pairScreen``, ``collectScreenTokens``) subscribe to the live dashboard over WebSocket,
  spread over the workers; a resident reports a case BENCH_PUSHES (5) times, and each screen's
  time from the report's answer to the update carrying the new received figure is taken
  (``pushes_missed`` counts screens that did not get one within 10 s).

The figures are one JSON line on stdout. Targets: ``street_p95_ms`` < 50,
``district_p95_ms`` < 200, ``push_p95_ms`` < 1500. BENCH_KEEP_DATABASE=1 keeps the database.
A smaller run: ``BENCH_CASES=100000 BENCH_CONSULTATIONS=20000 BENCH_SCREENS=50``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import websockets

from bench.cases import (
    AUDIT_KEY,
    CELL,
    SECRET,
    SOUTH,
    WEST,
    Place,
    bulk_accounts,
    copy_cases,
    history_rows,
    pg,
    say,
    with_database,
)
from bench.harness import serve, uvicorn

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
STREETS = int(os.environ.get("BENCH_STREETS", "20"))
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
CONSULTATIONS = int(os.environ.get("BENCH_CONSULTATIONS", "200000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "60"))
SCREENS = int(os.environ.get("BENCH_SCREENS", "200"))
PUSHES = int(os.environ.get("BENCH_PUSHES", "5"))
GRIDS = 5
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
RNG = random.Random(18)

DASHBOARD = """
query($scope: DashboardScope, $period: DashboardPeriod) {
  dashboard(scope: $scope, period: $period) { kind name firstDay lastDay
    panels { key title figures { key label value unit } items { title detail at } } }
}
"""
LIVE = """
subscription { dashboard { panels { key figures { key value } } } }
"""
START = "mutation { startScreenPairing { ... on ScreenPairingSuccess { code deviceSecret } } }"
PAIR = """
mutation($input: PairScreenInput!) { pairScreen(input: $input) { __typename } }
"""
COLLECT = """
mutation($input: CollectScreenTokensInput!) { collectScreenTokens(input: $input) {
  ... on ScreenTokensSuccess { tokens { accessToken } } ... on InputError { code } } }
"""
REPORT = """
mutation($input: ReportCaseInput!) { reportCase(input: $input) { __typename
  ... on UserError { code field } } }
"""
STEPS = ("SUBMITTED", "ACCEPTED", "INVITED", "MET", "ANNOUNCED", "EVALUATED", "ROUTED")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1)


async def load(url: str) -> dict[str, Any]:
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.security import Passwords
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services, street_hooks
    from models.accounts import DistrictMembership, Role
    from models.cases import CaseCategory
    from models.consultations import (
        Channel,
        Classification,
        Consultation,
        RequesterKind,
        Step,
    )
    from models.scoping import unscoped
    from models.tenancy import Community, Grid
    from tenants.registry import create_street
    from tenants.scoping import street_scope

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    make_services(settings, MemoryBroker())
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    passwords = Passwords(1, 1024)
    conn = await asyncpg.connect(pg(url))
    now = datetime.now(UTC)
    per_street = CASES // STREETS
    consultations = CONSULTATIONS // STREETS
    loaded: dict[str, Any] = {"streets": []}
    try:
        for i in range(STREETS):
            created = await create_street(
                passwords,
                hooks=street_hooks(),
                code=f"dash-{i}",
                name=f"基准街道{i}",
                district_code="dash",
                admin_username=f"dash-{i}.admin",
                create_district=i == 0,
            )
            street = created.street
            with street_scope(street.id):
                community = await Community.create(code="c1", name="第一社区")
                grids = []
                for g in range(GRIDS):
                    row = await Grid.create(community=community, code=f"g{g}", name=f"网格{g}")
                    grids.append((row.id, community.id, WEST + g * CELL, SOUTH))
                categories = [c.id for c in await CaseCategory.all().order_by("id")]
            ((leader, leader_session),) = await bulk_accounts(
                conn, street.id, f"dash{i}.leader", 1, Role.STREET_LEADER.value, now
            )
            reporters = await bulk_accounts(
                conn, street.id, f"dash{i}.res", 1, Role.RESIDENT.value, now
            )
            await conn.execute(
                "INSERT INTO resident (tenant_id, name, phone, id_hash, id_masked, address, "
                "household, grid_id, community_id, user_id, created_at) VALUES "
                "($1, '居民', '', $2, '', '', '', $3, $4, $5, $6)",
                street.id, secrets.token_hex(16), grids[0][0], community.id,
                reporters[0][0], now,
            )  # fmt: skip
            place = Place(grids, [], [reporters[0][0]], [None])  # type: ignore[list-item]
            done = 0
            while done < per_street:
                size = min(25_000, per_street - done)
                rows, _ = history_rows(street.id, place, categories, size, size // 20, now)
                await copy_cases(conn, street.id, rows)
                done += size
            with street_scope(street.id):
                batch = []
                for n in range(consultations):
                    step = RNG.choice(STEPS)
                    at = now - timedelta(days=RNG.random() * 365)
                    batch.append(
                        Consultation(
                            title=f"协商{n}",
                            description="",
                            category=RNG.choice(("物业管理", "城市管理", "老旧小区改造")),
                            community_id=community.id,
                            requester_kind=RequesterKind.RESIDENT,
                            channel=Channel.PHONE,
                            requester_id=reporters[0][0],
                            step=Step(step),
                            classification=Classification.NON_CONSULTATION
                            if step == "ROUTED"
                            else Classification.CONSULTATION,
                            submitted_at=at,
                            updated_at=at,
                        )
                    )
                    if len(batch) == 5000:
                        await Consultation.bulk_create(batch)
                        batch = []
                if batch:
                    await Consultation.bulk_create(batch)
            loaded["streets"].append(
                {
                    "id": street.id,
                    "code": street.code,
                    "admin": f"dash-{i}.admin",
                    "password": created.admin_password,
                    "leader": (leader, leader_session),
                    "reporter": reporters[0],
                    "category": categories[0],
                }
            )
            say(f"  street {i + 1}/{STREETS}: {per_street} cases, {consultations} consultations")
        ((district_admin, district_session),) = await bulk_accounts(
            conn, loaded["streets"][0]["id"], "dash.district", 1, Role.RESIDENT.value, now
        )
        with unscoped("bench set-up: the district administrator"):
            from models.tenancy import Street

            first = await Street.get(id=loaded["streets"][0]["id"])
            await DistrictMembership.create(
                user_id=district_admin, district_id=first.district_id, role=Role.DISTRICT_ADMIN
            )
        loaded["district"] = (district_admin, district_session)
        say("  ANALYZE")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        await Tortoise.close_connections()
    return loaded


async def timed(http: httpx.AsyncClient, token: str, tenant: str, variables: dict) -> float:
    started = time.perf_counter()
    response = await http.post(
        "/graphql",
        json={"query": DASHBOARD, "variables": variables},
        headers={"authorization": f"Bearer {token}", "x-tenant": tenant},
    )
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    assert "errors" not in body, body
    return elapsed


async def pair_screens(http: httpx.AsyncClient, street: dict, count: int) -> list[str]:
    login = await http.post(
        "/graphql",
        json={
            "query": "mutation($u: String!, $p: String!) { login(input: {username: $u, "
            "password: $p}) { ... on LoginSuccess { accessToken } } }",
            "variables": {"u": street["admin"], "p": street["password"]},
        },
    )
    admin = login.json()["data"]["login"]["accessToken"]
    tokens = []
    for n in range(count):
        started = (await http.post("/graphql", json={"query": START})).json()
        pairing = started["data"]["startScreenPairing"]
        await http.post(
            "/graphql",
            json={
                "query": PAIR,
                "variables": {"input": {"code": pairing["code"], "name": f"大屏{n}"}},
            },
            headers={"authorization": f"Bearer {admin}"},
        )
        collected = await http.post(
            "/graphql",
            json={
                "query": COLLECT,
                "variables": {
                    "input": {"code": pairing["code"], "deviceSecret": pairing["deviceSecret"]}
                },
            },
        )
        tokens.append(collected.json()["data"]["collectScreenTokens"]["tokens"]["accessToken"])
    return tokens


def received_of(message: dict) -> float | None:
    for panel in message["payload"]["data"]["dashboard"]["panels"]:
        if panel["key"] == "cases":
            for figure in panel["figures"]:
                if figure["key"] == "received":
                    return figure["value"]
    return None


class Screen:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.received: float | None = None
        self.updates: asyncio.Queue[tuple[float, float | None]] = asyncio.Queue()

    async def run(self, ready: asyncio.Event) -> None:
        async with websockets.connect(self.url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(
                json.dumps(
                    {
                        "type": "connection_init",
                        "payload": {"authorization": f"Bearer {self.token}"},
                    }
                )
            )
            while json.loads(await ws.recv())["type"] != "connection_ack":
                pass
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": LIVE}}))
            while True:
                message = json.loads(await ws.recv())
                if message["type"] != "next":
                    continue
                value = received_of(message)
                if self.received is None:
                    self.received = value
                    ready.set()
                elif value is not None:
                    await self.updates.put((time.perf_counter(), value))


async def push(base: str, street: dict, tokens: list[str], reporter: str) -> dict[str, Any]:
    url = base.replace("http", "ws") + "/graphql"
    screens = [Screen(url, t) for t in tokens]
    readies = [asyncio.Event() for _ in screens]
    tasks = [asyncio.create_task(s.run(r)) for s, r in zip(screens, readies, strict=True)]
    latencies: list[float] = []
    missed = 0
    try:
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        say(f"  {len(screens)} screens subscribed")
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            from core.ids import to_global_id

            for n in range(PUSHES):
                await asyncio.sleep(2)
                body = {
                    "query": REPORT,
                    "variables": {
                        "input": {
                            "title": "路灯不亮",
                            "categoryId": to_global_id("CaseCategory", street["category"]),
                            "description": "基准",
                            "address": "一号楼",
                        }
                    },
                }
                answer = await http.post(
                    "/graphql", json=body, headers={"authorization": f"Bearer {reporter}"}
                )
                sent = time.perf_counter()
                assert answer.json()["data"]["reportCase"]["__typename"] == "CaseSuccess", (
                    answer.text
                )
                for screen in screens:
                    try:
                        while True:
                            at, value = await asyncio.wait_for(screen.updates.get(), 10)
                            if value is not None and value > (screen.received or 0):
                                screen.received = value
                                latencies.append(max(0.0, (at - sent) * 1000))
                                break
                    except TimeoutError:
                        missed += 1
                say(
                    f"  push {n + 1}/{PUSHES}: p95 so far {p95(latencies) if latencies else '-'} ms"
                )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"push_p95_ms": p95(latencies) if latencies else None, "pushes_missed": missed}


async def main() -> None:
    from core.security import Tokens
    from core.settings import Env, Settings
    from gongzhi.cli import apply_migrations

    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_dash_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    try:
        say(f"database {name}: migrating")
        await apply_migrations(Settings(env=Env.DEV, database_url=url), quiet=True)
        say(f"loading {STREETS} streets, {CASES} cases, {CONSULTATIONS} consultations")
        loaded = await load(url)
        tokens = Tokens(SECRET, access_ttl=timedelta(hours=2), refresh_ttl=timedelta(days=1))

        def token(user_id: int, session_id: int) -> str:
            return tokens.issue(user_id, session_id, "access", datetime.now(UTC))[0]

        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
            "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
            "GONGZHI_ARGON2_TIME_COST": "1",
            "GONGZHI_ARGON2_MEMORY_KIB": "1024",
            "GONGZHI_LOGIN_MAX_FAILURES": "1000",
        }
        figures: dict[str, Any] = {
            "streets": STREETS,
            "cases": CASES,
            "consultations": CONSULTATIONS,
        }
        app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS)
        async with serve("gongzhi", app, env, ready="/healthz", settle=1.5) as served:
            base = served.base
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                streets = loaded["streets"]
                for period, key in (
                    ("THIS_MONTH", "street_p95_ms"),
                    ("TODAY", "street_today_p95_ms"),
                ):
                    say(f"street dashboards, {period}")
                    times = []
                    for n in range(QUERIES):
                        s = streets[n % len(streets)]
                        times.append(
                            await timed(http, token(*s["leader"]), s["code"], {"period": period})
                        )
                    figures[key] = p95(times[len(streets) :] or times)
                    figures[key.replace("p95", "p50")] = round(statistics.median(times), 1)
                say("district dashboards, THIS_MONTH")
                district = token(*loaded["district"])
                times = [
                    await timed(
                        http, district, streets[0]["code"],
                        {"period": "THIS_MONTH", "scope": {"kind": "DISTRICT"}},
                    )
                    for _ in range(max(10, QUERIES // 3))
                ]  # fmt: skip
                figures["district_p95_ms"] = p95(times[2:])
                figures["district_p50_ms"] = round(statistics.median(times), 1)
                say(f"pairing {SCREENS} screens")
                screen_tokens = await pair_screens(http, streets[0], SCREENS)
            reporter = token(*loaded["streets"][0]["reporter"])
            figures.update(await push(base, streets[0], screen_tokens, reporter))
    finally:
        if os.environ.get("BENCH_KEEP_DATABASE"):
            say(f"kept the database {name} (BENCH_KEEP_DATABASE)")
        else:
            admin = await asyncpg.connect(pg(base_url))
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    figures["targets_met"] = bool(
        figures.get("street_p95_ms", 1e9) < 50
        and figures.get("district_p95_ms", 1e9) < 200
        and (figures.get("push_p95_ms") or 1e9) < 1500
        and figures.get("pushes_missed", 1) == 0
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
