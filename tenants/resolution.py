"""Which street a request acts in: the ``X-Tenant`` header among the caller's memberships."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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


Refresh = Callable[[], Awaitable[dict[int, bool] | None]]
"""Reads the caller's streets again when they seem to lack one (None: not now)."""
MAX_CODES_NAMED = 20


async def resolve_street(
    access: dict[int, bool],
    requested_code: str | None,
    streets: StreetDirectory,
    refresh: Refresh | None = None,
) -> StreetAccess | None:
    """The street for this request, among ``access`` (street id → writable: the caller's
    streets, as ``accessible_streets`` reads them or as the authorizer already holds them).

    When the street asked for is not among them, or there are none, ``refresh`` is asked once
    for a fresher view: the street or the role may have been made a moment ago by another
    process (``gongzhi tenant create``) that could not tell this one.

    Raises ``TENANT_FORBIDDEN`` for an unknown street or one the user has no part in (the two
    are not told apart), ``TENANT_REQUIRED`` naming the user's own streets when there are
    several and none was named. Returns None for a user with no street at all (a platform
    admin, say): ``Viewer.require_street`` then says so.
    """
    if requested_code is not None:
        code = requested_code.strip().lower()
        street = await streets.by_code(code) if code else None
        if street is not None and street.id not in access and refresh is not None:
            access = await refresh() or access
        if street is None or street.id not in access:
            raise DomainError(ErrorCode.TENANT_FORBIDDEN, street=requested_code[:40])
        return StreetAccess(street, access[street.id])
    if not access and refresh is not None:
        access = await refresh() or access
    if not access:
        return None
    if len(access) > 1:
        raise DomainError(ErrorCode.TENANT_REQUIRED, streets=await _codes(access, streets))
    ((street_id, writable),) = access.items()
    street = await streets.by_id(street_id)
    if street is None:  # deleted under us: as if unknown
        raise DomainError(ErrorCode.TENANT_FORBIDDEN)
    return StreetAccess(street, writable)


async def _codes(access: dict[int, bool], streets: StreetDirectory) -> str:
    """The codes of the caller's own streets (never another's), to choose one from."""
    codes = []
    for street_id in sorted(access)[:MAX_CODES_NAMED]:
        street = await streets.by_id(street_id)
        if street is not None:
            codes.append(street.code)
    more = len(access) - MAX_CODES_NAMED
    return ", ".join(sorted(codes)) + (f" … +{more}" if more > 0 else "")
