"""Pairing a big screen (大屏绑定) through the API: the screen's DISPLAY token reads its own
scope only, writes nothing, and stops at revocation; every bad code is refused with its code
and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from models.scoping import street_scope
from models.screens import Screen, ScreenPairing
from resolvers.services import Services
from tests.cases.support import CaseStreet
from tests.stats.support import COLLECT, DASHBOARD, PAIR, REVOKE, START, paired_screen
from tests.support import Api, error_codes, make_street


async def admin_token(api: Api, cs: CaseStreet) -> str:
    return await api.login(cs.street.admin_username, cs.street.admin_password)


async def test_a_paired_screen_reads_its_dashboard_and_nothing_else(
    api: Api, cs: CaseStreet
) -> None:
    token = await admin_token(api, cs)
    screen, display = await paired_screen(api, token, cs.tenant)
    assert screen["scope"] == "STREET"
    body = await api.gql(DASHBOARD, {}, token=display)
    assert "errors" not in body, body
    assert body["data"]["dashboard"]["kind"] == "STREET"
    assert {p["key"] for p in body["data"]["dashboard"]["panels"]} >= {"cases", "consultations"}
    # another scope than its own: refused with its code
    community = {"kind": "COMMUNITY", "communityId": _community_gid(cs)}
    body = await api.gql(DASHBOARD, {"scope": community}, token=display)
    assert error_codes(body) == ["SCREEN_SCOPE"], body
    # any write of a street: forbidden
    body = await api.gql(REVOKE, {"id": screen["id"]}, token=display)
    assert error_codes(body) == ["FORBIDDEN"], body


async def test_a_community_screen_reads_that_community_only(api: Api, cs: CaseStreet) -> None:
    token = await admin_token(api, cs)
    community = {"kind": "COMMUNITY", "communityId": _community_gid(cs)}
    screen, display = await paired_screen(api, token, cs.tenant, community)
    assert screen["scope"] == "COMMUNITY"
    body = await api.gql(DASHBOARD, {"scope": community}, token=display)
    assert body["data"]["dashboard"]["kind"] == "COMMUNITY", body
    body = await api.gql(DASHBOARD, {}, token=display)
    assert error_codes(body) == ["SCREEN_SCOPE"], body


async def test_revoking_a_screen_ends_its_token(api: Api, cs: CaseStreet) -> None:
    token = await admin_token(api, cs)
    screen, display = await paired_screen(api, token, cs.tenant)
    body = await api.gql(REVOKE, {"id": screen["id"]}, token=token, tenant=cs.tenant)
    assert body["data"]["revokeScreen"]["screen"]["revokedAt"], body
    # the whole dashboard costs more than a visitor may ask: still the token's own refusal,
    # so the screen knows to renew it (not QUERY_TOO_COMPLEX)
    body = await api.gql(DASHBOARD, {}, token=display)
    assert error_codes(body) == ["INVALID_TOKEN"], body
    again = await api.gql(REVOKE, {"id": screen["id"]}, token=token, tenant=cs.tenant)
    assert again["data"]["revokeScreen"]["code"] == "SCREEN_REVOKED", again


async def _pair(api: Api, token: str, tenant: str, code: str) -> dict:
    body = await api.gql(
        PAIR, {"input": {"code": code, "name": "大厅", "scope": {}}}, token=token, tenant=tenant
    )
    return body["data"]["pairScreen"]


async def _collect(api: Api, code: str, secret: str) -> dict:
    body = await api.gql(COLLECT, {"input": {"code": code, "deviceSecret": secret}})
    return body["data"]["collectScreenTokens"]


async def _screens(street_id: int) -> int:
    with street_scope(street_id):
        return await Screen.all().count()


async def test_bad_pairing_codes_are_refused_and_change_nothing(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    token = await admin_token(api, cs)
    before = await _screens(cs.street.street_id)
    assert (await _pair(api, token, cs.tenant, "NOSUCH99"))["code"] == "PAIRING_UNKNOWN"

    started = (await api.gql(START))["data"]["startScreenPairing"]
    code, secret = started["code"], started["deviceSecret"]
    assert (await _collect(api, code, secret))["code"] == "PAIRING_WAITING"
    assert (await _collect(api, code, "not-the-secret"))["code"] == "PAIRING_UNKNOWN"

    monday.current += timedelta(minutes=6)  # the code's five minutes are over
    assert (await _pair(api, token, cs.tenant, code))["code"] == "PAIRING_EXPIRED"
    assert (await _collect(api, code, secret))["code"] == "PAIRING_EXPIRED"
    assert await _screens(cs.street.street_id) == before

    started = (await api.gql(START))["data"]["startScreenPairing"]
    code, secret = started["code"], started["deviceSecret"]
    assert (await _pair(api, token, cs.tenant, code.lower()))["__typename"] == "ScreenSuccess"
    assert (await _pair(api, token, cs.tenant, code))["code"] == "PAIRING_USED"
    # another street's admin cannot take it either
    other = await make_street(services, "other")
    other_token = await api.login(other.admin_username, other.admin_password)
    assert (await _pair(api, other_token, other.code, code))["code"] == "PAIRING_USED"
    assert await _screens(other.street_id) == 0
    assert (await _collect(api, code, secret))["__typename"] == "ScreenTokensSuccess"
    assert (await _collect(api, code, secret))["code"] == "PAIRING_USED"
    assert await _screens(cs.street.street_id) == before + 1
    assert await ScreenPairing.filter(code=code, collected_at__isnull=False).count() == 1


def _community_gid(cs: CaseStreet) -> str:
    from core.ids import to_global_id

    return to_global_id("Community", cs.street.community_id)
