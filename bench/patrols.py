"""Location patrols under load: ``python -m bench.patrols``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server) and loads, with
COPY and progress on stderr, one street of BENCH_GRIDS (20) grids with outlines (squares of
0.01°, about 1 km²) and a year of patrol history: BENCH_PATROLS_PER_DAY (500) patrols a day
for BENCH_DAYS (365) days. By default the history's points are reduced to BENCH_HISTORY_POINTS
(1,000,000) rows, the patrols and the cells they passed each day are all loaded;
``BENCH_FULL=1`` loads every route's ~200 points (about 36 million rows, the issue's scale).

Then it serves ``gongzhi`` with BENCH_WORKERS (2) uvicorn workers (Redis as the broker) and,
beside it, a hand-written Starlette + asyncpg endpoint (``bench.patrols_baseline``, the same
number of workers) over the same database, and drives both with ``wrk`` through
``bench.harness``, interleaved for BENCH_ROUNDS (3) rounds of BENCH_SECONDS (10):

* ``ingest_points_per_s``: GPS points through the API, batched by the client as an app would
  (``addPatrolPoints``, BENCH_BATCH (50) points a request, as a compact ``track``;
  ``BENCH_FORM=points`` sends the typed ``points`` objects instead), at BENCH_CONCURRENCY (32)
  connections over BENCH_PATROLS (2,000) active patrols taken in turn, each batch going on
  where that patrol's last one ended (0.2 s and about 1 m apart); an answer counts only when
  it is ``PatrolSuccess`` with no flagged point, and the points are counted in the database
  afterwards (``points_stored`` against ``points_answered``: the requests in flight when a
  round stops are stored, not answered). Some patrols are then stopped through the API;
* ``baseline_points_per_s``: the same requests against the baseline, which writes the same
  rows in one transaction (the patrol row locked, the points in one multi-row insert, the
  day's cells marked, the counters moved on), with no sign-in and no checks; ``ratio`` is the
  median of the per-round ratios, ``cpu_ms_per_batch`` the server's CPU per request (and
  ``db_cpu_ms_per_batch`` the database's), read from ``/proc``;
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
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import h3
import httpx

from bench.cases import AUDIT_KEY, SECRET, bulk_accounts, pg, say, with_database
from bench.harness import (
    CONCURRENCY,
    DONE_LUA,
    ROUNDS,
    SECONDS,
    THREADS,
    Script,
    interleave,
    serve,
    summarise,
    uvicorn,
)

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
PATROLS = int(os.environ.get("BENCH_PATROLS", "2000"))  # patrols walking, for each system
STOPPED = 32  # of them stopped through the API at the end
BATCH = int(os.environ.get("BENCH_BATCH", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
FORM = os.environ.get("BENCH_FORM", "track")  # "track" (compact) or "points" (typed objects)
BLIND_RUNS = int(os.environ.get("BENCH_BLIND_RUNS", "20"))
WEST, SOUTH, CELL = 120.0, 30.0, 0.01
RNG = random.Random(2026)

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
            conn, street.id, "bench.walker", 2 * PATROLS, Role.GRID_WORKER.value, now
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


LUA = (
    r"""
-- Each request: the next patrol's next batch of BATCH points (patrols taken in turn, so that
-- a patrol's batch is answered long before its next is sent), 0.2 s and about 1 m apart, at
-- walking speed, back and forth across its grid. A run (one wrk process) uses the run-th
-- window of WINDOW points of every patrol's timeline, so runs never overlap: the run number
-- is counted in a file (@RUNS@). ok, bad and sample are globals: done() reads them.
ok, bad, sample = 0, 0, nil
threads = {}
local patrols, visits, index = {}, {}, 0
local path, marker, form, batch, window, dt, base, step, prefix, middle, suffix
local tid, nthreads, run

