"""Cases under load: ``python -m bench.cases``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server) and loads, with
COPY and progress on stderr:

* one street of BENCH_RESIDENTS (73,000) residents (accounts, memberships, resident records),
  10 communities of 5 grids with outlines, 5 departments, a reviewer and a leader, and
  BENCH_HISTORY (50,000) historical cases of the last year with their first steps, of which
  BENCH_OPEN (10,000) are still open at every level;
* BENCH_NOISE_STREETS (50) other streets with BENCH_NOISE_CASES (500) cases each.

Then it serves ``gongzhi`` with BENCH_WORKERS (2) uvicorn workers (Redis as the broker) and
measures, with ``wrk`` driving the load from its own process (``bench.harness``, which installs
Debian's ``wrk`` when it is missing):

* ``report_per_s``, ``report_p50_ms``/``report_p95_ms``/``report_p99_ms``: residents reporting
  a case with a photo through the API (``reportCase``, a GraphQL multipart request with a
  small JPEG, a point in a grid), at BENCH_CONCURRENCY (32) connections, against a
  hand-written Starlette + asyncpg endpoint (``bench.cases_baseline``: the grid found by its
  box, the case, its first step and its photo row inserted in one transaction, the photo
  written to disk) served the same way: the two interleaved for BENCH_ROUNDS (3) rounds of
  BENCH_SECONDS (10) each, every figure the median over the rounds and ``ratio`` the median of
  the per-round ratios; ``cpu_ms_per_request`` and ``db_cpu_ms_per_request`` (and the
  ``baseline_`` ones) the CPU the server's workers and the database's backends spent per
  report. Every answer is checked (``CaseSuccess``) and the cases counted in the database
  afterwards: ``reports_stored`` must equal ``reports_answered`` (both systems' good answers),
  give or take the requests in flight when a round's ``wrk`` stops (at most
  BENCH_CONCURRENCY a round);
* ``queue_p95_ms``: a street reviewer's dispatch queue (``caseQueue(kind: TO_SIGN, urgencies:
  [IMPORTANT, URGENT], first: 20)`` with the fields a desk shows), at BENCH_QUEUE_CONCURRENCY
  (4) connections, on the loaded cases before any report is sent; ``statements_20`` and
  ``statements_100``: the SQL statements of that query for 20 and 100 rows (in process, must
  be equal);
* ``scan_seconds``: one pass of the deadline scanner over the open cases, after BENCH_ARMED
  (3,000) of them have crossed their yellow or red line (``warnings_sent``); then the same
  cases are armed again and two scanners race over them: ``warnings_duplicated`` counts the
  warnings, timeline steps and inbox notifications sent twice (must be 0).

The figures are one JSON line on stdout; BENCH_KEEP_DATABASE=1 keeps the database afterwards.
A smaller run: e.g. ``BENCH_RESIDENTS=20000 BENCH_HISTORY=20000 BENCH_OPEN=5000
BENCH_NOISE_STREETS=10 python -m bench.cases``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from bench.harness import (
    CONCURRENCY,
    DONE_LUA,
    ROUNDS,
    SECONDS,
    Request,
    Script,
    drive,
    ensure_wrk,
    interleave,
    serve,
    summarise,
    uvicorn,
)
from core import notes

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "73000"))
HISTORY = int(os.environ.get("BENCH_HISTORY", "50000"))
OPEN = int(os.environ.get("BENCH_OPEN", "10000"))
NOISE_STREETS = int(os.environ.get("BENCH_NOISE_STREETS", "50"))
NOISE_CASES = int(os.environ.get("BENCH_NOISE_CASES", "500"))
REPORTERS = int(os.environ.get("BENCH_REPORTERS", "4000"))
ARMED = int(os.environ.get("BENCH_ARMED", "3000"))
QUEUE_CONCURRENCY = int(os.environ.get("BENCH_QUEUE_CONCURRENCY", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
COMMUNITIES, GRIDS_PER_COMMUNITY = 10, 5
WEST, SOUTH, CELL = 120.0, 30.0, 0.01  # the bench street's grids: squares of 0.01°
SECRET = secrets.token_urlsafe(48)
AUDIT_KEY = notes.generate_signer("bench.gongzhi/audit")
RNG = random.Random(2026)
# A small but real JPEG header and body (content-sniffed as image/jpeg).
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(2000)

REPORT = (
    "mutation($input: ReportCaseInput!) { reportCase(input: $input) { __typename "
    "... on CaseSuccess { case { id state level } } ... on UserError { code field } } }"
)
QUEUE = """
query($first: Int) {
  caseQueue(kind: TO_SIGN, urgencies: [IMPORTANT, URGENT], first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id title state level urgency reportedAt dueAt warning overdue round
      category { name } grid { name }
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


def grid_square(c: int, g: int) -> tuple[float, float]:
    """The south-west corner of grid ``g`` of community ``c``."""
    return round(WEST + g * CELL, 6), round(SOUTH + c * CELL, 6)


# -- loading ---------------------------------------------------------------------------------


@dataclass
class Loaded:
    street_id: int
    street_code: str
    reporters: list[tuple[int, int]]  # (user id, session id)
    reviewer: tuple[int, int]
    category_ids: list[int]
    armed: list[int]  # open cases to arm before the scan, by id


async def bulk_accounts(
    conn: asyncpg.Connection,
    street_id: int,
    prefix: str,
    count: int,
    role: str,
    now: datetime,
    sessions: int | None = None,
) -> list[tuple[int, int | None]]:
    """``count`` accounts with a membership each, the first ``sessions`` with a session:
    (user id, session id)."""
    await conn.copy_records_to_table(
        "app_user",
        records=[(f"{prefix}{i:06d}", f"居民{i}", "!", True, False, now) for i in range(count)],
        columns=[
            "username",
            "display_name",
            "password_hash",
            "is_active",
            "is_platform_admin",
            "created_at",
        ],
    )
    users = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM app_user WHERE username LIKE $1 ORDER BY id", f"{prefix}%"
        )
    ]
    await conn.copy_records_to_table(
        "membership",
        records=[(street_id, u, role, now) for u in users],
        columns=["tenant_id", "user_id", "role", "created_at"],
    )
    with_session = users[: count if sessions is None else sessions]
    expires = now + timedelta(days=1)
    await conn.copy_records_to_table(
        "session",
        records=[(u, now, expires, 0) for u in with_session],
        columns=["user_id", "created_at", "expires_at", "refresh_counter"],
    )
    found = {
        r["user_id"]: r["id"]
        for r in await conn.fetch(
            "SELECT id, user_id FROM session WHERE user_id = ANY($1)", with_session
        )
    }
    return [(u, found.get(u)) for u in users]


