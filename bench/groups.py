"""Group chat benchmark (群聊): messages sent through the API by concurrent senders, delivered
live to every connected member of the group, over 2 workers with PostgreSQL and Redis.

    python -m bench.groups            # reduced scale: 20 groups × 30 members, 300 connected
    GONGZHI_BENCH_GROUPS_FULL=1 python -m bench.groups   # the issue's: 200 × 300, 5,000

Scale by hand with --groups, --members, --connected, --senders, --messages (--port: the
server's). Needs PostgreSQL (GONGZHI_TEST_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test; a fresh database is created and dropped) and Redis
(GONGZHI_REDIS_URL, default redis://127.0.0.1:6379/0). Progress goes to stderr; one JSON line
to stdout: ``send_per_s`` through the API with ``--senders`` concurrent senders, the same rows
written by a hand-written INSERT with as many connections (``insert_per_s``) and their
``ratio``, ``deliver_p95_ms`` (and p50) from the send to each connected member of the group,
and ``lost`` and ``duplicated`` deliveries; ``server_cpu_ms_per_send``, the server's CPU time
(both workers, delivery included) per message sent, which other work on the machine does not
change, and the ``load_average`` it ran under.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from websockets.asyncio.client import connect

from bench.fanout import free_port, say, wait_http
from core import notes
from core.ids import to_global_id

SUBSCRIBE = "subscription { groupEvents { kind body } }"
SEND = """mutation($g: ID!, $b: String!) { sendGroupMessage(input: {groupId: $g, body: $b}) {
  __typename } }"""
FULL = {"groups": 200, "members": 300, "connected": 5000, "senders": 32, "messages": 4000}
REDUCED = {"groups": 20, "members": 30, "connected": 300, "senders": 32, "messages": 1000}


async def seed(env: dict[str, str], groups: int, members: int) -> dict[str, Any]:
    """A street with one grid chief and ``groups`` groups of ``members`` residents each, written
    in bulk; sessions and access tokens for every resident (no password checks)."""
    from tortoise import Tortoise

    from core.identity import mask_id_number
    from core.security import Passwords, Tokens
    from core.settings import Settings
    from gongzhi.platform import database_config, street_hooks
    from models.accounts import Membership, Role, Session, User
    from models.groups import ChatGroup, GroupMember
    from models.people import GridAssignment, GridDuty, Resident
    from models.scoping import unscoped
    from models.tenancy import Community, Grid
    from tenants.registry import create_street

    settings = Settings(
        database_url=env["GONGZHI_DATABASE_URL"], secret_key=env["GONGZHI_SECRET_KEY"]
    )
    await Tortoise.init(config=database_config(settings))
    try:
        passwords = Passwords(1, 1024)
        code = f"bench-{secrets.token_hex(2)}"
        made = await create_street(
            passwords,
            hooks=street_hooks(),
            code=code,
            name="群聊压测街道",
            district_code="bench",
            admin_username=f"{code}.admin",
            create_district=True,
        )
        street = made.street
        hashed = passwords.hash(secrets.token_urlsafe(12))
        tokens = Tokens(
            env["GONGZHI_SECRET_KEY"],
            access_ttl=timedelta(hours=2),
            refresh_ttl=timedelta(days=1),
        )
        with unscoped("bench set-up"):
            community = await Community.create(tenant=street, code="c1", name="社区")
            grid = await Grid.create(tenant=street, community=community, code="g1", name="网格")
            chief = await User.create(
                username=f"{code}.chief", display_name="网格长", password_hash=hashed
            )
            await Membership.create(tenant=street, user=chief, role=Role.GRID_CHIEF)
            await GridAssignment.create(tenant=street, grid=grid, user=chief, duty=GridDuty.CHIEF)
            total = groups * members
            await User.bulk_create(
                [
                    User(username=f"{code}.r{n}", display_name=f"居民{n}", password_hash=hashed)
                    for n in range(total)
                ],
                batch_size=2000,
            )
            ids = dict(
                await User.filter(username__startswith=f"{code}.r").values_list("username", "id")
            )
            users = [ids[f"{code}.r{n}"] for n in range(total)]
            await Membership.bulk_create(
                [Membership(tenant=street, user_id=u, role=Role.RESIDENT) for u in users],
                batch_size=2000,
            )
            await Resident.bulk_create(
                [
                    Resident(
                        tenant=street,
                        name=f"居民{n}",
                        id_hash=secrets.token_hex(16),
                        id_masked=mask_id_number("420105199001011234"),
                        grid=grid,
                        community=community,
                        user_id=u,
                    )
                    for n, u in enumerate(users)
                ],
                batch_size=2000,
            )
            now = datetime.now(UTC)
            await ChatGroup.bulk_create(
                [
                    ChatGroup(tenant=street, grid=grid, name=f"群{g}", owner=chief)
                    for g in range(groups)
                ]
            )
            group_ids = list(
                await ChatGroup.filter(tenant_id=street.id)
                .order_by("id")
                .values_list("id", flat=True)
            )
            await GroupMember.bulk_create(
                [
                    GroupMember(
                        tenant=street, group_id=group_ids[n // members], user_id=u, joined_at=now
                    )
                    for n, u in enumerate(users)
                ],
                batch_size=2000,
            )
            await Session.bulk_create(
                [
                    Session(user_id=u, created_at=now, expires_at=now + timedelta(days=1))
                    for u in users
                ],
                batch_size=2000,
            )
            sessions: dict[int, int] = {}
            for start in range(0, len(users), 10_000):  # a statement's arguments are bounded
                chunk = users[start : start + 10_000]
                sessions.update(
                    await Session.filter(user_id__in=chunk).values_list("user_id", "id")
                )
        access = [tokens.issue(u, sessions[u], "access", now)[0] for u in users]
        return {
            "code": code,
            "groups": group_ids,
            "tokens": access,
            "street": street.id,
            "sender": users[0],
        }
    finally:
        await Tortoise.close_connections()


async def member(
    url: str,
    token: str,
    code: str,
    received: list[tuple[str, float]],
    ready: asyncio.Event,
) -> None:
    async with connect(url, subprotocols=["graphql-transport-ws"], max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {
                    "type": "connection_init",
                    "payload": {"authorization": f"Bearer {token}", "tenant": code},
                }
            )
        )
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") != "next":
                continue
            event = message["payload"]["data"]["groupEvents"]
            if event["kind"] == "MESSAGE_SENT":
                received.append((event["body"], time.time()))


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server process and its workers so far (Linux /proc):
    what the sends cost the server, whatever else the machine is running."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def baseline(
    database_url: str, street: int, group: int, user: int, rows: int, conns: int
) -> float:
    """The same messages by a hand-written INSERT, ``conns`` connections at once."""
    import asyncpg

    pool = await asyncpg.create_pool(
        database_url.replace("postgres://", "postgresql://", 1), min_size=conns, max_size=conns
    )
    try:
        per = rows // conns

        async def insert(n: int) -> None:
            async with pool.acquire() as conn:
                for i in range(per):
                    await conn.execute(
                        'INSERT INTO "group_message" '
                        "(tenant_id, group_id, sender_id, body, created_at) "
                        "VALUES ($1, $2, $3, $4, now())",
                        street,
                        group,
                        user,
                        f"baseline {n}.{i}",
                    )

        start = time.perf_counter()
        await asyncio.gather(*(insert(n) for n in range(conns)))
        return round(per * conns / (time.perf_counter() - start), 1)
    finally:
        await pool.close()


async def run(scale: dict[str, int], port: int = 0) -> dict[str, object]:
    import asyncpg

    pg = os.environ.get("GONGZHI_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(pg)._replace(path=f"/{name}"))
    port = port or free_port()
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
        say("migrating…")
        migrate = await asyncio.create_subprocess_exec(*cli, "migrate", env=env, stdout=sys.stderr)
        await migrate.wait()
        say(f"seeding {scale['groups']} groups × {scale['members']} members…")
        seeded = await seed(env, scale["groups"], scale["members"])
        code, groups, tokens = seeded["code"], seeded["groups"], seeded["tokens"]
        assert isinstance(code, str) and isinstance(groups, list) and isinstance(tokens, list)
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
        members = scale["members"]
        # The connected members, spread over the groups; the senders, one per group in turn,
        # not connected (so every delivery counted is to someone else).
        connected = [
            (n % len(groups), (n % len(groups)) * members + 1 + n // len(groups))
            for n in range(scale["connected"])
        ]
        connected = [(g, i) for g, i in connected if i % members != 0]
        per_group = {g: sum(1 for cg, _ in connected if cg == g) for g in range(len(groups))}
        received: list[tuple[str, float]] = []
        say(f"connecting {len(connected)} members over 2 workers…")
        tasks = []
        for n, (_, index) in enumerate(connected):
            ready = asyncio.Event()
            tasks.append(
                asyncio.create_task(
                    member(f"ws://127.0.0.1:{port}/graphql", tokens[index], code, received, ready)
                )
            )
            await ready.wait()
            if n % 500 == 499:
                say(f"  {n + 1} connected")
        await asyncio.sleep(2.0)
        sent_at: dict[str, tuple[int, float]] = {}
        limits = httpx.Limits(max_connections=scale["senders"])
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            queue: asyncio.Queue[int] = asyncio.Queue()
            for n in range(scale["messages"]):
                queue.put_nowait(n)
            failures = 0

            async def sender(s: int) -> None:
                nonlocal failures
                while not queue.empty():
                    n = queue.get_nowait()
                    g = (s + n) % len(groups)
                    token = tokens[g * members]  # the group's first member sends
                    body = f"m{n}"
                    sent_at[body] = (g, time.time())
                    response = await http.post(
                        "/graphql",
                        json={
                            "query": SEND,
                            "variables": {"g": to_global_id("ChatGroup", groups[g]), "b": body},
                        },
                        headers={"authorization": f"Bearer {token}", "x-tenant": code},
                    )
                    if (
                        response.json()
                        .get("data", {})
                        .get("sendGroupMessage", {})
                        .get("__typename")
                        != "GroupMessageSuccess"
                    ):
                        failures += 1

            say(f"sending {scale['messages']} messages with {scale['senders']} senders…")
            cpu_before = server_cpu_seconds(server.pid)
            start = time.perf_counter()
            await asyncio.gather(*(sender(s) for s in range(scale["senders"])))
            send_seconds = time.perf_counter() - start
            server_cpu = server_cpu_seconds(server.pid) - cpu_before
        expected = sum(per_group[g] for g, _ in sent_at.values())
        deadline = time.monotonic() + 60
        while len(received) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        counts: dict[str, int] = {}
        latencies = []
        for body, at in received:
            if body in sent_at:
                counts[body] = counts.get(body, 0) + 1
                latencies.append((at - sent_at[body][1]) * 1000)
        unique = sum(min(c, per_group[sent_at[b][0]]) for b, c in counts.items())
        latencies.sort()
        insert_per_s = await baseline(
            database_url,
            int(seeded["street"]),
            groups[0],
            int(seeded["sender"]),
            scale["messages"],
            scale["senders"],
        )
        send_per_s = round(len(sent_at) / send_seconds, 1)
        return {
            **scale,
            "connected": len(connected),
            "send_per_s": send_per_s,
            "insert_per_s": insert_per_s,
            "ratio": round(send_per_s / insert_per_s, 3) if insert_per_s else 0,
            "deliver_p50_ms": round(statistics.median(latencies), 1) if latencies else -1,
            "deliver_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1)
            if latencies
            else -1,
            "lost": expected - unique,
            "duplicated": len(received) - unique,
            "send_failures": failures,
            "server_cpu_ms_per_send": round(1000 * server_cpu / max(1, len(sent_at)), 2),
            "load_average": round(os.getloadavg()[0], 2),
        }
    finally:
        if server is not None:
            server.terminate()
            await server.wait()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main() -> None:
    defaults = FULL if os.environ.get("GONGZHI_BENCH_GROUPS_FULL") else REDUCED
    parser = argparse.ArgumentParser()
    for key, value in defaults.items():
        parser.add_argument(f"--{key}", type=int, default=value)
    parser.add_argument("--port", type=int, default=0, help="the server's (default: a free one)")
    args = parser.parse_args()
    print(json.dumps(await run({key: getattr(args, key) for key in defaults}, args.port)))


if __name__ == "__main__":
    asyncio.run(main())
