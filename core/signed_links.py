"""Signed links (签名链接): a few fields joined with dots, base64url-encoded, and an HMAC of
them under the server's secret key and the link's purpose. Used by the check-in links of the
consultation meetings and of the station's activities: a link of one purpose never reads as
another's, and a forged or altered one reads as nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def signature(secret: str, purpose: str, body: str) -> str:
    mac = hmac.new(f"{purpose}|{secret}".encode(), body.encode(), hashlib.sha256)
    return _b64(mac.digest()[:18])


def sign(secret: str, purpose: str, parts: Sequence[object]) -> str:
    """The token of ``parts`` (none may hold a dot) for ``purpose``."""
    body = ".".join(str(part) for part in parts)
    return f"{_b64(body.encode())}.{signature(secret, purpose, body)}"


def read(secret: str, purpose: str, token: str, count: int) -> list[str] | None:
    """The ``count`` parts of a token signed for ``purpose``, or None when it does not read
    (malformed, another purpose's, altered or forged)."""
    body64, _, given = token.partition(".")
    try:
        body = base64.urlsafe_b64decode(body64 + "=" * (-len(body64) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    parts = body.split(".")
    if len(parts) != count:
        return None
    if not hmac.compare_digest(signature(secret, purpose, body), given):
        return None
    return parts