CASE_COLUMNS = [
    "tenant_id", "title", "description", "category_id", "urgency", "source", "source_name",
    "reporter_id", "resident_id", "entered_by_id", "contact_name", "contact_phone", "private",
    "public", "longitude", "latitude", "address", "grid_id", "community_id", "level",
    "entry_level", "state", "round", "stint", "department_id", "district_department_id",
    "leader_id", "handler_id", "first_handler_id", "arrived_at", "signed_at", "sign_due_at",
    "due_at", "yellow_at", "warned_level", "result", "resolved_at", "resolved_level",
    "resolved_late", "satisfaction", "closed_at", "project_id", "reported_at", "updated_at",
]  # fmt: skip
TITLES = (
    "楼道堆物",
    "路灯不亮",
    "井盖松动",
    "垃圾满溢",
    "占道经营",
    "噪音扰民",
    "违章搭建",
    "漏水",
)


@dataclass
class Place:
    grids: list[tuple[int, int, float, float]]  # (grid id, community id, west, south)
    departments: list[int]
    users: list[int]  # reporters' user ids (and their resident ids, same order)
    residents: list[int]


def history_rows(
    street_id: int, place: Place, categories: list[int], count: int, open_count: int, now: datetime
) -> tuple[list[tuple[Any, ...]], list[bool]]:
    """``count`` cases of the last year, the first ``open_count`` still open (reported in the
    last 30 days, their lines not yet crossed); returns the rows and which are open."""
    rows, opened = [], []
    for n in range(count):
        grid_id, community_id, west, south = RNG.choice(place.grids)
        who = RNG.randrange(len(place.users))
        lon, lat = west + RNG.random() * CELL, south + RNG.random() * CELL
        urgency = RNG.choices(("ORDINARY", "IMPORTANT", "URGENT"), (60, 30, 10))[0]
        is_open = n < open_count
        reported = now - timedelta(days=RNG.random() * (30 if is_open else 365), minutes=5)
        level, department = 1, None
        state, signed, resolved, resolved_level, late, satisfaction, closed = (
            "PENDING", None, None, None, False, None, None,
        )  # fmt: skip
        rnd = 1
        if is_open:
            level = RNG.choices((1, 2, 3, 4), (50, 20, 25, 5))[0]
            if level == 3 and place.departments and RNG.random() < 0.4:
                department = RNG.choice(place.departments)
            state = RNG.choice(("PENDING", "HANDLING"))
            if level == 3 and department is None:
                state = "PENDING"  # at the dispatch desk, to sign
            signed = reported + timedelta(hours=2) if state == "HANDLING" else None
            due = now + timedelta(days=3 + RNG.random() * 5)
            yellow = now + timedelta(days=1 + RNG.random())
        else:
            resolved_level = RNG.choices((1, 2, 3, 4), (50, 31, 15, 4))[0]
            level = resolved_level
            signed = reported + timedelta(hours=1)
            resolved = reported + timedelta(hours=2 + RNG.random() * 120)
            due = reported + timedelta(days=5)
            yellow = reported + timedelta(days=4)
            late = resolved > due or RNG.random() < 0.08
            satisfaction = RNG.choices(
                ("SATISFIED", "BASICALLY_SATISFIED", "UNSATISFIED", None), (70, 15, 7, 8)
            )[0]
            state = "CLOSED" if satisfaction else "RESOLVED"
            closed = resolved + timedelta(days=1) if satisfaction else None
            rnd = 2 if RNG.random() < 0.05 else 1
        rows.append(
            (
                street_id, RNG.choice(TITLES), "居民反映的问题描述。", RNG.choice(categories),
                urgency, "RESIDENT_APP", "", place.users[who], place.residents[who], None, "",
                "", False, RNG.random() < 0.1, lon, lat, "", grid_id, community_id, level,
                1, state, rnd, level, department, None, None, None, None, reported, signed,
                reported + timedelta(days=1), due, yellow, 0, "已处理" if resolved else "",
                resolved, resolved_level, late, satisfaction, closed, None, reported,
                resolved or reported,
            )
        )  # fmt: skip
        opened.append(is_open)
    return rows, opened


