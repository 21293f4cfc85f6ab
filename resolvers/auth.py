"""Signing in and out: argon2 passwords, sessions, access and refresh tokens, throttling."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from core.errors import ErrorCode, Refused
from core.security import TokenError
from models.accounts import Session, User
from resolvers.services import Services


@dataclass(frozen=True)
class SignedIn:
    user: User
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def _throttle_keys(username: str, client_address: str | None) -> list[str]:
    keys = [f"login:user:{username.strip().lower()}"]
    if client_address:
        keys.append(f"login:addr:{client_address}")
    return keys


async def issue_tokens(services: Services, session: Session, user: User) -> SignedIn:
    now = services.clock.now()
    access, access_exp = services.tokens.issue(user.id, session.id, "access", now)
    refresh, refresh_exp = services.tokens.issue(
        user.id, session.id, "refresh", now, generation=session.refresh_counter
    )
    return SignedIn(user, access, access_exp, refresh, refresh_exp)


async def login(
    services: Services, username: str, password: str, client_address: str | None
) -> SignedIn:
    """Check a password. The answer for an unknown user and a wrong password is the same
    (``Refused``), costs the same, and counts against both the account name and the client
    address.

    Each attempt is counted *before* its password is checked, by one atomic increment per key
    (Redis ``INCR``, or the in-process counter with no await in between) whose answer decides
    whether it is checked at all: of 32 attempts sent at once, the first
    ``login_max_failures`` are checked and the rest refused unseen. A success takes its count
    back (and clears the account's). A password longer than ``max_password_length`` is refused
    before anything is hashed or counted."""
    settings = services.settings
    if len(password) > settings.max_password_length:
        raise Refused(
            ErrorCode.BAD_USER_INPUT, "input.too_long", "password", max=settings.max_password_length
        )
    keys = _throttle_keys(username, client_address)
    attempts = 0
    for key in keys:
        count, retry_after = await services.login_failures.hit(key)
        attempts = max(attempts, count)
        if count > settings.login_max_failures:
            services.metrics.login_failures.labels("throttled").inc()
            raise Refused(
                ErrorCode.TOO_MANY_ATTEMPTS,
                "auth.too_many_attempts",
                None,
                seconds=retry_after or settings.login_window_seconds,
            )
    user = await User.get_or_none(username=username.strip()) if username.strip() else None
    password_ok = await asyncio.to_thread(
        services.passwords.verify, user.password_hash if user else None, password
    )
    if user is None or not password_ok or not user.is_active:
        services.metrics.login_failures.labels("invalid_credentials").inc()
        await asyncio.sleep(min(attempts * settings.login_failure_delay_ms, 3000) / 1000)
        raise Refused(ErrorCode.INVALID_CREDENTIALS, "auth.invalid_credentials")
    await services.login_failures.clear(keys[0])
    for key in keys[1:]:
        await services.login_failures.release(key)
    if services.passwords.needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(services.passwords.hash, password)
        await user.save(update_fields=["password_hash"])
    now = services.clock.now()
    session = await Session.create(
        user=user, created_at=now, expires_at=now + services.tokens.refresh_ttl
    )
    return await issue_tokens(services, session, user)


def _invalid_refresh() -> Refused:
    return Refused(ErrorCode.INVALID_TOKEN, "auth.invalid_refresh_token", "refreshToken")


async def refresh(services: Services, refresh_token: str) -> SignedIn:
    """Swap a refresh token for a new pair. Each refresh token works once: presenting an old
    one again (a sign of theft) ends the whole session, and that end is kept (committed)
    before the refusal."""
    now = services.clock.now()
    try:
        claims = services.tokens.decode(refresh_token, "refresh", now)
    except TokenError as exc:
        raise _invalid_refresh() from exc
    reused = False
    async with in_transaction():
        session = await Session.filter(id=claims.session_id).select_for_update().first()
        if (
            session is None
            or session.user_id != claims.user_id
            or session.revoked_at is not None
            or session.expires_at <= now
        ):
            raise _invalid_refresh()
        if claims.generation != session.refresh_counter:
            session.revoked_at = now
            await session.save(update_fields=["revoked_at"])
            reused = True
        else:
            user = await User.get(id=session.user_id)
            if not user.is_active:
                raise _invalid_refresh()
            session.refresh_counter += 1
            await session.save(update_fields=["refresh_counter"])
    if reused:  # committed: now every worker forgets the session
        await services.sessions.revoked(session_ids=[session.id])
        raise _invalid_refresh()
    return await issue_tokens(services, session, user)


async def logout(services: Services, session_id: int) -> None:
    await Session.filter(id=session_id, revoked_at=None).update(revoked_at=services.clock.now())
    await services.sessions.revoked(session_ids=[session_id])


async def revoke_all_sessions(services: Services, user_id: int) -> int:
    """Ends every session of the user. It runs inside the caller's transaction: once that has
    committed, the caller tells the workers (``services.sessions.revoked(user_ids=…)``)."""
    return await Session.filter(user_id=user_id, revoked_at=None).update(
        revoked_at=services.clock.now()
    )
