"""The notification inbox: written with a change, listed, counted, marked read, pushed live."""

from __future__ import annotations

from models.accounts import Role, User
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.live import NOTIFICATION_ADDED, socket
from tests.support import Api, StreetFixture, add_member, make_street

INBOX = """
query($unread: Boolean!) {
  unreadNotificationCount
  notifications(unreadOnly: $unread) { totalCount edges { node { id kind title body read } } }
}
"""
MARK = """
mutation($ids: [ID!], $all: Boolean!) {
  markNotificationsRead(input: {ids: $ids, all: $all}) {
    __typename
    ... on MarkNotificationsReadSuccess { markedCount unreadCount }
    ... on UserError { code field }
  }
}
"""


async def send(services: Services, street: StreetFixture, users: list[User], title: str) -> None:
    with street_scope(street.street_id):
        async with changing(services, None) as change:
            await notify(change, users, "deadline.yellow", title, "请尽快处理", None)


async def fresh_street(services: Services) -> StreetFixture:
    street = await make_street(services)
    with unscoped("test set-up"):
        await services.relay.pump()
    return street


async def test_inbox_lists_counts_and_marks_read(api: Api, services: Services) -> None:
    street = await fresh_street(services)
    me = await add_member(services, street.street_id, Role.GRID_CHIEF)
    other = await add_member(services, street.street_id, Role.GRID_CHIEF)
    await send(services, street, [me, other], "第一条")
    await send(services, street, [me], "第二条")
    body = await api.as_user(me.username, INBOX, {"unread": False})
    assert body["data"]["unreadNotificationCount"] == 2
    nodes = [e["node"] for e in body["data"]["notifications"]["edges"]]
    assert [n["title"] for n in nodes] == ["第二条", "第一条"]  # newest first
    assert not any(n["read"] for n in nodes)

    body = await api.as_user(me.username, MARK, {"ids": [nodes[0]["id"]], "all": False})
    assert body["data"]["markNotificationsRead"] == {
        "__typename": "MarkNotificationsReadSuccess",
        "markedCount": 1,
        "unreadCount": 1,
    }
    body = await api.as_user(me.username, INBOX, {"unread": True})
    assert [e["node"]["title"] for e in body["data"]["notifications"]["edges"]] == ["第一条"]

    # someone else's notification cannot be marked by me: refused, as an unknown one is
    body = await api.as_user(other.username, INBOX, {"unread": False})
    theirs = body["data"]["notifications"]["edges"][0]["node"]["id"]
    body = await api.as_user(me.username, MARK, {"ids": [theirs], "all": False})
    assert body["data"]["markNotificationsRead"] == {
        "__typename": "InputError",
        "code": "NOT_FOUND",
        "field": "ids",
    }

    body = await api.as_user(me.username, MARK, {"ids": None, "all": True})
    assert body["data"]["markNotificationsRead"]["unreadCount"] == 0
    body = await api.as_user(other.username, INBOX, {"unread": True})
    assert body["data"]["unreadNotificationCount"] == 1


async def test_marking_nothing_is_an_input_error(api: Api, services: Services) -> None:
    street = await fresh_street(services)
    me = await add_member(services, street.street_id, Role.RESIDENT)
    body = await api.as_user(me.username, MARK, {"ids": None, "all": False})
    assert body["data"]["markNotificationsRead"] == {
        "__typename": "InputError",
        "code": "BAD_USER_INPUT",
        "field": "ids",
    }


async def test_notifications_arrive_live_to_their_recipient_only(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    me = await add_member(services, street.street_id, Role.RESIDENT)
    other = await add_member(services, street.street_id, Role.RESIDENT)
    async with (
        socket(live_url, await api.login(me.username), street.code) as mine,
        socket(live_url, await api.login(other.username), street.code) as theirs,
    ):
        await mine.subscribe("1", NOTIFICATION_ADDED)
        await theirs.subscribe("1", NOTIFICATION_ADDED)
        await send(services, street, [me], "只给我")
        await send(services, street, [other], "只给他")
        got = (await mine.next("1"))["notificationAdded"]
        their = (await theirs.next("1"))["notificationAdded"]
    assert got["notification"]["title"] == "只给我"
    assert got["notification"]["read"] is False
    assert their["notification"]["title"] == "只给他"


async def test_notifications_resume_after_a_cursor(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    me = await add_member(services, street.street_id, Role.RESIDENT)
    token = await api.login(me.username)
    async with socket(live_url, token, street.code) as ws:
        await ws.subscribe("1", NOTIFICATION_ADDED)
        await send(services, street, [me], "一")
        cursor = (await ws.next("1"))["notificationAdded"]["cursor"]
    await send(services, street, [me], "二")
    await send(services, street, [me], "三")
    async with socket(live_url, token, street.code) as ws:
        await ws.subscribe("1", NOTIFICATION_ADDED, after=cursor)
        titles = [(await ws.next("1"))["notificationAdded"]["notification"]["title"]]
        titles.append((await ws.next("1"))["notificationAdded"]["notification"]["title"])
        await send(services, street, [me], "四")
        titles.append((await ws.next("1"))["notificationAdded"]["notification"]["title"])
    assert titles == ["二", "三", "四"]
