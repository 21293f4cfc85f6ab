"""Who is asking, and which residents they may see (the row rule, declared in ``rows.py``)."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.columns import column
from models.people import GridAssignment, Resident
from policies.rows import Scope
from resolvers.caller import Caller
from resolvers.people.rows import RULES


async def my_grid_ids(user_id: int) -> list[int]:
    return list(
        await column(GridAssignment.filter(user_id=user_id).order_by("grid_id"), "grid_id", int)
    )


async def visible_grid_ids(caller: Caller) -> list[int] | None:
    """The grids whose residents the caller sees: None for every grid of the street, else a
    list (their own grids, or none)."""
    scope = RULES.scope_for(caller, Resident)
    if Scope.STREET in scope:
        return None
    return await my_grid_ids(caller.user.id) if Scope.OWN_GRIDS in scope else []


async def visible_residents(caller: Caller) -> QuerySet[Resident]:
    """The residents this caller may see, by the row rule on ``Resident``."""
    return RULES.rows(caller, Resident.all())


async def my_resident(user_id: int) -> Resident | None:
    """The resident record linked to a signed-in user in the current street."""
    return await Resident.filter(user_id=user_id).first()
