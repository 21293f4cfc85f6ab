"""The consultation bell's similar-case search at scale: ``python -m bench.consultations``.

For each database (PostgreSQL on GONGZHI_TEST_DATABASE_URL's server, in a fresh database of
its own, when that is set; SQLite in a temporary file always), a fresh app with:

* one street whose case library holds BENCH_LIBRARY (50,000) solved consultations: the fixed
  test set of tests/consultations/data/library_set.json (30 cases, published through the
  library's own operations) and synthetic ones written in bulk: text drawn over 3,500 CJK
  characters by a Zipf-like law, each with one clause of a test-set case in it (so every
  query has hundreds of near misses);
* BENCH_NOISE_STREETS (2) other streets with BENCH_NOISE (5,000) cases each.

Then, through the GraphQL API (in-process ASGI, as a client would call it):

* ``similar_p95_ms``: the 95th percentile of ``similarCases`` over BENCH_QUERIES (200) calls,
  the test set's queries in turn;
* ``top3_hits``: queries of the test set whose paraphrased case is in the top three, of
  ``queries``;
* ``statements``: the SQL statements of the ``consultations`` list with its nested fields at
  20 and at 100 rows (equal: no N+1).

Progress goes to stderr; the figures are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise import Tortoise

from bench.sqlcount import count_statements
from core.clock import FrozenClock
from core.settings import Env, Settings
from gongzhi.app import create_app
from gongzhi.cli import apply_migrations
from gongzhi.platform import database_config
from models.consultations import (
    Channel,
    Classification,
    Consultation,
    ConsultationStep,
    LibraryCase,
    LibraryStatus,
    RequesterKind,
    Step,
)
from models.scoping import street_scope
from models.sql import Statement
from resolvers.consultations import search
from tests.consultations.library_support import TEST_SET, publish_test_set
from tests.consultations.support import bell_street
from tests.support import Api, make_street

LIBRARY = int(os.environ.get("BENCH_LIBRARY", "50000"))
NOISE_STREETS = int(os.environ.get("BENCH_NOISE_STREETS", "2"))
NOISE = int(os.environ.get("BENCH_NOISE", "5000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
KEEP = (
    os.environ.get("BENCH_KEEP_DATABASE") == "1"
)  # keep the PostgreSQL database (its name to stderr)
SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0"  # 0: PostgreSQL only
LIST_ROWS = 120
SIMILAR = "query($t: String!) { similarCases(text: $t) { score case { id } } }"
LIST = """
query($first: Int!) {
  consultations(first: $first) {
    edges { node {
      id title step lateness ratingCount averageRating caseId
      community { name } requester { id } enteredBy { id }
      timeline { step at actor { id } }
      invitations { partyName status account { id } }
      meeting { startsAt }
    } }
  }
}
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]


def filler(rng: random.Random, length: int) -> str:
    """Text of ``length`` characters drawn by a Zipf-like law over 3,500 CJK characters: the
    bulk of a real library, which shares few bigrams with any one query."""
    return "".join(_HAN[min(int(rng.paretovariate(1.1)) - 1, len(_HAN) - 1)] for _ in range(length))


def clauses() -> list[str]:
    found = []
    for case in TEST_SET["cases"]:
        for text in (case["title"], case["summary"], case["outcome"]):
            found += [c for c in text.replace("。", "，").split("，") if c]
    return found


POSTINGS = Statement(
    'INSERT INTO "library_posting" ("tenant_id", "case_id", "term", "tf", "dl") '
    'SELECT c."tenant_id", c."id", substr(t."term", length(\'s\' || c."tenant_id") + 1), '
    'count(*), c."search_length" '
    'FROM "library_case" c CROSS JOIN LATERAL unnest(string_to_array(c."search", \' \')) '
    'AS t("term") WHERE c."tenant_id" = :street AND c."consultation_id" IN (:ids) '
    'GROUP BY c."tenant_id", c."id", t."term", c."search_length"'
)

