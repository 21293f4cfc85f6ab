"""Who is asking, and which grids' residents they may see (the row rule)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.queryset import QuerySet

from models.accounts import Role, User
from models.columns import column
from models.people import GridAssignment, Resident
from models.tenancy import Street
from policies.vocabulary import Capability, street_domain
from resolvers.services import Services

# Roles that see every resident of the street (with resident:read). Anyone else with
# resident:read (grid chiefs, grid workers) sees the residents of their own grids only.
STREET_WIDE_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF.value,
        Role.STREET_REVIEWER.value,
        Role.STREET_LEADER.value,
        Role.STREET_ADMIN.value,
        Role.DISTRICT_ADMIN.value,
        Role.DISTRICT_DEPARTMENT.value,
    }
)


@dataclass(frozen=True)
class Caller:
    services: Services
    user: User
    street: Street

    def can(self, resource: str, action: str) -> bool:
        return self.services.authorizer.can(
            self.user.id, street_domain(self.street.id), Capability(resource, action)
        )

    def roles(self) -> set[str]:
        return set(self.services.authorizer.roles(self.user.id, street_domain(self.street.id)))

    @property
    def sees_pii(self) -> bool:
        return self.can("resident", "pii")

    @property
    def street_wide(self) -> bool:
        return bool(self.roles() & STREET_WIDE_ROLES)


async def my_grid_ids(user_id: int) -> list[int]:
    return list(
        await column(GridAssignment.filter(user_id=user_id).order_by("grid_id"), "grid_id", int)
    )


async def visible_grid_ids(caller: Caller) -> list[int] | None:
    """None: every grid of the street. A list: only these grids (grid chiefs and workers)."""
    if caller.street_wide:
        return None
    return await my_grid_ids(caller.user.id)


async def visible_residents(caller: Caller) -> QuerySet[Resident]:
    """The residents this caller may see: the row rule, next to the query."""
    query = Resident.all()
    grids = await visible_grid_ids(caller)
    if grids is not None:
        query = query.filter(grid_id__in=grids)
    return query


async def my_resident(user_id: int) -> Resident | None:
    """The resident record linked to a signed-in user in the current street."""
    return await Resident.filter(user_id=user_id).first()
