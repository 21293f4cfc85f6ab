"""graphql-transport-ws on /graphql: auth in connection_init, live permission changes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from policies.enforcer import POLICY_CHANNEL
from resolvers.services import Services
from tests.live import broker_listeners, until
from tests.support import Api, make_street

PROTOCOL = "graphql-transport-ws"
GRANT = """
mutation G($input: GrantRoleInput!) {
  grantRole(input: $input) { __typename }
}
"""


async def open_socket(live_url: str, payload: Any) -> ClientConnection:
    ws = await connect(f"ws://{live_url}/graphql", subprotocols=[PROTOCOL])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def next_message(ws: ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=5))


async def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), timeout=5)
    return ws.close_code


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"authorization": "Bearer not-a-token"},
        {"authorization": 42},
        "not an object",
    ],
)
async def test_connections_without_a_valid_token_are_refused(live_url: str, payload: Any) -> None:
    ws = await open_socket(live_url, payload)
    assert await close_code(ws) in {4403, 4400}


async def test_a_street_the_user_has_no_part_in_is_refused(live_url: str, api: Api) -> None:
    token = await api.login("wulidun.grid_chief")
    ws = await open_socket(live_url, {"authorization": f"Bearer {token}", "tenant": "wangjiang"})
    assert await close_code(ws) == 4403


async def test_malformed_messages_close_cleanly(live_url: str, api: Api) -> None:
    token = await api.login("wulidun.grid_chief")
    ws = await open_socket(live_url, {"authorization": f"Bearer {token}"})
    assert (await next_message(ws))["type"] == "connection_ack"
    await ws.send("{not json")
    assert await close_code(ws) == 4400
    # The server is still serving others.
    again = await open_socket(live_url, {"authorization": f"Bearer {token}"})
    ack = await next_message(again)
    assert ack == {"type": "connection_ack", "payload": {"street": "wulidun"}}
    await again.close()


async def test_my_permissions_are_pushed_when_an_admin_grants_a_role(
    live_url: str, api: Api, services: Services
) -> None:
    street = await make_street(services, "live")
    admin = await api.login(street.admin_username, street.admin_password)
    created = await api.gql(
        """mutation C($u: String!) {
             createAccount(input: {username: $u, displayName: "网格员", role: GRID_WORKER}) {
               ... on CreateAccountSuccess { oneTimePassword membership { account { id } } }
             }
           }""",
        {"u": f"{street.code}.w"},
        token=admin,
    )
    account = created["data"]["createAccount"]
    worker = await api.login(f"{street.code}.w", account["oneTimePassword"])

    ws = await open_socket(live_url, {"authorization": f"Bearer {worker}", "tenant": street.code})
    assert (await next_message(ws))["type"] == "connection_ack"
    readers = broker_listeners(services.broker, POLICY_CHANNEL)
    await ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { myPermissionsChanged { resource action } }"},
            }
        )
    )
    # The subscription reads the broker itself: it listens once the channel has one more reader.
    await until(
        lambda: broker_listeners(services.broker, POLICY_CHANNEL) > readers,
        "the subscription to listen to role changes",
    )
    granted = await api.gql(
        GRANT,
        {"input": {"accountId": account["membership"]["account"]["id"], "role": "STREET_ADMIN"}},
        token=admin,
    )
    assert granted["data"]["grantRole"]["__typename"] == "GrantRoleSuccess"
    message = await next_message(ws)
    while message["type"] == "ping":
        message = await next_message(ws)
    assert message["type"] == "next" and message["id"] == "1"
    pushed = {
        f"{p['resource']}:{p['action']}" for p in message["payload"]["data"]["myPermissionsChanged"]
    }
    assert {"member:grant", "place:manage"} <= pushed
    await ws.close()
