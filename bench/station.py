"""The liaison station's figures: ``python -m bench.station``.

* Task grabbing (抢单) through the whole HTTP stack: a fresh PostgreSQL database on
  GONGZHI_TEST_DATABASE_URL's server (default ``postgres://postgres@127.0.0.1:5432/test``),
  one street with BENCH_TASKS (100) tasks of BENCH_PLACES (10) places each (their notices
  approved, as the review queue leaves them when nothing is watched) and BENCH_CLAIMS
  (2,000) representatives, each with a session; ``gongzhi`` served by BENCH_WORKERS (2)
  uvicorn workers (Redis as the broker); every representative claims one task (20 per task),
  BENCH_CONCURRENCY (200) requests at a time. ``claims_granted`` must equal the places
  (``places``), the refusals are all TASK_FULL, ``claim_p95_ms`` is the 95th percentile of a
  claim's round trip.
* Review before publishing (审核): ``review_check_us`` is the time to fold and match one post
  (about 200 characters) against a watch list of 5,000 entries (an Aho-Corasick automaton of
  ``ahocorasick-rs``), ``review_check_us_50`` against 50 entries: close figures mean the check
  does not grow with the list.

Progress goes to stderr; the figures are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench.cases import (
    AUDIT_KEY,
    DEFAULT_REDIS,
    DEFAULT_URL,
    SECRET,
    WORKERS,
    bulk_accounts,
    pg,
    with_database,
)
from bench.harness import serve, uvicorn
from resolvers.station.review import Matcher, fold

TASKS = int(os.environ.get("BENCH_TASKS", "100"))
PLACES = int(os.environ.get("BENCH_PLACES", "10"))
CLAIMS = int(os.environ.get("BENCH_CLAIMS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "200"))
WATCH = int(os.environ.get("BENCH_WATCH", "5000"))
POSTS = int(os.environ.get("BENCH_POSTS", "2000"))
RNG = random.Random(15)
CLAIM = """
mutation($task: ID!) { claimStationTask(taskId: $task) {
  __typename ... on TaskClaimSuccess { claim { slotNo } } ... on UserError { code }
} }
"""
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def words(n: int, length: tuple[int, int]) -> list[str]:
    return ["".join(RNG.choice(_HAN) for _ in range(RNG.randint(*length))) for _ in range(n)]


def review_check_us(entries: int) -> float:
    """Microseconds to fold and match one post, averaged over POSTS posts."""
    matcher = Matcher([fold(w) for w in words(entries, (2, 6))])
    posts = ["".join(RNG.choice(_HAN) for _ in range(200)) for _ in range(POSTS)]
    matcher.matches(posts[0])  # warm
    started = time.perf_counter()
    for post in posts:
        matcher.matches(post)
    return (time.perf_counter() - started) / len(posts) * 1e6


async def load(url: str) -> tuple[int, list[int], list[tuple[int, int]]]:
    """The street, its tasks and its representatives (user, session)."""
    from tortoise import Tortoise

    from core.settings import Env, Settings
    from gongzhi.platform import database_config
    from models.station import ContentKind, ReviewItem, ReviewStatus, StationTask
    from models.tenancy import Street
    from tenants.registry import create_street
    from tenants.scoping import street_scope

    await Tortoise.init(config=database_config(Settings(env=Env.DEV, database_url=url)))
    from core.security import Passwords

    created = await create_street(
        Passwords(time_cost=1, memory_kib=1024),
        hooks=(),
        code=f"bench-{secrets.token_hex(3)}",
        name="抢单测试街道",
        district_code="bench-district",
        admin_username=f"bench-{secrets.token_hex(3)}.admin",
        create_district=True,
    )
    street: Street = created.street
    now = datetime.now(UTC)
    with street_scope(street.id):
        tasks = [
            await StationTask.create(
                title=f"走访任务{n}", places=PLACES, created_at=now, posted_by_id=created.admin.id
            )
            for n in range(TASKS)
        ]
        # Each task's notice as the review queue leaves it when nothing is watched: approved
        # at once. Representatives see (and claim) only tasks whose notice was approved.
        for task in tasks:
            await ReviewItem.create(
                kind=ContentKind.TASK_NOTICE,
                subject_id=task.id,
                text=task.title,
                status=ReviewStatus.APPROVED,
                author_id=created.admin.id,
                created_at=now,
                decided_at=now,
            )
    await Tortoise.close_connections()
    conn = await asyncpg.connect(pg(url))
    try:
        accounts = await bulk_accounts(conn, street.id, "rep", CLAIMS, "REPRESENTATIVE", now)
    finally:
        await conn.close()
    return street.id, [t.id for t in tasks], [(u, s) for u, s in accounts if s is not None]


BASELINE = "query { stationTasks(first: 1) { totalCount } }"


async def claims(
    base: str, task_ids: list[int], tokens: list[str], query: str = CLAIM
) -> dict[str, Any]:
    from schema.relay import to_global_id

    gate = asyncio.Semaphore(CONCURRENCY)
    timings: list[float] = []
    outcomes: list[str] = []
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as http:

        async def one(n: int, token: str) -> None:
            task = to_global_id("StationTask", task_ids[n % len(task_ids)])
            async with gate:
                started = time.perf_counter()
                response = await http.post(
                    "/graphql",
                    json={"query": query, "variables": {"task": task} if query is CLAIM else {}},
                    headers={"authorization": f"Bearer {token}"},
                )
                timings.append((time.perf_counter() - started) * 1000)
            body = response.json()
            if query is not CLAIM:
                outcomes.append("TaskClaimSuccess" if "errors" not in body else str(body)[:80])
                return
            payload = (body.get("data") or {}).get("claimStationTask") or {}
            outcomes.append(payload.get("code") or payload.get("__typename") or str(body)[:80])

        order = list(range(len(tokens)))
        RNG.shuffle(order)
        started = time.perf_counter()
        await asyncio.gather(*(one(n, tokens[n]) for n in order))
        seconds = time.perf_counter() - started
    granted = outcomes.count("TaskClaimSuccess")
    refused = {o: outcomes.count(o) for o in set(outcomes) if o != "TaskClaimSuccess"}
    return {"granted": granted, "refused": refused, "p95": p95(timings), "seconds": seconds}


async def main() -> None:
    figures: dict[str, Any] = {}
    say(f"review: {WATCH} and 50 entries, {POSTS} posts")
    figures["review_check_us"] = round(review_check_us(WATCH), 1)
    figures["review_check_us_50"] = round(review_check_us(50), 1)
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_station_{secrets.token_hex(4)}"
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
        street_id, task_ids, accounts = await load(url)
        tokens = Tokens(SECRET, access_ttl=timedelta(hours=2), refresh_ttl=timedelta(days=1))
        bearer = [tokens.issue(u, s, "access", datetime.now(UTC))[0] for u, s in accounts]
        env = {
            "GONGZHI_ENV": "production",
            "GONGZHI_DATABASE_URL": url,
            "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
            "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
            "GONGZHI_SECRET_KEY": SECRET,
            "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
            "GONGZHI_UPLOAD_DIR": f"/tmp/{name}",
        }
        say(f"gongzhi: {len(bearer)} claims on {len(task_ids)} tasks, {CONCURRENCY} at a time")
        app = uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS)
        async with serve("gongzhi", app, env, ready="/healthz", settle=1.5) as served:
            base = served.base
            result = await claims(base, task_ids, bearer)
            say(f"  {len(bearer)} claims in {result['seconds']:.1f} s")
            baseline = await claims(base, task_ids, bearer, BASELINE)
            say(f"  baseline (the task list, same callers): p95 {baseline['p95']:.1f} ms")
        conn = await asyncpg.connect(pg(url))
        try:
            stored = await conn.fetchval(
                "SELECT count(*) FROM station_task_claim WHERE tenant_id = $1", street_id
            )
            over = await conn.fetchval(
                "SELECT count(*) FROM station_task WHERE claimed > places AND tenant_id = $1",
                street_id,
            )
        finally:
            await conn.close()
        say(f"  refused: {result['refused']}; stored claims {stored}; tasks over places {over}")
        if result["granted"] != len(task_ids) * PLACES:
            say(f"  WRONG: {result['granted']} claims granted for {len(task_ids) * PLACES} places")
        figures.update(
            {
                "claims": len(bearer),
                "tasks": len(task_ids),
                "places": len(task_ids) * PLACES,
                "claims_granted": result["granted"],
                "claims_stored": stored,
                "claim_p95_ms": round(result["p95"], 1),
                "claims_seconds": round(result["seconds"], 1),
                "baseline_p95_ms": round(baseline["p95"], 1),
            }
        )
    finally:
        admin = await asyncpg.connect(pg(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
