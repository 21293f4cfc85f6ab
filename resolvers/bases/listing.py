"""Reading the three reals: lists of what the caller may see, and nested batches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from tortoise.expressions import Q, Subquery

from core.clock import local_date
from core.errors import ErrorCode, Refused
from models.bases import (
    DwellingUnit,
    FloatingPerson,
    Occupancy,
    Organisation,
    OrganisationInspection,
    OrganisationKind,
    Rental,
    UnitUse,
)
from models.columns import max_length
from models.people import Building
from resolvers.bases.common import visible_floating, visible_rentals, visible_units
from resolvers.caller import Caller
from resolvers.pagination import Page, keyset_page

MAX_DAYS = 3660


def _days(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_DAYS:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.days_range", field, max=MAX_DAYS)
    return value


async def units(
    caller: Caller,
    building_id: int | None,
    grid_id: int | None,
    use: UnitUse | None,
    first: int | None,
    after: str | None,
) -> Page[DwellingUnit]:
    query = await visible_units(caller)
    if building_id is not None:
        query = query.filter(building_id=building_id)
    if grid_id is not None:
        query = query.filter(
            building_id__in=Subquery(Building.filter(grid_id=grid_id).values("id"))
        )
    if use is not None:
        query = query.filter(use=use)
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def rentals(
    caller: Caller, within_days: int | None, first: int | None, after: str | None
) -> Page[Rental]:
    query = await visible_rentals(caller)
    if (days := _days(within_days, "leaseEndsWithinDays")) is not None:
        today = local_date(caller.services.clock.now())
        query = query.filter(lease_end__gte=today, lease_end__lte=today + timedelta(days=days))
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def floating(
    caller: Caller, within_days: int | None, first: int | None, after: str | None
) -> Page[FloatingPerson]:
    query = await visible_floating(caller)
    if (days := _days(within_days, "permitEndsWithinDays")) is not None:
        today = local_date(caller.services.clock.now())
        query = query.filter(
            permit_expires_on__gte=today, permit_expires_on__lte=today + timedelta(days=days)
        )
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def organisations(
    caller: Caller,
    grid_id: int | None,
    kind: OrganisationKind | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[Organisation]:
    query = Organisation.all()
    if grid_id is not None:
        query = query.filter(grid_id=grid_id)
    if kind is not None:
        query = query.filter(kind=kind)
    if search and search.strip():
        text = search.strip()
        condition = Q(name__icontains=text)
        if len(text) == max_length(Organisation, "credit_code"):  # a whole code, nothing else
            condition |= Q(credit_code=text.upper())
        query = query.filter(condition)
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def load_occupants(unit_ids: Sequence[int]) -> list[list[Occupancy]]:
    found: dict[int, list[Occupancy]] = {pk: [] for pk in unit_ids}
    for row in await Occupancy.filter(unit_id__in=list(set(unit_ids))).order_by("id"):
        found[row.unit_id].append(row)
    return [found[pk] for pk in unit_ids]


async def load_inspections(org_ids: Sequence[int]) -> list[list[OrganisationInspection]]:
    found: dict[int, list[OrganisationInspection]] = {pk: [] for pk in org_ids}
    rows = await OrganisationInspection.filter(organisation_id__in=list(set(org_ids))).order_by(
        "-inspected_on", "-id"
    )
    for row in rows:
        found[row.organisation_id].append(row)
    return [found[pk] for pk in org_ids]
