"""What the bases domain's operations share: which units the caller sees (the people
domain's rule on residents: grid staff their grids, street staff the street), and the unit,
rental and floating person of the current street by ID."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from core.errors import ErrorCode, Refused
from models.bases import DwellingUnit, FloatingPerson, Rental
from models.people import Building
from resolvers.caller import Caller
from resolvers.people.access import visible_grid_ids, visible_residents

# Events about houses name the record, never a person, and reach who may read houses.
HOUSE_EVENTS = "house:read"


async def visible_units(caller: Caller) -> QuerySet[DwellingUnit]:
    grids = await visible_grid_ids(caller)
    if grids is None:
        return DwellingUnit.all()
    buildings = Building.filter(grid_id__in=grids or [-1]).values("id")
    return DwellingUnit.filter(building_id__in=Subquery(buildings))


async def visible_rentals(caller: Caller) -> QuerySet[Rental]:
    units = await visible_units(caller)
    return Rental.filter(unit_id__in=Subquery(units.values("id")))


async def visible_floating(caller: Caller) -> QuerySet[FloatingPerson]:
    residents = await visible_residents(caller)
    return FloatingPerson.filter(resident_id__in=Subquery(residents.values("id")))


async def visible_building(caller: Caller, pk: int, field: str = "buildingId") -> Building:
    """A building of the street the caller serves (another street's: NOT_FOUND)."""
    grids = await visible_grid_ids(caller)
    query = Building.filter(id=pk)
    if grids is not None:
        query = query.filter(Q(grid_id__in=grids or [-1]))
    row = await query.first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.building_not_found", field)
    return row


async def visible_unit(caller: Caller, pk: int, field: str = "unitId") -> DwellingUnit:
    row = await (await visible_units(caller)).filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "bases.unit_not_found", field)
    return row


async def visible_rental(caller: Caller, pk: int, field: str = "rentalId") -> Rental:
    row = await (await visible_rentals(caller)).filter(id=pk).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "bases.rental_not_found", field)
    return row
