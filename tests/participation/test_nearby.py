"""身边 through the GraphQL API: a resident's notices, the street's legal articles, the public
outcomes of their community's cases and the station's activities open to residents (of the
street or their community, once approved), newest first, paged across every source; nothing
of another community or street."""

from __future__ import annotations

import base64
from datetime import timedelta

from core.clock import FrozenClock
from models.accounts import Role, User
from models.notices import NoticeCategory
from models.station import ActivityKind, ReviewItem
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.notices import send_notice
from resolvers.services import Services
from resolvers.station import review
from resolvers.station.activities import ActivityDraft, publish
from tenants.scoping import street_scope
from tests.cases.support import RESOLVE, SIGN, CaseStreet, call, ok, reported
from tests.support import Api, add_member, error_codes, gid, make_street

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


async def _publish_activity(
    services: Services,
    street_id: int,
    staff: User,
    title: str,
    audience: tuple[str, ...] = ("RESIDENTS",),
    community_id: int | None = None,
) -> int:
    with street_scope(street_id):
        street = await Street.get(id=street_id)
        now = services.clock.now()
        row = await publish(
            Caller(services, staff, street),
            ActivityDraft(
                kind=ActivityKind.RECEPTION_DAY,
                title=title,
                place="社区服务中心",
                starts_at=now + timedelta(days=3),
                ends_at=now + timedelta(days=3, hours=2),
                capacity=20,
                audience=audience,
                notice="欢迎居民参加",
                community_id=community_id,
            ),
        )
        return row.id


async def test_the_feed_holds_the_streets_legal_articles_and_activities_and_no_other_streets(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    sid = cs.street.street_id
    congress = await add_member(services, sid, Role.CONGRESS_STAFF)
    await notice(services, cs, "停水通知")
    monday.current += timedelta(minutes=5)
    with street_scope(sid):
        street = await Street.get(id=sid)
        leader = await User.get(id=cs.leader.id)
        await send_notice(
            Caller(services, leader, street),
            title="民法典：相邻关系",
            body="不动产的相邻权利人应当按照有利生产、方便生活的原则处理相邻关系。",
            category=NoticeCategory.LEGAL,
        )
    monday.current += timedelta(minutes=5)
    whole = await _publish_activity(services, sid, congress, "代表接待日")
    monday.current += timedelta(minutes=5)
    mine = await _publish_activity(
        services, sid, congress, "第一社区议事会", community_id=cs.street.community_id
    )
    monday.current += timedelta(minutes=5)
    await _publish_activity(
        services, sid, congress, "第二社区议事会", community_id=cs.community2_id
    )
    await _publish_activity(services, sid, congress, "代表视察", audience=("REPRESENTATIVES",))
    # Another street's resident-open activity and legal article: never in this feed.
    other = await make_street(services, "ppo")
    other_staff = await add_member(services, other.street_id, Role.CONGRESS_STAFF)
    await _publish_activity(services, other.street_id, other_staff, "别的街道的活动")

    body = await call(api, cs, cs.resident, NEARBY, {"first": 10})
    feed = body["data"]["nearby"]
    assert [(e["node"]["kind"], e["node"]["title"]) for e in feed["edges"]] == [
        ("ACTIVITY", "第一社区议事会"),
        ("ACTIVITY", "代表接待日"),
        ("LEGAL_ARTICLE", "民法典：相邻关系"),
        ("NOTICE", "停水通知"),
    ]
    assert feed["totalCount"] == 4
    assert feed["edges"][0]["node"]["subjectId"] == gid("Activity", mine)
    assert "社区服务中心" in feed["edges"][1]["node"]["summary"]
    assert "欢迎居民参加" in feed["edges"][1]["node"]["summary"]

    # Paged one at a time, the same items in the same order, each once.
    seen: list[str] = []
    after = None
    for _ in range(6):
        page = (await call(api, cs, cs.resident, NEARBY, {"first": 1, "after": after}))["data"][
            "nearby"
        ]
        seen += [e["node"]["subjectId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"]["subjectId"] for e in feed["edges"]]
    assert gid("Activity", whole) in seen

    # The second community's resident sees its own meeting, not the first community's.
    other_feed = await call(api, cs, cs.resident2, NEARBY, {"first": 10})
    titles = [e["node"]["title"] for e in other_feed["data"]["nearby"]["edges"]]
    assert "第二社区议事会" in titles and "第一社区议事会" not in titles
    assert "别的街道的活动" not in titles


async def test_an_activity_held_by_review_is_not_in_the_feed_until_approved(
    api: Api, services: Services, cs: CaseStreet, monday: FrozenClock
) -> None:
    sid = cs.street.street_id
    congress = await add_member(services, sid, Role.CONGRESS_STAFF)
    with street_scope(sid):
        street = await Street.get(id=sid)
        await review.add_entry(Caller(services, congress, street), "强拆")
    held = await _publish_activity(services, sid, congress, "强拆问题座谈会")
    body = await call(api, cs, cs.resident, NEARBY, {})
    assert [e["node"]["title"] for e in body["data"]["nearby"]["edges"]] == []
    reviewer = await add_member(services, sid, Role.STREET_REVIEWER)
    with street_scope(sid):
        item = await ReviewItem.get(subject_id=held, kind="ACTIVITY_NOTICE")
        await review.decide(Caller(services, reviewer, street), item.id, True, None, "")
    body = await call(api, cs, cs.resident, NEARBY, {})
    assert [e["node"]["title"] for e in body["data"]["nearby"]["edges"]] == ["强拆问题座谈会"]


async def test_a_cursor_of_an_unknown_kind_is_refused(api: Api, cs: CaseStreet) -> None:
    bad = base64.urlsafe_b64encode(b"2026-06-01T09:00:00+08:00|NOPE|1").decode()
    body = await call(api, cs, cs.resident, NEARBY, {"after": bad})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
