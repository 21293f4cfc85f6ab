"""Online votes under load: ``python -m bench.votes``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server), one street with a
secret project ballot of 20 candidate projects and an electorate of 2,000 representatives
(accounts, memberships and sessions loaded in bulk, access tokens minted directly rather than
2,000 argon2 logins), drafts and opens the vote through the resolver functions, then serves
``gongzhi`` with BENCH_WORKERS uvicorn workers (2: the machine has 2 cores; Redis as the
broker, as in production) and fires, every voter at once, each one after the other:

* its ballot (``castBallot``, with an idempotency key),
* the same ballot with the same key again (must be ``replayed`` with the same receipt),
* a different ballot with a different key (must be ``ALREADY_VOTED``).

The voters are BENCH_VOTERS (2,000) concurrent tasks of one client process sharing
BENCH_CONCURRENCY (64) keep-alive connections. ``p95_ms`` is the latency of the first
submissions, timed from the moment the request has a connection. ``ballots_per_s`` is the
ballots counted over the wall time of the whole firing phase (all three submissions of every
voter, 6,000 requests). ``server_cpu_ms_per_request`` and ``db_cpu_ms_per_request`` are the CPU
the uvicorn workers and the database's backends spent meanwhile, per request: on a shared
machine they say more than the wall clock.

Then the vote is closed through the API, and checked with what the bench itself knows:

* ``ballots_counted``: rows in ``ballot`` for the vote (and ``turnout`` as the vote row keeps
  it, which must be equal),
* ``duplicates``: ballot rows not matching a first submission's receipt, retries that were not
  replayed with the first receipt, and second ballots that were accepted,
* ``recount_matches``: an independent tally (of the choices the clients sent, and in SQL over
  the ballot rows) equals the result ``closeVote`` stored, every ballot row holds what its
  voter sent (matched by receipt hash), and ``gongzhi votes recount ID`` exits 0.

The same load then runs against a hand-written Starlette + asyncpg endpoint doing the bare
minimum (``bench.votes_baseline``: one INSERT per ballot on a unique key), served the same way;
``ratio`` is ballots/s of the real stack over the baseline's.

Progress goes to stderr; the figures are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import uvloop

from bench.harness import Cpu, measured_cpu, serve, uvicorn
from core import notes

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
VOTERS = int(os.environ.get("BENCH_VOTERS", "2000"))
CANDIDATES = 20
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "64"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WARMUP = 100
SECRET = secrets.token_urlsafe(48)
AUDIT_KEY = notes.generate_signer("bench.gongzhi/audit")
ANSWERS = ("YES", "NO", "ABSTAIN")

CAST = """
mutation($input: CastBallotInput!) {
  castBallot(input: $input) {
    __typename
    ... on BallotCounted { receipt replayed vote { id turnout } }
    ... on UserError { code field message }
  }
}
"""
CLOSE = """
mutation($id: ID!) {
  closeVote(id: $id) {
    __typename
    ... on VoteSuccess { vote { id status turnout } }
    ... on UserError { code field message }
  }
}
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else -1.0


def receipt_hash(receipt: str) -> str:
    """The published receipt scheme (the bulletin board's ``receiptScheme``), written out here
    so the bench does not take it from the code it checks."""
    code = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"receipt|{code}".encode()).hexdigest()


# --- set-up ---------------------------------------------------------------------------------


@dataclass
class Voter:
    user_id: int
    token: str
    first: dict[str, str]  # item global ID -> answer
    other: dict[str, str]
    key: str = field(default_factory=lambda: secrets.token_hex(16))
    other_key: str = field(default_factory=lambda: secrets.token_hex(16))


@dataclass
class Setup:
    street_id: int
    vote_id: int
    vote_gid: str
    items: list[tuple[int, str]]  # (item id, global ID), in ballot order
    voters: list[Voter]
    staff_token: str
    outsider_token: str  # a representative who joined after the electorate was frozen


