"""Which street a request acts in: the ``X-Tenant`` header among the caller's memberships."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError, ErrorCode
from models.accounts import DistrictMembership, Membership
from models.columns import column
from models.scoping import unscoped
from models.tenancy import Street
from tenants.streets import StreetDirectory


@dataclass(frozen=True)
class StreetAccess:
    street: Street
    writable: bool  # False when the caller only reaches the street through a district role


async def accessible_streets(user_id: int) -> dict[int, bool]:
    """street id → writable, for every street the user may act in."""
    access: dict[int, bool] = {}
    district_ids = await column(DistrictMembership.filter(user_id=user_id), "district_id", int)
    if district_ids:
        for street_id in await column(Street.filter(district_id__in=district_ids), "id", int):
            access[street_id] = False
    with unscoped("a user's own memberships across streets"):
        street_ids = await column(Membership.filter(user_id=user_id), "tenant_id", int)
    for street_id in street_ids:
        access[street_id] = True
    return access


async def resolve_street(
    access: dict[int, bool], requested_code: str | None, streets: StreetDirectory
) -> StreetAccess | None:
    """The street for this request, among ``access`` (street id → writable: the caller's
    streets, as ``accessible_streets`` reads them or as the authorizer already holds them).

    Raises ``TENANT_FORBIDDEN`` for an unknown street or one the user has no part in (the two
    are not told apart), ``TENANT_REQUIRED`` when the user has several and named none. Returns
    None for a user with no street at all (a platform admin, say).
    """
    if requested_code is not None:
        code = requested_code.strip().lower()
        street = await streets.by_code(code) if code else None
        if street is None or street.id not in access:
            raise DomainError(ErrorCode.TENANT_FORBIDDEN, street=requested_code[:40])
        return StreetAccess(street, access[street.id])
    if not access:
        return None
    if len(access) > 1:
        raise DomainError(ErrorCode.TENANT_REQUIRED)
    ((street_id, writable),) = access.items()
    street = await streets.by_id(street_id)
    if street is None:  # deleted under us: as if unknown
        raise DomainError(ErrorCode.TENANT_FORBIDDEN)
    return StreetAccess(street, writable)
