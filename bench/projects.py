"""The progress board under load: ``python -m bench.projects``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server), loads 1,000
projects with 10 milestones and 20 updates each (every fourth rated by three residents, every
fifth with an opinion still unanswered) into one street plus 50 streets of noise (COPY), then
measures:

* the SQL statements of the board query for ``first: 20`` and ``first: 100``, each in a fresh
  app with every cache cold (``statements_20``, ``statements_100``: must be equal), and the same
  request again with the caches warm (``statements_warm_20``, ``statements_warm_100``);
* the board's first 20 rows through the whole HTTP stack, driven by ``wrk`` (``bench.harness``)
  at BENCH_CONCURRENCY (32) connections for BENCH_ROUNDS (3) interleaved rounds of
  BENCH_SECONDS (10) each, against two baselines on the same database, each answer checked
  equal to ours first: PostGraphile v4 (installed from npm into var/bench-node, over views of
  the project and community tables with the board's computed columns as SQL functions, created
  by the bench in a schema of their own) and a hand-written Starlette + asyncpg endpoint
  (``bench.projects_baseline``). gongzhi and the hand-written endpoint run as one uvicorn
  worker each, PostGraphile as one node process. Server CPU per request is read from each
  server's own processes, the database's from its backends.

The board is also driven on a second gongzhi server with kept answers on
(``GONGZHI_RESPONSE_CACHE_SECONDS``; the first runs with them off), in the same rounds.

Progress goes to stderr; the figures are two JSON lines on stdout: the computed board, then
the kept board (``cached_rps``, ``cached_ratio_handwritten``, ``cached_ratio_postgraphile``).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from bench.harness import (
    CONCURRENCY,
    ROUNDS,
    SECONDS,
    Request,
    ensure_wrk,
    interleave,
    say,
    serve,
    summarise,
    uvicorn,
)
from core import notes

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
PROJECTS = 1000
MILESTONES = 10
UPDATES = 20
NOISE_STREETS = 50
NOISE_PROJECTS = 100
RATERS = 3
POSTGRAPHILE = os.environ.get("BENCH_POSTGRAPHILE_VERSION", "4.14.1")
NODE_FOLDER = Path(__file__).resolve().parents[1] / "var" / "bench-node"
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


def pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def load(url: str) -> tuple[int, str]:
    """Streets, one reader, raters, and the projects; returns the bench street's id and the
    reader's username."""
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
            raters = []
            for n in range(RATERS):
                rater = await User.create(
                    username=f"bench.rater{n}", password_hash=Passwords(1, 1024).hash(PASSWORD)
                )
                await Membership.create(tenant=streets[0], user=rater, role=Role.RESIDENT)
                raters.append(rater.id)
    finally:
        await Tortoise.close_connections()
    conn = await asyncpg.connect(pg(url))
    try:
        now = datetime.now(UTC)
        today = now.date()
        for index, street in enumerate(streets):
            count = PROJECTS if index == 0 else NOISE_PROJECTS
            await _projects(conn, street.id, communities[street.id].id, count, now, today)
            if index == 0:
                await _opinions_and_ratings(conn, street.id, raters, now, today)
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


async def _opinions_and_ratings(
    conn: asyncpg.Connection, street: int, raters: list[int], now: datetime, on: date
) -> None:
    """Every fourth project rated by each rater, every fifth with an unanswered opinion (and
    every tenth with an answered one), so the board's aggregates are not all empty."""
    ids = [
        r["id"]
        for r in await conn.fetch("SELECT id FROM project WHERE tenant_id=$1 ORDER BY id", street)
    ]
    ratings = [
        (street, pid, rater, 1 + (pid * 7 + n * 3) % 5, "", now, now)
        for i, pid in enumerate(ids)
        if i % 4 == 0
        for n, rater in enumerate(raters)
    ]
    await conn.copy_records_to_table(
        "project_rating",
        records=ratings,
        columns=["tenant_id", "project_id", "user_id", "score", "comment", "created_at",
                 "updated_at"],
    )  # fmt: skip
    opinions = [
        (
            street,
            pid,
            raters[0],
            "意见",
            now,
            on + timedelta(days=10),
            now if i % 2 else None,
            False,
        )
        for i, pid in enumerate(ids)
        if i % 5 == 0
    ]
    await conn.copy_records_to_table(
        "project_opinion",
        records=opinions,
        columns=["tenant_id", "project_id", "author_id", "body", "created_at", "reply_due",
                 "replied_at", "replied_late"],
    )  # fmt: skip


