"""City scale (城市规模): ``python -m bench.scale``.

Does another street's data slow yours? Two fresh PostgreSQL databases (on
GONGZHI_TEST_DATABASE_URL's server), loaded with COPY and progress on stderr:

* **city**: BENCH_STREETS (1,000) streets in districts of BENCH_DISTRICT_STREETS (20), a few
  large and most small (street ``k``'s share of everything is proportional to
  ``1 / k ** BENCH_SHAPE``, 0.9: the largest about 9 % of the city, the smallest about 0.02 %),
  BENCH_RESIDENTS (10,000,000) resident records, BENCH_CASES (2,000,000) cases of the last year
  with their first steps (a tenth still open) and BENCH_PROJECTS (200,000) projects in all;
* **alone**: only the measured street's district (its 20 streets, every row the same as in the
  city: each street's rows come from a random generator seeded with the street's number).

The measured street is street BENCH_TARGET (16: about 74,000 residents at full size, the seed
street's size), with a grid chief, a street reviewer, a resident and a district administrator.
Then ``gongzhi`` serves each database (one uvicorn worker each, Redis as the broker) and ``wrk``
(``bench.harness``) drives, at BENCH_CONNECTIONS (4) connections, city and alone interleaved
for BENCH_ROUNDS (3) rounds of BENCH_SECONDS (10) s, the tenant-scoped reads that matter:

* ``grid_residents``: a grid chief's residents (``residents(first: 20)``: the chief's grid
  only, with the total);
* ``review_queue``: a street reviewer's dispatch queue (``caseQueue(kind: TO_SIGN, urgencies:
  [IMPORTANT, URGENT], first: 20)``);
* ``street_board``: the street's project board (``projectBoard(first: 20)``) read by a
  resident;
* ``district_rollup``: the district administrator's dashboard of the 20 streets (``dashboard(
  scope: {kind: DISTRICT}, period: THIS_MONTH)``, every panel).

For each, ``<query>_p95_ms`` and ``<query>_alone_p95_ms`` (the median over the rounds),
``ratio_p95_city_vs_alone`` (the median of the per-round ratios; target ≤ 1.5) and
``plan_uses_tenant_index``: every statement the query sends (caught in process, with its
arguments and row settings) is EXPLAINed on the city database as the app's role
(``gongzhi_app``, row security on) under the same settings, and every scan of a street-owned
table of BENCH_PLAN_ROWS (10,000) rows or more must go through an index led by ``tenant_id``
(or the row's own key); the scans that do not are printed on stderr. The figures are one
JSON line on stdout.

A smaller run (about 2 minutes of loading): ``BENCH_STREETS=200 BENCH_RESIDENTS=1000000
BENCH_CASES=200000 BENCH_PROJECTS=20000 python -m bench.scale``. BENCH_KEEP_DATABASE=1 keeps
both databases (their names are printed).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from bench import cases as cases_bench
from bench.cases import AUDIT_KEY, CELL, SECRET, SOUTH, WEST, Place, bulk_accounts, copy_cases
from bench.harness import Request, ensure_wrk, interleave, serve, uvicorn

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
STREETS = int(os.environ.get("BENCH_STREETS", "1000"))
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "10000000"))
CASES = int(os.environ.get("BENCH_CASES", "2000000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "200000"))
DISTRICT_STREETS = int(os.environ.get("BENCH_DISTRICT_STREETS", "20"))
SHAPE = float(os.environ.get("BENCH_SHAPE", "0.9"))
TARGET = int(os.environ.get("BENCH_TARGET", "16"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
STREET_HEADER = {"X-Tenant": f"city-{TARGET}"}
"""Which street a reader means (the district administrator is of all 20)."""
RESIDENTS_PER_COMMUNITY = 4000
GRIDS_PER_COMMUNITY = 4
CHUNK = 100_000
PLAN_ROWS = int(os.environ.get("BENCH_PLAN_ROWS", "10000"))
"""Tables of fewer rows (in the whole city) may be scanned whole."""
APP_ROLE = "gongzhi_app"

RESIDENTS_QUERY = """
query($first: Int) { residents(first: $first) {
  totalCount edges { node { id name grid { name } } } } }