async def bulk_accounts(
    conn: asyncpg.Connection, street_id: int, prefix: str, count: int, role: str, now: datetime
) -> list[tuple[int, int]]:
    """``count`` accounts with a membership and a session each: (user id, session id)."""
    await conn.copy_records_to_table(
        "app_user",
        records=[(f"{prefix}{i:05d}", f"代表{i}", "!", True, False, now) for i in range(count)],
        columns=[
            "username",
            "display_name",
            "password_hash",
            "is_active",
            "is_platform_admin",
            "created_at",
        ],
    )
    users = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM app_user WHERE username LIKE $1 ORDER BY id", f"{prefix}%"
        )
    ]
    await conn.copy_records_to_table(
        "membership",
        records=[(street_id, u, role, now) for u in users],
        columns=["tenant_id", "user_id", "role", "created_at"],
    )
    expires = now + timedelta(days=1)
    await conn.copy_records_to_table(
        "session",
        records=[(u, now, expires, 0) for u in users],
        columns=["user_id", "created_at", "expires_at", "refresh_counter"],
    )
    sessions = {
        r["user_id"]: r["id"]
        for r in await conn.fetch("SELECT id, user_id FROM session WHERE user_id = ANY($1)", users)
    }
    return [(u, sessions[u]) for u in users]


