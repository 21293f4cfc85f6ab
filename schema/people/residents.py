"""Residents (居民) and tags (标签). Personal data is masked without `resident:pii`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import strawberry

from core.identity import mask_phone
from models import people as m
from models.people import Building as BuildingRow
from models.tenancy import Grid as GridRow
from policies.capabilities.people import (
    RESIDENT_MANAGE,
    RESIDENT_READ,
    RESIDENT_TAG,
    TAG_MANAGE,
    TAG_READ,
)
from resolvers.people import residents
from resolvers.people.access import my_resident
from resolvers.people.residents import load_tags_of_residents
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import SEARCH_MAX_LENGTH, TYPED_NUMBER_MAX_LENGTH, text
from schema.people.common import ids, optional_id
from schema.people.places import Building
from schema.permissions import Can, SignedIn, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id
from schema.tenancy.types import Grid


@strawberry.type(
    description="A resident tag of the street (残疾人, 独居老人, 留守老人, 退役军人…)."
)
class Tag(Node):
    name: str

    @classmethod
    def from_model(cls, row: m.Tag) -> Tag:
        return cls(id=to_global_id("Tag", row.id), name=row.name)


@strawberry.type(
    description="居民: a resident. `phone`, `idNumber` and `address` are masked or null unless "
    "the caller holds `resident:pii`. The ID-card number is never stored whole: `idNumber` is "
    "at most the masked form 420105********1234."
)
class Resident(Node):
    name: str
    household: str = strawberry.field(description="户号: the household the resident belongs to.")
    phone: str | None = strawberry.field(description="Mobile, masked (138****5678) without pii.")
    id_number: str | None = strawberry.field(
        description="Masked ID-card number (420105********1234), null without pii."
    )
    address: str | None = strawberry.field(description="Address, null without pii.")
    pii_visible: bool = strawberry.field(description="Whether personal data is shown unmasked.")
    has_account: bool = strawberry.field(description="Linked to a mini-program account.")
    pk: strawberry.Private[int]
    grid_id: strawberry.Private[int | None]
    building_id: strawberry.Private[int | None]

    @strawberry.field(description="The grid (网格) the resident lives in.")
    async def grid(self, info: Info) -> Grid | None:
        if self.grid_id is None:
            return None
        row = await info.context.loaders.by_id(GridRow).load(self.grid_id)
        return Grid.from_model(row) if row else None

    @strawberry.field(description="The building (楼栋).")
    async def building(self, info: Info) -> Building | None:
        if self.building_id is None:
            return None
        row = await info.context.loaders.by_id(BuildingRow).load(self.building_id)
        return Building.from_model(row) if row else None

    @strawberry.field(description="The resident's tags.")
    async def tags(self, info: Info) -> list[Tag]:
        return [
            Tag.from_model(t)
            for t in await info.context.loaders.of(load_tags_of_residents).load(self.pk)
        ]

    @classmethod
    def from_model(cls, row: m.Resident, pii: bool) -> Resident:
        phone = row.phone if pii else (mask_phone(row.phone) if row.phone else None)
        return cls(
            id=to_global_id("Resident", row.id),
            name=row.name,
            household=row.household,
            phone=phone or None,
            id_number=row.id_masked if pii else None,
            address=row.address if pii else None,
            pii_visible=pii,
            has_account=row.user_id is not None,
            pk=row.id,
            grid_id=row.grid_id,
            building_id=row.building_id,
        )


def resident_converter(info: Info) -> Callable[[m.Resident], Resident]:
    pii = caller(info).sees_pii
    return lambda row: Resident.from_model(row, pii)


@strawberry.input(description="Which residents: all filters combine (AND).")
class ResidentFilter:
    tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Residents with any of these tags."
    )
    building_id: strawberry.ID | None = None
    grid_id: strawberry.ID | None = None
    search: str | None = text(
        max=SEARCH_MAX_LENGTH,
        default=None,
        description="Name or household; a full ID number matches by hash; phone and address "
        "need pii.",
    )


def _filter(flt: ResidentFilter | None, mine: bool) -> residents.ResidentFilter:
    flt = flt or ResidentFilter()
    return residents.ResidentFilter(
        tag_ids=ids(flt.tag_ids, "Tag", "tagIds"),
        building_id=optional_id(flt.building_id, "Building", "buildingId"),
        grid_id=optional_id(flt.grid_id, "Grid", "gridId"),
        search=flt.search,
        only_my_grids=mine,
    )


@strawberry.input(description="Register a resident (居民登记).")
class RegisterResidentInput:
    name: str = text(m.Resident, "name")
    id_number: str = text(
        max=TYPED_NUMBER_MAX_LENGTH,
        description="18-digit ID-card number (checked, never stored).",
    )
    phone: str = text(max=TYPED_NUMBER_MAX_LENGTH, default="")
    address: str = text(m.Resident, "address", default="")
    household: str = text(m.Resident, "household", default="")
    grid_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = strawberry.field(
        default=None, description="A building alone implies its grid."
    )
    tag_ids: list[strawberry.ID] | None = None


@strawberry.input(description="Tag and untag a resident (打标签).")
class TagResidentInput:
    resident_id: strawberry.ID
    add_tag_ids: list[strawberry.ID] | None = None
    remove_tag_ids: list[strawberry.ID] | None = None


@strawberry.input(description="Link a resident to a signed-in account (mini-program login).")
class LinkResidentAccountInput:
    resident_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.input
class CreateTagInput:
    name: str = text(m.Tag, "name")


@strawberry.input
class RenameTagInput:
    tag_id: strawberry.ID
    name: str = text(m.Tag, "name")


@strawberry.input
class DeleteTagInput:
    tag_id: strawberry.ID


@strawberry.type
class ResidentSuccess:
    resident: Resident


@strawberry.type
class TagSuccess:
    tag: Tag


ResidentPayload = Annotated[ResidentSuccess | InputError, strawberry.union("ResidentPayload")]
TagPayload = Annotated[TagSuccess | InputError, strawberry.union("TagPayload")]


@strawberry.type
class ResidentsQuery:
    @field(requires=Can(TAG_READ), description="The street's resident tags (居民标签).")
    async def tags(self, info: Info) -> list[Tag]:
        return [Tag.from_model(row) for row in await residents.list_tags()]

    @field(
        requires=Can(RESIDENT_READ),
        description="Residents (居民). Grid chiefs and grid workers see the residents of their "
        "own grids only.",
    )
    async def residents(
        self,
        info: Info,
        filter: ResidentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Resident]:
        page = await residents.list_residents(caller(info), _filter(filter, False), first, after)
        return Connection.from_page(page, resident_converter(info))

    @field(
        requires=Can(RESIDENT_READ),
        description="网格长工作台: the residents of the grids I serve, by tag, building or text.",
    )
    async def my_residents(
        self,
        info: Info,
        filter: ResidentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Resident]:
        page = await residents.list_residents(caller(info), _filter(filter, True), first, after)
        return Connection.from_page(page, resident_converter(info))

    @field(
        requires=SignedIn(street=True),
        description="My own resident record (我的居民信息), if my account is linked to one. "
        "Shows my own data unmasked.",
    )
    async def my_resident_record(self, info: Info) -> Resident | None:
        row = await my_resident(caller(info).user.id)
        return Resident.from_model(row, True) if row else None


@strawberry.type
class ResidentsMutation:
    @mutation(
        requires=Can(RESIDENT_MANAGE),
        description="Register a resident (居民登记): CN mobile and 18-digit ID number are "
        "validated. Grid chiefs register into their own grids only.",
    )
    async def register_resident(self, info: Info, input: RegisterResidentInput) -> ResidentPayload:
        who = caller(info)
        row = await residents.register_resident(
            who,
            name=input.name,
            phone=input.phone,
            id_number=input.id_number,
            address=input.address,
            household=input.household,
            grid_id=optional_id(input.grid_id, "Grid", "gridId"),
            building_id=optional_id(input.building_id, "Building", "buildingId"),
            tag_ids=ids(input.tag_ids, "Tag", "tagIds"),
        )
        return ResidentSuccess(resident=Resident.from_model(row, who.sees_pii))

    @mutation(
        requires=Can(RESIDENT_TAG),
        description="Tag and untag a resident (打标签). An unknown tag changes nothing.",
    )
    async def tag_resident(self, info: Info, input: TagResidentInput) -> ResidentPayload:
        who = caller(info)
        row = await residents.set_tags(
            who,
            decode_id(input.resident_id, "Resident", "residentId"),
            ids(input.add_tag_ids, "Tag", "addTagIds"),
            ids(input.remove_tag_ids, "Tag", "removeTagIds"),
        )
        return ResidentSuccess(resident=Resident.from_model(row, who.sees_pii))

    @mutation(
        requires=Can(RESIDENT_MANAGE),
        description="Link a resident record to an account of the street (小程序登录).",
    )
    async def link_resident_account(
        self, info: Info, input: LinkResidentAccountInput
    ) -> ResidentPayload:
        who = caller(info)
        row = await residents.link_account(
            who,
            decode_id(input.resident_id, "Resident", "residentId"),
            decode_id(input.account_id, "Account", "accountId"),
        )
        return ResidentSuccess(resident=Resident.from_model(row, who.sees_pii))

    @mutation(requires=Can(TAG_MANAGE), description="Add a resident tag (新增标签).")
    async def create_tag(self, info: Info, input: CreateTagInput) -> TagPayload:
        row = await residents.create_tag(caller(info), input.name)
        return TagSuccess(tag=Tag.from_model(row))

    @mutation(requires=Can(TAG_MANAGE), description="Rename a resident tag.")
    async def rename_tag(self, info: Info, input: RenameTagInput) -> TagPayload:
        pk = decode_id(input.tag_id, "Tag", "tagId")
        row = await residents.rename_tag(caller(info), pk, input.name)
        return TagSuccess(tag=Tag.from_model(row))

    @mutation(requires=Can(TAG_MANAGE), description="Delete a resident tag and untag everyone.")
    async def delete_tag(self, info: Info, input: DeleteTagInput) -> TagPayload:
        pk = decode_id(input.tag_id, "Tag", "tagId")
        return TagSuccess(tag=Tag.from_model(await residents.delete_tag(caller(info), pk)))
