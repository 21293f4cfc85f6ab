"""Representatives (人大代表) and deliberators (议事员) with contact QR codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import outreach as o
from policies.capabilities.people import DELEGATE_FIND, DELEGATE_MANAGE, DELEGATE_READ
from resolvers.people import delegates
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text, text_argument
from schema.people.common import ids, optional_id
from schema.permissions import Can, Public, field, mutation
from schema.relay import Node, decode_id, to_global_id

DelegateKind = o.DelegateKind
DelegateLevel = o.DelegateLevel
strawberry.enum(
    DelegateKind, name="DelegateKind", description="REPRESENTATIVE 人大代表 · DELIBERATOR 议事员"
)
strawberry.enum(
    DelegateLevel, name="DelegateLevel", description="CITY 市级 · DISTRICT 区级 · STREET 街道级"
)


@strawberry.type(description="议事组: a group of deliberators.")
class DeliberatorGroup(Node):
    name: str

    @classmethod
    def from_model(cls, row: o.DeliberatorGroup) -> DeliberatorGroup:
        return cls(id=to_global_id("DeliberatorGroup", row.id), name=row.name)


@strawberry.type(
    description="联系二维码: a deep link with an opaque token, as PNG (base64) and SVG. "
    "Revoking it makes the public card unreachable."
)
class ContactCode(Node):
    token: str
    deep_link: str
    created_at: datetime
    revoked_at: datetime | None

    @strawberry.field(description="The QR code as an SVG document.")
    def svg(self) -> str:
        return delegates.qr_svg(self.deep_link)

    @strawberry.field(description="The QR code as a PNG image, base64-encoded.")
    def png_base64(self) -> str:
        return delegates.qr_png_base64(self.deep_link)

    @classmethod
    def from_model(cls, info: Info, row: o.ContactCode) -> ContactCode:
        return cls(
            id=to_global_id("ContactCode", row.id),
            token=row.token,
            deep_link=delegates.deep_link(info.context.services, row.token),
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(description="A representative (人大代表) or deliberator (议事员), for staff.")
class Delegate(Node):
    kind: DelegateKind
    name: str
    level: DelegateLevel | None
    constituency: str = strawberry.field(description="选区")
    liaison_station: str = strawberry.field(description="联络站")
    introduction: str
    pk: strawberry.Private[int]

    @strawberry.field(description="Contact QR codes, revoked ones included.")
    async def contact_codes(self, info: Info) -> list[ContactCode]:
        return [ContactCode.from_model(info, row) for row in await delegates.codes_of(self.pk)]

    @classmethod
    def from_model(cls, row: o.Delegate) -> Delegate:
        return cls(
            id=to_global_id("Delegate", row.id),
            kind=row.kind,
            name=row.name,
            level=row.level,
            constituency=row.constituency,
            liaison_station=row.liaison_station,
            introduction=row.introduction,
            pk=row.id,
        )


@strawberry.type(description="A delegate's public card: what a QR scan shows (no sign-in).")
class PublicCard:
    kind: DelegateKind
    name: str
    level: DelegateLevel | None
    constituency: str
    liaison_station: str
    introduction: str
    street_name: str
    communities: list[str]
    delegate_id: strawberry.ID

    @classmethod
    def from_card(cls, card: delegates.PublicCard) -> PublicCard:
        d = card.delegate
        return cls(
            kind=d.kind,
            name=d.name,
            level=d.level,
            constituency=d.constituency,
            liaison_station=d.liaison_station,
            introduction=d.introduction,
            street_name=card.street.name,
            communities=card.communities,
            delegate_id=to_global_id("Delegate", d.id),
        )


@strawberry.input(description="A representative or deliberator profile.")
class CreateDelegateInput:
    kind: DelegateKind
    name: str = text(o.Delegate, "name")
    level: DelegateLevel | None = None
    constituency: str = text(o.Delegate, "constituency", default="")
    liaison_station: str = text(o.Delegate, "liaison_station", default="")
    introduction: str = text(o.Delegate, "introduction", default="")
    group_id: strawberry.ID | None = None
    community_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Communities served (whole community)."
    )
    grid_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Grids served (within their community)."
    )
    account_id: strawberry.ID | None = None


@strawberry.input
class CreateDeliberatorGroupInput:
    name: str = text(o.DeliberatorGroup, "name")


@strawberry.input
class IssueContactCodeInput:
    delegate_id: strawberry.ID


@strawberry.input
class RevokeContactCodeInput:
    code_id: strawberry.ID


@strawberry.type
class DelegateSuccess:
    delegate: Delegate


@strawberry.type
class DeliberatorGroupSuccess:
    group: DeliberatorGroup


@strawberry.type
class ContactCodeSuccess:
    contact_code: ContactCode


DelegatePayload = Annotated[DelegateSuccess | InputError, strawberry.union("DelegatePayload")]
DeliberatorGroupPayload = Annotated[
    DeliberatorGroupSuccess | InputError, strawberry.union("DeliberatorGroupPayload")
]
ContactCodePayload = Annotated[
    ContactCodeSuccess | InputError, strawberry.union("ContactCodePayload")
]
PublicCardResult = Annotated[PublicCard | InputError, strawberry.union("PublicCardResult")]


@strawberry.type
class DelegatesQuery:
    @field(
        requires=Can(DELEGATE_READ),
        description="Representatives and deliberators of the street (人大代表、议事员).",
    )
    async def delegates(
        self,
        info: Info,
        kind: DelegateKind | None = None,
        group_id: strawberry.ID | None = None,
    ) -> list[Delegate]:
        group = optional_id(group_id, "DeliberatorGroup", "groupId")
        rows = await delegates.list_delegates(o.DelegateKind(kind) if kind else None, group)
        return [Delegate.from_model(row) for row in rows]

    @field(
        requires=Can(DELEGATE_FIND),
        description="找代表: the representatives and deliberators serving my grid or community.",
    )
    async def find_my_representatives(self, info: Info) -> list[PublicCard]:
        cards = await delegates.find_my_representatives(caller(info))
        return [PublicCard.from_card(card) for card in cards]

    @field(
        requires=Public(),
        description="扫码: the public card behind a contact QR token. A revoked token is a "
        "typed error (REVOKED), an unknown one NOT_FOUND.",
    )
    async def contact_card(
        self, info: Info, token: Annotated[str, text_argument(o.ContactCode, "token")]
    ) -> PublicCardResult:
        return PublicCard.from_card(await delegates.public_card(token))


@strawberry.type
class DelegatesMutation:
    @mutation(
        requires=Can(DELEGATE_MANAGE),
        description="Create a representative (人大代表, with level) or deliberator (议事员).",
    )
    async def create_delegate(self, info: Info, input: CreateDelegateInput) -> DelegatePayload:
        row = await delegates.create_delegate(
            caller(info),
            delegates.DelegateDraft(
                kind=o.DelegateKind(input.kind),
                name=input.name,
                level=o.DelegateLevel(input.level) if input.level else None,
                constituency=input.constituency,
                liaison_station=input.liaison_station,
                introduction=input.introduction,
                group_id=optional_id(input.group_id, "DeliberatorGroup", "groupId"),
                community_ids=ids(input.community_ids, "Community", "communityIds"),
                grid_ids=ids(input.grid_ids, "Grid", "gridIds"),
                user_id=optional_id(input.account_id, "Account", "accountId"),
            ),
        )
        return DelegateSuccess(delegate=Delegate.from_model(row))

    @mutation(requires=Can(DELEGATE_MANAGE), description="Create a deliberator group (议事组).")
    async def create_deliberator_group(
        self, info: Info, input: CreateDeliberatorGroupInput
    ) -> DeliberatorGroupPayload:
        row = await delegates.create_group(caller(info), input.name)
        return DeliberatorGroupSuccess(group=DeliberatorGroup.from_model(row))

    @mutation(
        requires=Can(DELEGATE_MANAGE),
        description="Issue a new contact QR code (联系二维码) for a delegate.",
    )
    async def issue_contact_code(
        self, info: Info, input: IssueContactCodeInput
    ) -> ContactCodePayload:
        pk = decode_id(input.delegate_id, "Delegate", "delegateId")
        row = await delegates.issue_code(caller(info), pk)
        return ContactCodeSuccess(contact_code=ContactCode.from_model(info, row))

    @mutation(
        requires=Can(DELEGATE_MANAGE),
        description="Revoke a contact QR code: scanning it no longer shows the card.",
    )
    async def revoke_contact_code(
        self, info: Info, input: RevokeContactCodeInput
    ) -> ContactCodePayload:
        pk = decode_id(input.code_id, "ContactCode", "codeId")
        row = await delegates.revoke_code(caller(info), pk)
        return ContactCodeSuccess(contact_code=ContactCode.from_model(info, row))
