"""Signing in and out, tokens, throttling, and roles granted and revoked by a street admin."""

from __future__ import annotations

import secrets

import httpx
import pytest
from starlette.applications import Starlette

from core.clock import FrozenClock
from resolvers.services import Services
from tests.support import LOGIN, Api, error_codes, make_street

ME = "{ me { username } }"
REFRESH = """
mutation R($t: String!) {
  refreshToken(input: {refreshToken: $t}) {
    __typename
    ... on LoginSuccess { accessToken refreshToken }
    ... on UserError { code field message }
  }
}
"""
LOGOUT = "mutation { logout { ok } }"


async def login_payload(api: Api, username: str, password: str, lang: str | None = None) -> dict:
    body = await api.gql(LOGIN, {"u": username, "p": password}, lang=lang)
    return body["data"]["login"]


async def test_login_gives_a_token_that_identifies_the_user(api: Api) -> None:
    payload = await login_payload(api, "wangjiang.resident", "demo1234")
    assert payload["__typename"] == "LoginSuccess"
    assert payload["account"]["username"] == "wangjiang.resident"
    body = await api.gql(ME, token=payload["accessToken"])
    assert body["data"]["me"]["username"] == "wangjiang.resident"


async def test_unknown_user_and_wrong_password_look_the_same(api: Api) -> None:
    wrong_password = await login_payload(api, "wangjiang.resident", "nope", lang="en")
    unknown_user = await login_payload(api, f"ghost-{secrets.token_hex(3)}", "nope", lang="en")
    assert wrong_password == unknown_user
    assert wrong_password["code"] == "INVALID_CREDENTIALS"
    assert wrong_password["message"] == "Wrong username or password."


async def test_repeated_failures_lock_the_account_even_for_the_right_password(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "lock")
    for _ in range(services.settings.login_max_failures):
        assert (await login_payload(api, street.admin_username, "wrong"))["code"] == (
            "INVALID_CREDENTIALS"
        )
    locked = await login_payload(api, street.admin_username, street.admin_password)
    assert locked["__typename"] == "TooManyAttempts"
    assert locked["code"] == "TOO_MANY_ATTEMPTS"
    assert 0 < locked["retryAfterSeconds"] <= services.settings.login_window_seconds


