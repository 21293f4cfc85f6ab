"""Live delivery of group chats by topic: a message reaches the connected members of its group
and no one else; a member added while connected follows the group from then on, a removed one
receives nothing after; a reconnect with the last cursor gives what was missed, once, in
order, while messages keep coming. And the event hub itself: each listener of a topic gets
that topic's events in position order, however the broker brings them, and one the broker
lost is read from the log (once for the worker)."""

from __future__ import annotations

import asyncio
from typing import Any

from core.broker import MemoryBroker
from models.accounts import Role
from models.events import OutboxEvent
from resolvers.events import changing
from resolvers.outbox import Event, EventHub, Listener, head_position, stored_events
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests import live
from tests.groups.test_groups import ADD, CREATE, EVENTS, REMOVE, SEND, group_street, ok
from tests.live import socket
from tests.people.support import gid
from tests.support import Api, add_member, make_street


async def say(api: Api, token: str, group: str, body: str) -> str:
    sent = await ok(api, token, SEND, {"input": {"groupId": group, "body": body}})
    return str(sent["groupMessage"]["id"])


def membership(group: str, account: int) -> dict[str, Any]:
    return {"input": {"groupId": group, "accountId": gid("Account", account)}}


async def test_a_member_added_while_connected_follows_the_group_and_a_removed_one_stops(
    api: Api, services: Services, live_url: str
) -> None:
    g = await group_street(api, services)
    chief, newcomer = g.s.chief_token, g.members[1]
    await ok(api, chief, ADD, membership(g.group, g.members[0].id))
    other = await ok(
        api, chief, CREATE, {"input": {"gridId": gid("Grid", g.s.grid1), "name": "楼栋群"}}
    )
    other_group = other["group"]["id"]
    async with socket(live_url, g.tokens[1], g.s.code) as ws:
        await ws.subscribe("1", EVENTS)
        await say(api, chief, g.group, "还不是成员")  # not theirs yet
        await ok(api, chief, ADD, membership(g.group, newcomer.id))
        added = (await ws.next("1"))["groupEvents"]
        assert (added["kind"], added["groupId"]) == ("MEMBER_ADDED", g.group)
        assert added["accountId"] == gid("Account", newcomer.id)
        mine = await say(api, chief, g.group, "欢迎")
        got = (await ws.next("1"))["groupEvents"]
        assert (got["kind"], got["messageId"], got["body"]) == ("MESSAGE_SENT", mine, "欢迎")
        await ok(api, chief, REMOVE, membership(g.group, newcomer.id))
        removed = (await ws.next("1"))["groupEvents"]
        assert (removed["kind"], removed["accountId"]) == (
            "MEMBER_REMOVED",
            gid("Account", newcomer.id),
        )
        await say(api, chief, g.group, "已移出")  # not theirs any more
        await ok(api, chief, ADD, membership(other_group, newcomer.id))
        assert (await ws.next("1"))["groupEvents"]["groupId"] == other_group
        marker = await say(api, chief, other_group, "另一个群")
        assert (await ws.next("1"))["groupEvents"]["messageId"] == marker


async def test_a_reconnect_gets_what_was_missed_once_in_order_while_messages_keep_coming(
    api: Api, services: Services, live_url: str
) -> None:
    g = await group_street(api, services)
    chief = g.s.chief_token
    await ok(api, chief, ADD, membership(g.group, g.members[0].id))
    other = await ok(
        api, chief, CREATE, {"input": {"gridId": gid("Grid", g.s.grid1), "name": "楼栋群"}}
    )
    other_group = other["group"]["id"]
    await ok(api, chief, ADD, membership(other_group, g.members[1].id))
    async with socket(live_url, g.tokens[0], g.s.code) as ws:
        await ws.subscribe("1", EVENTS)
        await say(api, chief, g.group, "第一条")
        cursor = (await ws.next("1"))["groupEvents"]["cursor"]
    missed = []
    for n in range(3):
        missed.append(await say(api, chief, g.group, f"错过{n}"))
        await say(api, chief, other_group, f"别的群{n}")  # in the street's stream, not theirs

    async def writer() -> list[str]:
        written = []
        for n in range(8):
            written.append(await say(api, chief, g.group, f"新{n}"))
            await say(api, chief, other_group, f"别的群新{n}")
        return written

    async with socket(live_url, g.tokens[0], g.s.code) as ws:
        writing = asyncio.create_task(writer())
        await ws.subscribe("1", EVENTS, after=cursor)
        written = await writing
        got = [(await ws.next("1"))["groupEvents"]["messageId"] for _ in missed + written]
        marker = await say(api, chief, g.group, "最后")
        assert (await ws.next("1"))["groupEvents"]["messageId"] == marker
    assert got == missed + written  # nothing lost, nothing twice, in order


