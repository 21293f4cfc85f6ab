"""Notices reach connected residents live (noticeReceived), only those their target covers,
resumable with `after`; unread notices count in the one badge."""

from __future__ import annotations

from models.accounts import Role
from models.scoping import unscoped
from resolvers.services import Services
from tests.live import socket
from tests.people.support import PeopleStreet, add_resident, gid, people_street
from tests.support import Api, add_member

NOTICE_RECEIVED = """
subscription Notices($after: String) {
  noticeReceived(after: $after) { cursor notice { id title body readAt } }
}
"""
SEND = """
mutation S($input: SendNoticeInput!) { sendNotice(input: $input) {
  __typename ... on SendNoticeSuccess { notice { id } } ... on UserError { code } } }
"""
BADGE = "{ unreadNotificationCount unreadNoticeCount }"
READ = """
mutation R($id: ID!) { markNoticeRead(input: {noticeId: $id}) { __typename } }
"""


async def resident_token(
    api: Api, services: Services, s: PeopleStreet, grid: int, tags: tuple[int, ...] = ()
) -> str:
    user = await add_member(services, s.id, Role.RESIDENT)
    await add_resident(services, s.id, grid, user.username, tags=tags, user=user)
    return await api.login(user.username)


async def send(api: Api, s: PeopleStreet, title: str, **target: list[str]) -> str:
    body = await api.gql(SEND, {"input": {"title": title, "body": "内容", **target}}, token=s.admin)
    result = body["data"]["sendNotice"]
    assert result["__typename"] == "SendNoticeSuccess", body
    return result["notice"]["id"]


async def settle(services: Services) -> None:
    """Publish what is committed, so a subscriber starting "from now" starts after it."""
    with unscoped("test set-up"):
        await services.relay.pump()


async def test_a_notice_reaches_connected_residents_of_its_grid_only(
    api: Api, services: Services, live_url: str
) -> None:
    s = await people_street(api, services)
    inside = await resident_token(api, services, s, s.grid1)
    outside = await resident_token(api, services, s, s.grid2)
    await settle(services)
    async with (
        socket(live_url, inside, s.code) as ws_in,
        socket(live_url, outside, s.code) as ws_out,
    ):
        await ws_in.subscribe("1", NOTICE_RECEIVED)
        await ws_out.subscribe("1", NOTICE_RECEIVED)
        grid_notice = await send(api, s, "一格停电", gridIds=[gid("Grid", s.grid1)])
        other_notice = await send(api, s, "二格停水", gridIds=[gid("Grid", s.grid2)])
        got_in = (await ws_in.next("1"))["noticeReceived"]
        got_out = (await ws_out.next("1"))["noticeReceived"]
    assert got_in["notice"] == {
        "id": grid_notice,
        "title": "一格停电",
        "body": "内容",
        "readAt": None,
    }
    # The resident outside grid 1 never got the first notice: their first is the second one.
    assert got_out["notice"]["id"] == other_notice
    assert got_in["cursor"] and got_out["cursor"]


async def test_tags_narrow_live_delivery_and_after_resumes(
    api: Api, services: Services, live_url: str
) -> None:
    s = await people_street(api, services)
    lonely = s.tags["独居老人"]
    tagged = await resident_token(api, services, s, s.grid2, (lonely,))
    await resident_token(api, services, s, s.grid2)
    await settle(services)
    async with socket(live_url, tagged, s.code) as ws:
        await ws.subscribe("1", NOTICE_RECEIVED)
        first = await send(api, s, "高温关怀", tagIds=[gid("Tag", lonely)])
        received = (await ws.next("1"))["noticeReceived"]
    assert received["notice"]["id"] == first
    # While disconnected: one notice for a tag the resident lacks, one for the whole street.
    await send(api, s, "退役军人座谈", tagIds=[gid("Tag", s.tags["退役军人"])])
    missed = await send(api, s, "停水通知")
    async with socket(live_url, tagged, s.code) as ws:
        await ws.subscribe("2", NOTICE_RECEIVED, after=received["cursor"])
        again = (await ws.next("2"))["noticeReceived"]
    assert again["notice"]["id"] == missed


async def test_unread_notices_count_in_the_one_badge(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    token = await resident_token(api, services, s, s.grid1)
    assert (await api.gql(BADGE, token=token))["data"] == {
        "unreadNotificationCount": 0,
        "unreadNoticeCount": 0,
    }
    first = await send(api, s, "停水通知")
    await send(api, s, "二格通知", gridIds=[gid("Grid", s.grid2)])
    await send(api, s, "一格通知", gridIds=[gid("Grid", s.grid1)])
    assert (await api.gql(BADGE, token=token))["data"] == {
        "unreadNotificationCount": 2,
        "unreadNoticeCount": 2,
    }
    await api.gql(READ, {"id": first}, token=token)
    assert (await api.gql(BADGE, token=token))["data"]["unreadNotificationCount"] == 1
