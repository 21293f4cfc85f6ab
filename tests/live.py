"""A graphql-transport-ws client, as a workbench or a big screen speaks it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.broker import Broker
from models.events import OutboxEvent
from models.scoping import unscoped
from resolvers.outbox import EventHub, EventRelay, Listener

WAIT = 15  # seconds before a test gives up waiting (a hang guard, not a timing assert)
POLL = 0.005  # seconds between two looks at a condition of the in-process server

# The in-process server (set by the ``live_url`` fixture): its address, event hub and relay
# let ``subscribe`` wait until what was committed before it has its place in the stream, and
# until the server's stream has started, so a change made before subscribing is never
# delivered as if it came after, and one made after it is never missed. A server in another
# process (the Redis outage test) cannot be watched so: subscribe there with a cursor.
ADDRESS: str | None = None
HUB: EventHub | None = None
RELAY: EventRelay | None = None


def serving(address: str, hub: EventHub, relay: EventRelay) -> None:
    global ADDRESS, HUB, RELAY
    ADDRESS, HUB, RELAY = address, hub, relay


async def until(check: Callable[[], object], what: str) -> None:
    """Wait until ``check()`` holds, up to ``WAIT`` seconds (a hang guard, then a failure)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(POLL)


async def sequenced() -> None:
    """Wait until every event committed so far has its position in its street's stream (the
    relay runs in the background; ``pump()`` from a test returns at once on PostgreSQL while
    the background relay holds the sequencing lock, so it is no way to wait for this)."""
    assert RELAY is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        with unscoped("test: is anything committed still waiting for its position?"):
            waiting = await OutboxEvent.filter(position=None).exists()
        if not waiting:
            return
        if loop.time() > deadline:
            raise AssertionError("the relay never gave the committed events their positions")
        RELAY.wake()
        await asyncio.sleep(POLL)


def broker_listeners(broker: Broker, channel: str) -> int:
    """How many readers this process has on a broker channel (a subscription that reads the
    broker itself, e.g. ``myPermissionsChanged``, is listening once this has grown)."""
    return len(broker._fanout._queues.get(channel, ()))  # type: ignore[attr-defined]


def started_streams() -> set[Listener]:
    """The in-process server's subscriptions whose stream knows where it starts (kept by
    identity: a count goes wrong when an earlier connection's stream ends meanwhile)."""
    assert HUB is not None
    return {
        listener
        for listeners in HUB._listeners.values()
        for listener in listeners
        if listener.ready.is_set()
    }


STREET_EVENTS = """
subscription Events($types: [String!], $after: String) {
  streetEvents(types: $types, after: $after) { cursor type subject actorId occurredAt payload }
}
"""

NOTIFICATION_ADDED = """
subscription Inbox($after: String) {
  notificationAdded(after: $after) {
    cursor notification { id kind title body subject read }
  }
}
"""


class Socket:
    def __init__(self, ws: ClientConnection, in_process: bool) -> None:
        self.ws = ws
        self.in_process = in_process  # served by this test process (``live_url``)
        self.held: deque[dict[str, Any]] = deque()  # read while waiting in ``subscribe``

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def _from_wire(self) -> dict[str, Any]:
        while True:
            message = json.loads(await self.ws.recv())
            if message.get("type") not in {"ping", "pong"}:
                return message

    async def receive(self) -> dict[str, Any]:
        if self.held:
            return self.held.popleft()
        return await asyncio.wait_for(self._from_wire(), WAIT)

    async def subscribe(self, op_id: str, query: str, **variables: Any) -> None:
        """Subscribe; against the in-process server, return once the stream has started (or
        the server has answered this subscription, e.g. with an error), and only after what
        was committed before has its place in the stream ("from now" starts after it)."""
        payload = {"query": query, "variables": variables}
        if not self.in_process:
            await self.send({"id": op_id, "type": "subscribe", "payload": payload})
            return
        await sequenced()
        before = started_streams()
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not started_streams() - before:
            if loop.time() > deadline:
                raise AssertionError(f"subscription {op_id!r} neither started nor was answered")
            try:  # cancelling a pending recv() loses nothing (websockets' promise)
                message = await asyncio.wait_for(self._from_wire(), POLL)
            except TimeoutError:
                continue
            self.held.append(message)
            if message.get("id") == op_id:  # answered: refused, or already sending
                return

    async def next(self, op_id: str) -> dict[str, Any]:
        message = await self.receive()
        assert message.get("id") == op_id and message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]

    async def close_code(self) -> int | None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(self.ws.recv(), WAIT)
        return self.ws.close_code


@contextlib.asynccontextmanager
async def raw_socket(live_url: str) -> AsyncIterator[Socket]:
    async with connect(
        f"ws://{live_url}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as ws:
        yield Socket(ws, in_process=live_url == ADDRESS)


@contextlib.asynccontextmanager
async def socket(live_url: str, token: str | None, tenant: str | None) -> AsyncIterator[Socket]:
    """A connection that has been acknowledged."""
    async with raw_socket(live_url) as sock:
        params: dict[str, str] = {}
        if token is not None:
            params["authorization"] = f"Bearer {token}"
        if tenant is not None:
            params["tenant"] = tenant
        await sock.send({"type": "connection_init", "payload": params})
        ack = await sock.receive()
        assert ack["type"] == "connection_ack", ack
        yield sock