"""
QUEUE = cases_bench.QUEUE
BOARD = """
query($first: Int) { projectBoard(first: $first) { totalCount edges { node {
  id title status category progress lateness budget spent community { name } } } } }
"""
ROLLUP = """
query($scope: DashboardScope) { dashboard(scope: $scope, period: THIS_MONTH) {
  kind name panels { key figures { key value } } } }
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def with_database(url: str, name: str, user: str | None = None) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)._replace(path=f"/{name}")
    if user is not None:
        parts = parts._replace(netloc=f"{user}@{parts.netloc.rpartition('@')[2]}")
    return urlunsplit(parts)


def app_url(owner_url: str) -> str:
    """The app's connection, as in production: ``gongzhi_app``, held to row security (the
    migrate step, connected as the owner, created and granted it)."""
    from urllib.parse import urlsplit

    return with_database(owner_url, urlsplit(owner_url).path.lstrip("/"), user=APP_ROLE)


# -- the city's shape ------------------------------------------------------------------------


def sizes(total: int) -> list[int]:
    """Each street's share of ``total``: proportional to ``1 / k ** SHAPE`` (street 0 the
    largest), at least 1."""
    weights = [1 / (k + 1) ** SHAPE for k in range(STREETS)]
    whole = sum(weights)
    return [max(1, round(total * w / whole)) for w in weights]


