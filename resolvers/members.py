"""A street's accounts and their roles (人员与角色)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from core.security import generate_password
from models.accounts import STREET_ROLES, Membership, Role, User
from models.columns import max_length
from resolvers.events import changing
from resolvers.owned import member
from resolvers.pagination import Page, keyset_page
from resolvers.services import Services

MEMBER_EVENTS = "member:read"  # who may see account and role events in the street's stream


@dataclass(frozen=True)
class NewAccount:
    user: User
    membership: Membership
    one_time_password: str


def _check_street_role(role: Role) -> None:
    if role not in STREET_ROLES:
        raise Refused(ErrorCode.BAD_USER_INPUT, "input.role_not_street", "role", role=role.value)


async def list_members(
    services: Services, role: Role | None, first: int | None, after: str | None
) -> Page[Membership]:
    query = Membership.all()
    if role is not None:
        query = query.filter(role=role)
    return await keyset_page(query, first, after, services.settings.max_page_size)


async def create_account(
    services: Services, actor: User, username: str, display_name: str, role: Role
) -> NewAccount:
    """A new staff or resident account in the current street, with a one-time password."""
    validators.username(username)
    validators.text(display_name, "displayName", max_length(User, "display_name"))
    _check_street_role(role)
    if await User.exists(username=username):
        raise Refused(
            ErrorCode.ALREADY_EXISTS, "input.username_taken", "username", username=username
        )
    password = generate_password()
    password_hash = await asyncio.to_thread(services.passwords.hash, password)
    try:
        async with changing(services, actor) as change:
            user = await User.create(
                username=username, display_name=display_name.strip(), password_hash=password_hash
            )
            membership = await Membership.create(user=user, role=role, granted_by=actor)
            await change.record(
                "account.created",
                to_global_id("Account", user.id),
                {"username": user.username, "role": role.value},
                visibility=MEMBER_EVENTS,
            )
    except IntegrityError as exc:  # a concurrent request took the name
        raise Refused(
            ErrorCode.ALREADY_EXISTS, "input.username_taken", "username", username=username
        ) from exc
    await services.authorizer.assignments_changed([user.id])
    return NewAccount(user, membership, password)


async def grant_role(services: Services, actor: User, user_id: int, role: Role) -> Membership:
    """Give a role in this street to someone who already belongs to it."""
    _check_street_role(role)
    await member(user_id, "accountId")
    if await Membership.exists(user_id=user_id, role=role):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.role_already_held", "role")
    try:
        async with changing(services, actor) as change:
            membership = await Membership.create(user_id=user_id, role=role, granted_by=actor)
            await change.record(
                "role.granted",
                to_global_id("Account", user_id),
                {"role": role.value, "membership": to_global_id("Membership", membership.id)},
                visibility=MEMBER_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.role_already_held", "role") from exc
    await services.authorizer.assignments_changed([user_id])
    return membership


async def revoke_role(services: Services, actor: User, membership_id: int) -> Membership:
    """Take a role away. The street's last administrator stays."""
    async with changing(services, actor) as change:
        membership = await Membership.filter(id=membership_id).select_for_update().first()
        if membership is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.membership_not_found", "membershipId")
        if (
            membership.role is Role.STREET_ADMIN
            and await Membership.filter(role=Role.STREET_ADMIN).count() <= 1
        ):
            raise Refused(ErrorCode.BAD_USER_INPUT, "input.last_admin", "membershipId")
        await membership.delete()
        await change.record(
            "role.revoked",
            to_global_id("Account", membership.user_id),
            {
                "role": membership.role.value,
                "membership": to_global_id("Membership", membership_id),
            },
            visibility=MEMBER_EVENTS,
        )
    await services.authorizer.assignments_changed([membership.user_id])
    return membership


async def user_in_street(user_id: int) -> User | None:
    """A user, if they hold any role in the current street (users of other streets are not
    visible)."""
    if not await Membership.exists(user_id=user_id):
        return None
    return await User.get_or_none(id=user_id)
