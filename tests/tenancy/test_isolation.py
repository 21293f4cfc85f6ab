"""One street never sees or changes another's data.

Street A's administrator tries every ID-taking query and mutation with street B's IDs; district
accounts read their district's streets and write nothing; and every tenant-owned model goes
through the scoping layer, which refuses unscoped queries and cross-street writes, and whose
multi-street scope (区级汇总) reads only its streets and writes nothing.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from tortoise import Tortoise

from models.accounts import Membership, Role, User
from models.scoping import (
    CrossTenantWriteError,
    TenantManager,
    TenantModel,
    UnscopedQueryError,
    street_scope,
    streets_scope,
    unscoped,
)
from models.tenancy import Community, Grid, Street
from resolvers.services import Services
from schema.domains import DOMAINS
from tests.support import Api, StreetFixture, add_member, error_codes, gid, make_street

Seeder = Callable[[Services, StreetFixture, int], Awaitable[None]]

# --- helpers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TwoStreets:
    a: StreetFixture
    b: StreetFixture
    b_member: User  # a resident of B only
    b_membership_id: int


async def snapshot(street_id: int) -> dict[str, list[tuple]]:
    """Everything street B owns, as plain values, read around the scoping layer."""
    with unscoped("test: compare a street's rows before and after"):
        return {
            "communities": await Community.filter(tenant_id=street_id)
            .order_by("id")
            .values_list("id", "code", "name"),
            "grids": await Grid.filter(tenant_id=street_id)
            .order_by("id")
            .values_list("id", "community_id", "code", "name"),
            "memberships": await Membership.filter(tenant_id=street_id)
            .order_by("id")
            .values_list("id", "user_id", "role"),
        }


def tenant_models() -> list[type[TenantModel]]:
    return [
        model for model in Tortoise.apps["gongzhi"].values() if "tenant" in model._meta.fields_map
    ]


def assert_no_trace_of(body: dict, street: StreetFixture) -> None:
    text = str(body)
    assert street.code not in text
    assert "测试社区" not in text and "一格" not in text


MUTATION_ERROR = "__typename ... on UserError { code field message }"


def seeders() -> list[Seeder]:
    """Each domain's ``seed_every_row(services, street, index)``, found in its own
    ``tests/<domain>/support.py`` (in the order of the domain list): a new domain brings its
    rows to this test without editing it."""
    found = []
    for domain in DOMAINS:
        name = f"tests.{domain.name}.support"
        try:
            support = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name not in (name, f"tests.{domain.name}"):
                raise  # the support module exists but imports something that does not
            continue
        seed = getattr(support, "seed_every_row", None)
        if seed is not None:
            found.append(seed)
    return found


@pytest.fixture(scope="module")
async def streets(services: Services) -> TwoStreets:
    a = await make_street(services, "iso-a")
    b = await make_street(services, "iso-b")
    member = await add_member(services, b.street_id, Role.RESIDENT)
    with unscoped("test set-up"):
        membership = await Membership.get(user_id=member.id)
    for index, street in enumerate((a, b), start=7):
        for seed in seeders():
            await seed(services, street, index)
    return TwoStreets(a, b, member, membership.id)


async def as_admin_of(api: Api, street: StreetFixture, query: str, **kw: object) -> dict:
    token = await api.login(street.admin_username, street.admin_password)
    return await api.gql(query, token=token, **kw)


# --- node(id:) and ID arguments ------------------------------------------------------------

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


def b_ids(two: TwoStreets) -> dict[str, str]:
    return {
        "Street": gid("Street", two.b.street_id),
        "Community": gid("Community", two.b.community_id),
        "Grid": gid("Grid", two.b.grid_id),
        "Membership": gid("Membership", two.b_membership_id),
        "Account": gid("Account", two.b_member.id),
    }


NODE_KINDS = ["Street", "Community", "Grid", "Membership", "Account"]


@pytest.mark.parametrize("kind", NODE_KINDS)
async def test_street_b_reads_its_own_node(api: Api, streets: TwoStreets, kind: str) -> None:
    """The control: the IDs used below are real and readable in their own street."""
    node_id = b_ids(streets)[kind]
    body = await as_admin_of(api, streets.b, NODE, variables={"id": node_id})
    assert body["data"]["node"] == {"__typename": kind, "id": node_id}


@pytest.mark.parametrize("kind", NODE_KINDS)
async def test_node_of_another_street_is_not_found(
    api: Api, streets: TwoStreets, kind: str
) -> None:
    before = await snapshot(streets.b.street_id)
    body = await as_admin_of(api, streets.a, NODE, variables={"id": b_ids(streets)[kind]})
    assert body["data"] is None
    assert error_codes(body) in (["NOT_FOUND"], ["FORBIDDEN"])
    assert_no_trace_of(body, streets.b)
    assert await snapshot(streets.b.street_id) == before


async def test_grids_of_another_streets_community_are_not_found(
    api: Api, streets: TwoStreets
) -> None:
    query = "query($c: ID) { grids(communityId: $c) { totalCount edges { node { code } } } }"
    community = gid("Community", streets.b.community_id)
    own = await as_admin_of(api, streets.b, query, variables={"c": community})
    assert own["data"]["grids"]["totalCount"] == 1
    body = await as_admin_of(api, streets.a, query, variables={"c": community})
    assert body["data"] is None
    assert error_codes(body) == ["NOT_FOUND"]
    assert_no_trace_of(body, streets.b)


@dataclass(frozen=True)
class CrossMutation:
    name: str
    operation: str
    variables: dict[str, str]
    field: str


def cross_mutations(two: TwoStreets) -> dict[str, CrossMutation]:
    cases = [
        CrossMutation(
            "createGrid",
            "mutation($c: ID!, $code: String!) { createGrid(input: "
            f'{{communityId: $c, code: $code, name: "越界网格"}}) {{ {MUTATION_ERROR} }} }}',
            {"c": gid("Community", two.b.community_id), "code": f"x-{secrets.token_hex(3)}"},
            "communityId",
        ),
        CrossMutation(
            "grantRole",
            "mutation($a: ID!) { grantRole(input: {accountId: $a, role: STREET_ADMIN}) "
            f"{{ {MUTATION_ERROR} }} }}",
            {"a": gid("Account", two.b_member.id)},
            "accountId",
        ),
        CrossMutation(
            "revokeRole",
            "mutation($m: ID!) { revokeRole(input: {membershipId: $m}) "
            f"{{ {MUTATION_ERROR} }} }}",
            {"m": gid("Membership", two.b_membership_id)},
            "membershipId",
        ),
    ]
    return {case.name: case for case in cases}


@pytest.mark.parametrize("name", ["createGrid", "grantRole", "revokeRole"])
async def test_mutation_with_another_streets_id_is_refused_and_changes_nothing(
    api: Api, services: Services, streets: TwoStreets, name: str
) -> None:
    case = cross_mutations(streets)[name]
    before_b = await snapshot(streets.b.street_id)
    before_a = await snapshot(streets.a.street_id)
    body = await as_admin_of(api, streets.a, case.operation, variables=case.variables)
    if body.get("errors"):
        assert error_codes(body) == ["FORBIDDEN"]
    else:
        result = body["data"][name]
        assert result["__typename"] == "InputError"
        assert (result["code"], result["field"]) == ("NOT_FOUND", case.field)
    assert_no_trace_of(body, streets.b)
    assert await snapshot(streets.b.street_id) == before_b
    assert await snapshot(streets.a.street_id) == before_a
    assert services.authorizer.roles(streets.b_member.id, f"street:{streets.a.street_id}") == []


# --- choosing the street -------------------------------------------------------------------

STREET = "{ street { code name } }"


async def test_x_tenant_of_a_street_the_user_is_not_in_is_forbidden(
    api: Api, streets: TwoStreets
) -> None:
    body = await as_admin_of(api, streets.a, STREET, tenant=streets.b.code)
    assert body["data"] is None
    assert error_codes(body) == ["TENANT_FORBIDDEN"]
    assert "测试街道" not in str(body)


async def test_x_tenant_of_an_unknown_street_is_forbidden(api: Api, streets: TwoStreets) -> None:
    body = await as_admin_of(api, streets.a, STREET, tenant="no-such-street")
    assert body["data"] is None
    assert error_codes(body) == ["TENANT_FORBIDDEN"]


async def test_x_tenant_of_the_users_own_street_is_served(api: Api, streets: TwoStreets) -> None:
    body = await as_admin_of(api, streets.a, STREET, tenant=streets.a.code)
    assert body["data"]["street"]["code"] == streets.a.code


# --- district accounts read, never write ---------------------------------------------------

DISTRICT_ADMIN = "gongshu.district_admin"  # district gongshu holds the street mishixiang


async def test_district_admin_reads_a_street_of_its_district(api: Api) -> None:
    query = "{ street { code } communities { edges { node { code } } } }"
    body = await api.as_user(DISTRICT_ADMIN, query, tenant="mishixiang")
    assert "errors" not in body, body
    assert body["data"]["street"] == {"code": "mishixiang"}
    codes = {edge["node"]["code"] for edge in body["data"]["communities"]["edges"]}
    assert {"hushu", "xiangji"} <= codes
    assert not codes & {"qinduan", "wulixincun", "jinjiang", "wangjiangmen"}


async def test_district_admin_cannot_enter_a_street_of_another_district(api: Api) -> None:
    body = await api.as_user(DISTRICT_ADMIN, STREET, tenant="wulidun")
    assert body["data"] is None
    assert error_codes(body) == ["TENANT_FORBIDDEN"]


async def test_district_admin_cannot_write_into_a_street(api: Api) -> None:
    code = f"d-{secrets.token_hex(3)}"
    mutation = (
        f'mutation {{ createCommunity(input: {{code: "{code}", name: "区级越权社区"}}) '
        f"{{ {MUTATION_ERROR} }} }}"
    )
    body = await api.as_user(DISTRICT_ADMIN, mutation, tenant="mishixiang")
    assert body["data"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    with unscoped("test: nothing was written anywhere"):
        assert not await Community.exists(code=code)


# --- the scoping layer covers every tenant-owned model -------------------------------------


def test_every_model_with_a_tenant_is_a_scoped_tenant_model(app: object) -> None:
    models = tenant_models()
    assert {Community, Grid, Membership} <= set(models)
    for model in models:
        assert issubclass(model, TenantModel), model
        assert isinstance(model._meta.manager, TenantManager), model


async def test_every_tenant_model_refuses_queries_outside_a_scope(app: object) -> None:
    for model in tenant_models():
        with pytest.raises(UnscopedQueryError):
            await model.all().count()
        with pytest.raises(UnscopedQueryError):
            await model.filter(id=1).first()


async def test_a_street_scope_returns_only_that_streets_rows(streets: TwoStreets) -> None:
    for model in tenant_models():
        with unscoped("test: what each street owns"):
            owned_by_a = set(
                await model.filter(tenant_id=streets.a.street_id).values_list("id", flat=True)
            )
        with street_scope(streets.a.street_id):
            seen = set(await model.all().values_list("id", flat=True))
            tenants = set(await model.all().values_list("tenant_id", flat=True))
        assert owned_by_a, (
            f"street A should own some {model.__name__} rows: write them in its domain's "
            "tests/<domain>/support.py seed_every_row"
        )
        assert seen == owned_by_a, model
        assert tenants == {streets.a.street_id}


async def test_saving_another_streets_row_inside_a_scope_is_refused(streets: TwoStreets) -> None:
    before = await snapshot(streets.b.street_id)
    for model in tenant_models():
        with unscoped("test: take one of B's rows"):
            row = await model.filter(tenant_id=streets.b.street_id).order_by("id").first()
        assert row is not None, model
        with street_scope(streets.a.street_id), pytest.raises(CrossTenantWriteError):
            await row.save()
        with street_scope(streets.a.street_id), pytest.raises(CrossTenantWriteError):
            await row.delete()
    assert await snapshot(streets.b.street_id) == before


async def test_creating_a_row_for_another_street_inside_a_scope_is_refused(
    streets: TwoStreets,
) -> None:
    before = await snapshot(streets.b.street_id)
    with street_scope(streets.a.street_id), pytest.raises(CrossTenantWriteError):
        await Community.create(tenant_id=streets.b.street_id, code="sneak", name="越界")
    assert await snapshot(streets.b.street_id) == before


async def test_a_read_only_scope_refuses_saves(streets: TwoStreets) -> None:
    before = await snapshot(streets.a.street_id)
    with street_scope(streets.a.street_id, writable=False):
        community = await Community.get(id=streets.a.community_id)
        community.name = "只读范围内改名"
        with pytest.raises(CrossTenantWriteError):
            await community.save()
        with pytest.raises(CrossTenantWriteError):
            await Community.create(code="ro-new", name="只读范围内新建")
    assert await snapshot(streets.a.street_id) == before


async def test_bulk_writes_obey_the_scope_too(streets: TwoStreets) -> None:
    before_a = await snapshot(streets.a.street_id)
    before_b = await snapshot(streets.b.street_id)
    with street_scope(streets.a.street_id, writable=False):
        with pytest.raises(CrossTenantWriteError):
            await Community.filter(id=streets.a.community_id).update(name="只读范围内批量改名")
        with pytest.raises(CrossTenantWriteError):
            await Community.filter(id=streets.a.community_id).delete()
    with street_scope(streets.a.street_id):
        with pytest.raises(CrossTenantWriteError):
            await Community.bulk_create(
                [Community(tenant_id=streets.b.street_id, code="bulk-sneak", name="越界")]
            )
        with pytest.raises(CrossTenantWriteError):
            await Community.filter(id=streets.a.community_id).update(tenant_id=streets.b.street_id)
        # Another street's rows are simply outside the scope: a bulk update touches none.
        assert await Community.filter(id=streets.b.community_id).update(name="越界") == 0
    assert await snapshot(streets.a.street_id) == before_a
    assert await snapshot(streets.b.street_id) == before_b


# --- the multi-street scope (区级汇总) reads its streets only, and writes nothing -----------


async def demo_street_id(code: str = "mishixiang") -> int:
    with unscoped("test: a demo street's id"):
        return (await Street.get(code=code)).id


async def test_a_multi_street_scope_returns_only_its_streets_rows(streets: TwoStreets) -> None:
    other = await demo_street_id()
    chosen = {streets.a.street_id, other}
    for model in tenant_models():
        with unscoped("test: what each street owns"):
            owned = set(await model.filter(tenant_id__in=chosen).values_list("id", flat=True))
            owned_by_b = set(
                await model.filter(tenant_id=streets.b.street_id).values_list("id", flat=True)
            )
        with streets_scope(chosen, "test: a district roll-up"):
            seen = set(await model.all().values_list("id", flat=True))
            tenants = set(await model.all().values_list("tenant_id", flat=True))
            assert await model.filter(id__in=list(owned_by_b)).count() == 0, model
        assert owned_by_b, f"street B should own some {model.__name__} rows"
        assert seen == owned, model
        assert streets.a.street_id in tenants and tenants <= chosen, model


async def test_a_multi_street_scope_refuses_every_write(streets: TwoStreets) -> None:
    chosen = {streets.a.street_id, streets.b.street_id}
    before = [await snapshot(s.street_id) for s in (streets.a, streets.b)]
    for model in tenant_models():
        with unscoped("test: take one of A's rows"):
            row = await model.filter(tenant_id=streets.a.street_id).first()
        assert row is not None, model
        with streets_scope(chosen, "test: a district roll-up"):
            with pytest.raises(CrossTenantWriteError):
                await row.save()
            with pytest.raises(CrossTenantWriteError):
                await row.delete()
            with pytest.raises(CrossTenantWriteError):
                await model.filter(id=row.pk).delete()
            with pytest.raises(CrossTenantWriteError):
                await model.bulk_create([row])
    with streets_scope(chosen, "test: a district roll-up"):
        with pytest.raises(CrossTenantWriteError):
            await Community.filter(id=streets.a.community_id).update(name="区级批量改名")
        with pytest.raises(CrossTenantWriteError):
            await Community.create(tenant_id=streets.a.street_id, code="roll-up", name="区级新建")
    assert [await snapshot(s.street_id) for s in (streets.a, streets.b)] == before
