"""Photos of progress updates and payment vouchers: checked, staged, moved after commit.

An upload is read in chunks into a temporary file under the upload directory; its first bytes
must be a JPEG, PNG or WebP signature (the client's content type is not trusted) and it may not
exceed ``max_upload_bytes``. The mutation writes its rows in a transaction; only once that has
committed are the files moved to their final names. On any failure the temporary files are
removed, so a refused or rolled-back mutation leaves nothing on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from core.errors import ErrorCode, Refused
from models.projects import Photo
from resolvers.services import Services

CHUNK = 64 * 1024
MAX_FILES = 9


class UploadLike(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's magic bytes, or None when not an image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


@dataclass
class StagedFile:
    temp: Path
    relative: str  # final path, relative to the upload directory
    content_type: str
    size: int
    sha256: str

    def photo(self, street_id: int, project_id: int, at: datetime, **link: Any) -> Photo:
        return Photo(
            tenant_id=street_id,
            project_id=project_id,
            path=self.relative,
            content_type=self.content_type,
            size=self.size,
            sha256=self.sha256,
            created_at=at,
            **link,
        )


@dataclass
class Staging:
    root: Path
    files: list[StagedFile]

    def commit(self) -> None:
        for staged in self.files:
            final = self.root / staged.relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.temp, final)
        self.files = []

    def discard(self) -> None:
        for staged in self.files:
            with contextlib.suppress(FileNotFoundError):
                staged.temp.unlink()
        self.files = []


class _TempFile:
    """A temporary file under the upload directory (small synchronous writes)."""

    def __init__(self, root: Path) -> None:
        temp_dir = root / ".incoming"
        temp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=temp_dir, suffix=".part")
        self.path = Path(name)
        self.out = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.out.write(chunk)

    def close(self) -> None:
        self.out.close()

    def remove(self) -> None:
        self.out.close()
        self.path.unlink(missing_ok=True)


Sniffer = Callable[[bytes], tuple[str, str] | None]


async def _stage_one(
    upload: UploadLike,
    root: Path,
    street_id: int,
    limit: int,
    field: str,
    kinds: Sniffer = sniff,
    folder: str = "projects",
) -> StagedFile:
    temp = _TempFile(root)
    digest = hashlib.sha256()
    size = 0
    kind: tuple[str, str] | None = None
    try:
        while chunk := await upload.read(CHUNK):
            if kind is None:
                kind = kinds(chunk)
                if kind is None:
                    raise Refused(ErrorCode.INVALID_UPLOAD, "project.upload_type", field)
            size += len(chunk)
            if size > limit:
                raise Refused(ErrorCode.INVALID_UPLOAD, "project.upload_size", field, max=limit)
            digest.update(chunk)
            temp.write(chunk)
        if kind is None:  # an empty file
            raise Refused(ErrorCode.INVALID_UPLOAD, "project.upload_type", field)
        temp.close()
    except BaseException:
        temp.remove()
        raise
    relative = f"{folder}/{street_id}/{secrets.token_hex(16)}.{kind[1]}"
    return StagedFile(temp.path, relative, kind[0], size, digest.hexdigest())


@contextlib.asynccontextmanager
async def staged(
    services: Services,
    street_id: int,
    uploads: Sequence[UploadLike],
    field: str,
    *,
    kinds: Sniffer = sniff,
    folder: str = "projects",
    limit: int | None = None,
    max_files: int = MAX_FILES,
) -> AsyncIterator[Staging]:
    """Stage and check uploads; the caller calls ``commit()`` after its transaction commits.
    Whatever is not committed when the block ends is removed. Another domain passes what it
    accepts (``kinds``: the magic-byte sniffer), where its files go (``folder``) and its size
    and count limits."""
    if len(uploads) > max_files:
        raise Refused(ErrorCode.INVALID_UPLOAD, "project.upload_count", field, max=max_files)
    root = Path(services.settings.upload_dir)
    size_limit = services.settings.max_upload_bytes if limit is None else limit
    staging = Staging(root, [])
    try:
        for upload in uploads:
            staging.files.append(
                await _stage_one(upload, root, street_id, size_limit, field, kinds, folder)
            )
        yield staging
    finally:
        staging.discard()