async def copy_cases(
    conn: asyncpg.Connection, street_id: int, rows: list[tuple[Any, ...]]
) -> list[int]:
    """COPY the cases and one REPORTED step each (RESOLVED too for the resolved ones); returns
    their ids in the order of the rows."""
    before = await conn.fetchval("SELECT coalesce(max(id), 0) FROM cases")
    await conn.copy_records_to_table("cases", records=rows, columns=CASE_COLUMNS)
    ids = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM cases WHERE tenant_id = $1 AND id > $2 ORDER BY id", street_id, before
        )
    ]
    steps = []
    for case_id, row in zip(ids, rows, strict=True):
        reported, level, state, resolved = row[42], row[19], row[21], row[36]
        steps.append(
            (street_id, case_id, "REPORTED", row[7], 1, None, "PENDING", 1, "", "{}", reported)
        )
        if resolved is not None:
            steps.append(
                (street_id, case_id, "RESOLVED", None, level, None, state, 1, "", "{}", resolved)
            )
    await conn.copy_records_to_table(
        "case_step",
        records=steps,
        columns=[
            "tenant_id", "case_id", "action", "actor_id", "level", "to_level", "state", "round",
            "note", "detail", "at",
        ],
    )  # fmt: skip
    return ids


async def load(url: str) -> Loaded:
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.security import Passwords
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services, street_hooks
    from models.accounts import Role, User
    from models.cases import CaseCategory, LeaderDuty
    from models.scoping import unscoped
    from models.tenancy import Community, Grid
    from resolvers.caller import Caller
    from resolvers.cases import setup
    from tenants.registry import create_street
    from tenants.scoping import street_scope

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    services = make_services(settings, MemoryBroker())
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    passwords = Passwords(1, 1024)
    conn = await asyncpg.connect(pg(url))
    now = datetime.now(UTC)
    try:
        say(f"streets: the bench street and {NOISE_STREETS} others")
        streets = []
        for i in range(NOISE_STREETS + 1):
            created = await create_street(
                passwords,
                hooks=street_hooks(),
                code=f"bench-{i}",
                name=f"基准街道{i}",
                district_code="bench",
                admin_username=f"bench-{i}.admin",
                create_district=True,
            )
            streets.append(created)
        street = streets[0].street
        say("  places: 10 communities × 5 grids with outlines, 5 departments")
        grids: list[tuple[int, int, float, float]] = []
        with unscoped("bench set-up"):
            for s in streets[1:]:
                community = await Community.create(tenant=s.street, code="c1", name="社区")
                for g in range(2):
                    row = await Grid.create(
                        tenant=s.street, community=community, code=f"g{g}", name=f"网格{g}"
                    )
        ((reviewer_id, reviewer_session),) = await bulk_accounts(
            conn, street.id, "bench.reviewer", 1, Role.STREET_REVIEWER.value, now
        )
        ((staff_id, _),) = await bulk_accounts(
            conn, street.id, "bench.staff", 1, Role.STREET_DEPARTMENT.value, now
        )
        ((leader_id, _),) = await bulk_accounts(
            conn, street.id, "bench.leader", 1, Role.STREET_LEADER.value, now
        )
        await services.authorizer.load_from_database()
        with street_scope(street.id):
            admin = Caller(services, await User.get(id=streets[0].admin.id), street)
            for c in range(COMMUNITIES):
                community = await Community.create(tenant=street, code=f"c{c}", name=f"社区{c}")
                for g in range(GRIDS_PER_COMMUNITY):
                    row = await Grid.create(
                        tenant=street, community=community, code=f"c{c}-g{g}", name=f"网格{c}-{g}"
                    )
                    west, south = grid_square(c, g)
                    ring = [
                        [west, south],
                        [west + CELL, south],
                        [west + CELL, south + CELL],
                        [west, south + CELL],
                        [west, south],
                    ]
                    outline = {"type": "Polygon", "coordinates": [ring]}
                    await setup.set_grid_boundary(admin, row.id, outline)
                    grids.append((row.id, community.id, west, south))
            departments = []
            for d in range(5):
                department = await setup.create_department(admin, f"d{d}", f"科室{d}")
                await setup.add_department_member(admin, department.id, staff_id)
                departments.append(department.id)
            await setup.set_leader(admin, leader_id, LeaderDuty.IN_CHARGE, None)
            await setup.set_leader(admin, leader_id, LeaderDuty.HEAD, None)
            categories = [c.id for c in await CaseCategory.all().order_by("id")]
        say(f"  {RESIDENTS} residents: accounts, memberships, resident records")
        residents = await bulk_accounts(
            conn, street.id, "bench.res", RESIDENTS, Role.RESIDENT.value, now, REPORTERS
        )
        await conn.copy_records_to_table(
            "resident",
            records=[
                (
                    street.id,
                    f"居民{i}",
                    "",
                    hashlib.sha256(f"bench-resident-{i}".encode()).hexdigest(),
                    "42010519********",
                    "",
                    "",
                    grids[i % len(grids)][0],
                    grids[i % len(grids)][1],
                    user_id,
                    now,
                )
                for i, (user_id, _) in enumerate(residents)
            ],
            columns=[
                "tenant_id", "name", "phone", "id_hash", "id_masked", "address", "household",
                "grid_id", "community_id", "user_id", "created_at",
            ],
        )  # fmt: skip
        resident_ids = {
            r["user_id"]: r["id"]
            for r in await conn.fetch(
                "SELECT id, user_id FROM resident WHERE tenant_id = $1", street.id
            )
        }
        place = Place(
            grids,
            departments,
            [u for u, _ in residents],
            [resident_ids[u] for u, _ in residents],
        )
        say(f"  {HISTORY} historical cases ({OPEN} open) with their steps")
        armed: list[int] = []
        done = 0
        for start in range(0, HISTORY, 10_000):
            size = min(10_000, HISTORY - start)
            open_here = max(0, min(size, OPEN - start))
            rows, opened = history_rows(street.id, place, categories, size, open_here, now)
            ids = await copy_cases(conn, street.id, rows)
            armed.extend(i for i, o in zip(ids, opened, strict=True) if o)
            done += size
            say(f"    {done}/{HISTORY}")
        say(f"  noise: {NOISE_CASES} cases in each of {NOISE_STREETS} streets")
        for n, s in enumerate(streets[1:], start=1):
            with street_scope(s.street.id):
                noise_grids = [(g.id, g.community_id, WEST, SOUTH) for g in await Grid.all()]
                noise_categories = [c.id for c in await CaseCategory.all()]
            noise = Place(noise_grids, [], [s.admin.id], [None])  # type: ignore[list-item]
            rows, _ = history_rows(
                s.street.id, noise, noise_categories, NOISE_CASES, NOISE_CASES // 5, now
            )
            await copy_cases(conn, s.street.id, rows)
            if n % 10 == 0:
                say(f"    {n}/{NOISE_STREETS} streets")
        say("  ANALYZE")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        await Tortoise.close_connections()
    RNG.shuffle(armed)
    return Loaded(
        street_id=street.id,
        street_code=street.code,
        reporters=[(u, s) for u, s in residents[:REPORTERS] if s is not None],
        reviewer=(reviewer_id, reviewer_session or 0),
        category_ids=categories,
        armed=armed[:ARMED],
    )


