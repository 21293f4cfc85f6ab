"""Bad requests get a stable ``extensions.code``: never a 500, never another street's data.

Requests that cannot be read at all get HTTP 400; everything else is HTTP 200 with ``errors``
(or, for a refused mutation input, a typed ``UserError`` member of the payload, nothing written).
"""

from __future__ import annotations

import secrets

import jwt
import pytest

from core.clock import FrozenClock
from core.settings import Settings
from models.accounts import Role, User
from models.scoping import unscoped
from models.tenancy import Community
from resolvers.services import Services
from tests.support import (
    Api,
    StreetFixture,
    add_member,
    error_codes,
    grant_membership,
    make_street,
)

USER = "wulidun.street_admin"
OTHER_STREETS = ("mishixiang", "wangjiang", "米市巷", "望江")  # USER is of wulidun
COMMUNITIES = "query($first: Int, $after: String) { communities(first: $first, after: $after) "
COMMUNITIES += "{ totalCount edges { node { code } } } }"

# --- helpers -----------------------------------------------------------------------------


def assert_refused(body: dict, *codes: str) -> None:
    """No data, every error carries one of the expected codes, nothing of other streets."""
    assert body.get("data") is None, body
    found = error_codes(body)
    assert found and set(found) <= set(codes), body
    text = str(body)
    assert not [street for street in OTHER_STREETS if street in text], body


async def post_as(api: Api, query: str, variables: dict | None = None, **kw: object) -> dict:
    return await api.gql(query, variables, token=await api.login(USER), **kw)


def nested(depth: int) -> str:
    """A query ``depth`` levels deep (the top-level field is level 0, as the limiter counts):
    communities → edges → node → grids → edges → node → community → grids …, two per page (so
    that its cost stays within the budget: at 20 per page it is 160,000 grids deep down)."""
    path = ["communities(first: 2)", "edges", "node"]
    cycle = ["grids(first: 2)", "edges", "node", "community"]
    while len(path) < depth:
        path.append(cycle[(len(path) - 3) % 4])
    fields = path[:depth]
    leaf = {path[0]: "totalCount", cycle[0]: "totalCount", "edges": "cursor"}
    return (
        "{ " + " { ".join(fields) + f" {{ {leaf.get(fields[-1], 'id')}" + " }" * len(fields) + " }"
    )


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: me {{ username }}" for i in range(count)) + " }"


@pytest.fixture(scope="module")
async def street(services: Services) -> StreetFixture:
    """Mutations that must write nothing are tried in a street of their own."""
    return await make_street(services, "bad")


async def as_admin(api: Api, street: StreetFixture, query: str, **kw: object) -> dict:
    token = await api.login(street.admin_username, street.admin_password)
    return await api.gql(query, token=token, **kw)


async def community_codes(street_id: int) -> list[str]:
    with unscoped("test: what the street holds"):
        return (
            await Community.filter(tenant_id=street_id)
            .order_by("code")
            .values_list("code", flat=True)
        )


# --- the request body ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"query": "{ me { id } }"', b'"just a string"', b"42", b"null"],
    ids=["broken", "truncated", "string", "number", "null"],
)
async def test_unparseable_body_is_a_400(api: Api, body: bytes) -> None:
    response = await api.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "payload",
    [{}, {"query": 5}, {"query": "{ me { id } }", "variables": "x"}],
    ids=["no-query", "query-not-string", "variables-not-object"],
)
async def test_body_without_a_usable_query_is_a_400(api: Api, payload: dict) -> None:
    response = await api.client.post("/graphql", json=payload)
    assert response.status_code == 400


# --- who is calling, for which street ------------------------------------------------------


async def test_user_of_several_streets_must_name_one(api: Api, services: Services) -> None:
    first = await make_street(services, "two-a")
    second = await make_street(services, "two-b")
    user = await add_member(services, first.street_id, Role.GRID_WORKER)
    await grant_membership(services, user, second.street_id, Role.RESIDENT)
    token = await api.login(user.username)
    body = await api.gql("{ street { code } }", token=token)
    assert_refused(body, "TENANT_REQUIRED")
    named = await api.gql("{ street { code } }", token=token, tenant=second.code)
    assert named["data"]["street"]["code"] == second.code


async def test_unknown_x_tenant_is_forbidden(api: Api) -> None:
    body = await post_as(api, "{ street { code } }", tenant="atlantis")
    assert_refused(body, "TENANT_FORBIDDEN")


