"""Files in and out: ``FileUpload``, a multipart file field (the GraphQL ``Upload`` scalar),
and ``StoredFile``, a file the server keeps (a project's photo, a case's media, a group
message's photo), read through a signed link.

Strawberry names the scalar with ``strawberry.file_uploads.Upload`` (typed as bytes); what a
resolver receives is an uploaded file it reads (Starlette's ``UploadFile``). Input fields
declare ``FileUpload``, so the schema has ``Upload`` and type checks see a readable file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import strawberry
from strawberry.file_uploads import Upload

from schema.context import Info


class UploadedFile(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


if TYPE_CHECKING:
    FileUpload = UploadedFile
else:
    FileUpload = Upload


@strawberry.interface(
    description="A file the server keeps (a photo, a video, a voice note): its type, size and "
    "SHA-256 as stored, and a link to open it."
)
class StoredFile:
    content_type: str
    size: int
    sha256: str
    path: strawberry.Private[str]

    @strawberry.field(
        description="A signed link to the file (`/files/…?e=…&s=…`, on this server) that opens "
        "without a header, for an `<img src>`; it expires after an hour or two: ask again."
    )
    def url(self, info: Info) -> str:
        services = info.context.services
        return services.files.link(self.path, services.clock.now())
