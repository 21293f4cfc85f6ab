"""What the stats tests share: the screen pairing flow through the API, and one row of every
stats model for the whole-model isolation test."""

from __future__ import annotations

from typing import Any

from models.accounts import User
from models.scoping import street_scope
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.panels import ScopeKind
from resolvers.services import Services
from resolvers.stats import screens
from tests.support import Api, StreetFixture

START = """
mutation { startScreenPairing { __typename
  ... on ScreenPairingSuccess { code deviceSecret expiresAt } } }
"""
PAIR = """
mutation($input: PairScreenInput!) { pairScreen(input: $input) { __typename
  ... on ScreenSuccess { screen { id name scope communityId } }
  ... on InputError { code field message } } }
"""
COLLECT = """
mutation($input: CollectScreenTokensInput!) { collectScreenTokens(input: $input) { __typename
  ... on ScreenTokensSuccess { tokens { accessToken refreshToken } screen { id scope } }
  ... on InputError { code field message } } }
"""
REVOKE = """
mutation($id: ID!) { revokeScreen(id: $id) { __typename
  ... on ScreenSuccess { screen { id revokedAt } }
  ... on InputError { code field message } } }
"""
DASHBOARD = """
query($scope: DashboardScope, $period: DashboardPeriod, $first: Date, $last: Date) {
  dashboard(scope: $scope, period: $period, firstDay: $first, lastDay: $last) {
    kind name firstDay lastDay
    panels { key title figures { key label value unit } items { title detail at } }
  }
}
"""


def figure(dashboard: dict[str, Any], panel: str, key: str) -> float | None:
    for p in dashboard["panels"]:
        if p["key"] == panel:
            for f in p["figures"]:
                if f["key"] == key:
                    return f["value"]
    raise KeyError(f"{panel}.{key}")


async def paired_screen(
    api: Api, admin_token: str, tenant: str, scope: dict[str, Any] | None = None
) -> tuple[dict[str, Any], str]:
    """A screen paired through the API: its ``Screen`` and its access token."""
    started = (await api.gql(START))["data"]["startScreenPairing"]
    body = await api.gql(
        PAIR,
        {"input": {"code": started["code"], "name": "一楼大厅", "scope": scope or {}}},
        token=admin_token,
        tenant=tenant,
    )
    assert body["data"]["pairScreen"]["__typename"] == "ScreenSuccess", body
    collected = await api.gql(
        COLLECT, {"input": {"code": started["code"], "deviceSecret": started["deviceSecret"]}}
    )
    payload = collected["data"]["collectScreenTokens"]
    assert payload["__typename"] == "ScreenTokensSuccess", payload
    return payload["screen"], payload["tokens"]["accessToken"]


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """A paired screen of the street (its ``Screen``; the pairing code is the platform's)."""
    pairing = await screens.start_pairing(services)
    with street_scope(fixture.street_id):
        admin = await User.get(username=fixture.admin_username)
        street = await Street.get(id=fixture.street_id)
        await screens.pair_screen(
            Caller(services, admin, street), pairing.code, f"大屏{index}", ScopeKind.STREET, None
        )
