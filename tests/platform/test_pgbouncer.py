"""Behind pgbouncer in transaction mode (Debian's ``pgbouncer``), with asyncpg's statement
cache off (``GONGZHI_DATABASE_STATEMENT_CACHE=false``): a street is created, its admin signs
in, writes, reads, and a subscriber gets the event, while two server connections are shared by
every transaction. Nothing the app does outlives its transaction on a server connection (the
row scope is ``set_config(..., true)``; the relay's lock is a transaction lock)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core import notes
from tests.conftest import APP_ROLE, PG_URL, _create_pg_database, _drop_pg_database
from tests.platform.servers import WAIT, create_street, free_port, served
from tests.platform.test_cli import STRONG_KEY
from tests.platform.test_sqlite_workers import CREATE, subscriber
from tests.support import LOGIN

PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set GONGZHI_TEST_DATABASE_URL"),
    pytest.mark.skipif(not PGBOUNCER, reason="needs pgbouncer (Debian's package)"),
    pytest.mark.skipif(sys.platform == "win32", reason="signals"),
]
COMMUNITIES = "query Communities { communities(first: 50) { edges { node { code } } } }"


@contextlib.contextmanager
def pgbouncer(upstream_host: str, upstream_port: int, users: list[str]) -> Iterator[int]:
    """pgbouncer in transaction mode, two server connections per database and user, on a free
    port; run as the ``postgres`` user when started as root (pgbouncer refuses root)."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-pgbouncer-"))
    folder.chmod(0o755)
    (folder / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={upstream_host} port={upstream_port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 200\n"
    )
    for item in folder.iterdir():
        item.chmod(0o644)
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    assert PGBOUNCER is not None
    log = (folder / "pgbouncer.log").open("wb")
    proc = subprocess.Popen(
        [PGBOUNCER, *as_user, str(folder / "pgbouncer.ini")], stdout=log, stderr=log
    )
    try:
        for _ in range(WAIT * 10):  # until it listens (bounded)
            assert proc.poll() is None, (folder / "pgbouncer.log").read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=WAIT)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


async def test_the_basic_flow_runs_through_pgbouncer_in_transaction_mode(tmp_path: Path) -> None:
    assert PG_URL is not None
    name = await _create_pg_database(PG_URL)
    upstream = httpx.URL(PG_URL.replace("postgres://", "http://", 1))
    owner = str(upstream.copy_with(path=f"/{name}")).replace("http://", "postgres://", 1)
    try:
        with pgbouncer(upstream.host, upstream.port or 5432, [APP_ROLE]) as port:
            env = {
                "GONGZHI_DATABASE_URL": f"postgres://{APP_ROLE}@127.0.0.1:{port}/{name}",
                "GONGZHI_DATABASE_OWNER_URL": owner,
                "GONGZHI_DATABASE_STATEMENT_CACHE": "false",
                "GONGZHI_SECRET_KEY": STRONG_KEY,
                "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("bouncer/audit").text,
                "GONGZHI_EVENT_POLL_SECONDS": "0.1",
            }
            code = f"pgb{secrets.token_hex(2)}"
            password = create_street(env, tmp_path, code, "连接池街道")
            await _flow(tmp_path, env, f"{code}.admin", password)
    finally:
        await _drop_pg_database(PG_URL, name)


async def _flow(tmp_path: Path, env: dict[str, str], username: str, password: str) -> None:
    async with (
        served(tmp_path, env, tmp_path / "server.log") as server,
        httpx.AsyncClient(base_url=server.url, timeout=WAIT) as client,
    ):
        login = await client.post(
            "/graphql", json={"query": LOGIN, "variables": {"u": username, "p": password}}
        )
        token = f"Bearer {login.json()['data']['login']['accessToken']}"
        headers = {"authorization": token}
        seen: list[str] = []
        listening = asyncio.create_task(subscriber(server.address, token, seen))
        answers = []
        for n in range(12):  # many transactions over two server connections
            done = await client.post(
                "/graphql",
                json={"query": CREATE, "variables": {"c": f"c{n}"}},
                headers=headers,
            )
            answers.append(done.json())
        listed = await client.post("/graphql", json={"query": COMMUNITIES}, headers=headers)
        for _ in range(WAIT * 10):
            if len(seen) >= 1:
                break
            await asyncio.sleep(0.1)
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
    failed = [a for a in answers if "errors" in a or "Success" not in str(a)]
    assert failed == [], failed[:2]
    codes = {edge["node"]["code"] for edge in listed.json()["data"]["communities"]["edges"]}
    assert {f"c{n}" for n in range(12)} <= codes, "each write is read back, in its street"
    assert seen, "a subscriber got the events"
    logged = (tmp_path / "server.log").read_text()
    assert "prepared statement" not in logged