# -- serving and driving ---------------------------------------------------------------------


LUA = (
    r"""
-- Each request: the next prepared line (token, then the body's JSON part); a multipart
-- GraphQL request, or a plain JSON one when the line has no photo.
-- ok, bad and sample are globals: done() reads them from each thread (thread:get).
local lines, index = {}, 0
ok, bad, sample = 0, 0, nil
local boundary = "gongzhibench7f3a"
local photo, marker, path, multipart

function init(args)
  path, marker, multipart = args[1], args[2], args[3] == "multipart"
  for line in io.lines(args[4]) do lines[#lines + 1] = line end
  local file = io.open(args[5], "rb"); photo = file:read("*a"); file:close()
  index = tonumber(wrk.thread:get("id")) * 7919
end

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

threads = {}

local function body_of(json)
  if not multipart then return json end
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n"
    .. json .. "\r\n--" .. boundary
    .. "\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n"
    .. "{\"0\":[\"variables.input.photos.0\"]}\r\n--" .. boundary
    .. "\r\nContent-Disposition: form-data; name=\"0\"; filename=\"photo.jpg\"\r\n"
    .. "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. boundary .. "--\r\n"
end

function request()
  index = index + 1
  local line = lines[(index % #lines) + 1]
  local tab = line:find("\t")
  local headers = {}
  headers["Authorization"] = "Bearer " .. line:sub(1, tab - 1)
  if multipart then
    headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  else
    headers["Content-Type"] = "application/json"
  end
  return wrk.format("POST", path, headers, body_of(line:sub(tab + 1)))
end

function response(status, headers, body)
  if status == 200 and body:find(marker, 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == nil then sample = status .. " " .. body:sub(1, 200) end
  end
end

"""
    + DONE_LUA
)


