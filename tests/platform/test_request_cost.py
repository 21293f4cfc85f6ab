"""Each request's cost is counted before it is validated or run: over the caller's budget it is
refused (``QUERY_TOO_COMPLEX``), and each person spends from a budget per minute."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from pathlib import Path

import pytest
from graphql import parse
from redis import asyncio as aioredis

from core.ratelimit import RedisSpending
from core.settings import Env, Settings
from gongzhi.platform import make_schema
from models.accounts import Role
from resolvers.services import Services
from schema.cost import CostRules, KnownCosts, OverBudget, document_cost
from tests.conftest import REDIS_URL
from tests.platform.test_bad_input import assert_refused
from tests.support import Api, add_member, error_codes, make_street

ROOT = Path(__file__).resolve().parents[2]
RULES = CostRules(max_page_size=100, list_size=10)
SCHEMA = make_schema(Settings(env=Env.DEV))._schema

# The two documents of the abuse report: an anonymous 5 KB query repeating one field 400
# times (no aliases), and a resident's 30 aliases of nested grid lists within the depth limit.
REPEATED = "{ " + "me { username } " * 400 + "}"
NESTED_GRIDS = (
    "{ "
    + " ".join(
        f"a{n}: communities(first: 100) {{ edges {{ node {{ id name "
        "grids(first: 100) { edges { node { id code name community { id name "
        "grids(first: 100) { totalCount } } } } } } } }"
        for n in range(30)
    )
    + " }"
)


def cost(query: str, variables: dict | None = None, limit: int = 10**9) -> int:
    return document_cost(SCHEMA, parse(query), None, variables, RULES, limit)


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("{ me { username } }", None, 2),
        # Written three times: 3 × 2, and 3 pairs validation compares (100 each).
        ("{ me { username } me { username } me { username } }", None, 306),
        ("{ a: me { username } b: me { username } }", None, 4),
        # Fragments are expanded where they are spread.
        ("{ ...F } fragment F on Query { me { username } }", None, 2),
        ("{ ...F ...F } fragment F on Query { me { username } }", None, 104),
        # A connection: 1 + first × what its edges hold (its edges are the page).
        ("{ communities(first: 7) { edges { node { code } } } }", None, 22),
        ("query($n: Int) { communities(first: $n) { edges { node { code } } } }", {"n": 3}, 10),
        ("{ communities { edges { node { code } } } }", None, 61),  # 20 when not given
        ("{ communities(first: 5000) { edges { node { code } } } }", None, 301),  # at most 100
        # What is asked of the page itself counts once: 1 + totalCount 1 + pageInfo 2 + 7 × 3.
        (
            "{ communities(first: 7) { totalCount pageInfo { hasNextPage } "
            "edges { node { code } } } }",
            None,
            25,
        ),
        # Any other list of objects: its children ten times.
        ("{ me { memberships { role } } }", None, 12),
        # What the schema does not have still counts (validation refuses it afterwards).
        ("{ nothing { at all } }", None, 3),
    ],
)
def test_what_a_document_costs(query: str, variables: dict | None, expected: int) -> None:
    assert cost(query, variables) == expected


def test_a_kept_cost_follows_the_variables_it_read_and_each_callers_limit() -> None:
    """A document's cost is counted once per value of the variables the count reads (a page's
    ``first``), not once per request; any other variable changes nothing; a caller with a
    smaller budget is refused a cost kept for one with a larger."""
    query = (
        "query($n: Int, $word: String) { communities(first: $n) { edges { node { code } } } "
        "me { username } }"
    )
    document = parse(query)
    known = KnownCosts()

    def kept(variables: dict, limit: int = 10**9) -> int:
        return known.cost(SCHEMA, document, None, variables, RULES, limit)

    assert kept({"n": 3, "word": "a"}) == cost(query, {"n": 3}) == 12
    assert kept({"n": 3, "word": "b"}) == 12  # the same count: `word` is not read
    assert kept({"n": 7}) == cost(query, {"n": 7}) == 24
    assert kept({"n": 3}, limit=12) == 12
    with pytest.raises(OverBudget):
        kept({"n": 7}, limit=23)
    assert kept({"n": [1, 2]}) == cost(query, {"n": [1, 2]})  # not a plain value: counted
    assert len(known._costs) == 2  # one count for each `first` given, none for the list


def test_the_count_stops_at_the_limit() -> None:
    with pytest.raises(OverBudget):
        cost(NESTED_GRIDS, limit=50_000)
    assert cost(REPEATED) == 400 * 2 + 100 * (400 * 399 // 2)


def test_a_fragment_spread_many_times_is_read_once() -> None:
    """Fragments doubling at every level: the count stays linear in the document."""
    fragments = ["fragment F0 on Query { me { username } }"] + [
        f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 40)
    ]
    with pytest.raises(OverBudget):
        cost("{ ...F39 } " + " ".join(fragments), limit=10**6)


async def test_the_repeated_field_of_the_report_is_refused_unrun(
    api: Api, settings: Settings
) -> None:
    assert len(REPEATED) > 5000
    body = await api.gql(REPEATED)
    assert_refused(body, "QUERY_TOO_COMPLEX")
    assert body["errors"][0]["extensions"]["budget"] == settings.query_cost_anonymous


async def test_the_residents_nested_grids_of_the_report_are_refused(
    api: Api, settings: Settings
) -> None:
    body = await api.as_user("wulidun.resident", NESTED_GRIDS)
    assert_refused(body, "QUERY_TOO_COMPLEX")
    assert body["errors"][0]["extensions"]["budget"] == settings.query_cost_resident
    # The same document is too costly for staff as well.
    staff = await api.as_user("wulidun.street_admin", NESTED_GRIDS)
    assert_refused(staff, "QUERY_TOO_COMPLEX")


def _client_operations() -> list[tuple[str, str]]:
    manifest = json.loads((ROOT / "schema/trusted-documents.json").read_text(encoding="utf-8"))
    return [(op["name"], op["body"]) for op in manifest["operations"]]


def _demo_documents() -> list[str]:
    """The GraphQL blocks the README and the client guide show."""
    found = []
    for page in (ROOT / "README.md", ROOT / "docs/clients.md"):
        found += re.findall(r"```graphql\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    return found


@pytest.mark.parametrize(("name", "body"), _client_operations(), ids=lambda v: v[:20])
def test_every_operation_of_the_clients_is_within_a_residents_budget(name: str, body: str) -> None:
    settings = Settings()
    spent = document_cost(SCHEMA, parse(body), name, {}, RULES, 10**9)
    assert spent <= settings.query_cost_resident
    if name == "Login":
        assert spent <= settings.query_cost_anonymous


def test_the_demo_documents_are_within_a_residents_budget() -> None:
    documents = _demo_documents()
    assert documents
    for document in documents:
        assert cost(document) <= Settings().query_cost_resident, document


async def test_a_person_spends_from_a_budget_per_minute(api: Api, services: Services) -> None:
    settings = services.settings
    street = await make_street(services, "spend")
    user = await add_member(services, street.street_id, Role.STREET_ADMIN)
    query = (
        "{ communities(first: 100) { edges { node { code grids(first: 100) { totalCount } } } } }"
    )
    each = cost(query)
    assert each <= settings.query_cost_staff
    allowed = settings.query_cost_per_minute // each
    token = await api.login(user.username)
    for _ in range(allowed):
        assert "errors" not in await api.gql(query, token=token)
    refused = await api.gql(query, token=token, lang="en")
    assert error_codes(refused) == ["TOO_MANY_ATTEMPTS"]
    assert 0 < refused["errors"][0]["extensions"]["retryAfterSeconds"] <= 60
    assert refused["data"] is None
    # Someone else is not held back by it.
    other = await add_member(services, street.street_id, Role.STREET_ADMIN)
    assert "errors" not in await api.gql(query, token=await api.login(other.username))


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set GONGZHI_TEST_REDIS_URL")
async def test_spends_at_once_share_one_round_trip_and_none_is_lost(services: Services) -> None:
    """Thirty requests of one person validated at once: one round trip to Redis, every spend
    in the total Redis holds, each request told a running total that holds its own spend."""
    redis = getattr(services.broker, "redis", None)
    assert redis is not None
    prefix = f"{services.settings.redis_prefix}:{secrets.token_hex(3)}"
    spending = RedisSpending(redis, prefix)
    answers = await asyncio.gather(*(spending.spend("user:1", 2) for _ in range(30)))
    assert spending.round_trips == 1
    assert max(total for total, _ in answers) == 60
    assert sorted({total for total, _ in answers})[:3] == [4, 6, 8]  # the others, in turn
    assert all(1 <= seconds <= 60 for _, seconds in answers)
    await spending.flush()
    assert int(await redis.get(f"{prefix}:cost:user:1")) == 60
    assert 55 <= int(await redis.ttl(f"{prefix}:cost:user:1")) <= 60


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set GONGZHI_TEST_REDIS_URL")
async def test_a_worker_counts_the_others_spending_from_its_next_flush(services: Services) -> None:
    """Two workers: each answers from its own count at once, and adds it to Redis (learning
    the other's) at most every ``flush_seconds``."""
    redis = getattr(services.broker, "redis", None)
    assert redis is not None
    prefix = f"{services.settings.redis_prefix}:{secrets.token_hex(3)}"
    now = [100.0]
    first, second = (
        RedisSpending(redis, prefix, flush_seconds=0.25, monotonic=lambda: now[0]) for _ in range(2)
    )
    assert (await first.spend("user:1", 10))[0] == 10
    assert (await second.spend("user:1", 5))[0] == 15  # its first spend: flushed, sees 10
    assert (await first.spend("user:1", 1))[0] == 11  # within 0.25 s: not asked again
    assert first.round_trips == 1
    now[0] += 0.3
    assert (await first.spend("user:1", 1))[0] == 17  # flushed: 10 + 5 + 1 + 1
    assert first.round_trips == 2
    assert (await first.spend("user:2", 3))[0] == 3  # someone else


async def test_spending_is_counted_in_the_worker_while_redis_is_down() -> None:
    down = aioredis.from_url("redis://127.0.0.1:1", socket_connect_timeout=0.5)
    spending = RedisSpending(down, "down", flush_seconds=0)
    try:
        assert (await spending.spend("user:1", 3))[0] == 3
        assert (await spending.spend("user:1", 4))[0] == 7
        assert (await spending.spend("user:2", 1))[0] == 1
    finally:
        await down.aclose()
