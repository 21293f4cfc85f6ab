"""A graphql-transport-ws client, as a workbench or a big screen speaks it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from resolvers.outbox import EventHub

WAIT = 15  # seconds before a test gives up waiting for a message (a hang, not a timing assert)
START = 3  # seconds a subscribe waits for the server to start the stream (errors never do)

# The in-process server's event hub (set by the ``live_url`` fixture): lets ``subscribe`` wait
# until the server is listening, so a change made right after it is never "before" it.
HUB: EventHub | None = None

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
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), WAIT)
            message = json.loads(raw)
            if message.get("type") not in {"ping", "pong"}:
                return message

    async def subscribe(self, op_id: str, query: str, **variables: Any) -> None:
        before = HUB.ready_count() if HUB else 0
        await self.send(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )
        if HUB is None:
            return
        deadline = asyncio.get_running_loop().time() + START
        # A subscription that fails (bad query, over the limit) never starts: give up quietly.
        while HUB.ready_count() <= before and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)

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
        yield Socket(ws)


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
