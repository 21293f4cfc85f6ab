"""A real streaming replica (``pg_basebackup -R -X stream``, a second cluster on another port
started with Debian's ``pg_ctl``) behind ``GONGZHI_READ_DATABASE_URL``: a board field
(``projectTotals``, declared ``replica=True``) reads from it and lags while its replay is
paused, a field that is not declared (``projects``) reads from the primary; a person who just
wrote reads their own write; the replica holds every street to its rows as the primary does;
with the replica stopped the board still answers, from the primary."""

from __future__ import annotations

import asyncio
import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest

from core import notes
from core.settings import Settings
from resolvers.services import Services
from tests.conftest import APP_ROLE, PG_URL, REDIS_URL
from tests.platform.servers import WAIT, tail
from tests.platform.servers import served as served_by
from tests.platform.test_cli import STRONG_KEY
from tests.support import LOGIN, make_street

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set GONGZHI_TEST_DATABASE_URL"),
    pytest.mark.skipif(not PG_BIN, reason="needs Debian's PostgreSQL binaries (pg_ctl)"),
    pytest.mark.skipif(sys.platform == "win32", reason="a PostgreSQL cluster of its own"),
]
REPLICATION_LINE = "host replication all 127.0.0.1/32 trust"
WINDOW = 2  # GONGZHI_READ_YOUR_WRITES_SECONDS in these tests
MAX_LAG = 8  # GONGZHI_READ_MAX_LAG_SECONDS in these tests

CREATE = """mutation($t: String!, $start: Date!, $end: Date!) {
  createProject(input: {title: $t, category: "老旧小区改造", department: "城建办",
    plannedStart: $start, plannedEnd: $end, budget: "1000.00"}) {
    __typename ... on ProjectSuccess { project { id } } ... on UserError { code message }
  }
}"""
BOARD = "query Board { projectTotals { byStatus { status count } } }"
BOTH = """query Both {
  projectTotals { byStatus { status count } }
  projects(first: 50) { edges { node { id } } }
}"""


def _as_postgres(*command: str) -> list[str]:
    """A command run as the ``postgres`` OS user when this is root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


def _run(*command: str) -> str:
    done = subprocess.run(
        _as_postgres(*command), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{command[0]}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    for port in range(5433, 5440):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 5433-5439 for the replica")


def _url(port: int, database: str, user: str) -> str:
    return f"postgres://{user}@127.0.0.1:{port}/{database}"


def _primary() -> httpx.URL:
    assert PG_URL is not None
    return httpx.URL(PG_URL.replace("postgres://", "http://", 1))


async def _on_primary(statement: str) -> str:
    assert PG_URL is not None
    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    try:
        return str(await conn.fetchval(statement))
    finally:
        await conn.close()


def _allow_replication() -> None:
    """The primary's pg_hba.conf lets 127.0.0.1 replicate (added once, then reloaded)."""
    hba = Path(asyncio.run(_on_primary("SHOW hba_file")))
    lines = [" ".join(line.split()) for line in hba.read_text().splitlines()]
    if REPLICATION_LINE in lines:
        return
    if not os.access(hba, os.W_OK):
        pytest.skip(f"{hba} has no replication line and cannot be written here")
    with hba.open("a") as out:
        out.write(f"\n{REPLICATION_LINE}\n")
    asyncio.run(_on_primary("SELECT pg_reload_conf()"))