async def count_board_statements(url: str, username: str) -> dict[str, int]:
    """The board's statements for 20 and 100 rows: each first in a fresh app with every cache
    cold (sessions, decisions, documents), then the same request again with them warm."""
    from bench.sqlcount import count_statements
    from core.settings import Env, Settings
    from gongzhi.app import create_app

    settings = Settings(
        env=Env.TEST,
        database_url=url,
        secret_key=SECRET,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        response_cache_seconds=0,  # the board computed: what kept answers would spare
    )
    counts: dict[str, int] = {}
    for first in (20, 100):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                token = await login(client, username)
                for key in (f"statements_{first}", f"statements_warm_{first}"):
                    with count_statements() as counter:
                        response = await client.post(
                            "/graphql",
                            json={"query": BOARD, "variables": {"first": first}},
                            headers={"authorization": f"Bearer {token}"},
                        )
                    body = response.json()
                    assert "errors" not in body, body
                    assert len(body["data"]["projectBoard"]["edges"]) == first
                    counts[key] = counter.count
    return counts


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


# -- PostGraphile v4 over the same tables ----------------------------------------------------

SCHEMA = "postgraphile_board"
# Views of the two tables the board reads (PostGraphile is not shown the rest of the
# database), the relation and key as smart comments, and the board's computed columns as
# functions of a project: the same rules as ``bench.projects_baseline`` (lateness on today's
# date in the city, averages rounded to 2 places).
POSTGRAPHILE_SQL = f"""
CREATE SCHEMA {SCHEMA};
CREATE VIEW {SCHEMA}.community AS SELECT id, tenant_id, name FROM public.community;
COMMENT ON VIEW {SCHEMA}.community IS E'@primaryKey id';
CREATE VIEW {SCHEMA}.project AS
  SELECT id, tenant_id, title, status, category, progress, next_due, budget, spent, community_id
  FROM public.project;
COMMENT ON VIEW {SCHEMA}.project IS
  E'@primaryKey id\\n@foreignKey (community_id) references {SCHEMA}.community (id)';
CREATE FUNCTION {SCHEMA}.project_lateness(p {SCHEMA}.project) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p.status NOT IN ('APPROVED', 'IN_PROGRESS') OR p.next_due = DATE '9999-12-31'
      THEN 'ON_TIME'
    WHEN p.next_due < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'RED'
    WHEN p.next_due <= (now() AT TIME ZONE 'Asia/Shanghai')::date + 3 THEN 'YELLOW'
    ELSE 'ON_TIME' END
$$;
CREATE FUNCTION {SCHEMA}.project_rating_count(p {SCHEMA}.project) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int FROM public.project_rating r WHERE r.project_id = p.id
$$;
CREATE FUNCTION {SCHEMA}.project_average_satisfaction(p {SCHEMA}.project) RETURNS float8
LANGUAGE sql STABLE AS $$
  SELECT round(avg(score), 2)::float8 FROM public.project_rating r WHERE r.project_id = p.id
$$;
CREATE FUNCTION {SCHEMA}.project_open_opinion_count(p {SCHEMA}.project) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int FROM public.project_opinion o
  WHERE o.project_id = p.id AND o.replied_at IS NULL
$$;
"""
POSTGRAPHILE_BOARD = """
query Board($street: Int!, $first: Int) {
  allProjects(first: $first, condition: {tenantId: $street},
              orderBy: [PROGRESS_DESC, NEXT_DUE_ASC, ID_ASC]) {
    totalCount
    edges { node {
      id title status category progress lateness budget spent averageSatisfaction ratingCount
      openOpinionCount communityByCommunityId { name }
    } }
  }
}
"""


def install_postgraphile() -> Path:
    """PostGraphile at the pinned version, installed from npm into var/bench-node once."""
    entry = NODE_FOLDER / "node_modules" / "postgraphile" / "cli.js"
    package = NODE_FOLDER / "node_modules" / "postgraphile" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == POSTGRAPHILE:
        return entry
    say(f"installing postgraphile@{POSTGRAPHILE} from npm into {NODE_FOLDER}")
    NODE_FOLDER.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(NODE_FOLDER), "--no-audit", "--no-fund",
         "--no-save", f"postgraphile@{POSTGRAPHILE}"],
        stdout=sys.stderr, check=True,
    )  # fmt: skip
    return entry


def postgraphile(entry: Path, url: str) -> Any:
    def command(port: int) -> list[str]:
        return [
            "node", str(entry), "--connection", url, "--schema", SCHEMA, "--host", "127.0.0.1",
            "--port", str(port), "--disable-query-log", "--disable-default-mutations",
        ]  # fmt: skip

    return command


def _decoded(global_id: str) -> int:
    import base64

    return int(base64.urlsafe_b64decode(global_id).decode().split(":", 1)[1])


def normalised(system: str, body: dict[str, Any]) -> dict[str, Any]:
    """The board as plain data, whoever answered: ids as the project's key, the community's
    name by one field name."""
    if system == "postgraphile":
        board = body["data"]["allProjects"]
        nodes = [e["node"] for e in board["edges"]]
        for node in nodes:
            node["community"] = node.pop("communityByCommunityId")
    else:
        board = body["data"]["projectBoard"]
        nodes = [dict(e["node"]) for e in board["edges"]]
        for node in nodes:
            node["id"] = _decoded(node["id"])
    return {"totalCount": board["totalCount"], "nodes": nodes}


