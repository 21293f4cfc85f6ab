"""Fan-out benchmark: 2 workers with Redis, N WebSocket subscribers, a stream of events.

    python -m bench.fanout [--subscribers 1000] [--events 30]

Needs PostgreSQL (GONGZHI_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a
fresh database is created and dropped) and Redis (GONGZHI_REDIS_URL, default
redis://127.0.0.1:6379/0). Progress goes to stderr; one JSON line to stdout: latency from the
change's commit to the client, deliveries per second, lost and duplicated deliveries, and the
same throughput for a bare Starlette broadcast on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import httpx
from websockets.asyncio.client import connect

from core import notes

SUBSCRIBE = 'subscription { streetEvents(types: ["community.created"]) { subject occurredAt } }'
CREATE = """mutation($code: String!) { createCommunity(input: {code: $code, name: "进度"}) {
  __typename } }"""


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_http(url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url)).status_code < 500:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def login(http: httpx.AsyncClient, username: str) -> str:
    query = (
        'mutation($u: String!) { login(input: {username: $u, password: "demo1234"}) '
        "{ ... on LoginSuccess { accessToken } } }"
    )
    body = (await http.post("/graphql", json={"query": query, "variables": {"u": username}})).json()
    return body["data"]["login"]["accessToken"]


async def gongzhi_subscriber(
    url: str, token: str, received: list[tuple[str, float, float]], ready: asyncio.Event
) -> None:
    async with connect(url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {
                    "type": "connection_init",
                    "payload": {"authorization": f"Bearer {token}", "tenant": "wulidun"},
                }
            )
        )
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        ready.set()
        async for raw in ws:
            now = time.time()
            message = json.loads(raw)
            if message.get("type") != "next":
                continue
            event = message["payload"]["data"]["streetEvents"]
            at = datetime.fromisoformat(event["occurredAt"]).timestamp()
            received.append((event["subject"], at, now))


async def baseline_subscriber(url: str, received: list[tuple[int, float, float]]) -> None:
    async with connect(url, max_queue=None) as ws:
        async for raw in ws:
            message = json.loads(raw)
            received.append((message["seq"], message["at"], time.time()))


async def run_gongzhi(subscribers: int, events: int) -> dict[str, float | int]:
    import asyncpg

    pg = os.environ.get("GONGZHI_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(pg)._replace(path=f"/{name}"))
    port = free_port()
    env = {
        **os.environ,
        "GONGZHI_ENV": "production",
        "GONGZHI_DATABASE_URL": database_url,
        "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
        "GONGZHI_SECRET_KEY": secrets.token_urlsafe(48),
        "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("bench.gongzhi/audit").text,
    }
    cli = [sys.executable, "-m", "gongzhi.cli"]
    server = None
    try:
        say("loading demo data…")
        demo = await asyncio.create_subprocess_exec(*cli, "demo", env=env, stdout=sys.stderr)
        await demo.wait()
        server = await asyncio.create_subprocess_exec(
            *cli,
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        await wait_http(f"{base}/healthz")
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            display = await login(http, "wulidun.display")
            staff = await login(http, "wulidun.street_admin")
            received: list[tuple[str, float, float]] = []
            say(f"connecting {subscribers} subscribers over 2 workers…")
            tasks = []
            for n in range(subscribers):
                ready = asyncio.Event()
                tasks.append(
                    asyncio.create_task(
                        gongzhi_subscriber(
                            f"ws://127.0.0.1:{port}/graphql", display, received, ready
                        )
                    )
                )
                await ready.wait()
                if n % 200 == 199:
                    say(f"  {n + 1} connected")
            await asyncio.sleep(1.0)  # let every subscription reach its listener
            headers = {"authorization": f"Bearer {staff}"}

            async def create(code: str) -> None:
                await http.post(
                    "/graphql", json={"query": CREATE, "variables": {"code": code}}, headers=headers
                )

            await create("warmup")
            deadline = time.monotonic() + 30
            while len(received) < subscribers and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            received.clear()
            say(f"emitting {events} events…")
            start = time.time()
            for n in range(events):
                await create(f"p{n}")
                await asyncio.sleep(0.05)
            expected = subscribers * events
            deadline = time.monotonic() + 60
            while len(received) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            end = max((r[2] for r in received), default=time.time())
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        counts = Counter((r[0]) for r in received)
        per_event = sorted(counts.values())
        unique = sum(min(c, subscribers) for c in per_event)
        latencies = sorted((r[2] - r[1]) * 1000 for r in received)
        return {
            "subscribers": subscribers,
            "deliveries_per_s": round(len(received) / max(end - start, 1e-6), 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else -1,
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else -1,
            "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1) if latencies else -1,
            "lost": expected - unique,
            "duplicated": len(received) - unique,
        }
    finally:
        if server is not None:
            server.terminate()
            await server.wait()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def run_baseline(subscribers: int, events: int) -> float:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "bench.fanout_baseline:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    )
    try:
        await wait_http(f"http://127.0.0.1:{port}/emit?seq=0")
        received: list[tuple[int, float, float]] = []
        tasks = [
            asyncio.create_task(baseline_subscriber(f"ws://127.0.0.1:{port}/ws", received))
            for _ in range(subscribers)
        ]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            while (await http.post("/emit?seq=-1")).json()["clients"] < subscribers:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            received.clear()
            start = time.time()
            for n in range(events):
                await http.post(f"/emit?seq={n}")
                await asyncio.sleep(0.05)
            deadline = time.monotonic() + 60
            while len(received) < subscribers * events and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        end = max((r[2] for r in received), default=time.time())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return round(len(received) / max(end - start, 1e-6), 1)
    finally:
        server.terminate()
        await server.wait()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=30)
    args = parser.parse_args()
    result = await run_gongzhi(args.subscribers, args.events)
    say("baseline: bare Starlette broadcast…")
    baseline = await run_baseline(args.subscribers, args.events)
    result["baseline_deliveries_per_s"] = baseline
    result["ratio"] = round(float(result["deliveries_per_s"]) / baseline, 3) if baseline else 0
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
