"""The hand-written baseline for ``bench.votes``: one ballot per voter with the bare minimum,
one INSERT per ballot into a table whose primary key is the voter, from one asyncpg pool, with
no framework beyond Starlette. A retry with the same key gets the first receipt back, any other
second ballot is refused, as the real endpoint does.

Run as ``uvicorn bench.votes_baseline:app`` with BENCH_DATABASE_URL (the table is
``baseline_ballot``, created by ``bench.votes``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TABLE = """
CREATE TABLE IF NOT EXISTS baseline_ballot (
    voter_id INT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    receipt TEXT NOT NULL,
    choices JSONB NOT NULL
)
"""
INSERT = """
INSERT INTO baseline_ballot (voter_id, idempotency_key, receipt, choices)
VALUES ($1, $2, $3, $4) ON CONFLICT (voter_id) DO NOTHING RETURNING receipt
"""
FIRST = "SELECT idempotency_key, receipt FROM baseline_ballot WHERE voter_id = $1"


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=5)
    yield
    await app.state.pool.close()


def reply(body: dict) -> Response:
    return Response(json.dumps(body), media_type="application/json")


async def ballot(request: Request) -> Response:
    body = await request.json()
    voter, key = int(body["voter"]), str(body["key"])
    receipt = secrets.token_hex(10)
    async with request.app.state.pool.acquire() as conn:
        stored = await conn.fetchval(INSERT, voter, key, receipt, json.dumps(body["choices"]))
        if stored is not None:
            return reply({"receipt": stored, "replayed": False})
        first = await conn.fetchrow(FIRST, voter)
    if first is not None and first["idempotency_key"] == key:
        return reply({"receipt": first["receipt"], "replayed": True})
    return reply({"code": "ALREADY_VOTED"})


app = Starlette(routes=[Route("/ballot", ballot, methods=["POST"])], lifespan=lifespan)
