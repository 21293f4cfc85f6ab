from __future__ import annotations

import strawberry

from policies.capabilities.accounts import MEMBER_READ
from resolvers import accounts, members
from schema.accounts.enums import Role
from schema.accounts.types import Me, Membership, Permission
from schema.context import Info
from schema.permissions import Can, SignedIn, field
from schema.relay import Connection, to_global_id
from schema.tenancy.types import Street


@strawberry.type
class AccountsQuery:
    @field(requires=SignedIn(), description="The signed-in account and its roles.")
    async def me(self, info: Info) -> Me:
        viewer = info.context.viewer
        user = viewer.require_user()
        return Me(
            id=to_global_id("Account", user.id),
            username=user.username,
            display_name=user.display_name,
            is_platform_admin=user.is_platform_admin,
            user=user,
            current_street=Street.from_model(viewer.street) if viewer.street else None,
        )

    @field(
        requires=SignedIn(street=True),
        description="What I may do in the current street: one entry per (resource, action).",
    )
    def my_permissions(self, info: Info) -> list[Permission]:
        viewer = info.context.viewer
        caps = accounts.my_capabilities(
            info.context.services, viewer.require_user(), viewer.require_street()
        )
        return [Permission.from_capability(cap) for cap in caps]

    @field(
        requires=Can(MEMBER_READ),
        description="Role assignments in the current street, optionally of one role.",
    )
    async def members(
        self,
        info: Info,
        role: Role | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Membership]:
        page = await members.list_members(info.context.services, role, first, after)
        return Connection.from_page(page, Membership.from_model)
