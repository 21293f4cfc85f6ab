"""Compounds and buildings (小区、楼栋), and staff serving grids and communities."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import Membership, Role
from models.columns import column, max_length
from models.people import Building, CommunityAssignment, Compound, GridAssignment, GridDuty
from models.tenancy import Community, Grid
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.pagination import Page, keyset_page
from resolvers.services import Services

GRID_ROLE = {GridDuty.CHIEF: Role.GRID_CHIEF, GridDuty.WORKER: Role.GRID_WORKER}


def _name(name: str) -> str:
    return validators.text(name, "name", max_length(Compound, "name"))


async def community_or_refused(pk: int, field: str = "communityId") -> Community:
    row = await Community.filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.community_not_found", field)
    return row


async def grid_or_refused(pk: int, field: str = "gridId") -> Grid:
    row = await Grid.filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", field)
    return row


async def create_compound(caller: Caller, community_id: int, name: str) -> Compound:
    name = _name(name)
    community = await community_or_refused(community_id)
    if await Compound.exists(name=name):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    try:
        async with changing(caller.services, caller.user) as change:
            row = await Compound.create(community=community, name=name)
            await change.record(
                "compound.created",
                to_global_id("Compound", row.id),
                {"name": row.name, "community": to_global_id("Community", community.id)},
            )
        return row
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc


async def create_building(
    caller: Caller, compound_id: int, grid_id: int | None, name: str
) -> Building:
    name = _name(name)
    compound = await Compound.filter(id=compound_id).first()
    if compound is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.compound_not_found", "compoundId")
    grid = await grid_or_refused(grid_id) if grid_id is not None else None
    if await Building.exists(compound_id=compound.id, name=name):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    try:
        async with changing(caller.services, caller.user) as change:
            row = await Building.create(compound=compound, grid=grid, name=name)
            await change.record(
                "building.created",
                to_global_id("Building", row.id),
                {
                    "name": row.name,
                    "compound": to_global_id("Compound", compound.id),
                    "grid": to_global_id("Grid", grid.id) if grid else None,
                },
            )
    except IntegrityError as exc:  # a concurrent request took the name first
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc
    return row


async def list_compounds(
    services: Services, community_id: int | None, first: int | None, after: str | None
) -> Page[Compound]:
    query = Compound.all()
    if community_id is not None:
        query = query.filter(community_id=community_id)
    return await keyset_page(query, first, after, services.settings.max_page_size)


async def list_buildings(
    services: Services, compound_id: int | None, first: int | None, after: str | None
) -> Page[Building]:
    query = Building.all()
    if compound_id is not None:
        query = query.filter(compound_id=compound_id)
    return await keyset_page(query, first, after, services.settings.max_page_size)


async def _staff_user(user_id: int, roles: set[Role], field: str = "accountId") -> None:
    """The user holds one of these roles in the current street, or NOT_FOUND / not staff."""
    held = set(await column(Membership.filter(user_id=user_id), "role", Role))
    if not held:
        raise Refused(ErrorCode.NOT_FOUND, "input.user_not_found", field)
    if not held & roles:
        raise Refused(
            ErrorCode.BAD_USER_INPUT,
            "input.lacks_role",
            field,
            roles=", ".join(sorted(r.value for r in roles)),
        )


async def assign_to_grid(
    caller: Caller, grid_id: int, user_id: int, duty: GridDuty
) -> GridAssignment:
    """A grid chief or worker for a grid. A grid has at most one chief."""
    await grid_or_refused(grid_id)
    await _staff_user(user_id, {GRID_ROLE[duty]})
    async with changing(caller.services, caller.user) as change:
        grid = await Grid.filter(id=grid_id).select_for_update().first()
        if grid is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
        if await GridAssignment.exists(grid_id=grid.id, user_id=user_id):
            raise Refused(ErrorCode.ALREADY_EXISTS, "input.already_assigned", "gridId")
        if duty is GridDuty.CHIEF and await GridAssignment.exists(
            grid_id=grid.id, duty=GridDuty.CHIEF
        ):
            raise Refused(ErrorCode.ALREADY_EXISTS, "input.grid_has_chief", "gridId")
        row = await GridAssignment.create(grid=grid, user_id=user_id, duty=duty)
        await change.record(
            "grid.staff_assigned",
            to_global_id("Grid", grid.id),
            {
                "assignment": to_global_id("GridAssignment", row.id),
                "account": to_global_id("Account", user_id),
                "duty": duty.value,
            },
        )
    return row


async def unassign_from_grid(caller: Caller, assignment_id: int) -> GridAssignment:
    async with changing(caller.services, caller.user) as change:
        row = await GridAssignment.filter(id=assignment_id).select_for_update().first()
        if row is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "assignmentId")
        await row.delete()
        await change.record(
            "grid.staff_unassigned",
            to_global_id("Grid", row.grid_id),
            {
                "assignment": to_global_id("GridAssignment", assignment_id),
                "account": to_global_id("Account", row.user_id),
                "duty": GridDuty(row.duty).value,
            },
        )
    return row


async def assign_to_community(
    caller: Caller, community_id: int, user_id: int
) -> CommunityAssignment:
    community = await community_or_refused(community_id)
    await _staff_user(user_id, {Role.COMMUNITY_STAFF})
    if await CommunityAssignment.exists(community_id=community.id, user_id=user_id):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.already_assigned", "communityId")
    async with changing(caller.services, caller.user) as change:
        row = await CommunityAssignment.create(community=community, user_id=user_id)
        await change.record(
            "community.staff_assigned",
            to_global_id("Community", community.id),
            {
                "assignment": to_global_id("CommunityAssignment", row.id),
                "account": to_global_id("Account", user_id),
            },
        )
    return row


async def grid_or_domain_error(pk: int) -> Grid:
    row = await Grid.filter(id=pk).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="gridId")
    return row


async def grid_staff(grid_id: int) -> list[GridAssignment]:
    return await GridAssignment.filter(grid_id=grid_id).order_by("duty", "id")
