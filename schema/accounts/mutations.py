from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from policies.capabilities.accounts import MEMBER_GRANT
from resolvers import auth, members
from schema.accounts.inputs import (
    CreateAccountInput,
    GrantRoleInput,
    LoginInput,
    RefreshTokenInput,
    RevokeRoleInput,
)
from schema.accounts.types import Account, Membership
from schema.context import Info
from schema.errors import InputError, TooManyAttempts
from schema.permissions import Can, Public, SignedIn, mutation
from schema.relay import decode_id


@strawberry.type(description="Signed in: send `Authorization: Bearer <accessToken>`.")
class LoginSuccess:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(description="Use once with refreshToken for a new pair.")
    refresh_token_expires_at: datetime
    account: Account

    @classmethod
    def from_result(cls, signed_in: auth.SignedIn) -> LoginSuccess:
        return cls(
            access_token=signed_in.access_token,
            access_token_expires_at=signed_in.access_expires_at,
            refresh_token=signed_in.refresh_token,
            refresh_token_expires_at=signed_in.refresh_expires_at,
            account=Account.from_model(signed_in.user),
        )


@strawberry.type
class LogoutSuccess:
    ok: bool


@strawberry.type
class CreateAccountSuccess:
    membership: Membership
    one_time_password: str = strawberry.field(
        description="The account's first password. Shown once, never stored."
    )


@strawberry.type
class GrantRoleSuccess:
    membership: Membership


@strawberry.type
class RevokeRoleSuccess:
    revoked_membership_id: strawberry.ID


LoginPayload = Annotated[
    LoginSuccess | InputError | TooManyAttempts, strawberry.union("LoginPayload")
]
RefreshTokenPayload = Annotated[LoginSuccess | InputError, strawberry.union("RefreshTokenPayload")]
CreateAccountPayload = Annotated[
    CreateAccountSuccess | InputError, strawberry.union("CreateAccountPayload")
]
GrantRolePayload = Annotated[GrantRoleSuccess | InputError, strawberry.union("GrantRolePayload")]
RevokeRolePayload = Annotated[RevokeRoleSuccess | InputError, strawberry.union("RevokeRolePayload")]


@strawberry.type
class AccountsMutation:
    @mutation(
        requires=Public(),
        description="Sign in with a username and password (登录). Repeated failures for one "
        "account or one address are slowed, then refused for a while (TooManyAttempts). The "
        "error never tells whether the username exists.",
    )
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        context = info.context
        signed_in = await auth.login(
            context.services, input.username, input.password, context.client_address
        )
        return LoginSuccess.from_result(signed_in)

    @mutation(requires=Public(), description="Swap a refresh token for a new token pair.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> RefreshTokenPayload:
        signed_in = await auth.refresh(info.context.services, input.refresh_token)
        return LoginSuccess.from_result(signed_in)

    @mutation(requires=SignedIn(), description="Sign out: this session's tokens stop working.")
    async def logout(self, info: Info) -> LogoutSuccess:
        viewer = info.context.viewer
        viewer.require_user()
        assert viewer.session_id is not None
        await auth.logout(info.context.services, viewer.session_id)
        return LogoutSuccess(ok=True)

    @mutation(
        requires=Can(MEMBER_GRANT),
        description="Create an account in the current street with its first role.",
    )
    async def create_account(self, info: Info, input: CreateAccountInput) -> CreateAccountPayload:
        context = info.context

        created = await members.create_account(
            context.services,
            context.viewer.require_user(),
            input.username,
            input.display_name,
            input.role,
        )
        return CreateAccountSuccess(
            membership=Membership.from_model(created.membership),
            one_time_password=created.one_time_password,
        )

    @mutation(
        requires=Can(MEMBER_GRANT),
        description="Give a role in the current street to an account that already belongs to it.",
    )
    async def grant_role(self, info: Info, input: GrantRoleInput) -> GrantRolePayload:
        context = info.context

        user_id = decode_id(input.account_id, "Account", "accountId")
        row = await members.grant_role(
            context.services, context.viewer.require_user(), user_id, input.role
        )
        return GrantRoleSuccess(membership=Membership.from_model(row))

    @mutation(requires=Can(MEMBER_GRANT), description="Take a role away in the current street.")
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> RevokeRolePayload:
        membership_id = decode_id(input.membership_id, "Membership", "membershipId")
        context = info.context
        await members.revoke_role(context.services, context.viewer.require_user(), membership_id)
        return RevokeRoleSuccess(revoked_membership_id=input.membership_id)
