"""The hand-written baseline for ``bench.projects``: the progress board's first page as the
GraphQL endpoint returns it, from one asyncpg pool, with no framework beyond Starlette.

Run as ``uvicorn bench.projects_baseline:app`` with BENCH_DATABASE_URL and BENCH_STREET_ID.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LOCAL = timezone(timedelta(hours=8))
YELLOW_DAYS = 3
NO_DUE = date(9999, 12, 31)

PAGE = """
SELECT p.id, p.title, p.status, p.category, p.progress, p.next_due, p.budget, p.spent,
       c.name AS community,
       (SELECT count(*) FROM project_rating r WHERE r.project_id = p.id) AS n,
       (SELECT sum(score) FROM project_rating r WHERE r.project_id = p.id) AS total,
       (SELECT count(*) FROM project_opinion o
         WHERE o.project_id = p.id AND o.replied_at IS NULL) AS open
FROM project p LEFT JOIN community c ON c.id = p.community_id
WHERE p.tenant_id = $1
ORDER BY p.progress DESC, p.next_due ASC, p.id ASC
LIMIT $2
"""


def gid(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode()


def lateness(status: str, next_due: date, on: date) -> str:
    if status not in ("APPROVED", "IN_PROGRESS") or next_due == NO_DUE:
        return "ON_TIME"
    if next_due < on:
        return "RED"
    return "YELLOW" if next_due <= on + timedelta(days=YELLOW_DAYS) else "ON_TIME"


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
    app.state.street = int(os.environ["BENCH_STREET_ID"])
    yield
    await app.state.pool.close()


async def board(request: Request) -> Response:
    first = int(request.query_params.get("first", "20"))
    street = request.app.state.street
    on = datetime.now(UTC).astimezone(LOCAL).date()
    async with request.app.state.pool.acquire() as conn:
        total = await conn.fetchval("SELECT count(*) FROM project WHERE tenant_id = $1", street)
        rows = await conn.fetch(PAGE, street, first)
    edges = [
        {
            "node": {
                "id": gid("Project", r["id"]),
                "title": r["title"],
                "status": r["status"],
                "category": r["category"],
                "progress": r["progress"],
                "lateness": lateness(r["status"], r["next_due"], on),
                "budget": str(r["budget"]),
                "spent": str(r["spent"]),
                "averageSatisfaction": round(r["total"] / r["n"], 2) if r["n"] else None,
                "ratingCount": r["n"],
                "openOpinionCount": r["open"],
                "community": {"name": r["community"]} if r["community"] else None,
            }
        }
        for r in rows
    ]
    body = {"data": {"projectBoard": {"totalCount": total, "edges": edges}}}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


app = Starlette(routes=[Route("/board", board)], lifespan=lifespan)
