"""Creating districts and streets (tenants) with their first administrator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from core.security import Passwords, generate_password
from models.accounts import DistrictMembership, Membership, Role, User
from models.audit import append_entry
from models.columns import column, max_length
from models.events import record_event
from models.scoping import unscoped
from models.tenancy import District, Street


@dataclass(frozen=True)
class NewStreet:
    street: Street
    admin: User
    admin_password: str  # shown once, never stored


async def ensure_district(code: str, name: str | None = None) -> District:
    district, _ = await District.get_or_create(code=code, defaults={"name": name or code})
    return district


StreetHook = Callable[[BaseDBAsyncClient, Street], Awaitable[dict[str, Any]]]
"""What a domain writes into a new street, inside the street's creating transaction (a
street-scoped writer is not needed: it runs with the street's first records); returns what it
wrote, for the street's first audit entry (e.g. the people domain's default tags)."""


async def create_street(
    passwords: Passwords,
    *,
    hooks: Sequence[StreetHook],
    code: str,
    name: str,
    district_code: str,
    admin_username: str,
    create_district: bool = False,
    actor_id: int | None = None,
    at: datetime | None = None,
) -> NewStreet:
    """Create a street and its first STREET_ADMIN; raises ``Refused`` and writes nothing
    on bad input. Each domain's ``hooks`` then writes what a new street starts with (the people
    domain: the default resident tags); the street's audit chain and event stream start with
    its creation."""
    code = code.strip().lower()
    validators.code(code)
    validators.text(name, "name", max_length(Street, "name"))
    validators.code(district_code.strip().lower(), "districtCode")
    validators.username(admin_username, "adminUsername")
    district_code = district_code.strip().lower()
    district = await District.get_or_none(code=district_code)
    if district is None and not create_district:
        raise Refused(
            ErrorCode.NOT_FOUND, "input.unknown_district", "districtCode", code=district_code
        )
    if await Street.exists(code=code):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
    if await User.exists(username=admin_username):
        raise Refused(
            ErrorCode.ALREADY_EXISTS,
            "input.username_taken",
            "adminUsername",
            username=admin_username,
        )
    password = generate_password()
    at = at or datetime.now(UTC)
    async with in_transaction() as conn:
        if district is None:
            district = await District.create(code=district_code, name=district_code)
        street = await Street.create(code=code, name=name.strip(), district=district)
        admin = await User.create(
            username=admin_username,
            display_name=f"{name.strip()} 管理员",
            password_hash=passwords.hash(password),
        )
        with unscoped("the first administrator and first records of a new street"):
            await Membership.create(user=admin, tenant=street, role=Role.STREET_ADMIN)
            change: dict[str, Any] = {
                "code": street.code,
                "name": street.name,
                "district": district.code,
                "admin": to_global_id("Account", admin.id),
            }
            for hook in hooks:
                change.update(await hook(conn, street))
            subject = to_global_id("Street", street.id)
            common: _Common = {"street_id": street.id, "actor_id": actor_id, "subject": subject}
            await append_entry(conn, at=at, action="street.created", change=change, **common)
            await record_event(
                conn, type="street.created", payload=change, occurred_at=at, **common
            )
    return NewStreet(street, admin, password)


class _Common(TypedDict):
    """What a new street's first audit entry and its first event share."""

    street_id: int
    actor_id: int | None
    subject: str


async def district_member_ids(district_id: int) -> list[int]:
    """Users whose district role now also covers a newly created street."""
    return list(await column(DistrictMembership.filter(district_id=district_id), "user_id", int))
