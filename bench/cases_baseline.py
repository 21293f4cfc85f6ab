"""The hand-written baseline for ``bench.cases``: a resident's report with a photo, with the
bare minimum and no framework beyond Starlette, from one asyncpg pool.

It reads the same GraphQL multipart request the real endpoint gets (``operations``, ``map``,
the file), checks the photo's first bytes, writes it under BENCH_UPLOAD_DIR, finds the grid by
the boxes of the outlines, and inserts the same rows of the cases domain in one transaction:
the case (deadlines five days on), its first timeline step and its photo. No sign-in, no
row rules, no audit chain, no events, no notifications.

Run as ``uvicorn bench.cases_baseline:app`` with BENCH_DATABASE_URL, BENCH_STREET_ID and
BENCH_UPLOAD_DIR.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

GRID = """
SELECT b.grid_id, g.community_id FROM case_grid_boundary b JOIN grid g ON g.id = b.grid_id
WHERE b.tenant_id = $1 AND $2 BETWEEN b.min_longitude AND b.max_longitude
  AND $3 BETWEEN b.min_latitude AND b.max_latitude
ORDER BY b.grid_id LIMIT 1
"""
CASE = """
INSERT INTO cases (tenant_id, title, description, category_id, urgency, source, source_name,
  contact_name, contact_phone, private, public, longitude, latitude, address, grid_id,
  community_id, level, entry_level, state, round, stint, arrived_at, sign_due_at, due_at,
  yellow_at, warned_level, result, resolved_late, reported_at, updated_at)
VALUES ($1, $2, $3, $4, 'ORDINARY', 'RESIDENT_APP', '', '', '', FALSE, FALSE, $5, $6, '', $7,
  $8, 1, 1, 'PENDING', 1, 1, $9, $10, $11, $12, 0, '', FALSE, $9, $9)
RETURNING id
"""
STEP = """
INSERT INTO case_step (tenant_id, case_id, action, level, state, round, note, detail, at)
VALUES ($1, $2, 'REPORTED', 1, 'PENDING', 1, '', '{}', $3) RETURNING id
"""
MEDIA = """
INSERT INTO case_media (tenant_id, case_id, step_id, kind, path, content_type, size, sha256,
  created_at) VALUES ($1, $2, $3, 'PHOTO', $4, 'image/jpeg', $5, $6, $7)
"""


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["BENCH_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
    app.state.street = int(os.environ["BENCH_STREET_ID"])
    app.state.uploads = Path(os.environ["BENCH_UPLOAD_DIR"])
    app.state.uploads.mkdir(parents=True, exist_ok=True)
    yield
    await app.state.pool.close()


def reply(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status, media_type="application/json")


def pk_of(global_id: str) -> int:
    raw = base64.b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(raw.rpartition(":")[2])


async def report(request: Request) -> Response:
    form = await request.form()
    operations = json.loads(str(form["operations"]))
    new = operations["variables"]["input"]
    upload = form.get("0")
    if not isinstance(upload, UploadFile):
        return reply({"error": "no photo"}, 400)
    photo = await upload.read()
    if not photo.startswith(b"\xff\xd8\xff"):
        return reply({"error": "not an image"}, 400)
    street, now = request.app.state.street, datetime.now(UTC)
    relative = f"cases/{street}/{secrets.token_hex(16)}.jpg"
    target = request.app.state.uploads / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo)
    lon, lat = new["location"]["longitude"], new["location"]["latitude"]
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        grid = await conn.fetchrow(GRID, street, lon, lat)
        case_id = await conn.fetchval(
            CASE,
            street,
            new["title"],
            new.get("description", ""),
            pk_of(new["categoryId"]),
            lon,
            lat,
            grid["grid_id"] if grid else None,
            grid["community_id"] if grid else None,
            now,
            now + timedelta(days=1),
            now + timedelta(days=5),
            now + timedelta(days=4),
        )
        step_id = await conn.fetchval(STEP, street, case_id, now)
        digest = hashlib.sha256(photo).hexdigest()
        await conn.execute(MEDIA, street, case_id, step_id, relative, len(photo), digest, now)
    return reply({"id": case_id})


app = Starlette(routes=[Route("/report", report, methods=["POST"])], lifespan=lifespan)