async def answers_equal(requests: dict[str, tuple[str, Request]]) -> None:
    """Each system's answer for the board, normalised, must equal gongzhi's."""
    answers = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for system, (base, request) in requests.items():
            response = await http.request(
                request.method,
                f"{base}{request.path}",
                headers=request.headers,
                content=request.body.encode() if request.body else None,
            )
            assert response.status_code == 200, (system, response.text[:300])
            answers[system] = normalised(system, response.json())
    ours = answers["gongzhi"]
    assert len(ours["nodes"]) == 20 and any(n["ratingCount"] for n in ours["nodes"]), ours
    for system, answer in answers.items():
        if answer != ours:
            raise SystemExit(f"{system}'s board differs from gongzhi's:\n{answer}\n{ours}")
    say(f"  the three boards are equal ({ours['totalCount']} projects, first 20)")


async def main() -> None:
    ensure_wrk()
    entry = install_postgraphile()
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
        conn = await asyncpg.connect(pg(url))
        await conn.execute(POSTGRAPHILE_SQL)
        await conn.close()
        say("counting the board's SQL statements (caches cold, then warm)")
        statements = await count_board_statements(url, username)
        say(f"  {statements}")
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("bench.gongzhi/audit").text,
            "GONGZHI_ARGON2_TIME_COST": "1",
            "GONGZHI_ARGON2_MEMORY_KIB": "1024",
            # one account sends every request: its per-minute budget must not be what stops it
            "GONGZHI_QUERY_COST_PER_MINUTE": str(10**12),
            "BENCH_DATABASE_URL": url,
            "BENCH_STREET_ID": str(street_id),
            "NODE_ENV": "production",
        }
        gongzhi_app = uvicorn("--factory", "gongzhi.app:create_app_from_env")
        computed = {**env, "GONGZHI_RESPONSE_CACHE_SECONDS": "0"}
        kept = {**env, "GONGZHI_RESPONSE_CACHE_SECONDS": "60"}
        async with (
            serve("gongzhi", gongzhi_app, computed, ready="/healthz") as ours,
            serve("gongzhi_cached", gongzhi_app, kept, ready="/healthz") as cached,
            serve("postgraphile", postgraphile(entry, url), env, ready="/graphql") as theirs,
            serve("handwritten", uvicorn("bench.projects_baseline:app"), env, ready="/") as hand,
        ):
            async with httpx.AsyncClient(base_url=ours.base, timeout=30) as client:
                token = await login(client, username)
            json_headers = {"Content-Type": "application/json"}
            board = Request(
                "/graphql",
                json.dumps({"query": BOARD, "variables": {"first": 20}}),
                {**json_headers, "Authorization": f"Bearer {token}"},
                marker='"projectBoard"',
            )
            requests = {
                "gongzhi": (ours, board),
                "gongzhi_cached": (cached, board),
                "postgraphile": (
                    theirs,
                    Request(
                        "/graphql",
                        json.dumps(
                            {
                                "query": POSTGRAPHILE_BOARD,
                                "variables": {"street": street_id, "first": 20},
                            }
                        ),
                        json_headers,
                        marker='"allProjects"',
                    ),
                ),
                "handwritten": (
                    hand,
                    Request("/board?first=20", method="GET", marker='"projectBoard"'),
                ),
            }
            await answers_equal({k: (s.base, r) for k, (s, r) in requests.items()})
            say(
                f"the board, first 20: {ROUNDS} interleaved rounds of {SECONDS} s, "
                f"wrk at {CONCURRENCY} connections"
            )
            rounds = await interleave(list(requests.values()), database_url=url)
    finally:
        admin = await asyncpg.connect(pg(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    kept_rounds = rounds.pop("gongzhi_cached")
    figures = summarise(rounds, reference="gongzhi")
    print(
        json.dumps(
            {
                **figures,
                **statements,
                "response_cache": False,
                "concurrency": CONCURRENCY,
                "seconds": SECONDS,
                "postgraphile_version": POSTGRAPHILE,
            }
        )
    )
    # The same board with kept answers on (no change in between: every answer but the first
    # is the kept one), against the same baselines in the same rounds.
    kept_figures = summarise(
        {"cached": kept_rounds, "handwritten": rounds["handwritten"],
         "postgraphile": rounds["postgraphile"]},
        reference="cached",
        prefixes={"cached": "cached_", "handwritten": "handwritten_",
                  "postgraphile": "postgraphile_"},
    )  # fmt: skip
    print(
        json.dumps(
            {
                "board": "cached",
                **{k: v for k, v in kept_figures.items() if k.startswith("cached")},
                **{f"cached_{k}": v for k, v in kept_figures.items() if k.startswith("ratio")},
                "rounds": kept_figures["rounds"],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
