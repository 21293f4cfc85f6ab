"""The load harness every bench can use: servers as real processes, ``wrk`` as the load.

The load comes from ``wrk`` (C, Debian's package ``wrk``, installed with apt-get when missing),
not from Python: a Python client costs the machine 2 to 5 ms of CPU per request, more than
most servers here spend answering, and on 2 cores it would be what a bench measures. ``wrk``
sends one prepared request over and over (a Lua script sets its method, path, headers and
body, and counts an answer as good only when it is a 200 holding a marker string).

Systems are driven in turn, A, B, C, A, B, C, … for ``rounds`` rounds (BENCH_ROUNDS, at least 3)
so that whatever else the shared machine does in the meantime falls on every system alike, and
each figure is the median over the rounds; a ratio is the median of the per-round ratios. Each
round also reads, from ``/proc``, the CPU time (user + system) the server's own processes (the
process and its children: uvicorn's workers, node) and, when a database is given, that
database's backends spent during the round: divided by the good answers, the CPU milliseconds
per request, the steadiest figure on a shared machine.

    async with serve("gongzhi", uvicorn("--factory", "gongzhi.app:create_app_from_env"), env,
                     ready="/healthz") as served:
        rounds = await interleave([(served, request)], database_url=url)
    print(summarise(rounds, reference="gongzhi"))
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARM_SECONDS = int(os.environ.get("BENCH_WARM_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """The path of ``wrk``; installs Debian's package when it is missing (saying so)."""
    found = shutil.which("wrk")
    if found:
        return found
    say("wrk is missing: installing Debian's package wrk with apt-get")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, stdout=sys.stderr, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=sys.stderr, check=False)
        subprocess.run(install, stdout=sys.stderr, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed (apt-get install wrk)")
    return found


# -- servers ---------------------------------------------------------------------------------


@dataclass
class Served:
    name: str
    base: str
    pid: int  # the server's own process: its children (uvicorn's workers) count with it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uvicorn(*args: str, workers: int = 1) -> Callable[[int], list[str]]:
    """The command of a uvicorn server of ``args`` (an app, ``--factory`` …) on a port."""

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", *args, "--workers", str(workers),
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--no-access-log",
        ]  # fmt: skip

    return command


