"""The hand-written baseline for ``bench.patrols``: a batch of a patrol's GPS points, with the
bare minimum and no framework beyond Starlette, from one asyncpg pool.

It reads the same GraphQL request the real endpoint gets (the ``addPatrolPoints`` document
with its ``patrolId`` and compact ``track``), parses each point's time, and writes what the
patrols domain writes, in one transaction: the patrol's row locked, the points in one
multi-row insert, the H3 cells they passed that day, the patrol's counters moved on. No
sign-in, no checks of order or speed, no distance, no audit entry, no events. It answers in
the shape of the real one (``PatrolSuccess`` with the patrol's ``points`` and ``flagged``).

Run as ``uvicorn bench.patrols_baseline:app`` with BENCH_DATABASE_URL and BENCH_STREET_ID.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import datetime

import asyncpg
import h3
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LOCK = "SELECT points FROM patrol WHERE id = $1 AND tenant_id = $2 FOR UPDATE"
POINTS = """
INSERT INTO patrol_point (tenant_id, patrol_id, seq, at, longitude, latitude, flagged)
SELECT $1, $2, s, a, x, y, false
FROM unnest($3::int[], $4::timestamptz[], $5::float8[], $6::float8[]) AS t(s, a, x, y)
"""
CELLS = """
INSERT INTO patrol_cell (tenant_id, cell, day) SELECT $1, c, d
FROM unnest($2::text[], $3::date[]) AS t(c, d) ON CONFLICT DO NOTHING
"""
COUNTERS = "UPDATE patrol SET points = points + $2, last_at = $3 WHERE id = $1"


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
    app.state.street = int(os.environ["BENCH_STREET_ID"])
    yield
    await app.state.pool.close()


def pk_of(global_id: str) -> int:
    raw = base64.b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(raw.rpartition(":")[2])


async def add_points(request: Request) -> Response:
    body = json.loads(await request.body())
    given = body["variables"]["input"]
    patrol = pk_of(given["patrolId"])
    track = given.get("track") or [
        [p["at"], p["longitude"], p["latitude"]] for p in given["points"]
    ]
    times = [datetime.fromisoformat(at) for at, _, _ in track]
    lons = [float(lon) for _, lon, _ in track]
    lats = [float(lat) for _, _, lat in track]
    cells = sorted(
        {
            (h3.latlng_to_cell(lat, lon, 10), at.date())
            for at, lon, lat in zip(times, lons, lats, strict=True)
        }
    )
    street = request.app.state.street
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        before = await conn.fetchval(LOCK, patrol, street)
        if before is None:
            return Response('{"errors": [{"message": "no such patrol"}]}', 200)
        seqs = list(range(before, before + len(track)))
        await conn.execute(POINTS, street, patrol, seqs, times, lons, lats)
        await conn.execute(CELLS, street, [c for c, _ in cells], [d for _, d in cells])
        await conn.execute(COUNTERS, patrol, len(track), times[-1])
    answer = {
        "data": {
            "addPatrolPoints": {
                "__typename": "PatrolSuccess",
                "patrol": {"points": before + len(track), "flagged": 0},
            }
        }
    }
    return Response(json.dumps(answer, separators=(",", ":")), 200, media_type="application/json")


async def ready(request: Request) -> Response:
    return Response("ok")


app = Starlette(
    routes=[Route("/points", add_points, methods=["POST"]), Route("/", ready)],
    lifespan=lifespan,
)
