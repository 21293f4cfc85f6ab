"""Photos, a short video and a voice note of a case, through the projects' upload pipeline
(``resolvers/projects/uploads.py``): read in chunks, sniffed by their first bytes (the
client's content type is not trusted), size-limited, moved to their final place only once the
transaction has committed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from models.cases import CaseMedia, MediaKind
from resolvers.cases.settings import CaseDomainSettings
from resolvers.projects.uploads import Staging, UploadLike, sniff, staged
from resolvers.services import Services

MAX_PHOTOS = 9
_MP4_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"3gp4", b"3gp5"}


def sniff_video(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime", "mov"
        if brand in _MP4_BRANDS:
            return "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm", "webm"
    return None


def sniff_voice(head: bytes) -> tuple[str, str] | None:
    if head.startswith(b"#!AMR\n"):
        return "audio/amr", "amr"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg", "mp3"
    if head[:2] in (b"\xff\xf1", b"\xff\xf9"):
        return "audio/aac", "aac"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] == b"M4A ":
        return "audio/mp4", "m4a"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if head.startswith(b"OggS"):
        return "audio/ogg", "ogg"
    return None


@dataclass(frozen=True)
class Uploads:
    """What a report or a resolution carries."""

    photos: Sequence[UploadLike] = ()
    video: UploadLike | None = None
    voice: UploadLike | None = None


@dataclass
class StagedMedia:
    parts: list[tuple[MediaKind, Staging]]

    def rows(
        self, street_id: int, case_id: int, at: datetime, step_id: int | None
    ) -> list[CaseMedia]:
        return [
            CaseMedia(
                tenant_id=street_id,
                case_id=case_id,
                step_id=step_id,
                kind=kind,
                path=f.relative,
                content_type=f.content_type,
                size=f.size,
                sha256=f.sha256,
                created_at=at,
            )
            for kind, staging in self.parts
            for f in staging.files
        ]

    @property
    def digests(self) -> list[str]:
        return [f.sha256 for _, staging in self.parts for f in staging.files]

    def commit(self) -> None:
        for _, staging in self.parts:
            staging.commit()


@contextlib.asynccontextmanager
async def staged_media(
    services: Services, street_id: int, uploads: Uploads
) -> AsyncIterator[StagedMedia]:
    """Stage and check every file; ``commit()`` after the transaction commits. Whatever is not
    committed when the block ends is removed (a refused report leaves nothing on disk)."""
    limits = services.settings.section(CaseDomainSettings)
    async with contextlib.AsyncExitStack() as stack:
        parts = [
            (
                MediaKind.PHOTO,
                await stack.enter_async_context(
                    staged(
                        services,
                        street_id,
                        uploads.photos,
                        "photos",
                        kinds=sniff,
                        folder="cases",
                        max_files=MAX_PHOTOS,
                    )
                ),
            ),
            (
                MediaKind.VIDEO,
                await stack.enter_async_context(
                    staged(
                        services,
                        street_id,
                        [uploads.video] if uploads.video else [],
                        "video",
                        kinds=sniff_video,
                        folder="cases",
                        limit=limits.case_video_max_bytes,
                        max_files=1,
                    )
                ),
            ),
            (
                MediaKind.VOICE,
                await stack.enter_async_context(
                    staged(
                        services,
                        street_id,
                        [uploads.voice] if uploads.voice else [],
                        "voice",
                        kinds=sniff_voice,
                        folder="cases",
                        limit=limits.case_voice_max_bytes,
                        max_files=1,
                    )
                ),
            ),
        ]
        yield StagedMedia(parts)
