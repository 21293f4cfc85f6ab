"""The audit log under load: ``python -m bench.audit``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server) and measures, in
one process through the real unit of work (``changing()``, one audit entry per change, the
sequencer running as in a worker):

* ``append_per_s_one_street``: 32 concurrent writers in one street, each committing
  BENCH_APPENDS (150) changes one after the other; ``append_per_s_spread``: the same 32 writers
  each in a street of its own (32 streets); ``ratio_one_street`` is the first over the second
  (target ≥ 0.8: one street no longer serializes its writes). ``sequencing_lag_p95_ms``: from
  a change's commit until the sequencer gave it its place, over the one-street run.
* ``verify_seconds_1m``: ``gongzhi audit verify`` recomputing the tree of a street of
  BENCH_ENTRIES (1,000,000) entries (loaded with COPY, then sequenced by the sequencer:
  ``sequence_seconds_1m``) and checking it against its checkpoints.
* ``proof_us``: one inclusion proof of a random entry of that street (its nodes read from
  the database and folded), averaged over 2,000.

Progress goes to stderr; the figures are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import uvloop

from bench.votes import DEFAULT_URL, p95, pg, say, with_database

WRITERS = 32
APPENDS = int(os.environ.get("BENCH_APPENDS", "150"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "1000000"))
PROOFS = 2000


async def writers(services: Any, street_ids: list[int], lag: list[float] | None) -> float:
    """Appends per second of WRITERS concurrent writers (writer ``i`` in ``street_ids[i %
    len]``), each committing APPENDS changes in a row."""
    from core.ids import to_global_id
    from models.audit import AuditEntry
    from resolvers.events import changing
    from tenants.scoping import street_scope

    committed: dict[int, float] = {}

    async def one(index: int) -> None:
        street_id = street_ids[index % len(street_ids)]
        with street_scope(street_id):
            for n in range(APPENDS):
                async with changing(services, None) as change:
                    entry = await change.audit(
                        "bench.append", to_global_id("Community", index), {"n": n, "w": index}
                    )
                committed[entry.id] = time.perf_counter()

    async def watch() -> None:  # when each entry got its sequence
        assert lag is not None and len(street_ids) == 1
        last = 0
        with street_scope(street_ids[0], writable=False):
            top = await AuditEntry.filter(sequence__not_isnull=True).order_by("-sequence").first()
            last = top.sequence or 0 if top else 0
            while len(lag) < WRITERS * APPENDS:
                await asyncio.sleep(0.01)
                done = await AuditEntry.filter(sequence__gt=last).values_list("id", "sequence")
                now = time.perf_counter()
                for entry_id, sequence in done:
                    last = max(last, sequence)
                    if entry_id in committed:
                        lag.append(1000 * (now - committed[entry_id]))

    watcher = asyncio.create_task(watch()) if lag is not None else None
    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(WRITERS)))
    seconds = time.perf_counter() - started
    if watcher is not None:
        await watcher
    return WRITERS * APPENDS / seconds


async def load_entries(url: str, street_id: int, count: int) -> None:
    """``count`` pending entries for one street, with COPY (as if written over time)."""
    conn = await asyncpg.connect(pg(url))
    try:
        at = datetime.now(UTC) - timedelta(days=365)
        batch = 100_000
        for start in range(0, count, batch):
            records = []
            for n in range(start, min(count, start + batch)):
                change = json.dumps({"n": n}, separators=(",", ":"))
                digest = hashlib.sha256(change.encode()).hexdigest()
                when = at + timedelta(seconds=n)
                records.append(
                    (street_id, when, None, "bench.loaded", "bench", change, digest, "", "")
                )
            await conn.copy_records_to_table(
                "audit_entry",
                records=records,
                columns=[
                    "tenant_id",
                    "at",
                    "actor_id",
                    "action",
                    "subject",
                    "change",
                    "digest",
                    "prev_hash",
                    "hash",
                ],
            )
            say(f"  {min(count, start + batch)} entries loaded")
        await conn.execute("ANALYZE audit_entry")
    finally:
        await conn.close()


async def main() -> None:
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    try:
        figures = await run(url)
    finally:
        from tortoise import Tortoise

        await Tortoise.close_connections()
        admin = await asyncpg.connect(pg(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(json.dumps(figures))


async def run(url: str) -> dict[str, Any]:
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.settings import Env, Settings
    from gongzhi.cli import apply_migrations
    from gongzhi.platform import database_config, make_services
    from models.audit import AuditEntry
    from resolvers.audit import log
    from resolvers.audit.sequencer import AuditSequencer, audit_keys, sequence_now
    from resolvers.audit.settings import AuditSettings
    from resolvers.audit.verify import verify
    from tenants.registry import create_street
    from tenants.scoping import street_scope

    say(f"database {url.rsplit('/', 1)[-1]}: migrating")
    settings = Settings(
        env=Env.TEST,
        database_url=f"{url}?maxsize={WRITERS + 8}",
        secret_key=secrets.token_urlsafe(48),
        argon2_time_cost=1,
        argon2_memory_kib=1024,
    )
    await apply_migrations(settings, quiet=True)
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    services = make_services(settings, MemoryBroker())
    streets = []
    for n in range(WRITERS + 1):
        created = await create_street(
            services.passwords,
            hooks=services.street_hooks,
            code=f"bench{n:02d}",
            name=f"基准街道{n}",
            district_code="bench",
            admin_username=f"bench{n:02d}.admin",
            create_district=True,
        )
        streets.append(created.street.id)
    sequencer = AuditSequencer(services)
    await sequencer.start()
    try:
        say(f"{WRITERS} writers in one street, {APPENDS} changes each")
        await writers(services, streets[:1], None)  # warm-up: connections, statements
        lag: list[float] = []
        one_street = await writers(services, streets[:1], lag)
        say(f"  {one_street:.0f} appends/s; the same writers over {WRITERS} streets")
        spread = await writers(services, streets[1 : WRITERS + 1], None)
        say(f"  {spread:.0f} appends/s")
    finally:
        await sequencer.stop()
    await sequence_now(services)

    big = streets[0]
    say(f"a street of {ENTRIES} entries")
    await load_entries(url, big, ENTRIES)
    started = time.perf_counter()
    await sequence_now(services)
    sequence_seconds = time.perf_counter() - started
    say(f"  sequenced in {sequence_seconds:.1f} s; verifying")
    started = time.perf_counter()
    (report,) = await verify(audit_keys(services), settings.section(AuditSettings), "bench00", ())
    verify_seconds = time.perf_counter() - started
    assert report.intact, report
    say(f"  verified in {verify_seconds:.1f} s ({report.entries} entries); proofs")
    rng = random.Random(9162)
    with street_scope(big, writable=False):
        size = report.entries
        checkpoint = await log.latest_checkpoint()
        picks = [rng.randrange(1, size + 1) for _ in range(PROOFS)]
        entries = {e.sequence: e for e in await AuditEntry.filter(sequence__in=picks[:1000])}
        entries.update({e.sequence: e for e in await AuditEntry.filter(sequence__in=picks[1000:])})
        started = time.perf_counter()
        for sequence in picks:
            proof = await log.inclusion_proof(entries[sequence], checkpoint)
            assert isinstance(proof, log.InclusionProof)
        proof_us = 1e6 * (time.perf_counter() - started) / PROOFS
    return {
        "writers": WRITERS,
        "append_per_s_one_street": round(one_street, 1),
        "append_per_s_spread": round(spread, 1),
        "ratio_one_street": round(one_street / spread, 3),
        "sequencing_lag_p95_ms": round(p95(lag), 1),
        "entries": report.entries,
        "sequence_seconds_1m": round(sequence_seconds, 1),
        "verify_seconds_1m": round(verify_seconds, 1),
        "proof_us": round(proof_us, 1),
    }


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    uvloop.run(main())
