"""``FileUpload``: a multipart file field (the GraphQL ``Upload`` scalar).

Strawberry names the scalar with ``strawberry.file_uploads.Upload`` (typed as bytes); what a
resolver receives is an uploaded file it reads (Starlette's ``UploadFile``). Input fields
declare ``FileUpload``, so the schema has ``Upload`` and type checks see a readable file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from strawberry.file_uploads import Upload


class UploadedFile(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


if TYPE_CHECKING:
    FileUpload = UploadedFile
else:
    FileUpload = Upload
