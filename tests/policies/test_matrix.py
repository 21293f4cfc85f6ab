"""Who may do what: policy.csv is the table, casbin and the schema must follow it exactly.

Part (a) asks a fresh casbin enforcer, for every role and every capability, and compares the
answer with policy.csv read here independently (so a wrong matcher in model.conf fails).
Part (b) shows, one call per resource, that the GraphQL field actually checks its capability.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass

import casbin
import graphql
import pytest

from core.settings import Env, Settings
from gongzhi.platform import capability_vocabulary, make_schema
from models.accounts import Role
from policies.enforcer import MODEL_PATH, POLICY_PATH, new_enforcer
from policies.vocabulary import PLATFORM_DOMAIN, Capability
from resolvers.demo import DEMO_PASSWORD
from resolvers.services import Services
from tests.support import Api, add_member, error_codes, make_street

CAPABILITIES = capability_vocabulary()

USER = "user:1"
HOME = "street:1"
OTHER_STREET = "street:2"
READ_ONLY_ROLES = (Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT, Role.DISPLAY)


@dataclass(frozen=True)
class PolicyRow:
    role: str
    domain: str
    capability: Capability


def read_policy_csv() -> list[PolicyRow]:
    """The ``p`` lines of policy.csv, parsed without casbin."""
    rows = []
    with POLICY_PATH.open(encoding="utf-8") as handle:
        for line in csv.reader(handle, skipinitialspace=True):
            if not line or line[0].lstrip().startswith("#"):
                continue
            kind, role, domain, resource, action = (cell.strip() for cell in line)
            assert kind == "p", f"unexpected line in policy.csv: {line}"
            rows.append(PolicyRow(role, domain, Capability(resource, action)))
    return rows


POLICY = read_policy_csv()


def home_domain(role: Role) -> str:
    return PLATFORM_DOMAIN if role is Role.PLATFORM_ADMIN else HOME


def expected_capabilities(role: Role, domain: str) -> set[Capability]:
    return {
        row.capability for row in POLICY if row.role == role.value and row.domain in ("*", domain)
    }


def plain_enforcer() -> casbin.Enforcer:
    """model.conf's matcher alone: the app's FastEnforcer pre-selects policy lines by
    (resource, action), which would hide a matcher that forgets to compare them."""
    return casbin.Enforcer(str(MODEL_PATH), str(POLICY_PATH))


ENFORCERS = {"app": new_enforcer, "matcher": plain_enforcer}


def enforcer_with(role: Role, domain: str, kind: str = "app") -> casbin.Enforcer:
    enforcer = ENFORCERS[kind]()
    enforcer.add_grouping_policy(USER, role.value, domain)
    return enforcer


def granted(enforcer: casbin.Enforcer, domain: str) -> set[Capability]:
    return {cap for cap in CAPABILITIES if enforcer.enforce(USER, domain, cap.resource, cap.action)}


# --- (a) the enforcer against policy.csv ---------------------------------------------------


def test_policy_csv_is_not_empty_and_names_only_known_roles() -> None:
    assert len(POLICY) > 20
    assert {row.role for row in POLICY} <= {role.value for role in Role}


@pytest.mark.parametrize("kind", ENFORCERS)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_enforcer_grants_exactly_what_policy_csv_says(role: Role, kind: str) -> None:
    domain = home_domain(role)
    enforcer = enforcer_with(role, domain, kind)
    answers = {
        cap: bool(enforcer.enforce(USER, domain, cap.resource, cap.action)) for cap in CAPABILITIES
    }
    expected = {cap: cap in expected_capabilities(role, domain) for cap in CAPABILITIES}
    assert answers == expected


@pytest.mark.parametrize("kind", ENFORCERS)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_a_role_held_in_one_street_grants_nothing_in_another(role: Role, kind: str) -> None:
    enforcer = enforcer_with(role, home_domain(role), kind)
    assert granted(enforcer, OTHER_STREET) == set()


# The one write a district account makes into a street: a district department acts on the
# cases linked (escalated) to it (policy.csv, resolvers/cases/handling.py).
DISTRICT_WRITES = {Role.DISTRICT_DEPARTMENT: {("case", "district_handle")}}


@pytest.mark.parametrize("role", READ_ONLY_ROLES, ids=lambda role: role.value)
def test_district_roles_and_displays_hold_no_write_capability(role: Role) -> None:
    enforcer = enforcer_with(role, HOME)
    held = granted(enforcer, HOME)
    assert held, f"{role} should at least read"
    writes = {(cap.resource, cap.action) for cap in held if cap.action != "read"}
    assert writes == DISTRICT_WRITES.get(role, set())


def test_every_capability_is_granted_to_some_role() -> None:
    granted_somewhere = {row.capability for row in POLICY}
    assert set(CAPABILITIES) - granted_somewhere == set()


def test_every_policy_line_names_a_capability_of_the_vocabulary() -> None:
    unknown = [row for row in POLICY if row.capability not in CAPABILITIES]
    assert unknown == []


def test_only_the_platform_admin_holds_platform_capabilities() -> None:
    platform_rows = {row.role for row in POLICY if row.capability.resource == "tenant"}
    assert platform_rows == {Role.PLATFORM_ADMIN.value}
    assert all(row.domain == PLATFORM_DOMAIN for row in POLICY if row.role == "PLATFORM_ADMIN")


# --- (b) every field checks its capability -------------------------------------------------

FRESH_ADMIN = "<admin of a fresh street>"
FRESH_DISPLAY = "<display of the same street>"

UPDATE_STREET = """
mutation($name: String!) {
  updateStreet(input: {name: $name}) { __typename ... on UpdateStreetSuccess { street { name } } }
}"""
CREATE_COMMUNITY = """
mutation($code: String!) {
  createCommunity(input: {code: $code, name: "权限测试社区"}) {
    __typename ... on CreateCommunitySuccess { community { code } }
  }
}"""


@dataclass(frozen=True)
class FieldCase:
    resource: str
    operation: str
    root_field: str
    allowed: str
    denied: str


FIELD_CASES = [
    FieldCase("street", UPDATE_STREET, "updateStreet", FRESH_ADMIN, FRESH_DISPLAY),
    FieldCase("place", CREATE_COMMUNITY, "createCommunity", FRESH_ADMIN, FRESH_DISPLAY),
    FieldCase(
        "member",
        "{ members { totalCount } }",
        "members",
        "wulidun.street_leader",
        "wulidun.display",
    ),
    FieldCase(
        "district",
        "{ districtStreets { code } }",
        "districtStreets",
        "gongshu.district_admin",
        "mishixiang.street_admin",
    ),
    FieldCase("tenant", "{ allStreets { code } }", "allStreets", "admin", "wulidun.street_admin"),
]


@pytest.fixture(scope="module")
async def fresh_street(services: Services) -> dict[str, tuple[str, str]]:
    """Writes happen in a street of their own, never in the demo streets."""
    street = await make_street(services, "perm")
    display = await add_member(services, street.street_id, Role.DISPLAY)
    return {
        FRESH_ADMIN: (street.admin_username, street.admin_password),
        FRESH_DISPLAY: (display.username, DEMO_PASSWORD),
    }


async def call_as(api: Api, who: str, case: FieldCase, fresh: dict[str, tuple[str, str]]) -> dict:
    username, password = fresh.get(who, (who, DEMO_PASSWORD))
    token = await api.login(username, password)
    variables = {
        "name": f"权限测试街道 {secrets.token_hex(2)}",
        "code": f"p-{secrets.token_hex(3)}",
    }
    used = {k: v for k, v in variables.items() if f"${k}" in case.operation}
    return await api.gql(case.operation, used, token=token)


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda case: case.resource)
async def test_allowed_role_gets_data(
    api: Api, fresh_street: dict[str, tuple[str, str]], case: FieldCase
) -> None:
    body = await call_as(api, case.allowed, case, fresh_street)
    assert "errors" not in body, body
    data = body["data"][case.root_field]
    assert data
    if isinstance(data, dict) and "__typename" in data:
        assert data["__typename"].endswith("Success"), data


@pytest.mark.parametrize("case", FIELD_CASES, ids=lambda case: case.resource)
async def test_denied_role_gets_forbidden_and_no_data(
    api: Api, fresh_street: dict[str, tuple[str, str]], case: FieldCase
) -> None:
    body = await call_as(api, case.denied, case, fresh_street)
    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]


def root_fields() -> list[tuple[str, str, str]]:
    sdl_schema = graphql.build_schema(make_schema(Settings(env=Env.DEV)).as_str())
    found = []
    for root in (sdl_schema.query_type, sdl_schema.mutation_type, sdl_schema.subscription_type):
        assert root is not None
        for name, definition in root.fields.items():
            found.append((root.name, name, definition.description or ""))
    return found


def test_every_root_field_states_what_it_requires() -> None:
    fields = root_fields()
    assert len(fields) > 10
    undeclared = [
        f"{root}.{name}"
        for root, name, description in fields
        if "Requires" not in description and "Public" not in description
    ]
    assert undeclared == []