async def test_expired_token_is_refused(api: Api, clock: FrozenClock, settings: Settings) -> None:
    token = await api.login(USER)
    assert (await api.gql("{ me { username } }", token=token))["data"]["me"]["username"] == USER
    clock.advance(minutes=settings.access_token_minutes + 1)
    try:
        body = await api.gql("{ me { username } }", token=token)
    finally:
        clock.advance(minutes=-(settings.access_token_minutes + 1))
    assert_refused(body, "TOKEN_EXPIRED")


async def test_token_signed_with_another_key_is_refused(api: Api) -> None:
    genuine = await api.login(USER)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256")
    body = await api.gql("{ me { username } }", token=forged)
    assert_refused(body, "INVALID_TOKEN")


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c"])
async def test_garbage_token_is_refused(api: Api, token: str) -> None:
    body = await api.gql("{ me { username } }", token=token)
    assert_refused(body, "INVALID_TOKEN")


# --- abuse limits --------------------------------------------------------------------------


async def test_query_within_the_depth_limit_is_served(api: Api, settings: Settings) -> None:
    body = await post_as(api, nested(settings.max_query_depth))
    assert "errors" not in body, body


async def test_query_over_the_depth_limit_is_too_complex(api: Api, settings: Settings) -> None:
    body = await post_as(api, nested(settings.max_query_depth + 1))
    assert_refused(body, "QUERY_TOO_COMPLEX")


async def test_aliases_up_to_the_limit_are_served(api: Api, settings: Settings) -> None:
    body = await post_as(api, aliased(settings.max_aliases))
    assert "errors" not in body, body


async def test_too_many_aliases_is_too_complex(api: Api, settings: Settings) -> None:
    body = await post_as(api, aliased(settings.max_aliases + 1))
    assert_refused(body, "QUERY_TOO_COMPLEX")


async def test_query_over_the_token_limit_is_too_complex(api: Api, settings: Settings) -> None:
    huge = "{ " + "me { username } " * (settings.max_tokens // 4 + 10) + "}"
    body = await post_as(api, huge)
    assert_refused(body, "QUERY_TOO_COMPLEX")


# --- arguments, cursors, IDs, syntax -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ communities(first: "x") { totalCount } }', None),
        (COMMUNITIES, {"first": "x"}),
        (COMMUNITIES, {"first": 1.5}),
        ("{ members(role: NOT_A_ROLE) { totalCount } }", None),
    ],
    ids=["literal", "variable", "float-variable", "enum"],
)
async def test_wrong_argument_type_is_refused(api: Api, query: str, variables: dict | None) -> None:
    body = await post_as(api, query, variables)
    assert_refused(body, "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")


async def test_largest_page_is_served(api: Api, settings: Settings) -> None:
    body = await post_as(api, COMMUNITIES, {"first": settings.max_page_size})
    assert body["data"]["communities"]["totalCount"] == 2


@pytest.mark.parametrize("first", [101, 10_000, -1])
async def test_page_size_out_of_range_is_bad_user_input(api: Api, first: int) -> None:
    body = await post_as(api, COMMUNITIES, {"first": first})
    assert_refused(body, "BAD_USER_INPUT")
    assert body["errors"][0]["extensions"]["field"] == "first"


@pytest.mark.parametrize(
    "cursor",
    ["zzz", "!!!", "bm90LWEta2V5", "azp4"],
    ids=["short", "not-base64", "not-a-key", "key-not-a-number"],  # base64 "not-a-key", "k:x"
)
async def test_bad_cursor_is_bad_user_input(api: Api, cursor: str) -> None:
    body = await post_as(api, COMMUNITIES, {"after": cursor})
    assert_refused(body, "BAD_USER_INPUT")
    assert body["errors"][0]["extensions"]["field"] == "after"


async def test_syntax_error_is_parse_failed(api: Api) -> None:
    body = await post_as(api, "{ communities { edges { node { code } }")
    assert_refused(body, "GRAPHQL_PARSE_FAILED")


async def test_unknown_field_is_validation_failed(api: Api) -> None:
    body = await post_as(api, "{ communities { totalCount secretField } }")
    assert_refused(body, "GRAPHQL_VALIDATION_FAILED")


@pytest.mark.parametrize(
    "node_id",
    ["garbage!!", "", "Q29tbXVuaXR5", "Q29tbXVuaXR5OmFiYw==", "Rm9vOjE="],
    ids=["not-base64", "empty", "no-pk", "pk-not-a-number", "unknown-type"],
)
async def test_garbage_global_id_is_invalid_id(api: Api, node_id: str) -> None:
    body = await post_as(api, "query($id: ID!) { node(id: $id) { id } }", {"id": node_id})
    assert_refused(body, "INVALID_ID")


