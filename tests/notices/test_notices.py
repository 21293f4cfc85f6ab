"""一键群发: notices by area and tag, fanned out on read, receipts and counts."""

from __future__ import annotations

from models.accounts import Role
from models.notices import Notice, NoticeReceipt, NoticeTarget
from resolvers.services import Services
from tests.people.support import add_resident, count, gid, people_street
from tests.support import Api, add_member, error_codes

SEND = """
mutation S($input: SendNoticeInput!) { sendNotice(input: $input) {
  __typename ... on SendNoticeSuccess { notice { id title targets { kind }
    counts { targeted delivered read } } }
  ... on UserError { code field message } } }
"""
INBOX = "{ myNotices { totalCount edges { node { id title readAt } } } }"
READ = """
mutation R($id: ID!) { markNoticeRead(input: {noticeId: $id}) {
  __typename ... on MarkNoticeReadSuccess { notice { readAt } } ... on UserError { code } } }
"""
SENT = "{ sentNotices { totalCount edges { node { title counts { targeted delivered read } } } } }"


async def _resident(api: Api, services: Services, s, grid: int, tags=()):  # type: ignore[no-untyped-def]
    user = await add_member(services, s.id, Role.RESIDENT)
    await add_resident(services, s.id, grid, user.username, tags=tags, user=user)
    return await api.login(user.username)


async def test_notices_reach_exactly_the_residents_their_target_covers(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    lonely_g1 = await _resident(api, services, s, s.grid1, (s.tags["独居老人"],))
    plain_g1 = await _resident(api, services, s, s.grid1)
    lonely_g2 = await _resident(api, services, s, s.grid2, (s.tags["独居老人"],))
    await add_resident(services, s.id, s.grid1, "无账号", tags=(s.tags["独居老人"],))

    street_wide = await api.gql(
        SEND, {"input": {"title": "停水通知", "body": "明天 9 点停水。"}}, token=s.admin
    )
    notice = street_wide["data"]["sendNotice"]["notice"]
    assert notice["targets"] == [{"kind": "STREET"}]
    assert notice["counts"] == {"targeted": 4, "delivered": 3, "read": 0}
    by_tag = await api.gql(
        SEND,
        {
            "input": {
                "title": "高温关怀",
                "body": "请注意防暑。",
                "tagIds": [gid("Tag", s.tags["独居老人"])],
            }
        },
        token=s.admin,
    )
    assert by_tag["data"]["sendNotice"]["notice"]["counts"]["targeted"] == 3
    grid_and_tag = await api.gql(
        SEND,
        {
            "input": {
                "title": "一格独居老人体检",
                "body": "周五体检。",
                "gridIds": [gid("Grid", s.grid1)],
                "tagIds": [gid("Tag", s.tags["独居老人"])],
            }
        },
        token=s.chief_token,
    )
    assert grid_and_tag["data"]["sendNotice"]["notice"]["counts"]["targeted"] == 2

    def titles(body: dict) -> list[str]:
        return [e["node"]["title"] for e in body["data"]["myNotices"]["edges"]]

    assert titles(await api.gql(INBOX, token=lonely_g1)) == [
        "一格独居老人体检",
        "高温关怀",
        "停水通知",
    ]
    assert titles(await api.gql(INBOX, token=plain_g1)) == ["停水通知"]
    assert titles(await api.gql(INBOX, token=lonely_g2)) == ["高温关怀", "停水通知"]

    read = await api.gql(READ, {"id": notice["id"]}, token=plain_g1)
    assert read["data"]["markNoticeRead"]["notice"]["readAt"]
    again = await api.gql(READ, {"id": notice["id"]}, token=plain_g1)
    assert (
        again["data"]["markNoticeRead"]["notice"]["readAt"]
        == read["data"]["markNoticeRead"]["notice"]["readAt"]
    )
    inbox = (await api.gql(INBOX, token=plain_g1))["data"]["myNotices"]["edges"]
    assert inbox[0]["node"]["readAt"]
    # The total is counted however the client asks for it: in an inline or a named fragment.
    for query in (
        "{ myNotices { ... on NoticeConnection { totalCount } } }",
        "{ myNotices { ...Total } } fragment Total on NoticeConnection { totalCount }",
    ):
        body = await api.gql(query, token=plain_g1)
        assert body.get("errors") is None, body
        assert body["data"]["myNotices"]["totalCount"] == len(inbox)
    not_mine = grid_and_tag["data"]["sendNotice"]["notice"]["id"]
    assert (await api.gql(READ, {"id": not_mine}, token=plain_g1))["data"]["markNoticeRead"][
        "code"
    ] == "NOT_FOUND"
    sent = (await api.gql(SENT, token=s.admin))["data"]["sentNotices"]["edges"]
    assert sent[-1]["node"]["counts"] == {"targeted": 4, "delivered": 3, "read": 1}
    # The grid chief sees their own notices only.
    mine = (await api.gql(SENT, token=s.chief_token))["data"]["sentNotices"]
    assert mine["totalCount"] == 1


async def test_bad_targets_are_typed_errors_and_write_nothing(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    cases = [
        (s.admin, {"tagIds": [gid("Tag", other.tags["独居老人"])]}, "NOT_FOUND"),
        (s.admin, {"gridIds": [gid("Grid", other.grid1)]}, "NOT_FOUND"),
        (s.admin, {"communityIds": [gid("Community", other.street.community_id)]}, "NOT_FOUND"),
        (s.chief_token, {"gridIds": [gid("Grid", s.grid2)]}, "FORBIDDEN"),
        (s.chief_token, {}, "FORBIDDEN"),
    ]
    for token, extra, code in cases:
        body = await api.gql(
            SEND, {"input": {"title": "通知", "body": "内容", **extra}}, token=token
        )
        assert body["data"]["sendNotice"]["code"] == code, (extra, body)
    assert await count(Notice, s.id) == 0 and await count(NoticeTarget, s.id) == 0
    assert error_codes(
        await api.gql(
            SEND,
            {"input": {"title": "x", "body": "y"}},
            token=await _resident(api, services, s, s.grid1),
        )
    ) == ["FORBIDDEN"]
    assert await count(NoticeReceipt, s.id) == 0


MARK_ALL = """
mutation { markNotificationsRead(input: {all: true}) {
  __typename ... on MarkNotificationsReadSuccess { markedCount unreadCount } } }
"""


async def test_marking_everything_read_opens_my_notices_too(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    resident = await _resident(api, services, s, s.grid1)
    for title in ("停水通知", "停电通知"):
        await api.gql(SEND, {"input": {"title": title, "body": "明天"}}, token=s.admin)
    badge = "{ unreadNotificationCount }"
    assert (await api.gql(badge, token=resident))["data"]["unreadNotificationCount"] == 2

    marked = (await api.gql(MARK_ALL, token=resident))["data"]["markNotificationsRead"]
    assert marked == {
        "__typename": "MarkNotificationsReadSuccess",
        "markedCount": 2,
        "unreadCount": 0,
    }
    assert (await api.gql(badge, token=resident))["data"]["unreadNotificationCount"] == 0
    inbox = (await api.gql(INBOX, token=resident))["data"]["myNotices"]["edges"]
    assert all(edge["node"]["readAt"] for edge in inbox)
    sent = (await api.gql(SENT, token=s.admin))["data"]["sentNotices"]["edges"]
    assert [edge["node"]["counts"]["read"] for edge in sent] == [1, 1]
    again = (await api.gql(MARK_ALL, token=resident))["data"]["markNotificationsRead"]
    assert again["markedCount"] == 0