def lines_script(lines: list[str], *, path: str, marker: str, multipart: bool) -> Script:
    """A load for ``bench.harness``: each request the next of ``lines`` (an access token, a tab,
    the operations' JSON), as a multipart request with the photo or as plain JSON; an answer
    counts as good when it is a 200 holding ``marker``."""
    return Script(
        LUA,
        (path, marker, "multipart" if multipart else "json", "{folder}/lines.txt",
         "{folder}/photo.jpg"),
        {"lines.txt": ("\n".join(lines) + "\n").encode(), "photo.jpg": PHOTO},
    )  # fmt: skip


def report_lines(loaded: Loaded, tokens: list[str], grids: list[tuple[float, float]]) -> list[str]:
    lines = []
    for n, token in enumerate(tokens):
        west, south = grids[n % len(grids)]
        variables = {
            "input": {
                "title": f"基准报事 {n}",
                "categoryId": _gid(
                    "CaseCategory", loaded.category_ids[n % len(loaded.category_ids)]
                ),
                "description": "楼道里堆放了杂物，影响通行。",
                "location": {
                    "longitude": round(west + RNG.random() * CELL, 6),
                    "latitude": round(south + RNG.random() * CELL, 6),
                },
                "photos": [None],
            }
        }
        operations = json.dumps({"query": REPORT, "variables": variables}, ensure_ascii=False)
        lines.append(f"{token}\t{operations}")
    return lines