# --- language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (None, "每页最多 100 条。"),
        ("zh-CN,zh;q=0.9", "每页最多 100 条。"),
        ("fr", "每页最多 100 条。"),
        ("en", "At most 100 items per page."),
        ("en-US,en;q=0.9,zh;q=0.5", "At most 100 items per page."),
    ],
)
async def test_messages_follow_accept_language(api: Api, lang: str | None, message: str) -> None:
    body = await post_as(api, COMMUNITIES, {"first": 101}, lang=lang)
    assert body["errors"][0]["message"] == message


async def test_auth_errors_are_translated_too(api: Api) -> None:
    zh = await api.gql("{ me { username } }")
    en = await api.gql("{ me { username } }", lang="en")
    assert zh["errors"][0]["message"] == "请先登录。"
    assert en["errors"][0]["message"] == "Please sign in first."


# --- mutation inputs: typed errors, nothing written ----------------------------------------

CREATE_COMMUNITY = """
mutation($code: String!, $name: String!) {
  createCommunity(input: {code: $code, name: $name}) {
    __typename ... on UserError { code field message }
  }
}"""

CREATE_ACCOUNT = """
mutation($username: String!, $role: Role!) {
  createAccount(input: {username: $username, displayName: "新用户", role: $role}) {
    __typename ... on UserError { code field message }
  }
}"""


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("Bad Code", "社区", ("BAD_USER_INPUT", "code")),
        ("x", "社区", ("BAD_USER_INPUT", "code")),
        ("c1", "社区", ("ALREADY_EXISTS", "code")),  # make_street created c1
        (" C1 ", "社区", ("ALREADY_EXISTS", "code")),
        ("fresh-code", "   ", ("BAD_USER_INPUT", "name")),
        ("fresh-code", "长" * 101, ("BAD_USER_INPUT", "name")),
    ],
    ids=[
        "spaces-and-capitals",
        "too-short",
        "duplicate",
        "duplicate-after-trim",
        "blank-name",
        "name-too-long",
    ],
)
async def test_create_community_with_bad_input_is_a_typed_error(
    api: Api, street: StreetFixture, code: str, name: str, expected: tuple[str, str]
) -> None:
    before = await community_codes(street.street_id)
    body = await as_admin(api, street, CREATE_COMMUNITY, variables={"code": code, "name": name})
    result = body["data"]["createCommunity"]
    assert result["__typename"] == "InputError"
    assert (result["code"], result["field"]) == expected
    assert result["message"]
    assert await community_codes(street.street_id) == before


async def test_input_error_message_follows_accept_language(api: Api, street: StreetFixture) -> None:
    variables = {"code": "c1", "name": "社区"}
    zh = await as_admin(api, street, CREATE_COMMUNITY, variables=variables)
    en = await as_admin(api, street, CREATE_COMMUNITY, variables=variables, lang="en")
    assert zh["data"]["createCommunity"]["message"] == "代码“c1”已被使用。"
    assert en["data"]["createCommunity"]["message"] == "The code 'c1' is already taken."


@pytest.mark.parametrize(
    ("username", "role", "expected"),
    [
        ("wulidun.display", "RESIDENT", ("ALREADY_EXISTS", "username")),  # of another street
        ("admin", "RESIDENT", ("ALREADY_EXISTS", "username")),
        ("no spaces allowed", "RESIDENT", ("BAD_USER_INPUT", "username")),
        ("fresh-user", "DISTRICT_ADMIN", ("BAD_USER_INPUT", "role")),
        ("fresh-user", "PLATFORM_ADMIN", ("BAD_USER_INPUT", "role")),
    ],
    ids=[
        "taken-in-another-street",
        "taken-by-platform-admin",
        "bad-format",
        "district-role",
        "platform-role",
    ],
)
async def test_create_account_with_bad_input_is_a_typed_error(
    api: Api, street: StreetFixture, username: str, role: str, expected: tuple[str, str]
) -> None:
    users_before = await User.all().count()
    body = await as_admin(
        api, street, CREATE_ACCOUNT, variables={"username": username, "role": role}
    )
    result = body["data"]["createAccount"]
    assert result["__typename"] == "InputError"
    assert (result["code"], result["field"]) == expected
    assert "五里墩" not in str(body) and "平台管理员" not in str(body)
    assert await User.all().count() == users_before