@dataclass
class Replica:
    port: int
    data: Path

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run(PG_BIN[-1], "-D", str(self.data), "-m", "immediate", "-w", "stop")

    async def accepts(self) -> None:
        conn = await self.connect("postgres")
        await conn.close()

    async def connect(self, database: str, user: str = "postgres") -> asyncpg.Connection:
        return await asyncpg.connect(f"postgresql://{user}@127.0.0.1:{self.port}/{database}")


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    _allow_replication()
    primary = _primary()
    bin_dir = Path(PG_BIN[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-replica-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    _run(
        str(bin_dir / "pg_basebackup"),
        *("-h", primary.host, "-p", str(primary.port or 5432), "-U", "postgres"),
        *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
    )
    # Debian keeps a cluster's configuration outside its data directory: the replica gets
    # its own, the primary's limits (a hot standby needs them at least as high) and trust
    # for local connections.
    limits = _limits()
    conf = "".join(f"{name} = {value}\n" for name, value in limits.items())
    settings = (
        f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
        "hot_standby = on\nshared_buffers = 16MB\nfsync = off\n" + conf
    )
    _run("sh", "-c", f"cat > {data / 'postgresql.conf'} <<'EOF'\n{settings}EOF")
    hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    _run("sh", "-c", f"cat > {data / 'pg_hba.conf'} <<'EOF'\n{hba}EOF")
    found = Replica(port, data)
    try:
        _run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start")
        deadline = time.monotonic() + WAIT
        while True:  # until it accepts connections (bounded)
            try:
                asyncio.run(found.accepts())
                break
            except (OSError, asyncpg.PostgresError):
                assert time.monotonic() < deadline, (folder / "log").read_text()
                time.sleep(0.2)
        yield found
    finally:
        found.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _limits() -> dict[str, str]:
    names = (
        "max_connections",
        "max_worker_processes",
        "max_wal_senders",
        "max_prepared_transactions",
        "max_locks_per_transaction",
    )
    return {name: asyncio.run(_on_primary(f"SHOW {name}")) for name in names}


@dataclass
class Served:
    client: httpx.AsyncClient
    tokens: dict[str, str]  # street code -> the admin's bearer token
    database: str
    log: Path

    async def gql(self, street: str, query: str, **variables: object) -> dict:
        answer = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": self.tokens[street], "x-tenant": street},
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "errors" not in body, (body, tail(self.log))
        return dict(body["data"])


@pytest.fixture(scope="module")
async def served(
    tmp_path_factory: pytest.TempPathFactory,
    replica: Replica,
    settings: Settings,
    services: Services,
) -> AsyncIterator[Served]:
    """The test run's database (migrated once for the run; the replica has it by streaming),
    two new streets, and ``gongzhi serve`` on it reading the replica fields from the
    replica."""
    assert settings.database_owner_url is not None
    tmp_path = tmp_path_factory.mktemp("replica")
    database = httpx.URL(settings.database_url.replace("postgres://", "http://", 1)).path[1:]
    env = {
        "GONGZHI_DATABASE_URL": settings.database_url,
        "GONGZHI_DATABASE_OWNER_URL": settings.database_owner_url,
        "GONGZHI_READ_DATABASE_URL": _url(replica.port, database, APP_ROLE),
        "GONGZHI_READ_YOUR_WRITES_SECONDS": str(WINDOW),
        "GONGZHI_READ_MAX_LAG_SECONDS": str(MAX_LAG),
        "GONGZHI_RESPONSE_CACHE_SECONDS": "0",  # every read asks the database
        "GONGZHI_METRICS_ON_PUBLIC_PORT": "true",
        "GONGZHI_SHUTDOWN_GRACE_SECONDS": "1",
        "GONGZHI_SECRET_KEY": STRONG_KEY,
        "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("replica/audit").text,
    }
    if REDIS_URL:
        env["GONGZHI_REDIS_URL"] = REDIS_URL
        env["GONGZHI_REDIS_PREFIX"] = f"gongzhi-replica-{secrets.token_hex(3)}"
    streets = [await make_street(services, "rep") for _ in range(2)]
    log = tmp_path / "server.log"
    async with (
        served_by(tmp_path, env, log, "--no-migrate") as running,
        httpx.AsyncClient(base_url=running.url, timeout=WAIT) as client,
    ):
        tokens = {}
        for street in streets:
            login = await client.post(
                "/graphql",
                json={
                    "query": LOGIN,
                    "variables": {"u": street.admin_username, "p": street.admin_password},
                },
            )
            tokens[street.code] = f"Bearer {login.json()['data']['login']['accessToken']}"
        yield Served(client, tokens, database, log)


def _counted(data: dict) -> int:
    return sum(row["count"] for row in data["projectTotals"]["byStatus"])


async def _create(served: Served, street: str, title: str) -> None:
    created = await served.gql(street, CREATE, t=title, start="2026-01-05", end="2026-06-30")
    assert created["createProject"]["__typename"] == "ProjectSuccess", created


async def _caught_up(replica: Replica, database: str) -> None:
    """Until the replica has replayed everything the primary has written (bounded)."""
    assert PG_URL is not None
    primary = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    standby = await replica.connect(database)
    try:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()")
        for _ in range(WAIT * 10):
            replayed = await standby.fetchval("SELECT pg_last_wal_replay_lsn()")
            if replayed >= target:
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the replica did not catch up")
    finally:
        await primary.close()
        await standby.close()


async def _copy_project(database: str, title: str) -> None:
    """A project written on the primary by SQL (as its owner), a copy of the one of this
    title (in its street)."""
    assert PG_URL is not None
    primary = _primary()
    conn = await asyncpg.connect(
        f"postgresql://postgres@{primary.host}:{primary.port or 5432}/{database}"
    )
    try:
        names = await conn.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'project' AND column_name <> 'id'"
        )
        columns = ", ".join(f'"{row["column_name"]}"' for row in names)
        await conn.execute(
            f"INSERT INTO project ({columns}) SELECT {columns} FROM project WHERE title = $1",
            title,
        )
    finally:
        await conn.close()


async def test_the_board_reads_the_replica_and_a_writer_reads_the_primary(
    served: Served, replica: Replica
) -> None:
    mine, theirs = list(served.tokens)
    lift = f"加装电梯 {secrets.token_hex(3)}"
    await _create(served, mine, lift)
    await _create(served, theirs, "另一街道的项目")
    await _create(served, theirs, "另一街道的第二个项目")
    await _caught_up(replica, served.database)
    await asyncio.sleep(WINDOW + 0.5)  # neither admin has written lately

    # Each street sees its own rows on the replica (row security holds there too).
    assert _counted(await served.gql(mine, BOARD)) == 1
    assert _counted(await served.gql(theirs, BOARD)) == 2
    standby = await replica.connect(served.database, APP_ROLE)
    try:
        assert await standby.fetchval("SELECT count(*) FROM project") == 0, "no scope"
    finally:
        await standby.close()

    # Replay paused: a row written on the primary is not on the board (the replica),
    # but the plain list (the primary) has it.
    pause = await replica.connect(served.database)
    try:
        await pause.execute("SELECT pg_wal_replay_pause()")
        await _copy_project(served.database, lift)
        both = await served.gql(mine, BOTH)
        assert _counted(both) == 1, "the board reads the replica, which lags"
        assert len(both["projects"]["edges"]) == 2, "a field not declared reads the primary"

        # Whoever just wrote reads the board from the primary: their own write is there.
        await _create(served, mine, "加装坡道")
        assert _counted(await served.gql(mine, BOARD)) == 3
        # ...and the other street's admin, who did not write, still reads the replica.
        assert _counted(await served.gql(theirs, BOARD)) == 2
        # Still paused, the replica falls more than MAX_LAG behind: nobody reads it then, and
        # the board (mine has not written for longer than the window) is the primary's.
        await asyncio.sleep(MAX_LAG + 1.5)
        assert _counted(await served.gql(mine, BOARD)) == 3, "too far behind: the primary"
    finally:
        await pause.execute("SELECT pg_wal_replay_resume()")
        await pause.close()
    await _caught_up(replica, served.database)
    await asyncio.sleep(WINDOW + 0.5)
    assert _counted(await served.gql(mine, BOARD)) == 3, "the replica caught up"
    assert "gongzhi_replica_fallbacks_total 0.0" in (await served.client.get("/metrics")).text


async def test_with_the_replica_stopped_the_board_answers_from_the_primary(
    served: Served, replica: Replica
) -> None:
    street = next(iter(served.tokens))
    await _create(served, street, "加装扶手")
    await _caught_up(replica, served.database)
    await asyncio.sleep(WINDOW + 0.5)
    before = _counted(await served.gql(street, BOARD))
    metrics = (await served.client.get("/metrics")).text
    assert "gongzhi_replica_fallbacks_total 0.0" in metrics, "the replica answered"
    assert (await served.client.get("/readyz")).json()["replica"] == "ok"
    replica.stop()
    assert _counted(await served.gql(street, BOARD)) == before, "answered by the primary"
    assert _counted(await served.gql(street, BOARD)) == before, "again, without a new attempt"
    metrics = (await served.client.get("/metrics")).text
    assert "gongzhi_replica_fallbacks_total 2.0" in metrics, metrics
    ready = await served.client.get("/readyz")
    assert ready.status_code == 200, "the primary answers: still ready"
    assert ready.json()["replica"].startswith("down"), ready.json()
    assert "the read replica could not answer projectTotals" in served.log.read_text()
