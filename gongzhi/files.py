"""``GET /files/<path>``: stored photos, behind the signed expiring links the API hands out."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from resolvers.services import Services

# Stored files are only ever written with these suffixes (see resolvers/projects/uploads.py).
TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def stored_file(root: Path, relative: str) -> Path | None:
    """The file under the upload directory, or None (missing, or outside it)."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target.suffix not in TYPES or not target.is_file():
        return None
    return target


async def serve_file(request: Request) -> Response:
    services: Services = request.app.state.services
    relative = request.path_params["path"]
    query = request.query_params
    now = services.clock.now()
    if not services.files.check(relative, query.get("e", ""), query.get("s", ""), now):
        return PlainTextResponse("This link is not valid or has expired.", status_code=403)
    found = stored_file(Path(services.settings.upload_dir), relative)
    if found is None:
        return PlainTextResponse("Not found.", status_code=404)
    return FileResponse(
        found,
        media_type=TYPES.get(found.suffix) or mimetypes.guess_type(found.name)[0],
        headers={"cache-control": "private, max-age=3600", "x-content-type-options": "nosniff"},
    )
