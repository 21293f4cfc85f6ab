"""圈子 through the GraphQL API: create, join, post, reply, report, hide, leave, remove; and
the refusals (posting in a circle you are not in, joining again after a removal), each
changing nothing."""

from __future__ import annotations

from core.ids import from_global_id
from models.accounts import User
from models.participation import CircleMember, CirclePost, CirclePostReport
from models.station import ReviewItem
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.services import Services
from resolvers.station.review import add_entry, decide
from tenants.scoping import street_scope
from tests.cases.support import CaseStreet, call, run
from tests.participation.support import payload_mutation
from tests.support import Api, error_codes, gid

CREATE = payload_mutation(
    "createCircle", "CreateCircleInput", "CircleSuccess", "circle { id name }"
)
MEMBERSHIP = "membership { circleId state }"
JOIN = payload_mutation("joinCircle", "CircleInput", "CircleMembershipSuccess", MEMBERSHIP)
LEAVE = payload_mutation("leaveCircle", "CircleInput", "CircleMembershipSuccess", MEMBERSHIP)
REMOVE = payload_mutation(
    "removeCircleMember", "RemoveCircleMemberInput", "CircleMembershipSuccess", MEMBERSHIP
)
POST_FIELDS = "post { id body parentId hidden reports mine }"
POST = payload_mutation("postInCircle", "CirclePostInput", "CirclePostSuccess", POST_FIELDS)
REPORT = payload_mutation(
    "reportCirclePost", "CirclePostReasonInput", "CirclePostSuccess", POST_FIELDS
)
HIDE = payload_mutation("hideCirclePost", "CirclePostReasonInput", "CirclePostSuccess", POST_FIELDS)
POSTS = """query($c: ID!) { circlePosts(circleId: $c) { totalCount edges { node {
  body parentId hidden } } } }"""
REPORTED = "{ reportedCirclePosts { totalCount edges { node { body reports } } } }"


async def circle(api: Api, cs: CaseStreet) -> str:
    done = await run(api, cs, cs.admin, CREATE, {"name": "广场舞", "description": "每晚七点"})
    assert done["__typename"] == "CircleSuccess", done
    return done["circle"]["id"]


async def rows(cs: CaseStreet) -> tuple[list, list, list]:
    with street_scope(cs.street.street_id):
        return (
            list(await CircleMember.all().order_by("id").values_list("user_id", "state")),
            list(await CirclePost.all().order_by("id").values_list("body", "hidden", "reports")),
            list(await CirclePostReport.all().values_list("post_id", "reporter_id")),
        )


async def test_members_post_reply_report_and_staff_hide(api: Api, cs: CaseStreet) -> None:
    c = await circle(api, cs)
    for who in (cs.resident, cs.resident2):
        joined = await run(api, cs, who, JOIN, {"circleId": c})
        assert joined["membership"]["state"] == "ACTIVE", joined
    posted = await run(api, cs, cs.resident, POST, {"circleId": c, "body": "周六一起跳吗"})
    assert posted["post"]["mine"] is True
    reply = await run(
        api,
        cs,
        cs.resident2,
        POST,
        {"circleId": c, "body": "好的", "parentId": posted["post"]["id"]},
    )
    assert reply["post"]["parentId"] == posted["post"]["id"]
    listed = await call(api, cs, cs.resident2, POSTS, {"c": c})
    assert listed["data"]["circlePosts"]["totalCount"] == 2
    reported = await run(
        api, cs, cs.resident2, REPORT, {"postId": posted["post"]["id"], "reason": "广告"}
    )
    assert reported["post"]["reports"] == 1
    twice = await run(
        api, cs, cs.resident2, REPORT, {"postId": posted["post"]["id"], "reason": "x"}
    )
    assert twice["code"] == "ALREADY_EXISTS"
    queue = await call(api, cs, cs.community, REPORTED, {})
    assert queue["data"]["reportedCirclePosts"]["totalCount"] == 1
    hidden = await run(
        api, cs, cs.community, HIDE, {"postId": posted["post"]["id"], "reason": "广告"}
    )
    assert hidden["post"]["hidden"] is True
    listed = await call(api, cs, cs.resident2, POSTS, {"c": c})
    assert [e["node"]["body"] for e in listed["data"]["circlePosts"]["edges"]] == ["好的"]
    assert (await call(api, cs, cs.community, REPORTED, {}))["data"]["reportedCirclePosts"][
        "totalCount"
    ] == 0
    assert "FORBIDDEN" in error_codes(await call(api, cs, cs.resident, REPORTED, {}))


