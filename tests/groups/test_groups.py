"""群聊 through the API: groups of a grid owned by its chief, joining and adding, messages with
read counts and an unread count, the pinned announcement, muting, moderation, live delivery to
members only, and the hand-over moving every group with the residents and threads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.accounts import Role, User
from models.groups import ChatGroup, GroupMember, GroupMessage
from models.scoping import unscoped
from resolvers.services import Services
from tests.live import socket
from tests.people.support import PeopleStreet, add_resident, count, gid, people_street
from tests.support import Api, add_member

CREATE = """
mutation C($input: CreateGroupInput!) { createGroup(input: $input) {
  __typename ... on GroupSuccess { group { id name owner { username } memberCount } }
  ... on UserError { code field message } } }
"""
ADD = """
mutation A($input: GroupMemberInput!) { addGroupMember(input: $input) {
  __typename ... on GroupMemberSuccess { group { memberCount } member { muted removed } }
  ... on UserError { code field message } } }
"""
JOIN = """
mutation J($g: ID!) { joinGroup(groupId: $g) {
  __typename ... on GroupMemberSuccess { group { memberCount } }
  ... on UserError { code field message } } }
"""
REMOVE = """
mutation R($input: GroupMemberInput!) { removeGroupMember(input: $input) {
  __typename ... on GroupMemberSuccess { member { removed } }
  ... on UserError { code field message } } }
"""
MUTE = """
mutation M($input: MuteGroupMemberInput!) { muteGroupMember(input: $input) {
  __typename ... on GroupMemberSuccess { member { muted } }
  ... on UserError { code field message } } }
"""
SEND = """
mutation S($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) {
  __typename ... on GroupMessageSuccess { groupMessage { id body readCount } }
  ... on UserError { code field message } } }
"""
UNSEND = """
mutation U($m: ID!) { removeGroupMessage(messageId: $m) {
  __typename ... on GroupMessageSuccess { groupMessage { body removed } }
  ... on UserError { code field message } } }
"""
READ = """
mutation R($input: MarkGroupReadInput!) { markGroupRead(input: $input) {
  __typename ... on MarkGroupReadSuccess { unreadCount } ... on UserError { code } } }
"""
MINE = """
{ unreadGroupMessageCount
  myGroups { totalCount edges { node { id name owner { username } memberCount
    pinnedMessage { body }
    messages(first: 10) { edges { node { body removed readCount sender { username } } } } } } } }
"""
HAND_OVER = """
mutation H($input: HandOverInput!) { handOver(input: $input) {
  __typename ... on HandOverSuccess { gridsMoved threadsMoved alsoMoved { what count } }
  ... on UserError { code field message } } }
"""
EVENTS = """
subscription G($after: String) { groupEvents(after: $after) {
  cursor kind groupId messageId body senderId accountId } }