@contextlib.asynccontextmanager
async def serve(
    name: str,
    command: Callable[[int], list[str]],
    env: dict[str, str],
    *,
    ready: str,
    cwd: Path | None = None,
    settle: float = 1.0,
    start_seconds: float = 120.0,
) -> AsyncIterator[Served]:
    """Start ``command(port)`` with ``env`` added to ours; yields once ``ready`` (a path) answers
    at all, and ``settle`` seconds more (other workers finish starting). Stopped on the way out."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *command(port), env={**os.environ, **env}, cwd=cwd, stdout=sys.stderr
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        async with httpx.AsyncClient(timeout=5) as http:
            while True:
                if process.returncode is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode} on start")
                with contextlib.suppress(httpx.HTTPError):
                    await http.get(f"{base}{ready}")
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not come up in {start_seconds:.0f} s")
                await asyncio.sleep(0.1)
        await asyncio.sleep(settle)
        yield Served(name, base, process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


# -- CPU time --------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has spent so far (Linux), 0 once it is gone."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_marks(pids: set[int] | list[int]) -> dict[int, tuple[str, float]]:
    """For each live process: its start time (which tells a reused pid) and its CPU so far."""
    marks = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            marks[pid] = (fields[19], (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return marks


def _cpu_spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> float:
    """CPU seconds spent between two marks by the processes alive at the second: those that
    started since count whole, those that ended meanwhile are lost (a pool's connection closed
    mid-round: rare, and small)."""
    spent = 0.0
    for pid, (started, cpu) in after.items():
        earlier = before.get(pid)
        spent += cpu - earlier[1] if earlier and earlier[0] == started else cpu
    return spent


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process descending from it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                parents.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(parents.get(current, []))
    return found


async def database_backends(conn: asyncpg.Connection, database: str) -> set[int]:
    rows = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        database,
    )
    return {int(r["pid"]) for r in rows}


@dataclass
class Cpu:
    """CPU seconds a server's processes and the database's backends spent in a block."""

    server: float = 0.0
    database: float = 0.0


@contextlib.asynccontextmanager
async def measured_cpu(served: Served, database_url: str | None = None) -> AsyncIterator[Cpu]:
    """The CPU the server's process tree (and, given a database, its backends) spent inside
    the block: read from ``/proc`` as it starts and as it ends."""
    conn = None
    database = ""
    if database_url:
        conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
        database = urlsplit(database_url).path.lstrip("/")
    try:
        servers_before = _cpu_marks(process_tree(served.pid))
        backends_before = _cpu_marks(await database_backends(conn, database) if conn else set())
        cpu = Cpu()
        yield cpu
        cpu.server = _cpu_spent(servers_before, _cpu_marks(process_tree(served.pid)))
        if conn:
            cpu.database = _cpu_spent(
                backends_before, _cpu_marks(await database_backends(conn, database))
            )
    finally:
        if conn:
            await conn.close()


# -- the load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Script:
    """A load with a Lua script of its own for ``wrk`` (say, a different body for each request):
    ``args`` follow ``--`` on wrk's command line, ``{folder}`` in them standing for the folder
    that holds ``files``. Its ``done`` must print the harness's JSON line: end it with
    ``DONE_LUA``, which sums the globals ``ok``, ``bad`` and ``sample`` of every thread in the
    global list ``threads`` (filled by ``setup``)."""

    lua: str
    args: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """The one request ``wrk`` sends over and over, and what a good answer holds."""

    path: str
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    marker: str = ""

    def script(self) -> Script:
        headers = "".join(f"{name}: {value}\n" for name, value in self.headers.items())
        return Script(
            ONE_REQUEST_LUA,
            (self.method, self.path, self.marker, "{folder}/body", "{folder}/headers"),
            {"body": self.body.encode(), "headers": headers.encode()},
        )


Load = Request | Script

DONE_LUA = r"""
function done(summary, latency, requests)
  local good, wrong, example = 0, 0, ""
  for _, thread in ipairs(threads) do
    good = good + thread:get("ok")
    wrong = wrong + thread:get("bad")
    example = example .. (thread:get("sample") or "")
  end
  io.write(string.format(
    '{"ok": %d, "bad": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, '
    .. '"p99_ms": %.3f, "socket_errors": %d, "sample": %q}\n',
    good, wrong, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, example:sub(1, 300)))
end
"""

ONE_REQUEST_LUA = (
    r"""
-- One prepared request, sent over and over; an answer is good when it is a 200 whose body
-- holds the marker. ok, bad and sample are globals: done() reads them from each thread.
ok, bad, sample = 0, 0, nil
local prepared, marker
threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local method, path = args[1], args[2]
  marker = args[3]
  local file = io.open(args[4], "rb"); local body = file:read("*a"); file:close()
  local headers = {}
  for line in io.lines(args[5]) do
    local colon = line:find(":", 1, true)
    if colon then headers[line:sub(1, colon - 1)] = line:sub(colon + 2) end
  end
  if #body == 0 then body = nil end
  prepared = wrk.format(method, path, headers, body)
end

function request()
  return prepared
end

function response(status, headers, body)
  if status == 200 and (marker == "" or body:find(marker, 1, true)) then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == nil then sample = status .. " " .. body:sub(1, 300) end
  end
end

