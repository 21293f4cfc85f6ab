"""Who is calling and in which street: built once per request (or per WebSocket connection)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from core.errors import DomainError, ErrorCode
from core.security import TokenError
from models.accounts import Session, User
from models.scoping import db_columns
from models.sql import Statement
from models.tenancy import Street
from resolvers.services import Services
from resolvers.sessions import Rows
from tenants.resolution import resolve_street


@dataclass
class Viewer:
    user: User | None = None
    session_id: int | None = None
    token_expires_at: datetime | None = None
    street: Street | None = None
    writable: bool = False
    auth_error: DomainError | None = None
    street_error: DomainError | None = None

    def require_user(self) -> User:
        if self.auth_error:
            raise self.auth_error
        if self.user is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED)
        return self.user

    def require_street(self) -> Street:
        self.require_user()
        if self.street_error:
            raise self.street_error
        if self.street is None:  # no street at all: X-Tenant cannot help
            raise DomainError(ErrorCode.TENANT_REQUIRED, "error.no_street")
        return self.street


@functools.cache
def _session_statement() -> Statement:
    session_fields, user_fields = db_columns(Session), db_columns(User)
    columns = ", ".join(
        [f's."{c}"' for c in session_fields] + [f'u."{c}" AS "u__{c}"' for c in user_fields]
    )
    return Statement(
        f'SELECT {columns} FROM "session" s JOIN "app_user" u ON u.id = s.user_id '
        "WHERE s.id = :session LIMIT 1",
        unscoped="sessions and accounts belong to no street",
    )


async def _session_rows(session_id: int) -> Rows | None:
    """The session's and its user's columns in one statement, as ``select_related("user")``
    would load them, without building the query anew for every request."""
    rows = await _session_statement().fetch(session=session_id)
    if not rows:
        return None
    row = rows[0]
    session_fields, user_fields = db_columns(Session), db_columns(User)
    return {c: row[c] for c in session_fields}, {c: row[f"u__{c}"] for c in user_fields}


async def _session_with_user(services: Services, session_id: int) -> Session | None:
    """The session and its user: kept in this worker for a few seconds (``SessionCache``),
    read from the database otherwise. Each call gets objects of its own."""
    cache = services.sessions
    rows = cache.get(session_id)
    if rows is None:
        generation = cache.generation
        rows = await _session_rows(session_id)
        if rows is None:
            return None
        session_row, user_row = rows
        if session_row["revoked_at"] is None and user_row["is_active"]:
            cache.keep(session_id, user_row["id"], rows, generation)
    session_row, user_row = rows
    session = Session._init_from_db(**session_row)
    session.user = User._init_from_db(**user_row)
    return session


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ""
    return token.strip()


async def authenticate(services: Services, authorization: str | None, tenant: str | None) -> Viewer:
    """Never raises: problems are kept on the viewer and raised by the first field that needs
    a user or a street, so public fields (login, health) keep working."""
    token = bearer_token(authorization)
    if token is None:
        return Viewer(auth_error=DomainError(ErrorCode.UNAUTHENTICATED))
    now = services.clock.now()
    try:
        claims = services.tokens.decode(token, "access", now)
    except TokenError as exc:
        code = ErrorCode.TOKEN_EXPIRED if exc.expired else ErrorCode.INVALID_TOKEN
        return Viewer(auth_error=DomainError(code))
    session = await _session_with_user(services, claims.session_id)
    if (
        session is None
        or session.user_id != claims.user_id
        or session.revoked_at is not None
        or session.expires_at <= now
        or not session.user.is_active
    ):
        return Viewer(auth_error=DomainError(ErrorCode.INVALID_TOKEN))
    viewer = Viewer(user=session.user, session_id=session.id, token_expires_at=claims.expires_at)
    try:
        # The caller's streets come from the role links the authorizer already holds (kept in
        # step with every role change), the street row from the in-process directory; a
        # street missing there is looked for again, boundedly (``Authorizer.recheck``).
        authorizer, user_id = services.authorizer, session.user_id
        access = await resolve_street(
            authorizer.streets_of(user_id),
            tenant or None,
            services.streets,
            refresh=lambda: authorizer.recheck(user_id),
        )
    except DomainError as exc:
        viewer.street_error = exc
        return viewer
    if access is not None:
        viewer.street = access.street
        viewer.writable = access.writable
    return viewer
