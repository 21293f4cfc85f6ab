"""The bell's figures (后台数据): the demo street mishixiang's first half of 2020 comes out as
the street reported it — 111 rings, 99 accepted, 63 solved, 12 non-consultation matters, a
completion rate of 72.4 % excluding non-consultation matters, satisfaction 99.5 %, over half
of the rings about property management, urban management and old-estate renewal. And the
bell work log reaches the street live."""

from __future__ import annotations

from models.accounts import Role
from resolvers.demo import demo_username
from resolvers.services import Services
from tests.consultations.support import bell_street
from tests.live import socket
from tests.projects.support import call
from tests.support import Api

FIGURES = """
query($since: Date, $until: Date, $community: ID) {
  consultationFigures(since: $since, until: $until, communityId: $community) {
    rings accepted solved nonConsultation notAccepted completionRate
    evaluations satisfied satisfactionRate
    hotCategories { category rings share }
    stepDays { step averageDays count }
  }
}
"""


async def test_the_demo_street_reports_the_seed_figures(api: Api) -> None:
    display = demo_username("mishixiang", Role.DISPLAY)
    body = await api.as_user(display, FIGURES, {"since": "2020-01-01", "until": "2020-07-01"})
    assert "errors" not in body, body
    f = body["data"]["consultationFigures"]
    assert (f["rings"], f["accepted"], f["solved"], f["nonConsultation"]) == (111, 99, 63, 12)
    assert f["notAccepted"] == 12
    assert round(f["completionRate"] * 100, 1) == 72.4  # 63 / (99 − 12)
    assert (f["evaluations"], f["satisfied"]) == (200, 199)
    assert round(f["satisfactionRate"] * 100, 1) == 99.5
    top3 = f["hotCategories"][:3]
    assert [c["category"] for c in top3] == ["物业管理", "城市管理", "老旧小区改造"]
    assert sum(c["share"] for c in top3) > 0.5
    assert [s["step"] for s in f["stepDays"]][:2] == ["ACCEPTED", "INVITED"]
    assert all(s["averageDays"] > 0 for s in f["stepDays"])
    # Outside the period there is nothing; one community has part of it.
    later = await api.as_user(display, FIGURES, {"since": "2021-01-01"})
    assert later["data"]["consultationFigures"]["rings"] == 0
    assert later["data"]["consultationFigures"]["completionRate"] is None
    # A period that ends before it starts is refused.
    bad = await api.as_user(display, FIGURES, {"since": "2020-07-01", "until": "2020-01-01"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


LOG = """
mutation($note: String!) {
  logBellWork(activity: CALL, note: $note) {
    __typename ... on BellLogged { entry { id activity } } ... on UserError { code field }
  }
}
"""


async def test_the_bell_work_log_reaches_the_street_live(
    api: Api, services: Services, live_url: str
) -> None:
    bs = await bell_street(services, "log")
    token = await api.login(bs.leader.username)
    query = "subscription { bellLogLive { cursor entryId activity } }"
    async with socket(live_url, token, bs.street.code) as ws:
        await ws.subscribe("1", query)
        body = await call(api, bs.worker, LOG, {"note": "电话回访3幢住户"})
        entry = body["data"]["logBellWork"]["entry"]
        message = await ws.receive()
    assert message["type"] == "next", message
    live = message["payload"]["data"]["bellLogLive"]
    assert (live["entryId"], live["activity"]) == (entry["id"], "CALL")
    street = await call(api, bs.leader, "{ bellLog { edges { node { id note } } } }", {})
    assert [e["node"]["id"] for e in street["data"]["bellLog"]["edges"]] == [entry["id"]]
    empty = await call(api, bs.worker, LOG, {"note": " "})
    assert empty["data"]["logBellWork"]["field"] == "note"
