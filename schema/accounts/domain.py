"""The accounts domain (账号与角色): sign-in, tokens, accounts, role assignments, permissions."""

from __future__ import annotations

from models.accounts import Membership as MembershipModel
from policies.capabilities import accounts as capabilities
from resolvers import members
from schema.accounts.mutations import AccountsMutation
from schema.accounts.queries import AccountsQuery
from schema.accounts.subscriptions import AccountsSubscription
from schema.accounts.types import Account, Membership
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.permissions import Can


async def _membership(info: Info, pk: int) -> Membership | None:
    row = await MembershipModel.filter(id=pk).first()
    return Membership.from_model(row) if row else None


async def _account(info: Info, pk: int) -> Account | None:
    row = await members.user_in_street(pk)
    return Account.from_model(row) if row else None


DOMAIN = Domain(
    name="accounts",
    description="Sign-in, tokens, accounts and role assignments (账号与角色).",
    models=("models.accounts",),
    query=(AccountsQuery,),
    mutation=(AccountsMutation,),
    subscription=(AccountsSubscription,),
    nodes={
        "Membership": NodeKind(Can(capabilities.MEMBER_READ), _membership),
        "Account": NodeKind(Can(capabilities.MEMBER_READ), _account),
    },
    capabilities=capabilities.CAPABILITIES,
)