STATS = Statement(
    'INSERT INTO "library_stats" ("tenant_id", "documents", "length") '
    'VALUES (:street, :n, :length) ON CONFLICT ("tenant_id") DO UPDATE SET '
    '"documents" = "library_stats"."documents" + excluded."documents", '
    '"length" = "library_stats"."length" + excluded."length"'
)


async def fill_library(street_id: int, count: int, rng: random.Random, owner: int) -> None:
    """``count`` solved consultations with a published library case each, in bulk."""
    parts = clauses()
    categories = sorted({c["category"] for c in TEST_SET["cases"]})
    postgres = Tortoise.get_connection("default").capabilities.dialect == "postgres"
    with street_scope(street_id):
        community = await Consultation.filter().first()
        community_id = community.community_id if community else None
        if community_id is None:
            from models.tenancy import Community

            community_id = (await Community.first()).id  # type: ignore[union-attr]
        now = FrozenClock().now()
        done = 0
        while done < count:
            batch = min(1000, count - done)
            rows = [
                Consultation(
                    title=f"案例{done + n}",
                    description="",
                    category=rng.choice(categories),
                    community_id=community_id,
                    requester_kind=RequesterKind.RESIDENT,
                    channel=Channel.PHONE,
                    requester_id=owner,
                    step=Step.ANNOUNCED,
                    classification=Classification.CONSULTATION,
                    submitted_at=now,
                    updated_at=now,
                )
                for n in range(batch)
            ]
            await Consultation.bulk_create(rows)
            ids = list(
                await Consultation.filter(title__in=[r.title for r in rows]).values_list(
                    "id", flat=True
                )
            )
            cases = []
            for cid in ids:
                # One clause of a test-set case in each: every query has near misses.
                title = f"{filler(rng, 8)}{rng.choice(parts)}"
                summary = f"{filler(rng, 30)}，{rng.choice(parts)}，{filler(rng, 10)}"
                outcome = filler(rng, 25)
                tokens = search.tokens(street_id, f"{title} 其他 {summary} {outcome}")
                cases.append(
                    LibraryCase(
                        consultation_id=cid,
                        title=title[:200],
                        category="其他",
                        summary=summary,
                        outcome=outcome,
                        status=LibraryStatus.PUBLISHED,
                        search=" ".join(tokens),
                        search_length=len(tokens),
                        created_at=now,
                        published_at=now,
                    )
                )
            await LibraryCase.bulk_create(cases)
            await STATS.run(n=len(cases), length=sum(c.search_length for c in cases))
            if postgres:  # their postings, as publishing writes them (SQLite's search: FTS5)
                await POSTINGS.run(ids=ids)
            else:
                create, _, insert, _ = search._sqlite_statements(street_id)
                await create.run()
                made = await LibraryCase.filter(consultation_id__in=ids).values_list("id", "search")
                for chunk in range(0, len(made), 300):
                    each = [{"case": i, "search": s} for i, s in made[chunk : chunk + 300]]
                    await insert.run(each=each)
            done += batch
    say(f"  {done} cases in street {street_id}")


async def seed_list(street_id: int, owner: int) -> None:
    """``LIST_ROWS`` consultations with timelines, for the list's statement count."""
    now = FrozenClock().now()
    with street_scope(street_id):
        from models.tenancy import Community

        community = await Community.first()
        assert community is not None
        for n in range(LIST_ROWS):
            row = await Consultation.create(
                title=f"列表{n}",
                description="x",
                category="物业管理",
                community_id=community.id,
                requester_kind=RequesterKind.RESIDENT,
                channel=Channel.PHONE,
                requester_id=owner,
                step=Step.ACCEPTED,
                submitted_at=now,
                updated_at=now,
            )
            await ConsultationStep.bulk_create(
                [
                    ConsultationStep(consultation_id=row.id, step=s, actor_id=owner, at=now)
                    for s in (Step.SUBMITTED, Step.ACCEPTED)
                ]
            )


