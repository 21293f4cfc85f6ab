"""Abuse benchmark: is the server still answering while it is worked hard, and does login
throttling hold under a burst?

    python -m bench.abuse [--seconds 15] [--clients 8] [--mix both|repeated|pages]

Serves the demo streets with ``gongzhi serve`` (production mode, one worker, SQLite in a
temporary folder, the production argon2 cost), then:

* ``healthz_p99_ms_idle``: ``GET /healthz`` latency, one request every 20 ms, on an idle server;
* ``healthz_p99_ms_under_abuse``: the same while ``--clients`` (8) clients, as a street
  administrator, send costly documents the budget still allows, one after another: half of
  them a field repeated 31 times (a new text each time, so each is validated anew), half the
  largest pages of projects, residents and votes with their nested lists;
* ``login_checks_of_32``: 32 wrong passwords for one account sent at once; how many were
  checked (answered INVALID_CREDENTIALS rather than TooManyAttempts).

Progress goes to stderr; one JSON line to stdout. Targets: under 100 ms, and at most 5.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.fanout import free_port, login, say, wait_http
from core import notes

REPEATS = 31  # within the staff budget: 31 × 2 + 100 × (31 × 30 / 2) = 46,562
PAGES = """query($n: Int!) {
  projects(first: $n) { totalCount edges { node { id title status category department
    milestones { id title weight done } } } }
  residents(first: $n) { totalCount edges { node { id name household address tags { name } } } }
  votes(first: $n) { totalCount edges { node { id kind title status items { id label } } } }
}"""
LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  __typename } }"""


def repeated(n: int) -> str:
    return f"# {n}\n{{ " + "me { username } " * REPEATS + "}"


def p99(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=100)[98], 1) if len(samples) > 1 else 0.0


PROBE = """
import json, sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
until, taken = time.monotonic() + seconds, []
while time.monotonic() < until:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        answer.read()
    taken.append((time.perf_counter() - start) * 1000)
    time.sleep(0.02)
print(json.dumps(taken))
"""


async def probe(base: str, seconds: float) -> list[float]:
    """``/healthz`` every 20 ms for ``seconds``: milliseconds per answer. From a process of
    its own, so that the abusing clients' work in this one is not measured."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROBE, f"{base}/healthz", str(seconds), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()
    return [float(ms) for ms in json.loads(out)]


async def abuser(
    base: str, token: str, n: int, until: float, counts: dict[str, int], mix: str
) -> None:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as http:
        sent = 0
        while time.monotonic() < until:
            if mix == "repeated" or (mix == "both" and n % 2):
                payload: dict[str, object] = {"query": repeated(n * 100_000 + sent)}
            else:
                payload = {"query": PAGES, "variables": {"n": 100}}
            body = (await http.post("/graphql", json=payload)).json()
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            counts["refused" if "QUERY_TOO_COMPLEX" in codes else "served"] += 1
            counts["budget_spent"] += "TOO_MANY_ATTEMPTS" in codes
            sent += 1


async def burst(http: httpx.AsyncClient, username: str) -> int:
    answers = await asyncio.gather(
        *(
            http.post("/graphql", json={"query": LOGIN, "variables": {"u": username, "p": f"x{n}"}})
            for n in range(32)
        )
    )
    kinds = [a.json()["data"]["login"]["__typename"] for a in answers]
    return sum(kind != "TooManyAttempts" for kind in kinds)


async def run(seconds: float, clients: int, mix: str) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="gongzhi-abuse-"))
    port = free_port()
    env = {
        **os.environ,
        "GONGZHI_ENV": "production",
        "GONGZHI_DATABASE_URL": f"sqlite://{folder / 'abuse.sqlite3'}",
        "GONGZHI_SECRET_KEY": secrets.token_urlsafe(48),
        "GONGZHI_AUDIT_SIGNING_KEY": notes.generate_signer("bench.gongzhi/audit").text,
        "GONGZHI_UPLOAD_DIR": str(folder / "uploads"),
        # The bench's clients are one person sending for a while: not the per-minute budget.
        "GONGZHI_QUERY_COST_PER_MINUTE": str(10**9),
    }
    env.pop("GONGZHI_REDIS_URL", None)
    cli = [sys.executable, "-m", "gongzhi.cli"]
    say("loading demo data…")
    for step in (["migrate"], ["demo"]):
        done = await asyncio.create_subprocess_exec(*cli, *step, env=env, stdout=sys.stderr)
        await done.wait()
    server = await asyncio.create_subprocess_exec(
        *cli,
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_http(f"{base}/healthz")
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            token = await login(http, "wulidun.street_admin")
            say("healthz on an idle server…")
            idle = await probe(base, min(seconds, 5))
            say(f"healthz while {clients} clients send costly documents for {seconds} s…")
            counts = {"served": 0, "refused": 0, "budget_spent": 0}
            until = time.monotonic() + seconds
            abusers = [
                asyncio.create_task(abuser(base, token, n, until, counts, mix))
                for n in range(clients)
            ]
            await asyncio.sleep(1)  # every client has a document on the way
            loaded = await probe(base, until - time.monotonic())
            await asyncio.gather(*abusers)
            say("32 wrong passwords at once…")
            checks = await burst(http, "mishixiang.resident")
        return {
            "healthz_p99_ms_idle": p99(idle),
            "healthz_p99_ms_under_abuse": p99(loaded),
            "healthz_max_ms_under_abuse": round(max(loaded), 1),
            "healthz_samples": len(loaded),
            "costly_served": counts["served"],
            "costly_refused": counts["refused"],
            "login_checks_of_32": checks,
            "clients": clients,
            "mix": mix,
            "seconds": seconds,
            "targets_met": p99(loaded) < 100 and checks <= 5,
        }
    finally:
        server.terminate()
        with contextlib.suppress(ProcessLookupError):
            await server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--mix", choices=("both", "repeated", "pages"), default="both")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.seconds, args.clients, args.mix))))


if __name__ == "__main__":
    main()
