"""Pairing a big screen (大屏绑定), its DISPLAY account, listing and revoking it.

1. The screen asks for a pairing (``start_pairing``, no sign-in): a code of 8 letters and digits
   it shows, valid ``PAIRING_MINUTES``, and a device secret it keeps (only its digest is
   stored).
2. A street administrator enters the code (``pair_screen``), naming the screen and choosing what
   it shows: the street, or one community. That makes the street's ``Screen`` and its own
   account with the DISPLAY role (no password anyone knows).
3. The screen collects its tokens once (``collect_tokens``, with the code and its secret): a
   session of ``SCREEN_SESSION_DAYS``, renewed with the refresh token like any other.
4. Revoking (``revoke_screen``) ends the account and its sessions; the screen's open
   subscriptions close at once (the sessions' end reaches every worker).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import Membership, Role, Session, User
from models.columns import max_length
from models.scoping import street_scope
from models.screens import Screen, ScreenPairing
from models.tenancy import Community
from resolvers.auth import SignedIn, issue_tokens, revoke_all_sessions
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street
from resolvers.panels import ScopeKind
from resolvers.services import Services
from resolvers.stats.codes import StatsCode

PAIRING_MINUTES = 5
SCREEN_SESSION_DAYS = 365
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off a screen across a room
CODE_LENGTH = 8


def screen_gid(pk: int) -> str:
    return to_global_id("Screen", pk)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normal(code: str) -> str:
    """The code as the screen shows it (spaces dropped, upper case); a code of another length
    or alphabet names no pairing (PAIRING_UNKNOWN), before the table is asked."""
    found = "".join(code.split()).upper()
    if len(found) != CODE_LENGTH or any(ch not in ALPHABET for ch in found):
        raise Refused(StatsCode.PAIRING_UNKNOWN, "stats.pairing_unknown", "code")
    return found


@dataclass(frozen=True)
class Pairing:
    code: str
    device_secret: str
    expires_at: datetime


@dataclass(frozen=True)
class Collected:
    signed_in: SignedIn
    screen: Screen


async def start_pairing(services: Services) -> Pairing:
    """A new pairing code for a screen that has none (expired codes of a day ago are cleared)."""
    now = services.clock.now()
    secret = secrets.token_urlsafe(32)
    await ScreenPairing.filter(expires_at__lt=now - timedelta(days=1)).delete()
    for _ in range(5):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        try:
            await ScreenPairing.create(
                code=code,
                secret_digest=_digest(secret),
                created_at=now,
                expires_at=now + timedelta(minutes=PAIRING_MINUTES),
            )
        except IntegrityError:  # the same code drawn twice: draw again
            continue
        return Pairing(code, secret, now + timedelta(minutes=PAIRING_MINUTES))
    raise RuntimeError("no free pairing code after 5 draws")


async def pair_screen(
    caller: Caller, code: str, name: str, kind: ScopeKind, community_id: int | None
) -> Screen:
    """大屏绑定: the administrator claims the code a screen shows for the current street,
    showing the street or one of its communities."""
    name = validators.text(name, "name", max_length(Screen, "name"))
    if kind is ScopeKind.DISTRICT:
        raise Refused(ErrorCode.BAD_USER_INPUT, "stats.screen_not_district", "scope")
    if kind is ScopeKind.COMMUNITY and community_id is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "stats.community_required", "communityId")
    if kind is ScopeKind.STREET:
        community_id = None
    password_hash = await asyncio.to_thread(
        caller.services.passwords.hash, secrets.token_urlsafe(32)
    )
    async with changing(caller.services, caller.user) as change:
        community = (
            await in_street(Community, community_id, "communityId") if community_id else None
        )
        # A pairing code belongs to no street until it is claimed (a platform table).
        pairing = await ScreenPairing.filter(code=_normal(code)).select_for_update().first()
        if pairing is None:
            raise Refused(StatsCode.PAIRING_UNKNOWN, "stats.pairing_unknown", "code")
        if pairing.claimed_at is not None:
            raise Refused(StatsCode.PAIRING_USED, "stats.pairing_used", "code")
        if pairing.expires_at <= change.at:
            raise Refused(StatsCode.PAIRING_EXPIRED, "stats.pairing_expired", "code")
        account = await User.create(
            username=f"screen-{secrets.token_hex(6)}",
            display_name=name,
            password_hash=password_hash,
        )
        await Membership.create(user=account, role=Role.DISPLAY, granted_by=caller.user)
        screen = await Screen.create(
            name=name,
            community=community,
            account=account,
            paired_by=caller.user,
            paired_at=change.at,
        )
        pairing.street_id = change.street_id
        pairing.screen_pk = screen.id
        pairing.claimed_at = change.at
        await pairing.save(update_fields=["street_id", "screen_pk", "claimed_at"])
        await change.record(
            "screen.paired",
            screen_gid(screen.id),
            {"name": name, "community": community.name if community else None},
        )
    await caller.services.authorizer.assignments_changed([account.id])
    return screen


async def collect_tokens(services: Services, code: str, device_secret: str) -> Collected:
    """The screen's tokens, once, after an administrator claimed its code."""
    now = services.clock.now()
    async with in_transaction():
        pairing = await ScreenPairing.filter(code=_normal(code)).select_for_update().first()
        if pairing is None or not hmac.compare_digest(
            pairing.secret_digest, _digest(device_secret)
        ):
            raise Refused(StatsCode.PAIRING_UNKNOWN, "stats.pairing_unknown", "code")
        if pairing.collected_at is not None:
            raise Refused(StatsCode.PAIRING_USED, "stats.pairing_used", "code")
        if pairing.claimed_at is None:
            if pairing.expires_at <= now:
                raise Refused(StatsCode.PAIRING_EXPIRED, "stats.pairing_expired", "code")
            raise Refused(StatsCode.PAIRING_WAITING, "stats.pairing_waiting", "code")
        if pairing.claimed_at + timedelta(minutes=PAIRING_MINUTES) <= now:
            raise Refused(StatsCode.PAIRING_EXPIRED, "stats.pairing_expired", "code")
        pairing.collected_at = now
        await pairing.save(update_fields=["collected_at"])
        assert pairing.street_id is not None and pairing.screen_pk is not None
        with street_scope(pairing.street_id):
            screen = await Screen.get(id=pairing.screen_pk)
            account = await User.get(id=screen.account_id)
        session = await Session.create(
            user=account, created_at=now, expires_at=now + timedelta(days=SCREEN_SESSION_DAYS)
        )
    return Collected(await issue_tokens(services, session, account), screen)


async def list_screens() -> list[Screen]:
    return await Screen.all().order_by("-paired_at", "-id").limit(200)


async def revoke_screen(caller: Caller, screen_id: int) -> Screen:
    """Revoke a screen: its account can no longer sign in, its sessions end, its open
    subscriptions close at once."""
    async with changing(caller.services, caller.user) as change:
        screen = await in_street(Screen, screen_id, "screenId", for_update=True)
        if screen.revoked_at is not None:
            raise Refused(StatsCode.SCREEN_REVOKED, "stats.screen_revoked", "screenId")
        screen.revoked_at = change.at
        await screen.save(update_fields=["revoked_at"])
        await User.filter(id=screen.account_id).update(is_active=False)
        await revoke_all_sessions(caller.services, screen.account_id)
        await change.record("screen.revoked", screen_gid(screen.id), {"name": screen.name})
    await caller.services.sessions.revoked(user_ids=[screen.account_id])
    return screen


async def screen_of(user: User) -> Screen | None:
    """The screen this account is (None: a person, or a display account of old)."""
    return await Screen.filter(account_id=user.id).first()
