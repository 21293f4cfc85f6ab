"""Location patrols under load: ``python -m bench.patrols``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server) and loads, with
COPY and progress on stderr, one street of BENCH_GRIDS (20) grids with outlines (squares of
0.01°, about 1 km²) and a year of patrol history: BENCH_PATROLS_PER_DAY (500) patrols a day
for BENCH_DAYS (365) days. By default the history's points are reduced to BENCH_HISTORY_POINTS
(1,000,000) rows, the patrols and the cells they passed each day are all loaded;
``BENCH_FULL=1`` loads every route's ~200 points (about 36 million rows, the issue's scale).

Then it serves ``gongzhi`` with BENCH_WORKERS (2) uvicorn workers (Redis as the broker) and
measures:

* ``ingest_points_per_s``: GPS points through the API, batched by the client as an app would
  (``addPatrolPoints``, BENCH_BATCH (50) points a request, as a compact ``track``;
  ``BENCH_FORM=points`` sends the typed ``points`` objects instead), BENCH_CONCURRENCY (32) patrols
  walking at once, each started and stopped through the API too, BENCH_BATCHES (20) batches
  each; every answer is checked (``PatrolSuccess``, no flagged point) and the points counted in
  the database afterwards;
* ``baseline_points_per_s``: the same batches written by hand with asyncpg, 32 connections
  at once, each batch one transaction (the patrol row locked, the points in one multi-row
  insert, the day's cells marked, the counters moved on); ``ratio`` is the first over the
  second;
* ``blind_spots_ms``: ``patrolBlindSpots`` for one grid over a month (the median of
  BENCH_BLIND_RUNS (20) requests, after a warm-up; ``blind_spots_p95_ms`` beside it).

The figures are one JSON line on stdout; BENCH_KEEP_DATABASE=1 keeps the database afterwards.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import secrets
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import h3
import httpx

from bench.cases import AUDIT_KEY, SECRET, bulk_accounts, pg, say, with_database
from bench.harness import serve, uvicorn

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
FULL = os.environ.get("BENCH_FULL") == "1"
GRIDS = int(os.environ.get("BENCH_GRIDS", "20"))
DAYS = int(os.environ.get("BENCH_DAYS", "365"))
PATROLS_PER_DAY = int(os.environ.get("BENCH_PATROLS_PER_DAY", "500"))
ROUTE_POINTS = 200
HISTORY_POINTS = (
    DAYS * PATROLS_PER_DAY * ROUTE_POINTS
    if FULL
    else int(os.environ.get("BENCH_HISTORY_POINTS", "1000000"))
)
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
BATCH = int(os.environ.get("BENCH_BATCH", "50"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
FORM = os.environ.get("BENCH_FORM", "track")  # "track" (compact) or "points" (typed objects)
BLIND_RUNS = int(os.environ.get("BENCH_BLIND_RUNS", "20"))
WEST, SOUTH, CELL = 120.0, 30.0, 0.01
RNG = random.Random(2026)

START = "mutation { startPatrol { __typename ... on PatrolSuccess { patrol { id } } } }"
POINTS = """mutation($input: PatrolPointsInput!) { addPatrolPoints(input: $input) {
  __typename ... on PatrolSuccess { patrol { points flagged } }
  ... on UserError { code field message } } }"""
STOP = """mutation($input: PatrolInput!) { stopPatrol(input: $input) {
  __typename ... on PatrolSuccess { patrol { distanceM } } } }"""
BLIND = """query($g: ID!, $p: PeriodInput!) { patrolBlindSpots(gridId: $g, period: $p) {
  cells patrolled blind geojson uncheckedKeyPoints { id } } }"""


def square(index: int) -> tuple[float, float]:
    """The south-west corner of grid ``index`` (grids in rows of five)."""
    return round(WEST + (index % 5) * CELL, 6), round(SOUTH + (index // 5) * CELL, 6)


def outline(index: int) -> dict[str, Any]:
    w, s = square(index)
    e, n = round(w + CELL, 6), round(s + CELL, 6)
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def route(
    start: datetime, n: int, grid: int, seconds: float = 10.0, degrees: float = 0.00005
) -> list[tuple[datetime, float, float]]:
    """A walk of ``n`` points, ``seconds`` and ``degrees`` (0.00005°: about 5 m) apart, from a
    random point of the grid in a random direction."""
    w, s = square(grid)
    lon, lat = w + RNG.random() * CELL, s + RNG.random() * CELL
    heading = RNG.random() * 2 * math.pi
    dx, dy = degrees * math.cos(heading), degrees * math.sin(heading)
    return [(start + timedelta(seconds=seconds * i), lon + dx * i, lat + dy * i) for i in range(n)]


async def load(url: str) -> dict[str, Any]:
    """The street, its grids with outlines, 32 walkers, a reader, and the year's history."""
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.security import Passwords
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services, street_hooks
    from models.accounts import Role, User
    from models.tenancy import Community, Grid
    from resolvers.caller import Caller
    from resolvers.cases import setup
    from tenants.registry import create_street
    from tenants.scoping import street_scope

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    services = make_services(settings, MemoryBroker())
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    conn = await asyncpg.connect(pg(url))
    now = datetime.now(UTC)
    try:
        created = await create_street(
            Passwords(1, 1024),
            hooks=street_hooks(),
            code="bench-patrols",
            name="巡防基准街道",
            district_code="bench",
            admin_username="bench-patrols.admin",
            create_district=True,
        )
        street = created.street
        grid_ids: list[int] = []
        with street_scope(street.id):
            admin = Caller(services, await User.get(id=created.admin.id), street)
            community = await Community.create(code="c1", name="社区")
            for g in range(GRIDS):
                row = await Grid.create(community=community, code=f"g{g}", name=f"网格{g}")
                await setup.set_grid_boundary(admin, row.id, outline(g))
                grid_ids.append(row.id)
        walkers = await bulk_accounts(
            conn, street.id, "bench.walker", CONCURRENCY, Role.GRID_WORKER.value, now
        )
        ((reader_id, reader_session),) = await bulk_accounts(
            conn, street.id, "bench.leader", 1, Role.STREET_LEADER.value, now
        )
        say(f"history: {DAYS} days × {PATROLS_PER_DAY} patrols, {HISTORY_POINTS:,} points")
        first_day = (now - timedelta(days=DAYS)).replace(hour=1, minute=0, second=0)
        patrols = []
        for d in range(DAYS):
            for p in range(PATROLS_PER_DAY):
                at = first_day + timedelta(days=d, minutes=p)
                walker = walkers[p % len(walkers)][0]
                patrols.append(
                    (street.id, walker, "STOPPED", at, at + timedelta(minutes=33), 200, 0, 1000.0)
                )
        await conn.copy_records_to_table(
            "patrol",
            records=patrols,
            columns=[
                "tenant_id", "walker_id", "state", "started_at", "stopped_at", "points",
                "flagged", "distance_m",
            ],
        )  # fmt: skip
        patrol_ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM patrol WHERE tenant_id = $1 ORDER BY id", street.id
            )
        ]
        per_route = max(1, min(ROUTE_POINTS, HISTORY_POINTS // max(1, len(patrol_ids))))
        routes_with_points = min(len(patrol_ids), HISTORY_POINTS // per_route)
        cells: set[tuple[str, date]] = set()
        chunk: list[tuple[Any, ...]] = []
        step = max(1, len(patrol_ids) // max(1, routes_with_points))
        for n, index in enumerate(range(0, len(patrol_ids), step)):
            if n >= routes_with_points:
                break
            pid = patrol_ids[index]
            started = patrols[index][3]
            for seq, (at, lon, lat) in enumerate(route(started, per_route, index % GRIDS)):
                chunk.append((street.id, pid, seq, at, lon, lat, False))
                if seq % 10 == 0:
                    cells.add((h3.latlng_to_cell(lat, lon, 10), at.date()))
            if len(chunk) >= 200_000:
                await conn.copy_records_to_table(
                    "patrol_point",
                    records=chunk,
                    columns=[
                        "tenant_id", "patrol_id", "seq", "at", "longitude", "latitude", "flagged"
                    ],
                )  # fmt: skip
                say(f"  {n + 1:,} routes of points")
                chunk = []
        if chunk:
            await conn.copy_records_to_table(
                "patrol_point",
                records=chunk,
                columns=["tenant_id", "patrol_id", "seq", "at", "longitude", "latitude", "flagged"],
            )
        # every day's patrols pass their cells: 500 routes a day over the grids
        for d in range(DAYS):
            day = (first_day + timedelta(days=d)).date()
            for p in range(PATROLS_PER_DAY):  # every 10th point of a 200-point route
                grid = (d * PATROLS_PER_DAY + p) % GRIDS
                for _, lon, lat in route(first_day, ROUTE_POINTS // 10, grid, degrees=0.0005):
                    cells.add((h3.latlng_to_cell(lat, lon, 10), day))
        await conn.copy_records_to_table(
            "patrol_cell",
            records=[(street.id, cell, day) for cell, day in sorted(cells)],
            columns=["tenant_id", "cell", "day"],
        )
        await conn.execute("ANALYZE")
        say(f"  {len(patrol_ids):,} patrols, {len(cells):,} cell-days")
        return {
            "street_id": street.id,
            "grid_ids": grid_ids,
            "walkers": walkers,
            "reader": (reader_id, reader_session),
        }
    finally:
        await conn.close()
        await Tortoise.close_connections()


def batches_for(walker: int) -> list[list[dict[str, Any]]]:
    """The batches one walker sends, just after starting: a walk of BATCH × BATCHES points at
    5 m/s, 0.2 s apart, from 100 s before now (the server allows two minutes of clock skew, so
    the last point is never in its future)."""
    total = BATCH * BATCHES
    start = datetime.now(UTC) - timedelta(seconds=100)
    walk = route(start, total, walker % GRIDS, seconds=0.2, degrees=0.00001)
    points = [{"at": at.isoformat(), "longitude": lon, "latitude": lat} for at, lon, lat in walk]
    return [points[i : i + BATCH] for i in range(0, total, BATCH)]


def gid(kind: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


async def through_api(base: str, tokens: list[str]) -> dict[str, Any]:
    """32 patrols at once, each started, fed its batches and stopped through the API."""
    limits = httpx.Limits(max_connections=len(tokens) + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:

        async def gql(token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body

        async def walker(index: int, token: str) -> int:
            started = await gql(token, START, {})
            patrol = started["data"]["startPatrol"]["patrol"]["id"]
            plan = batches_for(index)
            sent = 0
            for batch in plan:
                if FORM == "track":
                    sent_as: Any = [[p["at"], p["longitude"], p["latitude"]] for p in batch]
                else:
                    sent_as = batch
                body = await gql(token, POINTS, {"input": {"patrolId": patrol, FORM: sent_as}})
                payload = body["data"]["addPatrolPoints"]
                if payload["__typename"] != "PatrolSuccess" or payload["patrol"]["flagged"]:
                    raise RuntimeError(f"a batch was refused: {payload}")
                sent += len(batch)
            await gql(token, STOP, {"input": {"patrolId": patrol}})
            return sent

        began = time.perf_counter()
        sent = await asyncio.gather(*(walker(i, t) for i, t in enumerate(tokens)))
        seconds = time.perf_counter() - began
    return {"points": sum(sent), "seconds": seconds}


async def by_hand(url: str, street_id: int, walkers: list[int]) -> dict[str, Any]:
    """The same batches, written with asyncpg: a patrol row each, then per batch one
    transaction locking it, one multi-row insert of the points, the cells, the counters."""
    plans = [batches_for(i) for i in range(len(walkers))]
    pool = await asyncpg.create_pool(pg(url), min_size=len(walkers), max_size=len(walkers))
    assert pool is not None

    async def walker(user_id: int, plan: list[list[dict[str, Any]]]) -> int:
        async with pool.acquire() as conn:
            patrol = await conn.fetchval(
                "INSERT INTO patrol (tenant_id, walker_id, state, started_at, points, flagged,"
                " distance_m) VALUES ($1, $2, 'ACTIVE', now(), 0, 0, 0) RETURNING id",
                street_id,
                user_id,
            )
            seq = 0
            for batch in plan:
                rows = [
                    (
                        street_id,
                        patrol,
                        seq + i,
                        datetime.fromisoformat(p["at"]),
                        p["longitude"],
                        p["latitude"],
                    )
                    for i, p in enumerate(batch)
                ]
                cells = sorted(
                    {
                        (h3.latlng_to_cell(p["latitude"], p["longitude"], 10), r[3].date())
                        for p, r in zip(batch, rows, strict=True)
                    }
                )
                async with conn.transaction():
                    await conn.execute("SELECT id FROM patrol WHERE id = $1 FOR UPDATE", patrol)
                    await conn.execute(
                        "INSERT INTO patrol_point (tenant_id, patrol_id, seq, at, longitude,"
                        " latitude, flagged) SELECT $1, $2, s, a, x, y, false FROM"
                        " unnest($3::int[], $4::timestamptz[], $5::float8[], $6::float8[])"
                        " AS t(s, a, x, y)",
                        street_id,
                        patrol,
                        [r[2] for r in rows],
                        [r[3] for r in rows],
                        [r[4] for r in rows],
                        [r[5] for r in rows],
                    )
                    await conn.execute(
                        "INSERT INTO patrol_cell (tenant_id, cell, day) SELECT $1, c, d FROM"
                        " unnest($2::text[], $3::date[]) AS t(c, d) ON CONFLICT DO NOTHING",
                        street_id,
                        [c for c, _ in cells],
                        [d for _, d in cells],
                    )
                    await conn.execute(
                        "UPDATE patrol SET points = points + $2, last_at = $3 WHERE id = $1",
                        patrol,
                        len(rows),
                        rows[-1][3],
                    )
                seq += len(rows)
            return seq

    began = time.perf_counter()
    sent = await asyncio.gather(*(walker(u, p) for u, p in zip(walkers, plans, strict=True)))
    seconds = time.perf_counter() - began
    await pool.close()
    return {"points": sum(sent), "seconds": seconds}


async def blind_spots(base: str, token: str, grid_id: int) -> dict[str, float]:
    today = datetime.now(UTC).date()
    period = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()}
    variables = {"g": gid("Grid", grid_id), "p": period}
    timings = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for run in range(BLIND_RUNS + 3):
            began = time.perf_counter()
            response = await http.post(
                "/graphql",
                json={"query": BLIND, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )
            elapsed = (time.perf_counter() - began) * 1000
            body = response.json()
            if "errors" in body:
                raise RuntimeError(body["errors"])
            if run >= 3:
                timings.append(elapsed)
    spots = body["data"]["patrolBlindSpots"]
    timings.sort()
    return {
        "blind_spots_ms": round(statistics.median(timings), 1),
        "blind_spots_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "grid_cells": spots["cells"],
        "grid_blind_cells": spots["blind"],
    }


async def main() -> None:
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    try:
        from core.security import Tokens
        from core.settings import Env, Settings
        from gongzhi.cli import apply_migrations

        say(f"database {name}: migrating")
        await apply_migrations(Settings(env=Env.DEV, database_url=url), quiet=True)
        loaded = await load(url)
        tokens = Tokens(SECRET, access_ttl=timedelta(hours=2), refresh_ttl=timedelta(days=1))

        def token(user_id: int, session_id: int | None) -> str:
            assert session_id is not None
            return tokens.issue(user_id, session_id, "access", datetime.now(UTC))[0]

        walker_tokens = [token(u, s) for u, s in loaded["walkers"]]
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
            "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
            "GONGZHI_CASE_SCAN_SECONDS": "86400",
        }
        conn = await asyncpg.connect(pg(url))
        before = await conn.fetchval("SELECT count(*) FROM patrol_point")
        await conn.close()
        say(f"gongzhi: {WORKERS} uvicorn workers, {CONCURRENCY} patrols at once")
        app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS)
        async with serve("gongzhi", app, env, ready="/healthz", settle=1.5) as served:
            base = served.base
            api = await through_api(base, walker_tokens)
            say(f"  {api['points']:,} points in {api['seconds']:.1f} s through the API")
            spots = await blind_spots(base, token(*loaded["reader"]), loaded["grid_ids"][0])
            say(f"  blind spots of one grid over a month: {spots['blind_spots_ms']} ms")
        conn = await asyncpg.connect(pg(url))
        stored = await conn.fetchval("SELECT count(*) FROM patrol_point") - before
        await conn.close()
        if stored != api["points"]:
            raise RuntimeError(f"{api['points']} points sent, {stored} stored")
        say("baseline: the same batches by hand (asyncpg)")
        hand = await by_hand(url, loaded["street_id"], [u for u, _ in loaded["walkers"]])
        say(f"  {hand['points']:,} points in {hand['seconds']:.1f} s by hand")
    finally:
        if os.environ.get("BENCH_KEEP_DATABASE"):
            say(f"kept the database {name} (BENCH_KEEP_DATABASE)")
        else:
            admin = await asyncpg.connect(pg(base_url))
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    api_rate = api["points"] / api["seconds"]
    hand_rate = hand["points"] / hand["seconds"]
    print(
        json.dumps(
            {
                "ingest_points_per_s": round(api_rate, 1),
                "baseline_points_per_s": round(hand_rate, 1),
                "ratio": round(api_rate / hand_rate, 3),
                **spots,
                "points_sent": api["points"],
                "points_stored": stored,
                "batch": BATCH,
                "form": FORM,
                "concurrency": CONCURRENCY,
                "workers": WORKERS,
                "history_patrols": DAYS * PATROLS_PER_DAY,
                "history_points": HISTORY_POINTS,
                "full_scale": FULL,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
