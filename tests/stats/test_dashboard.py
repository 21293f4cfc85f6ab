"""The dashboard through the API: a reported case moves today's figures; the scopes a caller
may not ask for, and periods that are reversed or too long, are refused with their codes; and
nothing a DISPLAY can read names a person."""

from __future__ import annotations

import json
from datetime import date, timedelta

from core.ids import to_global_id
from tests.cases.support import CaseStreet, call, reported
from tests.stats.support import DASHBOARD, figure, paired_screen
from tests.support import Api, error_codes


async def dashboard(api: Api, cs: CaseStreet, user: object, **variables: object) -> dict:
    body = await call(api, cs, user, DASHBOARD, variables)  # type: ignore[arg-type]
    assert "errors" not in body, body
    return body["data"]["dashboard"]


async def test_a_reported_case_counts_today_in_street_community_and_district(
    api: Api, cs: CaseStreet
) -> None:
    community = {
        "kind": "COMMUNITY",
        "communityId": to_global_id("Community", cs.street.community_id),
    }
    before = await dashboard(api, cs, cs.leader)
    in_community = await dashboard(api, cs, cs.leader, scope=community)
    district = await dashboard(api, cs, cs.district_admin, scope={"kind": "DISTRICT"})
    await reported(api, cs)
    after = await dashboard(api, cs, cs.leader)
    assert figure(after, "cases", "received") == figure(before, "cases", "received") + 1
    assert figure(after, "cases", "open") == figure(before, "cases", "open") + 1
    assert after["panels"][0]["items"][0]["title"] == "城市管理"  # its category, not its text
    now_in_community = await dashboard(api, cs, cs.leader, scope=community)
    assert (
        figure(now_in_community, "cases", "received")
        == figure(in_community, "cases", "received") + 1
    )
    now_district = await dashboard(api, cs, cs.district_admin, scope={"kind": "DISTRICT"})
    assert now_district["kind"] == "DISTRICT"
    assert figure(now_district, "cases", "received") == figure(district, "cases", "received") + 1


async def test_scopes_and_periods_refused(api: Api, cs: CaseStreet) -> None:
    body = await call(api, cs, cs.leader, DASHBOARD, {"scope": {"kind": "DISTRICT"}})
    assert error_codes(body) == ["FORBIDDEN"], body  # a street account asks for the district
    body = await call(api, cs, cs.resident, DASHBOARD, {})
    assert error_codes(body) == ["FORBIDDEN"], body
    today = date(2026, 6, 1)
    reversed_range = {
        "period": "RANGE",
        "first": str(today),
        "last": str(today - timedelta(days=1)),
    }
    body = await call(api, cs, cs.leader, DASHBOARD, reversed_range)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    too_long = {"period": "RANGE", "first": str(today - timedelta(days=400)), "last": str(today)}
    body = await call(api, cs, cs.leader, DASHBOARD, too_long)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    body = await call(api, cs, cs.leader, DASHBOARD, {"period": "RANGE"})
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    other = {"kind": "COMMUNITY", "communityId": to_global_id("Community", 999_999)}
    body = await call(api, cs, cs.leader, DASHBOARD, {"scope": other})
    assert error_codes(body) == ["NOT_FOUND"], body
    week = await dashboard(api, cs, cs.leader, period="THIS_WEEK")
    assert (week["firstDay"], week["lastDay"]) == ("2026-06-01", "2026-06-01")  # a Monday
    month = await dashboard(api, cs, cs.leader, period="THIS_MONTH")
    assert month["firstDay"] == "2026-06-01"


async def test_nothing_a_screen_reads_names_a_person(api: Api, cs: CaseStreet) -> None:
    secret_title = "张三丰家门口漏水"
    phone = "13912345678"
    await reported(
        api,
        cs,
        title=secret_title,
        description=f"联系人张三丰 {phone}",
        address="张三丰家 3 单元",
    )
    token = await api.login(cs.street.admin_username, cs.street.admin_password)
    _, display = await paired_screen(api, token, cs.tenant)
    body = await api.gql(DASHBOARD, {}, token=display)
    assert "errors" not in body, body
    text = json.dumps(body, ensure_ascii=False)
    assert figure(body["data"]["dashboard"], "cases", "received") >= 1
    for personal in ("张三丰", phone, secret_title, cs.resident.username, cs.resident.display_name):
        assert personal not in text, personal


async def test_the_demo_streets_bell_figures_on_its_dashboard(api: Api) -> None:
    """The bell's panel counts in SQL what ``consultationFigures`` counts row by row: the demo
    street's first half of 2020 (the seed's 111 rings, 99 accepted, 63 solved, 72.4 %, 99.5 %)."""
    from models.accounts import Role
    from resolvers.demo import demo_username

    display = demo_username("mishixiang", Role.DISPLAY)
    period = {"period": "RANGE", "first": "2020-01-01", "last": "2020-06-30"}
    body = await api.as_user(display, DASHBOARD, period)
    assert "errors" not in body, body
    board = body["data"]["dashboard"]
    assert (
        figure(board, "consultations", "rings"),
        figure(board, "consultations", "accepted"),
    ) == (
        111,
        99,
    )
    assert figure(board, "consultations", "solved") == 63
    assert round(figure(board, "consultations", "completionRate") * 100, 1) == 72.4
    assert round(figure(board, "consultations", "satisfactionRate") * 100, 1) == 99.5


async def test_every_domains_panel_on_the_demo_streets_dashboard(api: Api) -> None:
    """Each domain with figures adds its panel through the seam; the projects' panel counts
    what ``projectTotals`` counts."""
    from models.accounts import Role
    from resolvers.demo import demo_username

    display = demo_username("mishixiang", Role.DISPLAY)
    board = (await api.as_user(display, DASHBOARD, {"period": "THIS_MONTH"}))["data"]["dashboard"]
    keys = [p["key"] for p in board["panels"]]
    assert keys == [
        "cases",
        "consultations",
        "station",
        "bases",
        "patrols",
        "projects",
        "votes",
        "notices",
    ]
    totals = await api.as_user(
        display, "{ projectTotals { activeCount byStatus { status count } } }"
    )
    t = totals["data"]["projectTotals"]
    assert figure(board, "projects", "projects") == sum(s["count"] for s in t["byStatus"])
    assert figure(board, "projects", "active") == t["activeCount"]


async def test_a_patrol_shows_on_the_patrols_panel(
    api: Api, services: object, cs: CaseStreet
) -> None:
    """A resident's patrol through the outlined grid counts on the panel: one patrol, its
    distance, and a coverage above nothing (the H3 cells it passed, of the grid's)."""
    from datetime import timedelta

    from tests.cases.support import run
    from tests.patrols.support import POINTS, START, walk
    from tests.stats.test_screen_page import outline_the_grid

    await outline_the_grid(services, cs)  # type: ignore[arg-type]
    before = await dashboard(api, cs, cs.leader)
    assert figure(before, "patrols", "coverage") == 0
    patrol = (await run(api, cs, cs.resident, START, {}))["patrol"]["id"]
    clock = services.clock  # type: ignore[attr-defined]
    start = clock.now()
    clock.current += timedelta(minutes=30)
    done = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "points": walk(start, 60)})
    assert done["__typename"] == "PatrolSuccess", done
    after = await dashboard(api, cs, cs.leader)
    assert figure(after, "patrols", "patrols") == figure(before, "patrols", "patrols") + 1
    assert figure(after, "patrols", "distance") > 0
    assert 0 < figure(after, "patrols", "coverage") < 1
