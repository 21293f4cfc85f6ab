"""Password hashing (argon2), signed bearer tokens (JWT, HS256) and signed file links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote, urlencode

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TokenKind = Literal["access", "refresh"]
_ALGORITHM = "HS256"
_ISSUER = "gongzhi"
_CLOCK_SKEW_SECONDS = 60
MAX_VERIFIED_TOKENS = 20_000  # verified tokens kept; the set starts over when full
PASSWORD_MAX_LENGTH = 128  # characters of a password a client may send
TOKEN_MAX_LENGTH = 2048  # characters of a signed token (a refresh token is about 300)


class Passwords:
    """argon2id hashing; verifying an unknown user costs the same as a known one."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def generate_password(length: int = 16) -> str:
    """A one-time password to hand to a new administrator."""
    return secrets.token_urlsafe(length)[:length]


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_id: int
    kind: TokenKind
    expires_at: datetime
    generation: int = 0  # refresh tokens: which rotation of the session this one is


class TokenError(Exception):
    def __init__(self, expired: bool) -> None:
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


class Tokens:
    """Signed tokens. A token whose signature and issuer checked out is kept (by its exact
    text, a bounded number of them), so a client's next requests skip verifying it again; its
    kind and times are checked on every decode."""

    def __init__(
        self,
        secret_key: str,
        access_ttl: timedelta,
        refresh_ttl: timedelta,
        max_verified: int = MAX_VERIFIED_TOKENS,
    ) -> None:
        self._key = secret_key
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.max_verified = max_verified
        self._verified: dict[str, dict[str, Any]] = {}

    def issue(
        self, user_id: int, session_id: int, kind: TokenKind, now: datetime, generation: int = 0
    ) -> tuple[str, datetime]:
        expires = now + (self.access_ttl if kind == "access" else self.refresh_ttl)
        claims = {
            "gen": generation,
            "iss": _ISSUER,
            "sub": str(user_id),
            "sid": session_id,
            "typ": kind,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM), expires

    def decode(self, token: str, kind: TokenKind, now: datetime) -> TokenClaims:
        data = self._verified.get(token)
        if data is None:
            try:
                data = jwt.decode(
                    token,
                    self._key,
                    algorithms=[_ALGORITHM],
                    issuer=_ISSUER,
                    # Times are checked against the injected clock below, not the machine's.
                    options={
                        "require": ["exp", "sub", "sid", "typ"],
                        "verify_exp": False,
                        "verify_iat": False,
                        "verify_nbf": False,
                    },
                )
            except jwt.PyJWTError as exc:
                raise TokenError(expired=False) from exc
            if len(self._verified) >= self.max_verified:
                self._verified.clear()
            self._verified[token] = data
        if data.get("typ") != kind:
            raise TokenError(expired=False)
        issued = data.get("iat")
        if isinstance(issued, int | float) and issued > now.timestamp() + _CLOCK_SKEW_SECONDS:
            raise TokenError(expired=False)  # issued in the future: not one of ours
        if int(data["exp"]) <= int(now.timestamp()):
            raise TokenError(expired=True)
        try:
            return TokenClaims(
                user_id=int(data["sub"]),
                session_id=int(data["sid"]),
                kind=kind,
                expires_at=datetime.fromtimestamp(int(data["exp"]), tz=now.tzinfo),
                generation=int(data.get("gen", 0)),
            )
        except (TypeError, ValueError) as exc:
            raise TokenError(expired=False) from exc


class FileUrls:
    """Signed, expiring links to stored files (photos), so an ``<img src>`` needs no header:
    ``/files/<path>?e=<unix time>&s=<HMAC-SHA256 of path and time>``. Whoever may read the
    record gets a link from the API; the link alone opens the file until it expires."""

    PREFIX = "/files/"

    def __init__(self, secret_key: str, ttl: timedelta) -> None:
        self._key = hashlib.sha256(f"files|{secret_key}".encode()).digest()
        self.ttl = ttl

    def _signature(self, path: str, expires: int) -> str:
        mac = hmac.new(self._key, f"{path}|{expires}".encode(), "sha256")
        return base64.urlsafe_b64encode(mac.digest()[:18]).decode()

    def link(self, path: str, now: datetime) -> str:
        # Rounded up to the next whole TTL step: the same link for a while, so browsers cache it.
        step = int(self.ttl.total_seconds())
        expires = (int(now.timestamp()) // step + 2) * step
        query = urlencode({"e": expires, "s": self._signature(path, expires)})
        return f"{self.PREFIX}{quote(path)}?{query}"

    def check(self, path: str, expires: str, signature: str, now: datetime) -> bool:
        """Is this a link we signed, not yet expired? ``expires`` is a Unix time of ASCII
        digits (at most 12: not ``²``, not five thousand digits)."""
        if not (expires.isascii() and expires.isdigit()) or len(expires) > 12:
            return False
        if int(expires) <= now.timestamp():
            return False
        return hmac.compare_digest(self._signature(path, int(expires)), signature)
