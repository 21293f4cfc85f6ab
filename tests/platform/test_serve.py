"""``gongzhi serve`` as a container runs it: JSON logs on stderr, metrics on a port of their
own (prometheus-client's multi-process directory), and a graceful stop on SIGTERM: the open
WebSocket is closed with 1001 *going away* (graphql-ws clients reconnect and resume), a
request under way still gets its answer, and the process exits 0."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core import notes
from tests.platform.servers import WAIT, Served, create_street, free_port, served
from tests.platform.test_cli import STRONG_KEY
from tests.support import LOGIN

PROTOCOL = "graphql-transport-ws"


def scraped(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


@pytest.mark.skipif(sys.platform == "win32", reason="signals")
async def test_serve_logs_json_counts_by_operation_and_stops_gracefully(tmp_path: Path) -> None:
    env = {
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}",
        "GONGZHI_SECRET_KEY": STRONG_KEY,
        "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("serve/audit").text,
        "GONGZHI_SHUTDOWN_GRACE_SECONDS": "10",
    }
    password = create_street(env, tmp_path, "tingzhi", "停止街道")
    metrics_port = free_port()
    env["GONGZHI_METRICS_PORT"] = str(metrics_port)
    log_path = tmp_path / "server.log"
    async with served(tmp_path, env, log_path) as server:
        token, closed, answered = await _exercise(server, metrics_port, password)
        code = await asyncio.wait_for(server.process.wait(), WAIT)
    assert closed == 1001, "WebSockets are closed with going away"
    assert answered == 200, "a request under way is answered"
    assert code in (0, -signal.SIGTERM), "done (uvicorn re-raises the signal once it is)"
    logged = log_path.read_text()
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    plain = [line for line in logged.splitlines() if line and not line.startswith("{")]
    assert all(line.startswith(("gongzhi on ", "  applied", "metrics on")) for line in plain)
    requests = [line for line in lines if line["logger"] == "gongzhi.request"]
    assert {"SignIn", "Slow"} <= {line["operation"] for line in requests}
    assert any(line["message"] == "websocket" and line["user_id"] for line in requests)
    assert not [line for line in lines if line["logger"] == "uvicorn.access"], "ours says more"
    assert any("1001" in line["message"] for line in lines if line["logger"] == "gongzhi.serve")
    assert token not in logged and password not in logged


async def _exercise(
    server: Served, metrics_port: int, password: str
) -> tuple[str, int | None, int]:
    port = server.port
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client:
        named = LOGIN.replace("mutation Login(", "mutation SignIn(")
        for secret in ("not-the-password", password):
            answer = await client.post(
                "/graphql", json={"query": named, "variables": {"u": "tingzhi.admin", "p": secret}}
            )
        token = answer.json()["data"]["login"]["accessToken"]
        metrics = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        assert scraped(metrics, "gongzhi_graphql_requests_total", operation="SignIn") == 2
        assert scraped(metrics, "gongzhi_login_failures_total", reason="invalid_credentials") == 1
        assert (await client.get("/metrics")).status_code == 404, "not on the public port"
        async with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
            init = {"authorization": f"Bearer {token}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            metrics = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
            assert scraped(metrics, "gongzhi_websockets_open") == 1
            # A request under way when the stop comes: its body arrives after SIGTERM.
            slow = asyncio.create_task(_slow_request(port))
            await asyncio.sleep(0.2)
            os.kill(server.process.pid, signal.SIGTERM)
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.recv(), WAIT)
            closed = ws.close_code
        answered = await asyncio.wait_for(slow, WAIT)
    return token, closed, answered


async def _slow_request(port: int) -> int:
    """A POST whose body comes in two parts, the second after the stop has begun."""
    body = json.dumps({"query": "query Slow { __typename }"}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode()
    writer.write(head + body[:10])
    await writer.drain()
    await asyncio.sleep(1.0)
    writer.write(body[10:])
    await writer.drain()
    status = await reader.readline()
    writer.close()
    return int(status.split()[1])