def _gid(kind: str, pk: int) -> str:
    from core.ids import to_global_id

    return str(to_global_id(kind, pk))


async def count_queue_statements(url: str, token: str) -> tuple[int, int]:
    from bench.sqlcount import count_statements
    from core.settings import Env, Settings
    from gongzhi.app import create_app

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    app = create_app(settings)
    counts, rows = [], []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            warm = {"query": QUEUE, "variables": {"first": 5}}  # the session, kept per process
            await client.post("/graphql", json=warm, headers={"authorization": f"Bearer {token}"})
            for first in (20, 100):
                with count_statements() as counter:
                    response = await client.post(
                        "/graphql",
                        json={"query": QUEUE, "variables": {"first": first}},
                        headers={"authorization": f"Bearer {token}"},
                    )
                body = response.json()
                assert "errors" not in body, str(body)[:500]
                queue = body["data"]["caseQueue"]
                assert len(queue["edges"]) == min(first, queue["totalCount"]), queue["totalCount"]
                counts.append(counter.count)
                rows.append(len(queue["edges"]))
    say(f"  {counts[0]} statements for {rows[0]} rows, {counts[1]} for {rows[1]}")
    return counts[0], counts[1]


# -- the deadline scan -----------------------------------------------------------------------

_ARM = """
UPDATE cases SET warned_level = 0,
  yellow_at = $2::timestamptz - interval '1 hour',
  due_at = CASE WHEN id % 3 = 0 THEN $2::timestamptz - interval '10 minutes'
                ELSE $2::timestamptz + interval '2 days' END
WHERE id = ANY($1)
"""
_DUPLICATES = """
SELECT
  (SELECT count(*) - count(DISTINCT (case_id, stint, level)) FROM case_warning
    WHERE case_id = ANY($1)) AS warnings,
  (SELECT count(*) - count(DISTINCT (case_id, detail->>'warning')) FROM case_step
    WHERE case_id = ANY($1) AND action = 'WARNED' AND at >= $2) AS steps,
  (SELECT count(*) - count(DISTINCT (user_id, kind, body)) FROM notification
    WHERE kind LIKE 'case.deadline.%' AND created_at >= $2) AS notifications
"""


