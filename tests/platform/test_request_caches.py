"""What a request no longer reads from the database each time — the caller's streets (from the
authorizer's role links) and street rows (from the in-process directory) — still changes on the
very next request after a rename, a revoked role or a new district street."""

from __future__ import annotations

from models.accounts import DistrictMembership, Membership, Role, User
from models.scoping import unscoped
from models.tenancy import District, Street
from resolvers.services import Services
from tenants.registry import create_street
from tenants.resolution import accessible_streets
from tenants.streets import StreetDirectory
from tests.accounts.test_auth import REVOKE
from tests.live import until
from tests.support import Api, add_member, error_codes, gid, grant_membership, make_street

STREET = "{ street { code name } }"
RENAME = "mutation($n: String!) { updateStreet(input: {name: $n}) { __typename } }"
MEMBERSHIPS = "{ members { edges { node { id role account { id } } } } }"


async def test_a_renamed_street_shows_its_new_name_on_the_next_request(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "rename")
    admin = await api.login(street.admin_username, street.admin_password)
    assert (await api.gql(STREET, token=admin))["data"]["street"]["code"] == street.code
    # Another worker's directory, holding the old row: the broker message makes it forget.
    other = StreetDirectory()
    await other.start_watching(services.broker)
    try:
        old = await other.by_id(street.street_id)
        assert old is not None
        body = await api.gql(RENAME, {"n": "新的街道名"}, token=admin)
        assert body["data"]["updateStreet"]["__typename"] == "UpdateStreetSuccess", body
        assert (await api.gql(STREET, token=admin))["data"]["street"]["name"] == "新的街道名"
        by_code = await api.gql(STREET, token=admin, tenant=street.code)
        assert by_code["data"]["street"]["name"] == "新的街道名"
        await until(
            lambda: street.street_id not in other._by_id, "the other worker to forget the street"
        )
        renamed = await other.by_id(street.street_id)
        assert renamed is not None and renamed.name == "新的街道名"
    finally:
        await other.stop_watching()


async def test_street_rows_expire_and_callers_get_copies(services: Services) -> None:
    street = await make_street(services, "ttl")
    now = [0.0]
    directory = StreetDirectory(ttl=10, monotonic=lambda: now[0])
    first = await directory.by_code(street.code)
    assert first is not None
    first.name = "changed by a caller, never saved"
    kept = await directory.by_id(street.street_id)
    assert kept is not None and kept.name != first.name
    await Street.filter(id=street.street_id).update(name="改名")
    assert (await directory.by_id(street.street_id)).name != "改名"  # type: ignore[union-attr]
    now[0] = 11
    assert (await directory.by_id(street.street_id)).name == "改名"  # type: ignore[union-attr]
    assert await directory.by_code("no-such-street") is None


async def test_a_revoked_role_denies_on_the_next_request(api: Api, services: Services) -> None:
    street = await make_street(services, "revoke")
    other = await make_street(services, "revoke2")
    admin = await api.login(street.admin_username, street.admin_password)
    user = await add_member(services, street.street_id, Role.GRID_CHIEF)
    await grant_membership(services, user, other.street_id, Role.RESIDENT)
    token = await api.login(user.username)
    assert (await api.gql(STREET, token=token, tenant=street.code))["data"]["street"]
    with unscoped("test"):
        membership = await Membership.get(user_id=user.id, tenant_id=street.street_id)
    body = await api.gql(
        REVOKE, {"input": {"membershipId": gid("Membership", membership.id)}}, token=admin
    )
    assert body["data"]["revokeRole"]["__typename"] == "RevokeRoleSuccess", body
    denied = await api.gql(STREET, token=token, tenant=street.code)
    assert error_codes(denied) == ["TENANT_FORBIDDEN"]
    # Left with one street, the user no longer needs to name it.
    assert (await api.gql(STREET, token=token))["data"]["street"]["code"] == other.code


async def test_the_authorizer_knows_the_same_streets_as_the_database(services: Services) -> None:
    first = await make_street(services, "dist")
    with unscoped("test"):
        street = await Street.get(id=first.street_id)
        district = await District.get(id=street.district_id)
    officer = await User.create(username=f"{first.code}.officer", password_hash="x")
    await DistrictMembership.create(user=officer, district=district, role=Role.DISTRICT_ADMIN)
    resident = await add_member(services, first.street_id, Role.RESIDENT)
    await services.authorizer.reload_users([officer.id])
    for user_id in (officer.id, resident.id, 0):
        assert services.authorizer.streets_of(user_id) == await accessible_streets(user_id)
    assert services.authorizer.streets_of(officer.id)[first.street_id] is False
    assert services.authorizer.streets_of(resident.id) == {first.street_id: True}
    # A new street of the district is reachable (read-only) as soon as it is created.
    created = await create_street(
        services.passwords,
        hooks=services.street_hooks,
        code=f"{first.code}-b",
        name="新街道",
        district_code=district.code,
        admin_username=f"{first.code}-b.admin",
    )
    await services.authorizer.assignments_changed([officer.id, created.admin.id])
    assert services.authorizer.streets_of(officer.id)[created.street.id] is False
    assert services.authorizer.streets_of(officer.id) == await accessible_streets(officer.id)
