"""Residents (居民) and their tags: registration, look-up, the grid row rule, tagging."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery

from core import validators
from core.errors import ErrorCode, Refused
from core.identity import (
    IdHasher,
    is_valid_id_number,
    mask_id_number,
    normalize_id_number,
    normalize_phone,
)
from core.ids import to_global_id
from models.columns import column, max_length
from models.people import DEFAULT_TAGS, Building, Resident, ResidentTag, Tag
from models.tenancy import Grid, Street
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import member
from resolvers.pagination import Page, keyset_page
from resolvers.people.access import my_grid_ids, visible_grid_ids, visible_residents
from resolvers.services import Services

# Events about residents say which record changed, never who the person is, and only staff who
# may read residents see them in the street's stream (not big screens).
RESIDENT_EVENTS = "resident:read"


def id_hasher(services: Services) -> IdHasher:
    assert services.settings.secret_key
    return IdHasher(services.settings.secret_key)


@dataclass
class PersonFields:
    """A resident's own data, normalized, and every refusal of it (an import reports them
    all for its row; registering one resident refuses with the first)."""

    name: str
    phone: str
    id_number: str
    refusals: list[Refused] = field(default_factory=list)


def check_person(name: str, phone: str, id_number: str) -> PersonFields:
    found = PersonFields(name.strip(), normalize_phone(phone), normalize_id_number(id_number))
    checks: list[Callable[[], object]] = [
        lambda: validators.text(name, "name", max_length(Resident, "name")),
        lambda: validators.phone(phone),
        lambda: validators.id_number(id_number),
    ]
    for check in checks:
        try:
            check()
        except Refused as refusal:
            found.refusals.append(refusal)
    return found


async def tags_by_ids(tag_ids: Sequence[int], field_name: str = "tagIds") -> list[Tag]:
    wanted = set(tag_ids)
    rows = await Tag.filter(id__in=list(wanted)) if wanted else []
    if len(rows) != len(wanted):
        raise Refused(ErrorCode.NOT_FOUND, "input.unknown_tag", field_name, tag="?")
    return list(rows)


@dataclass
class Placement:
    grid: Grid | None
    building: Building | None


async def placement(grid_id: int | None, building_id: int | None) -> Placement:
    """The grid and building of a resident: a building alone implies its grid."""
    building = None
    if building_id is not None:
        building = await Building.filter(id=building_id).first()
        if building is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.building_not_found", "buildingId")
    grid = None
    if grid_id is not None:
        grid = await Grid.filter(id=grid_id).first()
        if grid is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
    elif building is not None and building.grid_id is not None:
        grid = await Grid.filter(id=building.grid_id).first()
    return Placement(grid, building)


async def register_resident(
    caller: Caller,
    *,
    name: str,
    phone: str,
    id_number: str,
    address: str = "",
    household: str = "",
    grid_id: int | None = None,
    building_id: int | None = None,
    tag_ids: Sequence[int] = (),
) -> Resident:
    person = check_person(name, phone, id_number)
    if person.refusals:
        raise person.refusals[0]
    address = validators.text(address, "address", max_length(Resident, "address"), required=False)
    household = validators.text(
        household, "household", max_length(Resident, "household"), required=False
    )
    place = await placement(grid_id, building_id)
    tags = await tags_by_ids(tag_ids)
    grids = await visible_grid_ids(caller)
    if grids is not None and (place.grid is None or place.grid.id not in grids):
        raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
    id_hash = id_hasher(caller.services).hash(person.id_number)
    if await Resident.exists(id_hash=id_hash):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.resident_exists", "idNumber")
    try:
        async with changing(caller.services, caller.user) as change:
            resident = await Resident.create(
                name=person.name,
                phone=person.phone,
                id_hash=id_hash,
                id_masked=mask_id_number(person.id_number),
                address=address,
                household=household,
                building=place.building,
                grid=place.grid,
                community_id=place.grid.community_id if place.grid else None,
            )
            for tag in tags:
                await ResidentTag.create(resident=resident, tag=tag)
            await change.record(
                "resident.registered",
                to_global_id("Resident", resident.id),
                {
                    "grid": to_global_id("Grid", place.grid.id) if place.grid else None,
                    "building": to_global_id("Building", place.building.id)
                    if place.building
                    else None,
                    "tags": sorted(to_global_id("Tag", tag.id) for tag in tags),
                },
                visibility=RESIDENT_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.resident_exists", "idNumber") from exc
    return resident


async def visible_resident(caller: Caller, pk: int, field_name: str = "residentId") -> Resident:
    """A resident the caller may see, or NOT_FOUND (other streets, other grids)."""
    row = await (await visible_residents(caller)).filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.resident_not_found", field_name)
    return row


@dataclass(frozen=True)
class ResidentFilter:
    tag_ids: Sequence[int] = ()
    building_id: int | None = None
    grid_id: int | None = None
    search: str | None = None
    only_my_grids: bool = False


async def list_residents(
    caller: Caller, flt: ResidentFilter, first: int | None, after: str | None
) -> Page[Resident]:
    query = await visible_residents(caller)
    if flt.only_my_grids:
        query = query.filter(grid_id__in=await my_grid_ids(caller.user.id))
    if flt.tag_ids:
        query = query.filter(
            id__in=Subquery(ResidentTag.filter(tag_id__in=list(flt.tag_ids)).values("resident_id"))
        )
    if flt.building_id is not None:
        query = query.filter(building_id=flt.building_id)
    if flt.grid_id is not None:
        query = query.filter(grid_id=flt.grid_id)
    if flt.search and flt.search.strip():
        text = flt.search.strip()
        condition = Q(name__icontains=text) | Q(household__icontains=text)
        number = normalize_id_number(text)
        if is_valid_id_number(number):
            condition |= Q(id_hash=id_hasher(caller.services).hash(number))
        if caller.sees_pii:
            condition |= Q(phone__contains=normalize_phone(text)) | Q(address__icontains=text)
        query = query.filter(condition)
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def resident_tags(resident_ids: Sequence[int]) -> dict[int, list[Tag]]:
    links = await ResidentTag.filter(resident_id__in=list(set(resident_ids))).select_related("tag")
    found: dict[int, list[Tag]] = {pk: [] for pk in resident_ids}
    for link in sorted(links, key=lambda row: row.tag.name):
        found.setdefault(link.resident_id, []).append(link.tag)
    return found


async def set_tags(
    caller: Caller, resident_id: int, add: Sequence[int], remove: Sequence[int]
) -> Resident:
    """Tag and untag a resident the caller may see. Unknown tags: nothing changes."""
    resident = await visible_resident(caller, resident_id)
    await tags_by_ids([*add, *remove])
    async with changing(caller.services, caller.user) as change:
        before = set(
            await column(
                ResidentTag.filter(resident_id=resident.id).select_for_update(), "tag_id", int
            )
        )
        if remove:
            await ResidentTag.filter(resident_id=resident.id, tag_id__in=list(remove)).delete()
        added = sorted(set(add) - before - set(remove))
        for tag_id in added:
            await ResidentTag.create(resident_id=resident.id, tag_id=tag_id)
        removed = sorted(before & set(remove))
        if added or removed:
            await change.record(
                "resident.tagged",
                to_global_id("Resident", resident.id),
                {
                    "added": [to_global_id("Tag", pk) for pk in added],
                    "removed": [to_global_id("Tag", pk) for pk in removed],
                },
                visibility=RESIDENT_EVENTS,
            )
    return resident


async def link_account(caller: Caller, resident_id: int, user_id: int) -> Resident:
    """A resident record becomes the record of a signed-in user (mini-program login)."""
    resident = await visible_resident(caller, resident_id)
    await member(user_id, "accountId")
    if await Resident.filter(user_id=user_id).exclude(id=resident.id).exists():
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.account_already_linked", "accountId")
    async with changing(caller.services, caller.user) as change:
        resident.user_id = user_id
        await resident.save(update_fields=["user_id"])
        await change.record(
            "resident.account_linked",
            to_global_id("Resident", resident.id),
            {"account": to_global_id("Account", user_id)},
            visibility=RESIDENT_EVENTS,
        )
    return resident


# -- tags -------------------------------------------------------------------------------
async def list_tags() -> list[Tag]:
    return list(await Tag.all().order_by("name"))


def _tag_name(name: str) -> str:
    return validators.text(name, "name", max_length(Tag, "name"))


async def create_tag(caller: Caller, name: str) -> Tag:
    name = _tag_name(name)
    if await Tag.exists(name=name):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    try:
        async with changing(caller.services, caller.user) as change:
            tag = await Tag.create(name=name)
            await change.record("tag.created", to_global_id("Tag", tag.id), {"name": name})
        return tag
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc


async def rename_tag(caller: Caller, tag_id: int, name: str) -> Tag:
    name = _tag_name(name)
    (tag,) = await tags_by_ids([tag_id], "tagId")
    if await Tag.filter(name=name).exclude(id=tag.id).exists():
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    before = tag.name
    try:
        async with changing(caller.services, caller.user) as change:
            tag.name = name
            await tag.save(update_fields=["name"])
            await change.record(
                "tag.renamed", to_global_id("Tag", tag.id), {"name": name, "previousName": before}
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc
    return tag


async def delete_tag(caller: Caller, tag_id: int) -> Tag:
    (tag,) = await tags_by_ids([tag_id], "tagId")
    async with changing(caller.services, caller.user) as change:
        untagged = await ResidentTag.filter(tag_id=tag.id).delete()
        await tag.delete()
        await change.record(
            "tag.deleted", to_global_id("Tag", tag_id), {"name": tag.name, "untagged": untagged}
        )
    return tag


async def seed_default_tags(conn: BaseDBAsyncClient, street: Street) -> dict[str, Any]:
    """What a new street starts with in the people domain: the default resident tags
    (残疾人, 独居老人…), editable afterwards."""
    await Tag.bulk_create([Tag(tenant=street, name=name) for name in DEFAULT_TAGS], using_db=conn)
    return {"tags": list(DEFAULT_TAGS)}


async def load_tags_of_residents(ids: Sequence[int]) -> list[list[Tag]]:
    """Each resident's tags (a DataLoader batch)."""
    found = await resident_tags(ids)
    return [found.get(pk, []) for pk in ids]
