"""When no street can be chosen for a request, the error says what is actually wrong: an account
of no street is told so (and that X-Tenant cannot help); one of several streets is told which
of its own streets it may name, and of no other."""

from __future__ import annotations

from models.accounts import Role
from resolvers.services import Services
from tests.support import Api, add_member, error_codes, grant_membership, make_street

STREET = "{ street { code } }"


def only_error(body: dict) -> tuple[str, str]:
    assert body["data"] is None, body
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


async def test_an_account_of_no_street_is_told_it_has_none(api: Api) -> None:
    token = await api.login("admin")  # the platform admin: creates streets, acts in none
    code, message = only_error(await api.gql(STREET, token=token, lang="en"))
    assert code == "TENANT_REQUIRED"
    assert "no street" in message and "X-Tenant header cannot help" in message
    assert "several" not in message
    _, chinese = only_error(await api.gql(STREET, token=token))
    assert "不属于任何街道" in chinese


async def test_an_account_of_no_street_naming_one_is_refused_that_street(api: Api) -> None:
    body = await api.gql(STREET, token=await api.login("admin"), tenant="wulidun", lang="en")
    assert error_codes(body) == ["TENANT_FORBIDDEN"]


async def test_an_account_of_several_streets_is_told_its_own_codes(
    api: Api, services: Services
) -> None:
    first = await make_street(services, "pick-a")
    second = await make_street(services, "pick-b")
    user = await add_member(services, first.street_id, Role.GRID_WORKER)
    await grant_membership(services, user, second.street_id, Role.RESIDENT)
    token = await api.login(user.username)
    code, message = only_error(await api.gql(STREET, token=token, lang="en"))
    assert code == "TENANT_REQUIRED"
    assert f"({first.code}, {second.code})" in message and "X-Tenant" in message
    assert "wulidun" not in message and "mishixiang" not in message
    named = await api.gql(STREET, token=token, tenant=second.code)
    assert named["data"]["street"]["code"] == second.code