async def scan(url: str, loaded: Loaded) -> dict[str, Any]:
    """One pass over the open cases with ``ARMED`` of them past a line; then the same armed
    again and two passes racing."""
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services
    from resolvers.cases.deadlines import scan_case_deadlines

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    services = make_services(settings, MemoryBroker())
    conn = await asyncpg.connect(pg(url))
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    try:
        open_cases = await conn.fetchval(
            "SELECT count(*) FROM cases WHERE state IN ('PENDING', 'HANDLING')"
        )
        now = datetime.now(UTC)
        await conn.execute(_ARM, loaded.armed, now)
        say(f"  one pass over {open_cases} open cases, {len(loaded.armed)} past a line")
        started = time.perf_counter()
        sent = await scan_case_deadlines(services)
        seconds = time.perf_counter() - started
        say(f"  {sent} warnings in {seconds:.2f} s; armed again, two scanners racing")
        await conn.execute("DELETE FROM case_warning WHERE case_id = ANY($1)", loaded.armed)
        again = datetime.now(UTC)
        await conn.execute(_ARM, loaded.armed, again)
        raced = await asyncio.gather(
            scan_case_deadlines(services), scan_case_deadlines(services), return_exceptions=True
        )
        failed = [r for r in raced if isinstance(r, BaseException)]
        row = await conn.fetchrow(_DUPLICATES, loaded.armed, again)
        raced_sent = sum(r for r in raced if isinstance(r, int))
    finally:
        await conn.close()
        await Tortoise.close_connections()
    duplicated = int(row["warnings"]) + int(row["steps"]) + int(row["notifications"])
    duplicated += max(0, raced_sent - sent)
    if failed:
        say(f"  a racing scanner failed: {failed[0]!r}")
    return {
        "scan_seconds": round(seconds, 3),
        "open_cases": open_cases,
        "warnings_sent": sent,
        "raced_sent": raced_sent,
        "warnings_duplicated": duplicated,
        "scanner_failures": len(failed),
    }


# -- the run ---------------------------------------------------------------------------------