async def test_posting_in_a_circle_you_are_not_in_is_refused(api: Api, cs: CaseStreet) -> None:
    c = await circle(api, cs)
    before = await rows(cs)
    refused = await run(api, cs, cs.resident, POST, {"circleId": c, "body": "大家好"})
    assert (refused["code"], refused["field"]) == ("NOT_A_MEMBER", "circleId"), refused
    assert await rows(cs) == before
    body = await call(api, cs, cs.resident, POSTS, {"c": c})
    assert body["errors"][0]["extensions"]["code"] == "NOT_A_MEMBER"
    # after leaving, too
    await run(api, cs, cs.resident, JOIN, {"circleId": c})
    left = await run(api, cs, cs.resident, LEAVE, {"circleId": c})
    assert left["membership"]["state"] == "LEFT"
    before = await rows(cs)
    refused = await run(api, cs, cs.resident, POST, {"circleId": c, "body": "大家好"})
    assert refused["code"] == "NOT_A_MEMBER"
    assert await rows(cs) == before
    again = await run(api, cs, cs.resident, JOIN, {"circleId": c})
    assert again["membership"]["state"] == "ACTIVE"


async def test_a_removed_member_cannot_join_again(api: Api, cs: CaseStreet) -> None:
    c = await circle(api, cs)
    await run(api, cs, cs.resident, JOIN, {"circleId": c})
    removed = await run(
        api,
        cs,
        cs.admin,
        REMOVE,
        {"circleId": c, "accountId": gid("Account", cs.resident.id), "reason": "多次发广告"},
    )
    assert removed["membership"]["state"] == "REMOVED", removed
    before = await rows(cs)
    refused = await run(api, cs, cs.resident, JOIN, {"circleId": c})
    assert (refused["code"], refused["field"]) == ("REMOVED_FROM_CIRCLE", "circleId")
    refused = await run(api, cs, cs.resident, POST, {"circleId": c, "body": "我回来了"})
    assert refused["code"] == "NOT_A_MEMBER"
    assert await rows(cs) == before


async def test_a_reply_to_another_circles_post_is_not_found(api: Api, cs: CaseStreet) -> None:
    c = await circle(api, cs)
    other = (await run(api, cs, cs.admin, CREATE, {"name": "家长群"}))["circle"]["id"]
    for x in (c, other):
        await run(api, cs, cs.resident, JOIN, {"circleId": x})
    elsewhere = await run(api, cs, cs.resident, POST, {"circleId": other, "body": "开学了"})
    refused = await run(
        api,
        cs,
        cs.resident,
        POST,
        {"circleId": c, "body": "回复", "parentId": elsewhere["post"]["id"]},
    )
    assert (refused["code"], refused["field"]) == ("NOT_FOUND", "parentId")
    taken = await run(api, cs, cs.admin, CREATE, {"name": "家长群"})
    assert (taken["code"], taken["field"]) == ("ALREADY_EXISTS", "name")


async def test_a_post_matching_the_watch_list_waits_for_review(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    sid = cs.street.street_id
    with street_scope(sid):
        street = await Street.get(id=sid)
        await add_entry(Caller(services, await User.get(id=cs.reviewer.id), street), "强拆")
    c = await circle(api, cs)
    for who in (cs.resident, cs.resident2):
        await run(api, cs, who, JOIN, {"circleId": c})
    held = await run(api, cs, cs.resident, POST, {"circleId": c, "body": "听说要強拆了"})
    assert held["post"]["mine"] is True
    post_id = held["post"]["id"]
    # Its author sees it waiting; the other members do not, by its ID neither; no reply to it.
    mine = await call(api, cs, cs.resident, POSTS_IN_REVIEW, {"c": c})
    assert [e["node"]["inReview"] for e in mine["data"]["circlePosts"]["edges"]] == [True]
    theirs = await call(api, cs, cs.resident2, POSTS, {"c": c})
    assert theirs["data"]["circlePosts"]["edges"] == []
    node = await call(
        api, cs, cs.resident2, "query($id: ID!) { node(id: $id) { id } }", {"id": post_id}
    )
    assert error_codes(node) == ["NOT_FOUND"]
    reply = await run(
        api, cs, cs.resident2, POST, {"circleId": c, "body": "真的吗", "parentId": post_id}
    )
    assert (reply["code"], reply["field"]) == ("NOT_FOUND", "parentId")
    # The reviewer approves it in the station's queue: now every member reads it.
    with street_scope(sid):
        item = await ReviewItem.get(kind="CIRCLE_POST", subject_id=from_global_id(post_id)[1])
        await decide(
            Caller(services, await User.get(id=cs.reviewer.id), street), item.id, True, None, ""
        )
    theirs = await call(api, cs, cs.resident2, POSTS, {"c": c})
    assert [e["node"]["body"] for e in theirs["data"]["circlePosts"]["edges"]] == ["听说要強拆了"]


POSTS_IN_REVIEW = POSTS.replace("body parentId hidden", "body inReview")
