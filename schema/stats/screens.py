"""Pairing big screens (大屏绑定): the screen's two public steps, the administrator's three."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models.screens import Screen as ScreenRow
from models.screens import ScreenPairing as ScreenPairingRow
from models.tenancy import Community
from policies.capabilities.stats import SCREEN_MANAGE
from resolvers.panels import ScopeKind
from resolvers.stats import screens
from schema.accounts.mutations import LoginSuccess
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.permissions import Can, Public, field, mutation
from schema.relay import decode_id, to_global_id
from schema.stats.types import DashboardScope, DashboardScopeKind

DEVICE_SECRET_MAX = 64
"""A device secret is 43 characters (32 random bytes, URL-safe base64)."""


@strawberry.type(description="一块大屏: a paired screen, what it shows, until revoked.")
class Screen:
    id: strawberry.ID
    name: str
    scope: DashboardScopeKind
    community_id: strawberry.ID | None
    paired_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, row: ScreenRow) -> Screen:
        return cls(
            id=strawberry.ID(to_global_id("Screen", row.id)),
            name=row.name,
            scope=DashboardScopeKind.COMMUNITY if row.community_id else DashboardScopeKind.STREET,
            community_id=strawberry.ID(to_global_id("Community", row.community_id))
            if row.community_id
            else None,
            paired_at=row.paired_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(
    description="A pairing code for the screen to show, and the device secret it "
    "keeps to collect its tokens once the code is claimed."
)
class ScreenPairingSuccess:
    code: str
    device_secret: str
    expires_at: datetime


@strawberry.type
class ScreenSuccess:
    screen: Screen


@strawberry.type(description="The screen's own tokens (its DISPLAY account) and what it shows.")
class ScreenTokensSuccess:
    tokens: LoginSuccess
    screen: Screen


@strawberry.input
class PairScreenInput:
    code: str = text(ScreenPairingRow, "code", description="The code the screen shows.")
    name: str = text(ScreenRow, "name", description="What to call it (e.g. 一楼大厅).")
    scope: DashboardScope = strawberry.field(default_factory=DashboardScope)


@strawberry.input
class CollectScreenTokensInput:
    code: str = text(ScreenPairingRow, "code")
    device_secret: str = text(max=DEVICE_SECRET_MAX)


PairScreenPayload = Annotated[ScreenSuccess | InputError, strawberry.union("PairScreenPayload")]
RevokeScreenPayload = Annotated[ScreenSuccess | InputError, strawberry.union("RevokeScreenPayload")]
StartScreenPairingPayload = Annotated[
    ScreenPairingSuccess | InputError, strawberry.union("StartScreenPairingPayload")
]
CollectScreenTokensPayload = Annotated[
    ScreenTokensSuccess | InputError, strawberry.union("CollectScreenTokensPayload")
]


@strawberry.type
class ScreensQuery:
    @field(requires=Can(SCREEN_MANAGE), description="The street's paired screens, newest first.")
    async def screens(self, info: Info) -> list[Screen]:
        caller(info)
        return [Screen.from_model(s) for s in await screens.list_screens()]


@strawberry.type
class ScreensMutation:
    @mutation(
        requires=Public(),
        description="A screen asks for a pairing code to show (valid 5 minutes) and a device "
        "secret to keep. No sign-in.",
    )
    async def start_screen_pairing(self, info: Info) -> StartScreenPairingPayload:
        found = await screens.start_pairing(info.context.services)
        return ScreenPairingSuccess(
            code=found.code, device_secret=found.device_secret, expires_at=found.expires_at
        )

    @mutation(
        requires=Public(),
        description="The screen collects its tokens, once, after an administrator claimed its "
        "code: PAIRING_WAITING until then (ask again), PAIRING_USED after, PAIRING_EXPIRED "
        "when the code's minutes are over.",
    )
    async def collect_screen_tokens(
        self, info: Info, input: CollectScreenTokensInput
    ) -> CollectScreenTokensPayload:
        found = await screens.collect_tokens(info.context.services, input.code, input.device_secret)
        return ScreenTokensSuccess(
            tokens=LoginSuccess.from_result(found.signed_in), screen=Screen.from_model(found.screen)
        )

    @mutation(
        requires=Can(SCREEN_MANAGE),
        description="大屏绑定: claim the code a screen shows for this street, naming it and "
        "choosing what it shows (the street, or one community). PAIRING_UNKNOWN, "
        "PAIRING_EXPIRED or PAIRING_USED otherwise.",
    )
    async def pair_screen(self, info: Info, input: PairScreenInput) -> PairScreenPayload:
        community = (
            decode_id(input.scope.community_id, Community.__name__, "communityId")
            if input.scope.community_id is not None
            else None
        )
        screen = await screens.pair_screen(
            caller(info), input.code, input.name, ScopeKind(input.scope.kind.value), community
        )
        return ScreenSuccess(screen=Screen.from_model(screen))

    @mutation(
        requires=Can(SCREEN_MANAGE),
        description="Revoke a screen: its tokens stop working and its live dashboard closes.",
    )
    async def revoke_screen(self, info: Info, id: strawberry.ID) -> RevokeScreenPayload:
        screen = await screens.revoke_screen(caller(info), decode_id(id, "Screen", "id"))
        return ScreenSuccess(screen=Screen.from_model(screen))