DISTRICTS = max(1, STREETS // DISTRICT_STREETS)


def district_of(index: int) -> int:
    """Streets are dealt to districts in turn, so each district has large and small ones."""
    return index % DISTRICTS


@dataclass
class Target:
    street_id: int
    district_id: int
    chief: tuple[int, int]
    reviewer: tuple[int, int]
    resident: tuple[int, int]
    district_admin: tuple[int, int]


@dataclass
class Loaded:
    streets: int = 0
    residents: int = 0
    cases: int = 0
    projects: int = 0
    target: Target | None = None
    seconds: float = 0.0
    street_ids: dict[int, int] = field(default_factory=dict)


async def _ids(conn: asyncpg.Connection, sql: str, *args: Any) -> list[int]:
    return [r[0] for r in await conn.fetch(sql, *args)]


async def load_street(
    conn: asyncpg.Connection,
    index: int,
    street_id: int,
    residents: int,
    cases: int,
    projects: int,
    now: datetime,
) -> None:
    """One street's places, residents, cases and projects, the same rows wherever it is
    loaded (its generator is seeded with ``index``)."""
    rng = random.Random(index)
    cases_bench.RNG.seed(index)  # history_rows draws from the cases bench's generator
    communities = max(1, min(40, residents // RESIDENTS_PER_COMMUNITY))
    await conn.copy_records_to_table(
        "community",
        records=[(street_id, f"c{c}", f"社区{c}", now) for c in range(communities)],
        columns=["tenant_id", "code", "name", "created_at"],
    )
    community_ids = await _ids(
        conn, "SELECT id FROM community WHERE tenant_id = $1 ORDER BY id", street_id
    )
    await conn.copy_records_to_table(
        "grid",
        records=[
            (street_id, cid, f"c{c}-g{g}", f"网格{c}-{g}", now)
            for c, cid in enumerate(community_ids)
            for g in range(GRIDS_PER_COMMUNITY)
        ],
        columns=["tenant_id", "community_id", "code", "name", "created_at"],
    )
    grid_rows = await conn.fetch(
        "SELECT id, community_id FROM grid WHERE tenant_id = $1 ORDER BY id", street_id
    )
    grids = [(r["id"], r["community_id"]) for r in grid_rows]
    done = 0
    while done < residents:
        size = min(CHUNK, residents - done)
        records = []
        for i in range(done, done + size):
            grid_id, community_id = grids[i % len(grids)]
            digest = hashlib.blake2b(f"{index}-{i}".encode(), digest_size=32).hexdigest()
            records.append(
                (street_id, f"居民{i}", "", digest, "42010519********", "", "", grid_id,
                 community_id, None, now)
            )  # fmt: skip
        await conn.copy_records_to_table(
            "resident",
            records=records,
            columns=[
                "tenant_id", "name", "phone", "id_hash", "id_masked", "address", "household",
                "grid_id", "community_id", "user_id", "created_at",
            ],
        )  # fmt: skip
        done += size
    ((reporter, _),) = await bulk_accounts(
        conn, street_id, f"city{index}.reporter", 1, "RESIDENT", now
    )
    categories = await _ids(conn, "SELECT id FROM case_category WHERE tenant_id = $1", street_id)
    squares = [
        (grid_id, community_id, WEST + (n % 50) * CELL, SOUTH + (n // 50) * CELL)
        for n, (grid_id, community_id) in enumerate(grids)
    ]
    place = Place(squares, [], [reporter], [None])  # type: ignore[list-item]
    done = 0
    while done < cases:
        size = min(CHUNK, cases - done)
        rows, _ = cases_bench.history_rows(street_id, place, categories, size, size // 10, now)
        await copy_cases(conn, street_id, rows)
        done += size
    on = now.date()
    project_rows = [
        _project(street_id, rng.choice(community_ids), p, now, on) for p in range(projects)
    ]
    await conn.copy_records_to_table(
        "project",
        records=project_rows,
        columns=[
            "tenant_id", "title", "description", "category", "community_id", "address",
            "longitude", "latitude", "department", "planned_start", "planned_end", "budget",
            "spent", "status", "progress", "progress_source", "progress_reason", "next_due",
            "source_ref", "created_at", "updated_at",
        ],
    )  # fmt: skip


def _project(street_id: int, community_id: int, i: int, now: datetime, on: date) -> tuple:
    start = on - timedelta(days=60)
    return (
        street_id, f"项目 {i}", "", ("道路", "养老", "老旧小区改造")[i % 3], community_id, "",
        114.0 + i / 100000, 30.5, "城建办", start, start + timedelta(days=200),
        Decimal("100000.00"), Decimal(i % 1000), ("IN_PROGRESS", "APPROVED")[i % 2],
        (i * 37) % 101, "MILESTONES", "", start + timedelta(days=i % 90), "", now, now,
    )  # fmt: skip


async def load(url: str, indexes: list[int]) -> Loaded:
    """Create and fill the streets ``indexes`` (of the city's numbering) in ``url``."""
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.security import Passwords
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services, street_hooks
    from tenants.registry import create_street

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    make_services(settings, MemoryBroker())
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    passwords = Passwords(1, 1024)
    conn = await asyncpg.connect(pg(url))
    now = datetime.now(UTC)
    residents, cases, projects = sizes(RESIDENTS), sizes(CASES), sizes(PROJECTS)
    loaded = Loaded()
    started = time.perf_counter()
    seen_districts: set[int] = set()
    try:
        for n, index in enumerate(sorted(indexes)):
            district = district_of(index)
            created = await create_street(
                passwords,
                hooks=street_hooks(),
                code=f"city-{index}",
                name=f"街道{index}",
                district_code=f"district-{district}",
                admin_username=f"city-{index}.admin",
                create_district=district not in seen_districts,
            )
            seen_districts.add(district)
            street_id = created.street.id
            loaded.street_ids[index] = street_id
            await load_street(
                conn, index, street_id, residents[index], cases[index], projects[index], now
            )
            loaded.streets += 1
            loaded.residents += residents[index]
            loaded.cases += cases[index]
            loaded.projects += projects[index]
            if index == TARGET:
                loaded.target = await _target_people(conn, street_id, now)
            if n % 10 == 9 or n == len(indexes) - 1:
                elapsed = time.perf_counter() - started
                say(
                    f"  {n + 1}/{len(indexes)} streets: {loaded.residents:,} residents, "
                    f"{loaded.cases:,} cases, {loaded.projects:,} projects ({elapsed:.0f} s)"
                )
        say("  ANALYZE")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        await Tortoise.close_connections()
    loaded.seconds = time.perf_counter() - started
    return loaded


async def _target_people(conn: asyncpg.Connection, street_id: int, now: datetime) -> Target:
    """The measured street's readers: a grid chief of its first grid, a reviewer, a resident
    and its district's administrator."""
    ((chief, chief_session),) = await bulk_accounts(
        conn, street_id, "target.chief", 1, "GRID_CHIEF", now
    )
    grid_id = await conn.fetchval("SELECT min(id) FROM grid WHERE tenant_id = $1", street_id)
    await conn.execute(
        "INSERT INTO grid_assignment (tenant_id, grid_id, user_id, duty, created_at) "
        "VALUES ($1, $2, $3, 'CHIEF', $4)",
        street_id, grid_id, chief, now,
    )  # fmt: skip
    ((reviewer, reviewer_session),) = await bulk_accounts(
        conn, street_id, "target.reviewer", 1, "STREET_REVIEWER", now
    )
    ((resident, resident_session),) = await bulk_accounts(
        conn, street_id, "target.resident", 1, "RESIDENT", now
    )
    ((admin, admin_session),) = await bulk_accounts(
        conn, street_id, "target.district", 1, "RESIDENT", now
    )
    district_id = await conn.fetchval("SELECT district_id FROM street WHERE id = $1", street_id)
    await conn.execute(
        "INSERT INTO district_membership (user_id, district_id, role, created_at) "
        "VALUES ($1, $2, 'DISTRICT_ADMIN', $3)",
        admin, district_id, now,
    )  # fmt: skip
    assert chief_session and reviewer_session and resident_session and admin_session
    return Target(
        street_id,
        district_id,
        (chief, chief_session),
        (reviewer, reviewer_session),
        (resident, resident_session),
        (admin, admin_session),
    )


# -- the reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str
    query: str
    variables: dict[str, Any]
    reader: str  # the Target's attribute
    marker: str


def reads(target: Target) -> list[Read]:
    district = {"kind": "DISTRICT"}
    return [
        Read("grid_residents", RESIDENTS_QUERY, {"first": 20}, "chief", '"residents"'),
        Read("review_queue", QUEUE, {"first": 20}, "reviewer", '"caseQueue"'),
        Read("street_board", BOARD, {"first": 20}, "resident", '"projectBoard"'),
        Read("district_rollup", ROLLUP, {"scope": district}, "district_admin", '"panels"'),
    ]


def tokens_for(target: Target) -> dict[str, str]:
    from core.security import Tokens

    tokens = Tokens(SECRET, access_ttl=timedelta(hours=3), refresh_ttl=timedelta(days=1))
    now = datetime.now(UTC)
    return {
        who: tokens.issue(*getattr(target, who), "access", now)[0]
        for who in ("chief", "reviewer", "resident", "district_admin")
    }


async def capture(url: str, target: Target, token: dict[str, str]) -> dict[str, list[Any]]:
    """Each read once in process: the statements it sends, with their arguments and row
    settings; and its answer checked (no errors, rows of the target street)."""
    from bench.sqlcount import count_statements
    from core.settings import Env, Settings
    from gongzhi.app import create_app

    settings = Settings(
        env=Env.TEST, database_url=app_url(url), database_owner_url=url, secret_key=SECRET
    )
    app = create_app(settings)
    caught: dict[str, list[Any]] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for read in reads(target):
                headers = {"authorization": f"Bearer {token[read.reader]}", **STREET_HEADER}
                body = {"query": read.query, "variables": read.variables}
                with count_statements(keep=True) as counter:  # cold: no cached answer yet
                    answer = (await client.post("/graphql", json=body, headers=headers)).json()
                if "errors" in answer:
                    raise RuntimeError(f"{read.name}: {str(answer)[:500]}")
                caught[read.name] = list(counter.calls or [])
                say(f"  {read.name}: {counter.count} statements; {_summary(read.name, answer)}")
    return caught


def _summary(name: str, body: dict[str, Any]) -> str:
    data = body["data"]
    if name == "grid_residents":
        return f"{data['residents']['totalCount']} residents in the chief's grid"
    if name == "review_queue":
        return f"{data['caseQueue']['totalCount']} cases to sign"
    if name == "street_board":
        return f"{data['projectBoard']['totalCount']} projects"
    return f"{len(data['dashboard']['panels'])} panels for {data['dashboard']['name']}"


def _scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's scans: each reading a table (its rows or an index); a bitmap heap scan reads
    the rows its bitmap index scans (below it, checked themselves) found."""
    found = []
    kind = plan.get("Node Type")
    if kind == "Bitmap Index Scan" or ("Relation Name" in plan and kind != "Bitmap Heap Scan"):
        found.append(plan)
    for child in plan.get("Plans", ()):
        found.extend(_scans(child))
    return found


async def check_plans(url: str, caught: dict[str, list[Any]]) -> dict[str, bool]:
    """EXPLAIN every caught SELECT as the app's role under its row settings; a scan of a
    street-owned table must use an index led by ``tenant_id`` or by the table's key."""
    from core.postgres import set_config

    conn = await asyncpg.connect(pg(url))
    try:
        tenant_tables = set(
            await _ids_text(
                conn,
                "SELECT table_name FROM information_schema.columns WHERE column_name = "
                "'tenant_id' AND table_schema = 'public'",
            )
        )
        leading = {
            r["index"]: (r["table"], r["first"])
            for r in await conn.fetch(
                "SELECT i.relname AS index, t.relname AS table, a.attname AS first "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
                "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'"
            )
        }
        rows = {
            r["table"]: r["rows"]
            for r in await conn.fetch(
                "SELECT c.relname AS table, c.reltuples AS rows FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        }
        verdicts: dict[str, bool] = {}
        for name, calls in caught.items():
            good = True
            for sql, args, setting in calls:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL ROLE {APP_ROLE}; " + set_config(setting))
                    plan = json.loads(await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args))
                for scan in _scans(plan[0]["Plan"]):
                    table = scan.get("Relation Name")
                    index = scan.get("Index Name")
                    if table is None and index is not None:
                        table = leading.get(index, (None, None))[0]
                    if table not in tenant_tables or rows.get(table, 0) < PLAN_ROWS:
                        continue  # a small table read whole is the planner's right choice
                    first = leading.get(index, (None, None))[1] if index else None
                    if first not in ("tenant_id", "id"):
                        good = False
                        say(
                            f"  {name}: {scan['Node Type']} on {table}"
                            f"{' by ' + index if index else ''} in: {sql[:160]}"
                        )
            verdicts[name] = good
        return verdicts
    finally:
        await conn.close()


async def _ids_text(conn: asyncpg.Connection, sql: str) -> list[str]:
    return [r[0] for r in await conn.fetch(sql)]


# -- the run ---------------------------------------------------------------------------------


async def _database(base_url: str, label: str) -> tuple[str, str]:
    from core.settings import Env, Settings
    from gongzhi.cli import apply_migrations

    name = f"gongzhi_scale_{label}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    say(f"database {name}: migrating")
    await apply_migrations(
        Settings(env=Env.DEV, database_url=app_url(url), database_owner_url=url), quiet=True
    )
    return name, url


def _env(url: str, redis: str) -> dict[str, str]:
    return {
        "GONGZHI_ENV": "production",
        "GONGZHI_DATABASE_URL": app_url(url),
        "GONGZHI_DATABASE_OWNER_URL": url,
        "GONGZHI_REDIS_URL": redis,
        "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
        "GONGZHI_SECRET_KEY": SECRET,
        "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
        "GONGZHI_CASE_SCAN_SECONDS": "86400",
        "GONGZHI_QUERY_COST_PER_MINUTE": str(10**12),
        "GONGZHI_RESPONSE_CACHE_SECONDS": "0",  # every read reaches the database
        "GONGZHI_LOG_LEVEL": "WARNING",
    }


async def main() -> None:
    ensure_wrk()
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    redis = os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS)
    if not 0 <= TARGET < STREETS:
        raise SystemExit(f"BENCH_TARGET must be a street of the city (0 to {STREETS - 1})")
    district = [i for i in range(STREETS) if district_of(i) == district_of(TARGET)]
    names: list[str] = []
    try:
        city_name, city_url = await _database(base_url, "city")
        names.append(city_name)
        say(f"the city: {STREETS} streets in {DISTRICTS} districts")
        city = await load(city_url, list(range(STREETS)))
        alone_name, alone_url = await _database(base_url, "alone")
        names.append(alone_name)
        say(f"alone: the measured street's district, {len(district)} streets")
        alone = await load(alone_url, district)
        assert city.target and alone.target
        say("each read once in process, its statements EXPLAINed as the app's role")
        city_tokens, alone_tokens = tokens_for(city.target), tokens_for(alone.target)
        caught = await capture(city_url, city.target, city_tokens)
        await capture(alone_url, alone.target, alone_tokens)
        plans = await check_plans(city_url, caught)
        figures: dict[str, Any] = {}
        app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=1)
        async with (
            serve("city", app, _env(city_url, redis), ready="/healthz", settle=1.0) as on_city,
            serve("alone", app, _env(alone_url, redis), ready="/healthz", settle=1.0) as by_itself,
        ):
            for city_read, alone_read in zip(reads(city.target), reads(alone.target), strict=True):
                say(f"{city_read.name}: city and alone, {ROUNDS} rounds of {SECONDS} s")
                rounds = await interleave(
                    [
                        (on_city, _request(city_read, city_tokens)),
                        (by_itself, _request(alone_read, alone_tokens)),
                    ],
                    rounds=ROUNDS,
                    seconds=SECONDS,
                    warm_seconds=2,
                    connections=CONNECTIONS,
                )
                ours, theirs = rounds["city"], rounds["alone"]
                name = city_read.name
                figures[f"{name}_p95_ms"] = round(statistics.median(r.p95_ms for r in ours), 2)
                figures[f"{name}_alone_p95_ms"] = round(
                    statistics.median(r.p95_ms for r in theirs), 2
                )
                figures[f"{name}_ratio_p95_city_vs_alone"] = round(
                    statistics.median(
                        a.p95_ms / b.p95_ms for a, b in zip(ours, theirs, strict=True)
                    ),
                    3,
                )
                figures[f"{name}_cpu_ms_per_request"] = round(
                    statistics.median(r.cpu_ms_per_request for r in ours), 2
                )
                figures[f"{name}_plan_uses_tenant_index"] = plans[name]
    finally:
        if os.environ.get("BENCH_KEEP_DATABASE"):
            say(f"kept the databases {', '.join(names)} (BENCH_KEEP_DATABASE)")
        else:
            admin = await asyncpg.connect(pg(base_url))
            for name in names:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    print(
        json.dumps(
            {
                **figures,
                "ratio_p95_city_vs_alone_worst": max(
                    v for k, v in figures.items() if k.endswith("_ratio_p95_city_vs_alone")
                ),
                "plan_uses_tenant_index": all(plans.values()),
                "streets": city.streets,
                "residents": city.residents,
                "cases": city.cases,
                "projects": city.projects,
                "alone_streets": alone.streets,
                "target_residents": sizes(RESIDENTS)[TARGET],
                "target_cases": sizes(CASES)[TARGET],
                "load_seconds": round(city.seconds, 1),
                "connections": CONNECTIONS,
                "rounds": ROUNDS,
            }
        )
    )


def _request(read: Read, token: dict[str, str]) -> Request:
    return Request(
        "/graphql",
        json.dumps({"query": read.query, "variables": read.variables}),
        {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token[read.reader]}",
            **STREET_HEADER,
        },
        marker=read.marker,
    )


if __name__ == "__main__":
    asyncio.run(main())