function setup(thread)
  if run_number == nil then
    local file = io.open("@RUNS@", "r")
    run_number = tonumber(file:read("*l")); file:close()
    file = io.open("@RUNS@", "w"); file:write(tostring(run_number + 1)); file:close()
  end
  thread:set("id", #threads)
  thread:set("run", run_number)
  threads[#threads + 1] = thread
end

function init(args)
  path, marker, form = args[1], args[2], args[3]
  batch, window, dt = tonumber(args[4]), tonumber(args[5]), tonumber(args[6])
  base, step = tonumber(args[7]), tonumber(args[8])
  for line in io.lines(args[9]) do
    local token, gid, lon, lat = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)")
    patrols[#patrols + 1] = {token = token, gid = gid, lon = tonumber(lon), lat = tonumber(lat)}
  end
  local file = io.open(args[10], "rb"); prefix = file:read("*l"); middle = file:read("*l")
  suffix = file:read("*l"); file:close()
  tid, run = tonumber(wrk.thread:get("id")), tonumber(wrk.thread:get("run"))
  nthreads = tonumber(args[11])
end

function request()
  local n = (tid + nthreads * index) % #patrols + 1
  index = index + 1
  local patrol = patrols[n]
  local visit = visits[n] or 0
  visits[n] = visit + 1
  if (visit + 1) * batch > window then bad = bad + 1; sample = "a patrol's window is used up" end
  local first = run * window + visit * batch
  local parts = {}
  for i = 0, batch - 1 do
    local k = first + i
    local t = base + k * dt
    local whole = math.floor(t)
    local ms = math.floor((t - whole) * 1000 + 0.5)
    if ms >= 1000 then whole, ms = whole + 1, ms - 1000 end
    local at = os.date("!%Y-%m-%dT%H:%M:%S", whole) .. string.format(".%03d+00:00", ms)
    local pos = k % 1600
    if pos > 800 then pos = 1600 - pos end
    local lon = patrol.lon + pos * step
    if form == "track" then
      parts[#parts + 1] = string.format('["%s",%.7f,%.7f]', at, lon, patrol.lat)
    else
      parts[#parts + 1] = string.format(
        '{"at":"%s","longitude":%.7f,"latitude":%.7f}', at, lon, patrol.lat)
    end
  end
  local headers = {}
  headers["Authorization"] = "Bearer " .. patrol.token
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", path, headers,
    prefix .. patrol.gid .. middle .. table.concat(parts, ",") .. suffix)
end

function response(status, headers, body)
  if status == 200 and body:find(marker, 1, true) and body:find('"flagged":0', 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == nil then sample = status .. " " .. body:sub(1, 200) end
  end
end

"""
    + DONE_LUA
)
WINDOW = 1500  # points of a patrol's timeline a run may use: 300 s at 0.2 s (30 batches of 50)
RUNS_PER_SYSTEM = 8  # windows a patrol's timeline holds: the warm-up and the rounds, and spare
DT = 0.2  # seconds between two points
STEP = 0.00001  # degrees of longitude between two points: about 1 m at 30° N, 5 m/s


def timeline_start(started_at: datetime) -> float:
    """Where every patrol's points begin (a minute after the patrols started)."""
    return started_at.timestamp() + 60


def batches_script(
    patrols: list[tuple[str, str, float, float]], *, path: str, runs: Path, base: float
) -> Script:
    """A load for ``bench.harness``: each request the next batch of the next patrol of
    ``patrols`` (token, patrol id, where its walk begins), as ``addPatrolPoints`` wants it;
    ``runs`` is the file counting the runs of this load."""
    runs.write_text("0")
    form = "track" if FORM == "track" else "points"
    template = {"query": POINTS, "variables": {"input": {"patrolId": "@ID@", form: 0}}}
    head, _, tail = json.dumps(template).partition("@ID@")
    middle = tail.partition("0}}}")[0]
    parts = head + "\n" + middle + "[\n" + "]}}}\n"
    lines = "".join(f"{t}\t{g}\t{lon:.6f}\t{lat:.6f}\n" for t, g, lon, lat in patrols)
    return Script(
        LUA.replace("@RUNS@", str(runs)),
        (path, "PatrolSuccess", FORM, str(BATCH), str(WINDOW), str(DT), repr(base), str(STEP),
         "{folder}/patrols.txt", "{folder}/parts.txt", str(THREADS)),
        {"patrols.txt": lines.encode(), "parts.txt": parts.encode()},
    )  # fmt: skip


def gid(kind: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


async def active_patrols(
    conn: asyncpg.Connection, street_id: int, walkers: list[int], started_at: datetime
) -> list[int]:
    """One active patrol for each walker, started at ``started_at`` (loaded, not walked)."""
    await conn.copy_records_to_table(
        "patrol",
        records=[(street_id, w, "ACTIVE", started_at, 0, 0, 0.0) for w in walkers],
        columns=["tenant_id", "walker_id", "state", "started_at", "points", "flagged",
                 "distance_m"],
    )  # fmt: skip
    rows = await conn.fetch(
        "SELECT id, walker_id FROM patrol WHERE tenant_id = $1 AND state = 'ACTIVE'"
        " AND walker_id = ANY($2)",
        street_id,
        walkers,
    )
    by_walker = {r["walker_id"]: r["id"] for r in rows}
    return [by_walker[w] for w in walkers]


async def stop_some(base: str, patrols: list[tuple[str, str, float, float]]) -> int:
    """Stop some of the walked patrols through the API; how many came back with a distance."""
    walked = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for token, patrol, _, _ in patrols:
            response = await http.post(
                "/graphql",
                json={"query": STOP, "variables": {"input": {"patrolId": patrol}}},
                headers={"authorization": f"Bearer {token}"},
            )
            payload = response.json()["data"]["stopPatrol"]
            if payload["__typename"] != "PatrolSuccess":
                raise RuntimeError(f"a patrol did not stop: {payload}")
            walked += payload["patrol"]["distanceM"] > 0
    return walked


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
    if ROUNDS + 1 > RUNS_PER_SYSTEM:
        raise SystemExit(f"at most {RUNS_PER_SYSTEM - 1} rounds (BENCH_ROUNDS)")
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    work = Path(tempfile.mkdtemp(prefix="bench-patrols-"))
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

        # Every patrol's timeline holds a window for each run, all in the past.
        started_at = datetime.now(UTC) - timedelta(seconds=WINDOW * DT * RUNS_PER_SYSTEM + 600)
        base = timeline_start(started_at)
        walkers = loaded["walkers"]
        ours_walkers, their_walkers = walkers[:PATROLS], walkers[PATROLS:]
        conn = await asyncpg.connect(pg(url))
        street = loaded["street_id"]
        ours_ids = await active_patrols(conn, street, [u for u, _ in ours_walkers], started_at)
        their_ids = await active_patrols(conn, street, [u for u, _ in their_walkers], started_at)
        before = await conn.fetchval("SELECT count(*) FROM patrol_point")
        await conn.close()

        def patrols(ids: list[int], signed: list[str]) -> list[tuple[str, str, float, float]]:
            out = []
            for n, (pk, signed_as) in enumerate(zip(ids, signed, strict=True)):
                w, s = square(n % GRIDS)
                out.append((signed_as, gid("Patrol", pk), w + 0.001, s + 0.001 + (n % 8) * 0.001))
            return out

        ours_patrols = patrols(ours_ids, [token(u, s) for u, s in ours_walkers])
        their_patrols = patrols(their_ids, ["-"] * len(their_ids))
        ours_load = batches_script(ours_patrols, path="/graphql", runs=work / "runs-gongzhi",
                                   base=base)  # fmt: skip
        their_load = batches_script(their_patrols, path="/points", runs=work / "runs-baseline",
                                    base=base)  # fmt: skip
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
            "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
            "GONGZHI_CASE_SCAN_SECONDS": "86400",
        }
        baseline_env = {"BENCH_DATABASE_URL": url, "BENCH_STREET_ID": str(street)}
        say(
            f"gongzhi and the Starlette + asyncpg baseline: {WORKERS} uvicorn workers each, "
            f"{PATROLS:,} patrols each, batches of {BATCH} ({FORM})"
        )
        ours_app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS)
        their_app = uvicorn("bench.patrols_baseline:app", workers=WORKERS)
        async with (
            serve("gongzhi", ours_app, env, ready="/healthz", settle=1.5) as ours,
            serve("baseline", their_app, baseline_env, ready="/", settle=1.5) as theirs,
        ):
            say(f"  {ROUNDS} interleaved rounds of {SECONDS} s, wrk at {CONCURRENCY} connections")
            rounds = await interleave(
                [(ours, ours_load), (theirs, their_load)],
                connections=CONCURRENCY,
                database_url=url,
            )
            spots = await blind_spots(ours.base, token(*loaded["reader"]), loaded["grid_ids"][0])
            say(f"  blind spots of one grid over a month: {spots['blind_spots_ms']} ms")
            walked = await stop_some(ours.base, ours_patrols[:STOPPED])
            say(f"  {STOPPED} patrols stopped through the API, {walked} with their distance")
        conn = await asyncpg.connect(pg(url))
        stored, flagged = await conn.fetchrow(
            "SELECT count(*), count(*) FILTER (WHERE flagged) FROM patrol_point"
            " WHERE patrol_id = ANY($1)",
            ours_ids,
        )
        their_stored = await conn.fetchval("SELECT count(*) FROM patrol_point") - before - stored
        await conn.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.environ.get("BENCH_KEEP_DATABASE"):
            say(f"kept the database {name} (BENCH_KEEP_DATABASE)")
        else:
            admin = await asyncpg.connect(pg(base_url))
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    figures = summarise(rounds, reference="gongzhi", prefixes={"baseline": "baseline_"})
    answered = sum(r.ok for r in rounds["gongzhi"]) * BATCH
    print(
        json.dumps(
            {
                "ingest_points_per_s": round(figures["rps"] * BATCH, 1),
                "baseline_points_per_s": round(figures["baseline_rps"] * BATCH, 1),
                "ratio": figures["ratio_baseline"],
                "batches_per_s": figures["rps"],
                "cpu_ms_per_batch": figures["cpu_ms_per_request"],
                "db_cpu_ms_per_batch": figures.get("db_cpu_ms_per_request"),
                "baseline_cpu_ms_per_batch": figures["baseline_cpu_ms_per_request"],
                "baseline_db_cpu_ms_per_batch": figures.get("baseline_db_cpu_ms_per_request"),
                "p50_ms": figures["p50_ms"],
                "p95_ms": figures["p95_ms"],
                "p99_ms": figures["p99_ms"],
                "baseline_p95_ms": figures["baseline_p95_ms"],
                **spots,
                "points_answered": answered,
                "points_stored": stored,
                "points_flagged": flagged,
                "baseline_points_stored": their_stored,
                "stopped_with_distance": walked,
                "batch": BATCH,
                "form": FORM,
                "patrols": PATROLS,
                "concurrency": CONCURRENCY,
                "workers": WORKERS,
                "rounds": figures["rounds"],
                "history_patrols": DAYS * PATROLS_PER_DAY,
                "history_points": HISTORY_POINTS,
                "full_scale": FULL,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
