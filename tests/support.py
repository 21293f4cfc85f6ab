"""Helpers for talking to the API the way a frontend does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.settings import Settings
from models.accounts import Membership, Role, User
from models.scoping import unscoped
from models.tenancy import Community, Grid
from resolvers.demo import DEMO_PASSWORD
from resolvers.services import Services
from schema.relay import to_global_id
from tenants.registry import create_street

LOGIN = """
mutation Login($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    __typename
    ... on LoginSuccess { accessToken refreshToken account { id username } }
    ... on UserError { code field message }
    ... on TooManyAttempts { retryAfterSeconds }
  }
}
"""


@dataclass
class Api:
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        tenant: str | None = None,
        lang: str | None = None,
    ) -> httpx.Response:
        headers = {}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if tenant:
            headers["x-tenant"] = tenant
        if lang:
            headers["accept-language"] = lang
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict:
        response = await self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        return response.json()

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username in self.tokens:
            return self.tokens[username]
        body = await self.gql(LOGIN, {"u": username, "p": password})
        payload = body["data"]["login"]
        assert payload["__typename"] == "LoginSuccess", payload
        self.tokens[username] = payload["accessToken"]
        return payload["accessToken"]

    async def as_user(
        self, username: str, query: str, variables: dict | None = None, **kw: Any
    ) -> dict:
        return await self.gql(query, variables, token=await self.login(username), **kw)


def database_env(settings: Settings) -> dict[str, str]:
    """The run's database for a command run as an operator would: the app's role, and the
    owner's for the migrate step commands begin with (PostgreSQL)."""
    env = {"GONGZHI_DATABASE_URL": settings.database_url}
    if settings.database_owner_url:
        env["GONGZHI_DATABASE_OWNER_URL"] = settings.database_owner_url
    return env


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


@dataclass(frozen=True)
class StreetFixture:
    code: str
    street_id: int
    admin_username: str
    admin_password: str
    community_id: int
    grid_id: int


async def make_street(services: Services, prefix: str = "t") -> StreetFixture:
    """A fresh street with one community, one grid and an administrator."""
    code = f"{prefix}-{secrets.token_hex(3)}"
    created = await create_street(
        services.passwords,
        hooks=services.street_hooks,
        code=code,
        name=f"测试街道 {code}",
        district_code="test-district",
        admin_username=f"{code}.admin",
        create_district=True,
    )
    with unscoped("test set-up"):
        community = await Community.create(tenant=created.street, code="c1", name="测试社区")
        grid = await Grid.create(tenant=created.street, community=community, code="g1", name="一格")
    await services.authorizer.reload_users([created.admin.id])
    return StreetFixture(
        code,
        created.street.id,
        created.admin.username,
        created.admin_password,
        community.id,
        grid.id,
    )


async def add_member(
    services: Services, street_id: int, role: Role, password: str = DEMO_PASSWORD
) -> User:
    user = await User.create(
        username=f"u-{secrets.token_hex(4)}",
        display_name="测试用户",
        password_hash=services.passwords.hash(password),
    )
    with unscoped("test set-up"):
        await Membership.create(tenant_id=street_id, user=user, role=role)
    await services.authorizer.reload_users([user.id])
    return user


def gid(type_name: str, pk: int) -> str:
    """The Relay global ID a client would hold for a row."""
    return str(to_global_id(type_name, pk))


async def grant_membership(services: Services, user: User, street_id: int, role: Role) -> None:
    """Give an existing user a role in one more street."""
    with unscoped("test set-up"):
        await Membership.create(tenant_id=street_id, user=user, role=role)
    await services.authorizer.reload_users([user.id])
