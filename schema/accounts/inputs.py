from __future__ import annotations

import strawberry

from schema.accounts.enums import Role


@strawberry.input
class LoginInput:
    username: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input(description="A new account in the current street, with its first role.")
class CreateAccountInput:
    username: str
    display_name: str
    role: Role


@strawberry.input
class GrantRoleInput:
    account_id: strawberry.ID
    role: Role


@strawberry.input
class RevokeRoleInput:
    membership_id: strawberry.ID