async def test_repeated_failures_from_one_address_lock_that_address(
    api: Api, app: Starlette, services: Services
) -> None:
    for _ in range(services.settings.login_max_failures):
        await login_payload(api, f"ghost-{secrets.token_hex(3)}", "wrong")
    # The same address is refused even for a real account and the right password …
    refused = await login_payload(api, "mishixiang.resident", "demo1234")
    assert refused["__typename"] == "TooManyAttempts"
    # … while the account still works from another address.
    transport = httpx.ASGITransport(app=app, client=("10.250.0.1", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as other:
        ok = await login_payload(Api(other), "mishixiang.resident", "demo1234")
    assert ok["__typename"] == "LoginSuccess"


async def test_refresh_token_rotates_and_a_reused_one_ends_the_session(api: Api) -> None:
    first = await login_payload(api, "wulidun.resident", "demo1234")
    body = await api.gql(REFRESH, {"t": first["refreshToken"]})
    second = body["data"]["refreshToken"]
    assert second["__typename"] == "LoginSuccess"
    assert (await api.gql(ME, token=second["accessToken"]))["data"]["me"]

    replay = (await api.gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert replay["code"] == "INVALID_TOKEN" and replay["field"] == "refreshToken"
    # Reuse of a spent refresh token revokes the whole session.
    assert error_codes(await api.gql(ME, token=second["accessToken"])) == ["INVALID_TOKEN"]
    again = (await api.gql(REFRESH, {"t": second["refreshToken"]}))["data"]["refreshToken"]
    assert again["code"] == "INVALID_TOKEN"


async def test_an_access_token_is_not_a_refresh_token(api: Api) -> None:
    first = await login_payload(api, "wulidun.resident", "demo1234")
    body = await api.gql(REFRESH, {"t": first["accessToken"]})
    assert body["data"]["refreshToken"]["code"] == "INVALID_TOKEN"
    assert error_codes(await api.gql(ME, token=first["refreshToken"])) == ["INVALID_TOKEN"]


async def test_logout_revokes_the_session(api: Api) -> None:
    payload = await login_payload(api, "wulidun.display", "demo1234")
    token = payload["accessToken"]
    assert (await api.gql(LOGOUT, token=token))["data"]["logout"] == {"ok": True}
    assert error_codes(await api.gql(ME, token=token)) == ["INVALID_TOKEN"]
    refreshed = (await api.gql(REFRESH, {"t": payload["refreshToken"]}))["data"]["refreshToken"]
    assert refreshed["code"] == "INVALID_TOKEN"


async def test_expired_access_token_says_so(api: Api, clock: FrozenClock) -> None:
    token = (await login_payload(api, "wulidun.resident", "demo1234"))["accessToken"]
    clock.advance(minutes=31)
    try:
        body = await api.gql(ME, token=token, lang="en")
    finally:
        clock.advance(minutes=-31)
    assert error_codes(body) == ["TOKEN_EXPIRED"]
    assert body["data"] is None
    assert "expired" in body["errors"][0]["message"]


CREATE_ACCOUNT = """
mutation C($input: CreateAccountInput!) {
  createAccount(input: $input) {
    __typename
    ... on CreateAccountSuccess { oneTimePassword membership { id role account { id username } } }
    ... on UserError { code field message }
  }
}
"""
GRANT = """
mutation G($input: GrantRoleInput!) {
  grantRole(input: $input) {
    __typename
    ... on GrantRoleSuccess { membership { id role } }
    ... on UserError { code field message }
  }
}
"""
REVOKE = """
mutation R($input: RevokeRoleInput!) {
  revokeRole(input: $input) {
    __typename
    ... on RevokeRoleSuccess { revokedMembershipId }
    ... on UserError { code field message }
  }
}
"""
MY_PERMISSIONS = "{ myPermissions { resource action } }"
MEMBERS = (
    "{ members(role: STREET_ADMIN) { totalCount edges { node { id account { username } } } } }"
)


def perms(body: dict) -> set[str]:
    return {f"{p['resource']}:{p['action']}" for p in body["data"]["myPermissions"]}


async def test_admin_creates_an_account_then_grants_and_revokes_a_role(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "roles")
    admin = await api.login(street.admin_username, street.admin_password)
    username = f"{street.code}.chief"
    created = (
        await api.gql(
            CREATE_ACCOUNT,
            {"input": {"username": username, "displayName": "王网格长", "role": "GRID_CHIEF"}},
            token=admin,
        )
    )["data"]["createAccount"]
    assert created["__typename"] == "CreateAccountSuccess", created
    account_id = created["membership"]["account"]["id"]

    newcomer = await api.login(username, created["oneTimePassword"])
    first_perms = perms(await api.gql(MY_PERMISSIONS, token=newcomer))
    assert {"street:read", "place:read"} <= first_perms
    assert not {p for p in first_perms if p.startswith("member:")}
    assert error_codes(await api.gql(MEMBERS, token=newcomer)) == ["FORBIDDEN"]

    granted = (
        await api.gql(
            GRANT, {"input": {"accountId": account_id, "role": "STREET_LEADER"}}, token=admin
        )
    )["data"]["grantRole"]
    assert granted["__typename"] == "GrantRoleSuccess"
    # The same token now carries the new capability: roles are read per request.
    assert "member:read" in perms(await api.gql(MY_PERMISSIONS, token=newcomer))
    assert (await api.gql(MEMBERS, token=newcomer))["data"]["members"]["totalCount"] == 1

    twice = (
        await api.gql(
            GRANT, {"input": {"accountId": account_id, "role": "STREET_LEADER"}}, token=admin
        )
    )["data"]["grantRole"]
    assert twice["code"] == "ALREADY_EXISTS"

    revoked = (
        await api.gql(REVOKE, {"input": {"membershipId": granted["membership"]["id"]}}, token=admin)
    )["data"]["revokeRole"]
    assert revoked["__typename"] == "RevokeRoleSuccess"
    assert error_codes(await api.gql(MEMBERS, token=newcomer)) == ["FORBIDDEN"]


async def test_the_last_street_admin_cannot_be_removed(api: Api, services: Services) -> None:
    street = await make_street(services, "last")
    admin = await api.login(street.admin_username, street.admin_password)
    members = (await api.gql(MEMBERS, token=admin))["data"]["members"]
    assert members["totalCount"] == 1
    only_admin = members["edges"][0]["node"]["id"]
    refused = (await api.gql(REVOKE, {"input": {"membershipId": only_admin}}, token=admin))["data"][
        "revokeRole"
    ]
    assert refused["code"] == "BAD_USER_INPUT" and refused["field"] == "membershipId"
    assert (await api.gql(MEMBERS, token=admin))["data"]["members"]["totalCount"] == 1


@pytest.mark.parametrize("role", ["PLATFORM_ADMIN", "DISTRICT_ADMIN"])
async def test_platform_and_district_roles_cannot_be_granted_in_a_street(
    api: Api, services: Services, role: str
) -> None:
    street = await make_street(services, "norole")
    admin = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(
        CREATE_ACCOUNT,
        {"input": {"username": f"{street.code}.x", "displayName": "x", "role": role}},
        token=admin,
    )
    assert body["data"]["createAccount"]["code"] == "BAD_USER_INPUT"
    again = await api.login(street.admin_username, street.admin_password)
    assert (await api.gql(MEMBERS, token=again))["data"]["members"]["totalCount"] == 1
