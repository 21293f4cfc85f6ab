"""The live dashboard over WebSocket: the whole dashboard first, then only what changed after
a case; a revoked screen's subscription closes at once."""

from __future__ import annotations

from tests.cases.support import CaseStreet, reported
from tests.live import socket
from tests.stats.support import REVOKE, paired_screen
from tests.support import Api

LIVE = """
subscription { dashboard { kind name
  panels { key figures { key value } items { title detail } } } }
"""


def figures(message: dict, panel: str) -> dict[str, float | None]:
    for p in message["dashboard"]["panels"]:
        if p["key"] == panel:
            return {f["key"]: f["value"] for f in p["figures"]}
    return {}


async def test_the_whole_dashboard_then_what_changed(
    api: Api, cs: CaseStreet, live_url: str
) -> None:
    token = await api.login(cs.leader.username)
    async with socket(live_url, token, cs.tenant) as ws:
        await ws.subscribe("1", LIVE)
        first = await ws.next("1")
        whole = figures(first, "cases")
        assert {"received", "open", "resolutionRate"} <= set(whole)
        assert {p["key"] for p in first["dashboard"]["panels"]} >= {"cases", "consultations"}
        await reported(api, cs)
        update = await ws.next("1")
        changed = figures(update, "cases")
        assert changed["received"] == whole["received"] + 1
        assert changed["open"] == whole["open"] + 1
        assert "overdue" not in changed and "resolved" not in changed  # unchanged: not sent
        assert "consultations" not in {p["key"] for p in update["dashboard"]["panels"]}


async def test_a_revoked_screen_stops_at_once(api: Api, cs: CaseStreet, live_url: str) -> None:
    admin = await api.login(cs.street.admin_username, cs.street.admin_password)
    screen, display = await paired_screen(api, admin, cs.tenant)
    async with socket(live_url, display, None) as ws:
        await ws.subscribe("1", LIVE)
        await ws.next("1")
        body = await api.gql(REVOKE, {"id": screen["id"]}, token=admin, tenant=cs.tenant)
        assert body["data"]["revokeScreen"]["__typename"] == "ScreenSuccess", body
        assert await ws.close_code() is not None