async def run(database_url: str, label: str) -> dict[str, Any]:
    settings = Settings(
        env=Env.TEST,
        database_url=database_url,
        secret_key=secrets.token_urlsafe(48),
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        redis_prefix=f"bench-bell-{secrets.token_hex(3)}",
        upload_dir=Path(tempfile.mkdtemp()),
    )
    await apply_migrations(settings, quiet=True)
    await Tortoise.init(config=database_config(settings))
    app = create_app(settings, clock=FrozenClock())
    async with app.router.lifespan_context(app):
        services = app.state.services
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            api = Api(client)
            say(f"{label}: streets and the test set")
            bs = await bell_street(services, "bench")
            ids = await publish_test_set(services, bs)
            keys = {v: k for k, v in ids.items()}
            rng = random.Random(14)
            say(f"{label}: the library")
            await fill_library(bs.sid, LIBRARY - len(ids), rng, bs.resident.id)
            for n in range(NOISE_STREETS):
                noise = await make_street(services, f"noise{n}")
                with street_scope(noise.street_id):
                    pass
                await fill_library(noise.street_id, NOISE, rng, bs.resident.id)
            if label == "postgres":  # as autovacuum would have, after a bulk load
                await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
            say(f"{label}: similar cases")
            token = await api.login(bs.resident.username)
            queries = TEST_SET["queries"]
            hits = 0
            for query in queries:
                body = await api.gql(SIMILAR, {"t": query["text"]}, token=token)
                top = [keys.get(h["case"]["id"]) for h in body["data"]["similarCases"]]
                hits += query["expected"] in top
            timings = []
            for n in range(QUERIES):
                text = queries[n % len(queries)]["text"]
                started = time.perf_counter()
                body = await api.gql(SIMILAR, {"t": text}, token=token)
                timings.append((time.perf_counter() - started) * 1000)
                assert "errors" not in body, body
            base = []
            for _ in range(20):
                started = time.perf_counter()
                await api.gql("{ bellSetup { categories } }", token=token)
                base.append((time.perf_counter() - started) * 1000)
            from resolvers.consultations import search as s

            direct = []
            with street_scope(bs.sid):
                for n in range(40):
                    started = time.perf_counter()
                    await s.similar(bs.sid, queries[n % len(queries)]["text"], 3)
                    direct.append((time.perf_counter() - started) * 1000)
            say(f"{label}: api baseline p95 {p95(base):.1f} ms, search alone p95 {p95(direct):.1f}")
            say(f"{label}: the list")
            await seed_list(bs.sid, bs.resident.id)
            staff = await api.login(bs.reviewer.username)
            counts = []
            for first in (20, 100):
                await api.gql(LIST, {"first": first}, token=staff)  # warm
                with count_statements() as counter:
                    body = await api.gql(LIST, {"first": first}, token=staff)
                assert len(body["data"]["consultations"]["edges"]) == first, body
                counts.append(counter.count)
    await Tortoise.close_connections()
    return {
        "similar_p95_ms": round(p95(timings), 1),
        "top3_hits": hits,
        "queries": len(queries),
        "statements": {"20": counts[0], "100": counts[1]},
    }


async def main() -> None:
    figures: dict[str, Any] = {"library": LIBRARY, "noise_streets": NOISE_STREETS, "noise": NOISE}
    pg_url = os.environ.get("GONGZHI_TEST_DATABASE_URL")
    if pg_url:
        name = f"bench_bell_{secrets.token_hex(3)}"
        conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        try:
            base = pg_url.rsplit("/", 1)[0]
            figures["postgres"] = await run(f"{base}/{name}", "postgres")
        finally:
            if KEEP:
                say(f"postgres: kept database {name}")
            else:
                conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()
    if SQLITE:
        with tempfile.TemporaryDirectory() as folder:
            figures["sqlite"] = await run(f"sqlite://{folder}/bench.sqlite3", "sqlite")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
