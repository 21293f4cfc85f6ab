from __future__ import annotations

import strawberry

from core.security import PASSWORD_MAX_LENGTH, TOKEN_MAX_LENGTH
from models.accounts import User
from schema.accounts.enums import Role
from schema.inputs import text


@strawberry.input
class LoginInput:
    username: str = text(User, "username")
    password: str = text(max=PASSWORD_MAX_LENGTH)


@strawberry.input
class RefreshTokenInput:
    refresh_token: str = text(max=TOKEN_MAX_LENGTH)


@strawberry.input(description="A new account in the current street, with its first role.")
class CreateAccountInput:
    username: str = text(User, "username")
    display_name: str = text(User, "display_name")
    role: Role


@strawberry.input
class GrantRoleInput:
    account_id: strawberry.ID
    role: Role


@strawberry.input
class RevokeRoleInput:
    membership_id: strawberry.ID