"""


@dataclass
class GroupStreet:
    s: PeopleStreet
    group: str
    members: list[User]
    tokens: list[str]


async def ok(api: Api, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await api.gql(query, variables, token=token)
    assert body.get("data"), body
    result = next(iter(body["data"].values()))
    assert result["__typename"].endswith("Success"), body
    return result


async def group_street(api: Api, services: Services, residents: int = 2) -> GroupStreet:
    s = await people_street(api, services, "g")
    made = await ok(
        api,
        s.chief_token,
        CREATE,
        {"input": {"gridId": gid("Grid", s.grid1), "name": "一格邻里群"}},
    )
    group = made["group"]["id"]
    members, tokens = [], []
    for n in range(residents):
        user = await add_member(services, s.id, Role.RESIDENT)
        await add_resident(services, s.id, s.grid1, f"居民{n}", user=user)
        members.append(user)
        tokens.append(await api.login(user.username))
    return GroupStreet(s, group, members, tokens)


def member(g: GroupStreet, user: User) -> dict[str, Any]:
    return {"input": {"groupId": g.group, "accountId": gid("Account", user.id)}}


async def test_members_talk_read_and_the_owner_pins_and_moderates(
    api: Api, services: Services
) -> None:
    g = await group_street(api, services)
    chief = g.s.chief_token
    added = await ok(api, chief, ADD, member(g, g.members[0]))
    assert added["group"]["memberCount"] == 2
    joined = await ok(api, g.tokens[1], JOIN, {"g": g.group})  # a resident of the grid joins
    assert joined["group"]["memberCount"] == 3
    notice = await ok(
        api, chief, SEND, {"input": {"groupId": g.group, "body": "周六停水", "pin": True}}
    )
    first = await ok(api, g.tokens[0], SEND, {"input": {"groupId": g.group, "body": "收到"}})
    assert first["groupMessage"]["readCount"] == 0
    # Resident 1 has read neither: two unread; after reading, none, and both read by them.
    seen = (await api.gql(MINE, token=g.tokens[1]))["data"]
    assert seen["unreadGroupMessageCount"] == 2
    node = seen["myGroups"]["edges"][0]["node"]
    assert node["pinnedMessage"] == {"body": "周六停水"}
    assert [e["node"]["body"] for e in node["messages"]["edges"]] == ["收到", "周六停水"]
    done = await ok(api, g.tokens[1], READ, {"input": {"groupId": g.group}})
    assert done["unreadCount"] == 0
    node = (await api.gql(MINE, token=chief))["data"]["myGroups"]["edges"][0]["node"]
    counts = {e["node"]["body"]: e["node"]["readCount"] for e in node["messages"]["edges"]}
    # 周六停水: read by both residents (one wrote after it), 收到: by resident 1 only (the
    # chief has not read since).
    assert counts == {"收到": 1, "周六停水": 2}
    # Muting: a muted member reads but cannot write.
    await ok(api, chief, MUTE, {"input": {**member(g, g.members[0])["input"], "muted": True}})
    body = await api.gql(SEND, {"input": {"groupId": g.group, "body": "再说"}}, token=g.tokens[0])
    assert body["data"]["sendGroupMessage"]["code"] == "MUTED"
    # Moderation: a message removed keeps its place without its text, and unpins.
    removed = await ok(api, chief, UNSEND, {"m": notice["groupMessage"]["id"]})
    assert removed["groupMessage"] == {"body": "", "removed": True}
    node = (await api.gql(MINE, token=g.tokens[1]))["data"]["myGroups"]["edges"][0]["node"]
    assert node["pinnedMessage"] is None
    # A member cannot moderate.
    body = await api.gql(UNSEND, {"m": first["groupMessage"]["id"]}, token=g.tokens[1])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(GroupMessage, g.s.id, body="收到") == 1


async def test_posting_outside_a_group_or_after_being_removed_is_refused(
    api: Api, services: Services
) -> None:
    g = await group_street(api, services)
    chief = g.s.chief_token
    body = await api.gql(
        SEND, {"input": {"groupId": g.group, "body": "我不在群里"}}, token=g.tokens[0]
    )
    error = body["data"]["sendGroupMessage"]
    assert (error["code"], error["field"]) == ("NOT_A_MEMBER", "groupId")
    await ok(api, chief, ADD, member(g, g.members[0]))
    await ok(api, g.tokens[0], SEND, {"input": {"groupId": g.group, "body": "大家好"}})
    await ok(api, chief, REMOVE, member(g, g.members[0]))
    body = await api.gql(SEND, {"input": {"groupId": g.group, "body": "还在吗"}}, token=g.tokens[0])
    error = body["data"]["sendGroupMessage"]
    assert (error["code"], error["field"]) == ("NOT_A_MEMBER", "groupId")
    assert "移出" in error["message"]
    # Nor may they join again by themselves, or read the group.
    body = await api.gql(JOIN, {"g": g.group}, token=g.tokens[0])
    assert body["data"]["joinGroup"]["code"] == "NOT_A_MEMBER"
    mine = (await api.gql(MINE, token=g.tokens[0]))["data"]["myGroups"]
    assert mine["totalCount"] == 0
    assert await count(GroupMessage, g.s.id) == 1
    # A group of another street is not found as a member of it either.
    other = await group_street(api, services)
    body = await api.gql(SEND, {"input": {"groupId": other.group, "body": "串门"}}, token=chief)
    assert body["data"]["sendGroupMessage"]["code"] == "NOT_A_MEMBER"
    assert await count(GroupMessage, other.s.id) == 0


async def test_removing_the_owner_is_refused(api: Api, services: Services) -> None:
    g = await group_street(api, services)
    body = await api.gql(REMOVE, member(g, g.s.chief), token=g.s.chief_token)
    error = body["data"]["removeGroupMember"]
    assert (error["code"], error["field"]) == ("OWNER_STAYS", "accountId")
    with unscoped("test check"):
        assert await GroupMember.filter(
            tenant_id=g.s.id, user_id=g.s.chief.id, removed_at__isnull=True
        ).exists()


async def test_only_the_grid_chief_creates_groups_of_their_grid(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services, "g")
    body = await api.gql(
        CREATE, {"input": {"gridId": gid("Grid", s.grid2), "name": "二格群"}}, token=s.chief_token
    )
    assert body["data"]["createGroup"]["code"] == "FORBIDDEN"
    assert await count(ChatGroup, s.id) == 0


async def test_messages_reach_connected_members_of_the_group_only(
    api: Api, services: Services, live_url: str
) -> None:
    g = await group_street(api, services)
    chief = g.s.chief_token
    await ok(api, chief, ADD, member(g, g.members[0]))
    other = await ok(
        api, chief, CREATE, {"input": {"gridId": gid("Grid", g.s.grid1), "name": "楼栋群"}}
    )
    other_group = other["group"]["id"]
    await ok(
        api,
        chief,
        ADD,
        {"input": {"groupId": other_group, "accountId": gid("Account", g.members[1].id)}},
    )
    async with (
        socket(live_url, g.tokens[0], g.s.code) as inside,
        socket(live_url, g.tokens[1], g.s.code) as outside,
    ):
        await inside.subscribe("1", EVENTS)
        await outside.subscribe("1", EVENTS)
        sent = await ok(api, chief, SEND, {"input": {"groupId": g.group, "body": "今晚开会"}})
        later = await ok(api, chief, SEND, {"input": {"groupId": other_group, "body": "楼栋通知"}})
        got_in = (await inside.next("1"))["groupEvents"]
        got_out = (await outside.next("1"))["groupEvents"]
    assert got_in["kind"] == "MESSAGE_SENT" and got_in["body"] == "今晚开会"
    assert got_in["messageId"] == sent["groupMessage"]["id"]
    assert got_in["senderId"] == gid("Account", g.s.chief.id)
    # The member of the other group only never received the first message.
    assert got_out["messageId"] == later["groupMessage"]["id"]


async def test_hand_over_moves_every_group_with_the_residents_and_members_see_it(
    api: Api, services: Services, live_url: str
) -> None:
    g = await group_street(api, services)
    chief = g.s.chief_token
    await ok(api, chief, ADD, member(g, g.members[0]))
    second = await ok(
        api, chief, CREATE, {"input": {"gridId": gid("Grid", g.s.grid1), "name": "楼栋群"}}
    )
    successor = await add_member(services, g.s.id, Role.GRID_WORKER)
    async with socket(live_url, g.tokens[0], g.s.code) as ws:
        await ws.subscribe("1", EVENTS)
        done = await ok(
            api,
            g.s.admin,
            HAND_OVER,
            {
                "input": {
                    "leaverId": gid("Account", g.s.chief.id),
                    "successorId": gid("Account", successor.id),
                }
            },
        )
        seen = (await ws.next("1"))["groupEvents"]
    assert done["gridsMoved"] == 1
    assert {"what": "groupsMoved", "count": 2} in done["alsoMoved"]
    assert seen["kind"] == "OWNER_CHANGED" and seen["groupId"] == g.group
    assert seen["accountId"] == gid("Account", successor.id)
    assert await count(ChatGroup, g.s.id, owner_id=successor.id) == 2
    assert await count(ChatGroup, g.s.id, owner_id=g.s.chief.id) == 0
    # The members see the new owner; the successor moderates and writes at once.
    mine = (await api.gql(MINE, token=g.tokens[0]))["data"]["myGroups"]["edges"]
    assert {e["node"]["owner"]["username"] for e in mine} == {successor.username}
    heir = await api.login(successor.username)
    await ok(api, heir, SEND, {"input": {"groupId": second["group"]["id"], "body": "我是新网格长"}})
    await ok(api, heir, MUTE, {"input": {**member(g, g.members[0])["input"], "muted": True}})


async def test_a_hand_over_to_someone_of_another_street_moves_no_group(
    api: Api, services: Services
) -> None:
    g = await group_street(api, services)
    other = await people_street(api, services, "q")
    body = await api.gql(
        HAND_OVER,
        {
            "input": {
                "leaverId": gid("Account", g.s.chief.id),
                "successorId": gid("Account", other.chief.id),
            }
        },
        token=g.s.admin,
    )
    error = body["data"]["handOver"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", "successorId")
    assert await count(ChatGroup, g.s.id, owner_id=g.s.chief.id) == 1
    assert await count(GroupMember, g.s.id, user_id=g.s.chief.id, removed_at__isnull=True) == 1


async def test_a_resident_of_another_grid_cannot_join(api: Api, services: Services) -> None:
    g = await group_street(api, services, residents=0)
    user = await add_member(services, g.s.id, Role.RESIDENT)
    await add_resident(services, g.s.id, g.s.grid2, "二格居民", user=user)
    body = await api.gql(JOIN, {"g": g.group}, token=await api.login(user.username))
    error = body["data"]["joinGroup"]
    assert (error["code"], error["field"]) == ("FORBIDDEN", "groupId")
    assert await count(GroupMember, g.s.id, user_id=user.id) == 0
