"""The signed-in user's own view of their roles and permissions."""

from __future__ import annotations

from dataclasses import dataclass

from models.accounts import DistrictMembership, Membership, Role, User
from models.scoping import unscoped
from models.tenancy import District, Street
from policies.vocabulary import Capability, street_domain
from resolvers.services import Services


@dataclass(frozen=True)
class StreetRole:
    role: Role
    street: Street


@dataclass(frozen=True)
class DistrictRole:
    role: Role
    district: District


async def my_street_roles(user: User) -> list[StreetRole]:
    with unscoped("a user's own roles in every street"):
        rows = await Membership.filter(user_id=user.id).select_related("tenant").order_by("id")
    return [StreetRole(row.role, row.tenant) for row in rows]


async def my_district_roles(user: User) -> list[DistrictRole]:
    rows = (
        await DistrictMembership.filter(user_id=user.id).select_related("district").order_by("id")
    )
    return [DistrictRole(row.role, row.district) for row in rows]


def my_capabilities(services: Services, user: User, street: Street) -> list[Capability]:
    return services.authorizer.capabilities(user.id, street_domain(street.id))