async def main() -> None:
    ensure_wrk()
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    work = Path(tempfile.mkdtemp(prefix="bench-cases-"))
    try:
        from core.security import Tokens
        from core.settings import Env, Settings
        from gongzhi.cli import apply_migrations

        say(f"database {name}: migrating")
        await apply_migrations(Settings(env=Env.DEV, database_url=url), quiet=True)
        loaded = await load(url)
        tokens = Tokens(SECRET, access_ttl=timedelta(hours=2), refresh_ttl=timedelta(days=1))

        def token(user_id: int, session_id: int) -> str:
            return tokens.issue(user_id, session_id, "access", datetime.now(UTC))[0]

        reviewer = token(*loaded.reviewer)
        say("counting the queue's SQL statements (20 and 100 rows)")
        statements_20, statements_100 = await count_queue_statements(url, reviewer)
        grids = [grid_square(c, g) for c in range(COMMUNITIES) for g in range(GRIDS_PER_COMMUNITY)]
        lines = report_lines(loaded, [token(u, s) for u, s in loaded.reporters], grids)
        uploads = work / "uploads"
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
            "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
            "GONGZHI_UPLOAD_DIR": str(uploads),
            "GONGZHI_CASE_SCAN_SECONDS": "86400",  # the bench runs its own scan, below
        }
        conn = await asyncpg.connect(pg(url))
        before = await conn.fetchval(
            "SELECT count(*) FROM cases WHERE tenant_id = $1", loaded.street_id
        )
        await conn.close()
        baseline_env = {
            "BENCH_DATABASE_URL": url,
            "BENCH_STREET_ID": str(loaded.street_id),
            "BENCH_UPLOAD_DIR": str(work / "baseline"),
        }
        reports = lines_script(lines, path="/graphql", marker="CaseSuccess", multipart=True)
        baseline_reports = lines_script(lines, path="/report", marker='"id"', multipart=True)
        gongzhi_app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS)
        baseline_app = uvicorn("bench.cases_baseline:app", workers=WORKERS)
        say(f"gongzhi and the Starlette + asyncpg baseline: {WORKERS} uvicorn workers each")
        async with (
            serve("gongzhi", gongzhi_app, env, ready="/healthz", settle=1.5) as ours,
            serve("baseline", baseline_app, baseline_env, ready="/", settle=1.5) as theirs,
        ):
            queue_request = Request(
                "/graphql",
                json.dumps({"query": QUEUE, "variables": {"first": 20}}),
                {"Content-Type": "application/json", "Authorization": f"Bearer {reviewer}"},
                marker='"caseQueue"',
            )
            say(f"  the reviewer's queue, {QUEUE_CONCURRENCY} connections, before any report")
            await drive(ours.base, queue_request, connections=QUEUE_CONCURRENCY, seconds=2)
            queue = await drive(
                ours.base, queue_request, connections=QUEUE_CONCURRENCY,
                seconds=max(5, SECONDS // 2),
            )  # fmt: skip
            say(f"  {queue['ok']} queues, p95 {queue['p95_ms']} ms")
            if queue["bad"] or not queue["ok"]:
                raise RuntimeError(f"the queue answered badly: {queue['sample']}")
            warmed = 0
            for served, script in ((ours, reports), (theirs, baseline_reports)):
                warm = await drive(served.base, script, connections=4, seconds=2)
                say(f"  warm-up {served.name}: {warm['ok']} reports, {warm['bad']} refused")
                warmed += warm["ok"]
            say(
                f"  residents reporting: {ROUNDS} interleaved rounds of {SECONDS} s, wrk at "
                f"{CONCURRENCY} connections"
            )
            rounds = await interleave(
                [(ours, reports), (theirs, baseline_reports)],
                rounds=ROUNDS,
                seconds=SECONDS,
                warm_seconds=0,
                connections=CONCURRENCY,
                database_url=url,
            )
        conn = await asyncpg.connect(pg(url))
        after = await conn.fetchval(
            "SELECT count(*) FROM cases WHERE tenant_id = $1", loaded.street_id
        )
        await conn.close()
        reported = after - before
        say("the deadline scanner")
        scanned = await scan(url, loaded)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.environ.get("BENCH_KEEP_DATABASE"):
            say(f"kept the database {name} (BENCH_KEEP_DATABASE)")
        else:
            admin = await asyncpg.connect(pg(base_url))
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    figures = summarise(
        rounds, reference="gongzhi", prefixes={"gongzhi": "report_", "baseline": "baseline_"}
    )
    reports_ok = sum(r.ok for r in rounds["gongzhi"])
    baseline_ok = sum(r.ok for r in rounds["baseline"])
    print(
        json.dumps(
            {
                "report_per_s": figures["report_rps"],
                "report_p50_ms": figures["report_p50_ms"],
                "report_p95_ms": figures["report_p95_ms"],
                "report_p99_ms": figures["report_p99_ms"],
                "cpu_ms_per_request": figures["report_cpu_ms_per_request"],
                "db_cpu_ms_per_request": figures["report_db_cpu_ms_per_request"],
                "baseline_report_per_s": figures["baseline_rps"],
                "baseline_cpu_ms_per_request": figures["baseline_cpu_ms_per_request"],
                "baseline_db_cpu_ms_per_request": figures["baseline_db_cpu_ms_per_request"],
                "ratio": figures["ratio_baseline"],
                "rounds": figures["rounds"],
                "queue_p95_ms": queue["p95_ms"],
                "statements_20": statements_20,
                "statements_100": statements_100,
                **scanned,
                "reports_ok": reports_ok,
                "baseline_reports_ok": baseline_ok,
                "reports_stored": reported,
                "reports_answered": reports_ok + baseline_ok + warmed,
                "residents": RESIDENTS,
                "history": HISTORY,
                "noise_streets": NOISE_STREETS,
                "workers": WORKERS,
                "concurrency": CONCURRENCY,
                "queue_concurrency": QUEUE_CONCURRENCY,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
