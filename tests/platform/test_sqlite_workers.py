"""``gongzhi serve --workers 2`` on one SQLite file, as a user starts it: with subscribers on
both workers (and both workers' relays writing), plain sequential mutations all succeed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from core import notes
from tests.platform.servers import create_street, served
from tests.platform.test_cli import STRONG_KEY
from tests.support import LOGIN

PROTOCOL = "graphql-transport-ws"
EVENTS = 'subscription { streetEvents(types: ["community.created"]) { subject } }'
CREATE = """mutation($c: String!) {
  createCommunity(input: {code: $c, name: "社区"}) { __typename }
}"""
ACCOUNT = """mutation { createAccount(input: {username: "liangge.worker", displayName: "网格员",
  role: RESIDENT}) { __typename ... on CreateAccountSuccess { membership { account { id } } } }
}"""
GRANT = """mutation($a: ID!) { grantRole(input: {accountId: $a, role: GRID_WORKER}) {
  __typename ... on GrantRoleSuccess { membership { id } } } }"""
REVOKE = """mutation($m: ID!) { revokeRole(input: {membershipId: $m}) { __typename } }"""
SUBSCRIBERS = 6  # spread over the two workers by the kernel
ROUNDS = 30  # each: a community (written first), a role given, then taken (read first)


async def subscriber(address: str, token: str, seen: list[str]) -> None:
    """Keeps the subject of every community event it is sent."""
    async with connect(f"ws://{address}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": token}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "next":
                seen.append(message["payload"]["data"]["streetEvents"]["subject"])


async def until(predicate: Callable[[], bool], rounds: int = 400) -> None:
    """A bounded poll: the other processes need real time."""
    for _ in range(rounds):
        if predicate():
            return
        await asyncio.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
async def test_two_workers_on_one_sqlite_file_take_sequential_mutations(tmp_path: Path) -> None:
    env = {
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'two.sqlite3'}",
        "GONGZHI_SECRET_KEY": STRONG_KEY,
        "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("two-workers/audit").text,
        "GONGZHI_EVENT_POLL_SECONDS": "0.05",  # both relays busy on the file
    }
    password = create_street(env, tmp_path, "liangge", "两个街道")
    log_path = tmp_path / "server.log"
    answers, seen = await _exercise(tmp_path, env, log_path, password)
    failed = [
        a
        for a in answers
        if "errors" in a or "Success" not in next(iter(a["data"].values()))["__typename"]
    ]
    assert failed == [], failed[:3]
    assert [len(s) for s in seen] == [ROUNDS] * SUBSCRIBERS, "each subscriber got each event"
    logged = log_path.read_text(errors="replace")
    assert "database is locked" not in logged, "no write refused, the relay's neither"


async def _exercise(
    tmp_path: Path, env: dict[str, str], log: Path, password: str
) -> tuple[list[dict], list[list[str]]]:
    answers: list[dict] = []
    seen: list[list[str]] = [[] for _ in range(SUBSCRIBERS)]
    async with served(tmp_path, env, log, "--workers", "2") as server:
        address = server.address
        async with httpx.AsyncClient(base_url=server.url) as client:
            login = await client.post(
                "/graphql",
                json={"query": LOGIN, "variables": {"u": "liangge.admin", "p": password}},
            )
            token = f"Bearer {login.json()['data']['login']['accessToken']}"

            async def call(query: str, **variables: str) -> dict:
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"authorization": token},
                )
                return response.json()

            listeners = [asyncio.create_task(subscriber(address, token, s)) for s in seen]
            # Until every subscriber listens: a first community, then another while one is deaf.
            for n in range(20):
                await call(CREATE, c=f"warm-{n}")
                await until(lambda: all(seen), rounds=20)
                if all(seen):
                    break
            assert all(seen), "every subscriber listens"
            await until(lambda: all(s[-1] == seen[0][-1] for s in seen), rounds=40)
            for s in seen:
                s.clear()
            account = (await call(ACCOUNT))["data"]["createAccount"]["membership"]["account"]
            for n in range(ROUNDS):
                answers.append(await call(CREATE, c=f"c{n}"))
                granted = await call(GRANT, a=account["id"])
                answers.append(granted)
                if "membership" in (granted.get("data") or {}).get("grantRole", {}):
                    membership = granted["data"]["grantRole"]["membership"]["id"]
                    answers.append(await call(REVOKE, m=membership))
            await until(lambda: all(len(s) >= ROUNDS for s in seen))
            for task in listeners:
                task.cancel()
            for task in listeners:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    return answers, seen
