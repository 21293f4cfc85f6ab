"""``gongzhi serve`` as a user starts it, in a child process: for the tests of what only a real
server shows (several workers, signals, logs on stderr, pgbouncer in front)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

WAIT = 30  # a hang guard, not a timing assert


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``gongzhi ARGS`` with only ``env``'s GONGZHI_ settings (none of the test run's own)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def create_street(env: dict[str, str], cwd: Path, code: str, name: str) -> str:
    """``gongzhi tenant create``: a street of the Wuchang district whose admin is
    ``CODE.admin``; answers the admin's one-time password."""
    created = cli(
        *("tenant", "create", "--code", code, "--name", name),
        *("--district", "wuchang", "--admin-username", f"{code}.admin"),
        env=env,
        cwd=cwd,
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.split("one-time password:")[1].strip()


def tail(log: Path) -> str:
    """The end of a server's log, for an assertion's message."""
    return log.read_text(errors="replace")[-3000:]


@dataclass
class Served:
    port: int
    process: asyncio.subprocess.Process

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"


@contextlib.asynccontextmanager
async def served(
    cwd: Path, env: dict[str, str], log: Path, *options: str, port: int | None = None
) -> AsyncIterator[Served]:
    """``gongzhi serve OPTIONS`` on a free port, its stderr into ``log``, once ``/readyz``
    answers 200 (every worker up); stopped with SIGTERM at the end (SIGKILL if it hangs), unless
    the test stopped it itself."""
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GONGZHI_")}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    full_env.update(env)
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "gongzhi.cli", "serve", *options, "--port", str(port)),
            env=full_env,
            cwd=cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(600):  # until it answers (bounded)
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get("/readyz")).status_code == 200:
                            break
                    assert process.returncode is None, tail(log)
                    await asyncio.sleep(0.1)
            yield Served(port, process)
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), WAIT)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    await process.wait()
