"""The demo streets answer the questions a workbench asks first."""

from __future__ import annotations

from tests.support import Api, error_codes

ME = "{ me { username memberships { role street { code name } } currentStreet { code } } }"


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = (await api.client.get("/readyz")).json()
    assert ready["status"] == "ok" and ready["checks"]["database"] == "ok"


async def test_me_shows_the_role_in_the_only_street(api: Api) -> None:
    body = await api.as_user("wulidun.grid_chief", ME)
    me = body["data"]["me"]
    assert me["username"] == "wulidun.grid_chief"
    assert me["memberships"] == [
        {"role": "GRID_CHIEF", "street": {"code": "wulidun", "name": "五里墩街道"}}
    ]
    assert me["currentStreet"] == {"code": "wulidun"}


async def test_communities_are_those_of_the_callers_street_only(api: Api) -> None:
    query = "{ communities { totalCount edges { node { code grids { totalCount } } } } }"
    body = await api.as_user("wulidun.street_admin", query)
    communities = body["data"]["communities"]
    assert communities["totalCount"] == 2
    assert {e["node"]["code"] for e in communities["edges"]} == {"qinduan", "wulixincun"}
    assert all(e["node"]["grids"]["totalCount"] == 3 for e in communities["edges"])


async def test_anonymous_caller_gets_unauthenticated(api: Api) -> None:
    body = await api.gql("{ street { code } }")
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
