"""身边 through the GraphQL API: a resident's notices and the public outcomes of their
community's cases, newest first, paged across both sources; nothing of another community."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from models.accounts import User
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.notices import send_notice
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import RESOLVE, SIGN, CaseStreet, call, ok, reported
from tests.support import Api, error_codes

NEARBY = """query($first: Int, $after: String) { nearby(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { kind subjectId title summary at } } } }"""


async def notice(services: Services, cs: CaseStreet, title: str, **where: list[int]) -> None:
    with street_scope(cs.street.street_id):
        street = await Street.get(id=cs.street.street_id)
        leader = await User.get(id=cs.leader.id)
        await send_notice(Caller(services, leader, street), title=title, body="请查收", **where)


async def test_the_feed_holds_my_notices_and_my_communitys_public_outcomes(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    await notice(services, cs, "停水通知")
    monday.current += timedelta(minutes=10)
    await notice(services, cs, "第二社区通知", community_ids=[cs.community2_id])
    monday.current += timedelta(minutes=10)
    mine = (await reported(api, cs, public=True, title="路灯坏了"))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": mine})
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": mine, "result": "已更换灯泡"})
    private = (await reported(api, cs, title="私事"))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": private})
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": private, "result": "已处理"})
    monday.current += timedelta(minutes=10)
    elsewhere = (await reported(api, cs, cs.resident2, public=True, title="别处的事"))["id"]
    await ok(api, cs, cs.chief2, SIGN, {"caseId": elsewhere})
    await ok(api, cs, cs.chief2, RESOLVE, {"caseId": elsewhere, "result": "已处理"})

    body = await call(api, cs, cs.resident, NEARBY, {})
    feed = body["data"]["nearby"]
    assert [(e["node"]["kind"], e["node"]["title"]) for e in feed["edges"]] == [
        ("CASE_OUTCOME", "路灯坏了"),
        ("NOTICE", "停水通知"),
    ]
    assert feed["edges"][0]["node"]["summary"] == "已更换灯泡"
    assert feed["edges"][0]["node"]["subjectId"] == mine
    assert feed["totalCount"] == 2

    first = await call(api, cs, cs.resident, NEARBY, {"first": 1})
    page = first["data"]["nearby"]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = await call(api, cs, cs.resident, NEARBY, {"first": 1, "after": after})
    rest = second["data"]["nearby"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["停水通知"]
    assert rest["pageInfo"]["hasNextPage"] is False

    other = await call(api, cs, cs.resident2, NEARBY, {})
    titles = [e["node"]["title"] for e in other["data"]["nearby"]["edges"]]
    assert titles == ["别处的事", "第二社区通知", "停水通知"]


async def test_a_bad_cursor_and_staff_are_refused(api: Api, cs: CaseStreet) -> None:
    body = await call(api, cs, cs.resident, NEARBY, {"after": "not-a-cursor"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "FORBIDDEN" in error_codes(await call(api, cs, cs.chief, NEARBY, {}))
