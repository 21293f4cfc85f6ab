"""Accounts, role assignments and permissions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import accounts as m
from models.accounts import User as UserRow
from policies.vocabulary import Capability
from resolvers import accounts
from schema.accounts.enums import Role
from schema.context import Info
from schema.relay import Node, to_global_id
from schema.tenancy.types import District, Street


@strawberry.type(description="A capability: may do `action` on `resource` (e.g. member:grant).")
class Permission:
    resource: str
    action: str
    description: str

    @classmethod
    def from_capability(cls, cap: Capability) -> Permission:
        return cls(resource=cap.resource, action=cap.action, description=cap.description)


@strawberry.type(description="A person's account as other members of the street see it.")
class Account(Node):
    username: str
    display_name: str

    @classmethod
    def from_model(cls, row: m.User) -> Account:
        return cls(
            id=to_global_id("Account", row.id), username=row.username, display_name=row.display_name
        )


@strawberry.type(description="A role held by an account in the current street (角色分配).")
class Membership(Node):
    role: Role
    granted_at: datetime
    user_id: strawberry.Private[int]

    @strawberry.field
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.user_id)
        assert row is not None
        return Account.from_model(row)

    @classmethod
    def from_model(cls, row: m.Membership) -> Membership:
        return cls(
            id=to_global_id("Membership", row.id),
            role=row.role,
            granted_at=row.created_at,
            user_id=row.user_id,
        )


@strawberry.type(description="One of my roles, in a street.")
class MyMembership:
    role: Role
    street: Street


@strawberry.type(description="One of my district roles: reads every street of the district.")
class MyDistrictRole:
    role: Role
    district: District


@strawberry.type(description="The signed-in account (我的).")
class Me:
    id: strawberry.ID
    username: str
    display_name: str
    is_platform_admin: bool
    user: strawberry.Private[m.User]

    @strawberry.field(description="My roles, by street.")
    async def memberships(self) -> list[MyMembership]:
        """Read only when asked: most requests of ``me`` want the name."""
        rows = await accounts.my_street_roles(self.user)
        return [MyMembership(role=r.role, street=Street.from_model(r.street)) for r in rows]

    @strawberry.field(description="My district roles.")
    async def district_roles(self) -> list[MyDistrictRole]:
        rows = await accounts.my_district_roles(self.user)
        return [MyDistrictRole(role=r.role, district=District.from_model(r.district)) for r in rows]

    current_street: Street | None = strawberry.field(
        description="The street this request acts in (X-Tenant, or the only one)."
    )