"""
    + DONE_LUA
)


async def drive(
    base: str,
    load: Load,
    *,
    seconds: int = SECONDS,
    connections: int = CONCURRENCY,
    threads: int = THREADS,
) -> dict[str, Any]:
    """``wrk`` against ``base`` for ``seconds`` over ``connections`` keep-alive connections;
    what its ``done`` prints: good and bad answers, seconds, p50/p95/p99 in ms."""
    import json

    wrk = ensure_wrk()
    script = load.script() if isinstance(load, Request) else load
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        work = Path(folder)
        (work / "bench.lua").write_text(script.lua)
        for name, content in script.files.items():
            (work / name).write_bytes(content)
        args = [arg.replace("{folder}", folder) for arg in script.args]
        process = await asyncio.create_subprocess_exec(
            wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(work / "bench.lua"), base, "--", *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
    last = [line for line in out.decode().splitlines() if line.startswith("{")]
    if process.returncode != 0 or not last:
        raise RuntimeError(f"wrk failed: {out.decode()} {err.decode()}")
    result: dict[str, Any] = json.loads(last[-1])
    return result


@dataclass
class Round:
    system: str
    ok: int
    bad: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_request: float  # the server's own processes
    db_cpu_ms_per_request: float | None  # the database's backends, when a database was given
    sample: str = ""

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


async def measure(
    served: Served,
    load: Load,
    *,
    seconds: int = SECONDS,
    connections: int = CONCURRENCY,
    database_url: str | None = None,
) -> Round:
    """One round of ``wrk`` against one server, with the CPU its processes (and the
    database's backends) spent meanwhile."""
    async with measured_cpu(served, database_url) as cpu:
        result = await drive(served.base, load, seconds=seconds, connections=connections)
    server_cpu = cpu.server
    db_cpu = cpu.database if database_url else None
    good = max(1, int(result["ok"]))
    return Round(
        system=served.name,
        ok=int(result["ok"]),
        bad=int(result["bad"]) + int(result["socket_errors"]),
        seconds=float(result["seconds"]),
        p50_ms=float(result["p50_ms"]),
        p95_ms=float(result["p95_ms"]),
        p99_ms=float(result["p99_ms"]),
        cpu_ms_per_request=server_cpu * 1000 / good,
        db_cpu_ms_per_request=None if db_cpu is None else db_cpu * 1000 / good,
        sample=str(result.get("sample") or ""),
    )


async def interleave(
    systems: Sequence[tuple[Served, Load]],
    *,
    rounds: int = ROUNDS,
    seconds: int = SECONDS,
    warm_seconds: int = WARM_SECONDS,
    connections: int = CONCURRENCY,
    database_url: str | None = None,
) -> dict[str, list[Round]]:
    """Every system warmed up once (unless ``warm_seconds`` is 0), then driven in turn for
    ``rounds`` rounds."""
    for served, load in systems:
        if warm_seconds <= 0:
            break
        say(f"  warming {served.name} for {warm_seconds} s")
        warm = await drive(served.base, load, seconds=warm_seconds, connections=connections)
        if warm["bad"] or not warm["ok"]:
            raise RuntimeError(f"{served.name} answered badly: {warm['sample']}")
    results: dict[str, list[Round]] = {served.name: [] for served, _ in systems}
    for number in range(1, rounds + 1):
        for served, load in systems:
            measured = await measure(
                served,
                load,
                seconds=seconds,
                connections=connections,
                database_url=database_url,
            )
            if measured.bad:
                raise RuntimeError(f"{served.name}: {measured.bad} bad answers {measured.sample}")
            db = (
                ""
                if measured.db_cpu_ms_per_request is None
                else f" + database {measured.db_cpu_ms_per_request:.2f}"
            )
            say(
                f"  round {number}/{rounds} {served.name}: {measured.rps:.1f} requests/s, "
                f"p50 {measured.p50_ms:.1f} ms p95 {measured.p95_ms:.1f} ms p99 "
                f"{measured.p99_ms:.1f} ms, CPU {measured.cpu_ms_per_request:.2f} ms{db}"
            )
            results[served.name].append(measured)
    return results


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summarise(
    results: dict[str, list[Round]], reference: str, prefixes: dict[str, str] | None = None
) -> dict[str, Any]:
    """The figures of a run: for each system its median requests/s, CPU ms per request (the
    server's, and the database's when measured) and latencies; ``ratio_<other>`` the median
    over the rounds of the reference's requests/s over the other's in the same round.
    ``prefixes`` names each system's keys (the reference's are unprefixed by default)."""
    prefixes = prefixes or {}
    figures: dict[str, Any] = {}
    ours = results[reference]
    for system, rounds in results.items():
        prefix = prefixes.get(system, "" if system == reference else f"{system}_")
        figures[f"{prefix}rps"] = round(_median([r.rps for r in rounds]), 1)
        figures[f"{prefix}cpu_ms_per_request"] = round(
            _median([r.cpu_ms_per_request for r in rounds]), 3
        )
        db = [r.db_cpu_ms_per_request for r in rounds if r.db_cpu_ms_per_request is not None]
        if db:
            figures[f"{prefix}db_cpu_ms_per_request"] = round(_median(db), 3)
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            figures[f"{prefix}{key}"] = round(_median([getattr(r, key) for r in rounds]), 2)
    for system, rounds in results.items():
        if system != reference:
            name = prefixes.get(system, f"{system}_").rstrip("_")
            figures[f"ratio_{name}"] = round(
                _median([a.rps / b.rps for a, b in zip(ours, rounds, strict=True) if b.rps]), 3
            )
    figures["rounds"] = len(ours)
    return figures
