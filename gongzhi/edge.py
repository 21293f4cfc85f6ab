"""What every HTTP request meets first: a bound on its body (请求体上限).

A body is at most ``max_body_bytes`` (1 MB by default), a multipart one (photos, a CSV file)
at most ``max_upload_request_bytes``; each uploaded file has its own limit besides
(``max_upload_bytes``, checked while it is read). A larger ``Content-Length`` is answered 413
before anything is read; a body sent without one (chunked) is counted as it arrives and
answered 413 once it passes the limit. The answer is a GraphQL error with
``extensions.code`` ``REQUEST_TOO_LARGE``; nothing was executed.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.i18n import negotiate, translate
from core.settings import Settings

REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"


class _TooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin1")
    return None


class BodyLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.max_multipart = settings.max_upload_request_bytes

    def limit(self, scope: Scope) -> int:
        kind = (_header(scope, b"content-type") or "").lower()
        return self.max_multipart if kind.startswith("multipart/") else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        length = _header(scope, b"content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:  # pragma: no cover - the app answered before reading its body
                raise
            await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        locale = negotiate(_header(scope, b"accept-language"))
        error: dict[str, Any] = {
            "message": translate("error.request_too_large", locale, max=limit),
            "extensions": {"code": REQUEST_TOO_LARGE, "max": limit},
        }
        body = json.dumps({"errors": [error]}, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