async def _sequenced(services: Services) -> None:
    """Until every committed event has its position (on PostgreSQL a background relay may hold
    the sequencing lock, and ``pump()`` then returns at once)."""

    async def waiting() -> bool:
        with unscoped("test: is anything committed still waiting for its position?"):
            await services.relay.pump()
            return await OutboxEvent.filter(position=None).exists()

    loop = asyncio.get_running_loop()
    deadline = loop.time() + live.WAIT  # a hang guard, not a timing assert
    while await waiting():
        assert loop.time() < deadline, "the committed events never got their positions"
        await asyncio.sleep(live.POLL)


async def _events(services: Services, street_id: int, topics: list[str]) -> list[Event]:
    """One committed, sequenced event per topic given, in that order."""
    with street_scope(street_id):
        for n, topic in enumerate(topics):
            async with changing(services, None) as change:
                await change.event("test.topic", f"t{n}", {"n": n}, topics=[topic])
    await _sequenced(services)
    head = await head_position(street_id)
    return (await stored_events(street_id, head - len(topics)))[-len(topics) :]


def _taken(listener: Listener) -> list[int]:
    return [event.position for event in listener.pending]


async def test_the_hub_hands_a_topic_its_events_in_order_and_reads_a_lost_one_from_the_log(
    services: Services,
) -> None:
    street = await make_street(services)
    await _sequenced(services)
    hub = EventHub(MemoryBroker(), sweep_seconds=60)  # fed by hand: what the broker brings
    with (
        hub.listen(street.street_id, {"room:1"}) as one,
        hub.listen(street.street_id, {"room:2"}) as two,
        hub.listen(street.street_id) as whole,
    ):
        hub.anchor(street.street_id, await head_position(street.street_id))
        events = await _events(services, street.street_id, ["room:1", "room:2"] * 3)
        first, lost, *rest = events
        # The broker brings them out of order and loses one.
        for event in [rest[1], first, *rest[::-1]]:
            hub.receive(event)
        assert _taken(one) == [first.position]  # the rest waits for the lost one
        await live.until(lambda: len(whole.pending) == len(events), "the lost event's read")
        assert _taken(whole) == [e.position for e in events]
        assert _taken(one) == [e.position for e in events if e.topics == ("room:1",)]
        assert _taken(two) == [e.position for e in events if e.topics == ("room:2",)]
        assert lost.position in _taken(two)
        # What comes again (the broker's late copy) is not handed out twice.
        hub.receive(lost)
        assert _taken(two).count(lost.position) == 1


async def test_a_topic_followed_later_is_caught_up_from_the_log(services: Services) -> None:
    street = await make_street(services)
    await _sequenced(services)
    hub = EventHub(MemoryBroker(), sweep_seconds=60)
    with hub.listen(street.street_id, {"room:1"}) as listener:
        hub.anchor(street.street_id, await head_position(street.street_id))
        events = await _events(services, street.street_id, ["room:1", "room:2", "room:1"])
        for event in events:
            hub.receive(event)
        assert _taken(listener) == [events[0].position, events[2].position]
        listener.follow("room:2")  # what the hub passed of room:2 comes from the log
        assert listener.behind == events[-1].position
        listener.unfollow("room:1")
        later = await _events(services, street.street_id, ["room:1", "room:2"])
        for event in later:
            hub.receive(event)
        assert _taken(listener)[-1] == later[1].position
        assert later[0].position not in _taken(listener)


async def test_a_message_reaches_only_the_members_of_its_group_among_many(
    api: Api, services: Services, live_url: str
) -> None:
    g = await group_street(api, services, residents=3)
    chief = g.s.chief_token
    groups = [g.group]
    for n in range(2):
        made = await ok(
            api, chief, CREATE, {"input": {"gridId": gid("Grid", g.s.grid1), "name": f"群{n}"}}
        )
        groups.append(made["group"]["id"])
    for group, user in zip(groups, g.members, strict=True):
        await ok(api, chief, ADD, membership(group, user.id))
    staff = await add_member(services, g.s.id, Role.GRID_WORKER)  # in no group
    async with (
        socket(live_url, g.tokens[0], g.s.code) as first,
        socket(live_url, g.tokens[1], g.s.code) as second,
        socket(live_url, await api.login(staff.username), g.s.code) as outsider,
    ):
        for ws in (first, second, outsider):
            await ws.subscribe("1", EVENTS)
        to_third = await say(api, chief, groups[2], "第三群")
        to_first = await say(api, chief, groups[0], "第一群")
        to_second = await say(api, chief, groups[1], "第二群")
        assert (await first.next("1"))["groupEvents"]["messageId"] == to_first
        assert (await second.next("1"))["groupEvents"]["messageId"] == to_second
        # The one in no group was handed nothing: a message to them would come first.
        await ok(api, chief, ADD, membership(groups[2], staff.id))
        assert (await outsider.next("1"))["groupEvents"]["kind"] == "MEMBER_ADDED"
    assert to_third not in {to_first, to_second}