async def prepare(url: str) -> Setup:
    from tortoise import Tortoise

    from core.broker import MemoryBroker
    from core.ids import to_global_id
    from core.settings import Env, Settings
    from gongzhi.platform import database_config, make_services
    from models.accounts import Role, User
    from models.projects import Project, ProjectStatus
    from models.scoping import street_scope, unscoped
    from models.tenancy import Community, District, Street
    from models.votes import ElectorateKind, VoteItem, VoteKind
    from resolvers.caller import Caller
    from resolvers.votes import drafting, lifecycle

    settings = Settings(env=Env.TEST, database_url=url, secret_key=SECRET)
    services = make_services(settings, MemoryBroker())
    await Tortoise.init(config=database_config(settings), _enable_global_fallback=True)
    conn = await asyncpg.connect(pg(url))
    try:
        now = datetime.now(UTC)
        with unscoped("bench set-up"):
            district = await District.create(code="bench", name="基准区")
            street = await Street.create(code="bench", name="基准街道", district=district)
            community = await Community.create(tenant=street, code="c1", name="基准社区")
            projects = [
                await Project.create(
                    tenant=street,
                    title=f"民生实事候选项目 {n + 1}",
                    category=("道路", "养老", "老旧小区改造")[n % 3],
                    community=community,
                    department="城建办",
                    planned_start=now.date(),
                    planned_end=now.date() + timedelta(days=200),
                    budget=Decimal("500000.00"),
                    status=ProjectStatus.CANDIDATE,
                    created_at=now,
                    updated_at=now,
                )
                for n in range(CANDIDATES)
            ]
        ((staff_id, staff_session),) = await bulk_accounts(
            conn, street.id, "bench.staff", 1, Role.CONGRESS_STAFF.value, now
        )
        say(f"  {VOTERS} representatives with their memberships and sessions")
        reps = await bulk_accounts(
            conn, street.id, "bench.rep", VOTERS, Role.REPRESENTATIVE.value, now
        )
        await services.authorizer.load_from_database()
        staff = await User.get(id=staff_id)
        with street_scope(street.id):
            draft = drafting.VoteDraft(
                kind=VoteKind.PROJECT_BALLOT,
                title="2027 年民生实事项目票决",
                electorate=drafting.ElectorateDraft(ElectorateKind.REPRESENTATIVES),
                items=[drafting.ItemDraft(project_id=p.id) for p in projects],
                secret=True,
            )
            as_staff = Caller(services, staff, street)
            vote = await drafting.save_draft(as_staff, draft)
            say("  opening the vote (freezing the electorate)")
            vote = await lifecycle.open_vote(as_staff, vote.id)
            items = await VoteItem.filter(vote_id=vote.id).order_by("position")
        assert vote.electorate_size == VOTERS, vote.electorate_size
        ((outsider_id, outsider_session),) = await bulk_accounts(
            conn, street.id, "bench.late", 1, Role.REPRESENTATIVE.value, now
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        await Tortoise.close_connections()

    def token(user_id: int, session_id: int) -> str:
        return services.tokens.issue(user_id, session_id, "access", datetime.now(UTC))[0]

    item_ids = [(item.id, to_global_id("VoteItem", item.id)) for item in items]
    rng = random.Random(2027)
    voters = []
    for user_id, session_id in reps:
        first = {gid: rng.choice(ANSWERS) for _, gid in item_ids}
        other = dict(first)
        flipped = item_ids[0][1]
        other[flipped] = "NO" if first[flipped] == "YES" else "YES"
        voters.append(Voter(user_id, token(user_id, session_id), first, other))
    return Setup(
        street_id=street.id,
        vote_id=vote.id,
        vote_gid=to_global_id("Vote", vote.id),
        items=item_ids,
        voters=voters,
        staff_token=token(staff_id, staff_session),
        outsider_token=token(outsider_id, outsider_session),
    )


# --- serving and firing ---------------------------------------------------------------------


class Client:
    """A bare HTTP/1.1 keep-alive client: ``size`` connections, a request waits for a free
    one. The voters share one process and the same 2 cores as the server, so the client must
    cost little (httpx spends about 2 ms of CPU per request here, this about 0.05 ms)."""

    def __init__(self, base: str, size: int) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.size = size
        self._idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )
        self._all: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> Client:
        for _ in range(self.size):
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self._all.append(writer)
            self._idle.put_nowait((reader, writer))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._all:
            writer.close()

    async def post(
        self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any], float]:
        """Status, the JSON body, and seconds from having a connection to the whole answer."""
        body = json.dumps(payload).encode()
        head = [
            f"POST {path} HTTP/1.1",
            f"host: {self.host}:{self.port}",
            "content-type: application/json",
            f"content-length: {len(body)}",
        ]
        head.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        reader, writer = await self._idle.get()
        try:
            started = time.perf_counter()
            writer.write(request)
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 120)
            lines = raw.split(b"\r\n")
            status = int(lines[0].split(b" ", 2)[1])
            length = 0
            for line in lines[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            data = await reader.readexactly(length)
            seconds = time.perf_counter() - started
        except BaseException:
            writer.close()  # a half-read answer: this connection is done, open another
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self._all.append(writer)
            raise
        finally:
            self._idle.put_nowait((reader, writer))
        return status, json.loads(data) if data else {}, seconds


@dataclass
class Outcome:
    """What the clients saw."""

    receipts: dict[int, str] = field(default_factory=dict)  # voter -> first receipt
    first_ms: list[float] = field(default_factory=list)
    replays_ok: int = 0
    refused_ok: int = 0
    bad_replays: int = 0  # a retry that was not replayed with the first receipt
    second_accepted: int = 0  # a different second ballot that was counted
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    requests: int = 0
    cpu: Cpu = field(default_factory=Cpu)
    lag_ms: list[float] = field(default_factory=list)


Submit = Callable[[Voter, str, dict[str, str]], Awaitable[tuple[dict[str, Any], float]]]


async def fire(voters: list[Voter], submit: Submit) -> Outcome:
    """Every voter, all at once: its ballot, the same again with the same key, a different
    one. At most the client's connections are in flight, the others wait for one."""
    out = Outcome()
    started = time.perf_counter()

    async def one(voter: Voter) -> None:
        try:
            body, seconds = await submit(voter, voter.key, voter.first)
            out.requests += 1
            if body.get("receipt") and not body.get("replayed"):
                out.receipts[voter.user_id] = body["receipt"]
                out.first_ms.append(seconds * 1000)
            else:
                out.errors[f"first:{body.get('code') or body.get('error')}"] += 1
            again, _ = await submit(voter, voter.key, voter.first)
            out.requests += 1
            if again.get("replayed") and again.get("receipt") == body.get("receipt"):
                out.replays_ok += 1
            else:
                out.bad_replays += 1
                out.errors[f"replay:{again.get('code') or again.get('error') or 'new'}"] += 1
            other, _ = await submit(voter, voter.other_key, voter.other)
            out.requests += 1
            if other.get("code") == "ALREADY_VOTED":
                out.refused_ok += 1
            elif other.get("receipt"):
                out.second_accepted += 1
            else:
                out.errors[f"second:{other.get('code') or other.get('error')}"] += 1
        except Exception as exc:
            out.errors[f"exception:{type(exc).__name__}"] += 1

    async def progress() -> None:
        while True:
            await asyncio.sleep(2)
            say(f"  {len(out.receipts)} ballots, {out.requests} requests")

    reporter = asyncio.create_task(progress())
    try:
        await asyncio.gather(*(one(v) for v in voters))
    finally:
        out.seconds = time.perf_counter() - started
        reporter.cancel()
    return out


def graphql_submitter(client: Client, vote_gid: str) -> Submit:
    async def submit(
        voter: Voter, key: str, choices: dict[str, str]
    ) -> tuple[dict[str, Any], float]:
        variables = {
            "input": {
                "voteId": vote_gid,
                "choices": [{"itemId": i, "answer": a} for i, a in choices.items()],
                "idempotencyKey": key,
            }
        }
        status, body, seconds = await client.post(
            "/graphql",
            {"query": CAST, "variables": variables},
            {"authorization": f"Bearer {voter.token}"},
        )
        if status != 200:
            return {"error": f"http{status}"}, seconds
        if body.get("errors"):
            return {"error": body["errors"][0].get("message", "graphql")[:60]}, seconds
        return body["data"]["castBallot"], seconds

    return submit


def baseline_submitter(client: Client) -> Submit:
    async def submit(
        voter: Voter, key: str, choices: dict[str, str]
    ) -> tuple[dict[str, Any], float]:
        status, body, seconds = await client.post(
            "/ballot", {"voter": voter.user_id, "key": key, "choices": choices}
        )
        return (body if status == 200 else {"error": f"http{status}"}), seconds

    return submit


async def run_gongzhi(url: str, setup: Setup) -> tuple[Outcome, dict[str, Any]]:
    env = {
        "GONGZHI_ENV": "production",
        "GONGZHI_DATABASE_URL": url,
        "GONGZHI_REDIS_URL": os.environ.get("GONGZHI_REDIS_URL", DEFAULT_REDIS),
        "GONGZHI_REDIS_PREFIX": f"bench-{secrets.token_hex(3)}",
        "GONGZHI_SECRET_KEY": SECRET,
        "GONGZHI_AUDIT_SIGNING_KEY": AUDIT_KEY.text,
    }
    say(f"gongzhi: {WORKERS} uvicorn workers, {VOTERS} voters, {CONCURRENCY} connections")
    async with (
        serve(
            "gongzhi",
            uvicorn("--factory", "gongzhi.app:create_app_from_env", workers=WORKERS),
            env,
            ready="/healthz",
        ) as served,
        Client(served.base, CONCURRENCY) as client,
    ):
        submit = graphql_submitter(client, setup.vote_gid)
        outsider = Voter(0, setup.outsider_token, setup.voters[0].first, {})
        warm = await asyncio.gather(
            *(submit(outsider, secrets.token_hex(16), outsider.first) for _ in range(WARMUP))
        )
        codes = Counter(str(w.get("code") or w.get("error")) for w, _ in warm)
        assert set(codes) == {"NOT_ON_ELECTORATE"}, codes
        say("  firing")
        fired: list[bool] = []
        lag = asyncio.create_task(sequencing_lag(url, setup.street_id, fired))
        async with measured_cpu(served, url) as cpu:
            outcome = await fire(setup.voters, submit)
        fired.append(True)
        outcome.lag_ms = await lag
        outcome.cpu = cpu
        say(f"  {outcome.seconds:.2f} s; closing the vote through the API")
        # on a connection of its own: the firing's may have idled past the keep-alive
        async with httpx.AsyncClient(base_url=served.base, timeout=300) as http:
            answer = await http.post(
                "/graphql",
                json={"query": CLOSE, "variables": {"id": setup.vote_gid}},
                headers={"authorization": f"Bearer {setup.staff_token}"},
            )
        closed = answer.json()["data"]["closeVote"]
        assert closed["__typename"] == "VoteSuccess", closed
    return outcome, env


async def sequencing_lag(url: str, street_id: int, done: list[bool]) -> list[float]:
    """From commit to sequenced, for each audit entry of the street written meanwhile: the
    pending entries are polled every 20 ms (an entry is timed from the first poll that saw it
    committed and pending, so the figure is at most 20 ms short), until firing is over and
    nothing is pending."""
    conn = await asyncpg.connect(pg(url))
    seen: dict[int, float] = {}
    lags: list[float] = []
    try:
        while True:
            rows = await conn.fetch(
                "SELECT id FROM audit_entry WHERE tenant_id = $1 AND sequence IS NULL", street_id
            )
            now = time.perf_counter()
            pending = {r["id"] for r in rows}
            for entry_id in list(seen):
                if entry_id not in pending:
                    lags.append(1000 * (now - seen.pop(entry_id)))
            for entry_id in pending:
                seen.setdefault(entry_id, now)
            if done and not pending:
                return lags
            await asyncio.sleep(0.02)
    finally:
        await conn.close()


async def run_baseline(url: str, voters: list[Voter]) -> Outcome:
    conn = await asyncpg.connect(pg(url))
    try:
        from bench.votes_baseline import TABLE

        await conn.execute(TABLE)
    finally:
        await conn.close()
    say(f"baseline: Starlette + asyncpg, {WORKERS} uvicorn workers, same load")
    env = {"BENCH_DATABASE_URL": url}
    async with (
        serve(
            "baseline",
            uvicorn("bench.votes_baseline:app", workers=WORKERS),
            env,
            ready="/healthz",
        ) as served,
        Client(served.base, CONCURRENCY) as client,
    ):
        submit = baseline_submitter(client)
        outsider = Voter(0, "", voters[0].first, {})
        await asyncio.gather(
            *(submit(outsider, "warm-up-key", outsider.first) for _ in range(WARMUP))
        )
        conn = await asyncpg.connect(pg(url))
        try:
            await conn.execute("DELETE FROM baseline_ballot")
        finally:
            await conn.close()
        say("  firing")
        async with measured_cpu(served, url) as cpu:
            outcome = await fire(voters, submit)
        outcome.cpu = cpu
    conn = await asyncpg.connect(pg(url))
    try:
        rows = await conn.fetchval("SELECT count(*) FROM baseline_ballot")
    finally:
        await conn.close()
    assert rows == len(outcome.receipts) == len(voters), (rows, len(outcome.receipts))
    say(f"  {outcome.seconds:.2f} s")
    return outcome


# --- checking -------------------------------------------------------------------------------


def tally_of(choices: list[dict[str, str]]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    for ballot in choices:
        for item, answer in ballot.items():
            counts.setdefault(item, Counter())[answer] += 1
    return counts


def outcome_of(
    yes: int, no: int, turnout: int, electorate: int, quorum: int, on_electorate: bool
) -> str:
    if turnout * 100 < quorum * electorate:
        return "NO_QUORUM"
    if yes * 2 > (electorate if on_electorate else turnout):
        return "PASSED"
    return "TIED" if yes == no and yes > 0 else "FAILED"


async def check(url: str, setup: Setup, outcome: Outcome, env: dict[str, str]) -> dict[str, Any]:
    conn = await asyncpg.connect(pg(url))
    try:
        vote = await conn.fetchrow("SELECT * FROM vote WHERE id = $1", setup.vote_id)
        rows = await conn.fetch(
            "SELECT receipt_hash, choices, voter_id, cast_at FROM ballot WHERE vote_id = $1",
            setup.vote_id,
        )
        sql_tally = await conn.fetch(
            "SELECT c.key, c.value, count(*) AS n FROM ballot b, jsonb_each_text(b.choices) c "
            "WHERE b.vote_id = $1 GROUP BY c.key, c.value",
            setup.vote_id,
        )
        electors_voted = await conn.fetchval(
            "SELECT count(*) FROM elector WHERE vote_id = $1 AND voted", setup.vote_id
        )
        audit = await conn.fetchrow(
            "SELECT count(*) AS n, count(actor_id) AS named FROM audit_entry "
            "WHERE tenant_id = $1 AND subject = $2 AND action = 'vote.ballot_received'",
            setup.street_id,
            setup.vote_gid,
        )
    finally:
        await conn.close()
    stored = json.loads(vote["result"]) if isinstance(vote["result"], str) else vote["result"]

    # Which ballot row is whose: by the hash of the receipt its voter was given.
    by_voter = {v.user_id: v for v in setup.voters}
    sent = {receipt_hash(r): by_voter[u].first for u, r in outcome.receipts.items()}
    item_key = {gid: str(pk) for pk, gid in setup.items}
    expected_rows = {h: {item_key[g]: a for g, a in c.items()} for h, c in sent.items()}
    unmatched = 0
    same_choices = True
    for row in rows:
        choices = json.loads(row["choices"])
        wanted = expected_rows.pop(row["receipt_hash"], None)
        if wanted is None:
            unmatched += 1
        elif wanted != choices:
            same_choices = False
    missing = len(expected_rows)  # accepted by the API, not in the table
    secret_kept = all(r["voter_id"] is None and r["cast_at"] is None for r in rows)
    secret_kept = secret_kept and audit["named"] == 0 and audit["n"] == len(rows)

    # The bench's own count, from what the clients sent.
    client_tally = tally_of(
        [{item_key[g]: a for g, a in by_voter[u].first.items()} for u in outcome.receipts]
    )
    db_tally: dict[str, Counter[str]] = {}
    for r in sql_tally:
        db_tally.setdefault(r["key"], Counter())[r["value"]] = r["n"]
    turnout = len(outcome.receipts)
    on_electorate = vote["threshold_basis"] == "ELECTORATE"
    stored_items = {str(i["item"]): i for i in stored["items"]}
    tallies_match = client_tally == db_tally and stored["turnout"] == turnout == len(rows)
    for key, counts in client_tally.items():
        item = stored_items.get(key)
        wanted_outcome = outcome_of(
            counts["YES"],
            counts["NO"],
            turnout,
            vote["electorate_size"],
            vote["quorum_percent"],
            on_electorate,
        )
        if item is None or (item["yes"], item["no"], item["abstain"], item["outcome"]) != (
            counts["YES"],
            counts["NO"],
            counts["ABSTAIN"],
            wanted_outcome,
        ):
            tallies_match = False
    tallies_match = tallies_match and len(stored_items) == len(setup.items)

    say("gongzhi votes recount")
    recount = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gongzhi.cli",
        "votes",
        "recount",
        str(setup.vote_id),
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    printed, _ = await recount.communicate()
    if recount.returncode != 0:
        say(printed.decode())
    say("gongzhi audit verify")
    verified = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gongzhi.cli",
        "audit",
        "verify",
        "--street",
        "bench",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    said, _ = await verified.communicate()
    say(said.decode().strip())
    duplicates = unmatched + outcome.bad_replays + outcome.second_accepted
    if len(rows) > electors_voted:
        duplicates += len(rows) - electors_voted
    return {
        "ballots_counted": len(rows),
        "turnout": vote["turnout"],
        "duplicates": duplicates,
        "recount_matches": bool(
            tallies_match and same_choices and not missing and recount.returncode == 0
        ),
        "secret_kept": secret_kept,
        "audit_entries": audit["n"],
        "log_intact": verified.returncode == 0,
    }


async def main() -> None:
    base_url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg(base_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = with_database(base_url, name)
    try:
        from core.settings import Env, Settings
        from gongzhi.cli import apply_migrations

        say(f"database {name}: migrating")
        await apply_migrations(Settings(env=Env.DEV, database_url=url), quiet=True)
        say(f"a secret project ballot: {CANDIDATES} candidates, {VOTERS} representatives")
        setup = await prepare(url)
        outcome, env = await run_gongzhi(url, setup)
        checked = await check(url, setup, outcome, env)
        baseline = await run_baseline(url, setup.voters)
    finally:
        admin = await asyncpg.connect(pg(base_url))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    ballots_per_s = checked["ballots_counted"] / outcome.seconds
    baseline_per_s = len(baseline.receipts) / baseline.seconds
    if outcome.errors:
        say(f"unexpected answers: {dict(outcome.errors)}")
    print(
        json.dumps(
            {
                "ballots_counted": checked["ballots_counted"],
                "duplicates": checked["duplicates"],
                "recount_matches": checked["recount_matches"],
                "ballots_per_s": round(ballots_per_s, 1),
                "p95_ms": round(p95(outcome.first_ms), 1),
                "sequencing_lag_p95_ms": round(p95(outcome.lag_ms), 1),
                "log_intact": checked["log_intact"],
                "baseline_ballots_per_s": round(baseline_per_s, 1),
                "baseline_p95_ms": round(p95(baseline.first_ms), 1),
                "ratio": round(ballots_per_s / baseline_per_s, 3),
                "turnout": checked["turnout"],
                "replays_ok": outcome.replays_ok,
                "refused_ok": outcome.refused_ok,
                "errors": sum(outcome.errors.values()),
                "secret_kept": checked["secret_kept"],
                "server_cpu_ms_per_request": round(1000 * outcome.cpu.server / outcome.requests, 2),
                "db_cpu_ms_per_request": round(1000 * outcome.cpu.database / outcome.requests, 2),
                "baseline_server_cpu_ms_per_request": round(
                    1000 * baseline.cpu.server / baseline.requests, 2
                ),
                "requests": outcome.requests,
                "seconds": round(outcome.seconds, 2),
                "workers": WORKERS,
                "concurrency": CONCURRENCY,
            }
        )
    )


if __name__ == "__main__":
    uvloop.run(main())
