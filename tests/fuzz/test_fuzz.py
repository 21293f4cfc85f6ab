"""Fuzzing the whole schema (``pytest -m fuzz``; part of every full run, on SQLite and on
PostgreSQL): no request may end in HTTP 5xx, ``INTERNAL_SERVER_ERROR``, or a data error that
only the last resort caught (``schema.errors.LAST_RESORT``), and nothing of another street may
change.

Two generators, both read from the schema, so a new domain's fields are fuzzed with nothing to
add here:

* schemathesis' GraphQL mode (hypothesis-graphql): queries and mutations of every root field,
  valid and invalid, with the streets' real IDs (and edge IDs) for ``ID``, derandomized;
* ``tests/fuzz/edges.py``: every argument (two input levels down) at the edges of its type.

They run as anonymous and as three roles of a street seeded with a row of every model (each
domain's ``seed_every_row``); another street, seeded the same way, lends its IDs and is
checked untouched at the end. The number of cases is fixed (``SCHEMATHESIS_CASES``, the edge
values each role tries), which keeps a pass within a few minutes on a small machine.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from gongzhi.platform import make_schema
from models.accounts import Membership, Role, User
from models.scoping import unscoped
from resolvers.demo import DEMO_PASSWORD
from resolvers.services import Services
from schema.errors import LAST_RESORT
from tests.fuzz.edges import DATE_EDGES, DATETIME_EDGES, Edges, IdPool, Request, raw_id
from tests.support import Api, StreetFixture, error_codes, grant_membership, make_street
from tests.tenancy.test_isolation import seeders, tenant_models

pytestmark = pytest.mark.fuzz

SCHEMATHESIS_CASES = {"positive": 2, "negative": 1}
"""Cases schemathesis draws for each root field, per role."""
STAFF_ROLES = (Role.STREET_ADMIN, Role.STREET_LEADER, Role.CONGRESS_STAFF, Role.STREET_DEPARTMENT)
"""The street's staff: one account holding the roles that may call most mutations."""
EDGE_SHARE = {"STREET_STAFF": 1, "GRID_CHIEF": 3, "RESIDENT": 3, "anonymous": 5}
"""Every n-th edge request for each role: all of them as the street's staff, a share as the
others (who are refused most mutations before their input is read)."""
SIGNED_OUT = {"UNAUTHENTICATED", "INVALID_TOKEN", "TOKEN_EXPIRED", "REVOKED"}
# Written at their own pace, whichever street's doing: not a request's change.
BACKGROUND = {"EventStream"}
# Global ID types whose rows are another model's.
NODE_MODELS = {"SupervisionOpinion": "Opinion", "SentNotice": "Notice"}


@dataclass
class Target:
    own: StreetFixture
    foreign: StreetFixture
    users: dict[str, tuple[str, str]]  # role → (username, password)
    ids: IdPool


@dataclass
class Findings:
    requests: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, who: str, what: str, request: Any, detail: str) -> None:
        if len(self.problems) < 40:
            self.problems.append(f"{who} {what}: {detail[:300]} <- {str(request)[:400]}")


async def street_ids(street: StreetFixture, node_types: set[str]) -> dict[str, list[str]]:
    """A few real global IDs of each kind in the street."""
    from tortoise import Tortoise

    models = Tortoise.apps["gongzhi"]
    found: dict[str, list[str]] = {"Street": [raw_id("Street", street.street_id)]}
    with unscoped("fuzzing: the IDs a client of the street could hold"):
        for type_name in sorted(node_types):
            model = models.get(NODE_MODELS.get(type_name, type_name))
            if model is None or "tenant" not in model._meta.fields_map:
                continue
            keys = await model.filter(tenant_id=street.street_id).order_by("id").limit(3)
            if keys:
                found[type_name] = [raw_id(type_name, row.pk) for row in keys]
        accounts = await Membership.filter(tenant_id=street.street_id).order_by("id").limit(5)
        found["Account"] = sorted({raw_id("Account", m.user_id) for m in accounts})
    return found


async def untouched(street: StreetFixture) -> dict[str, list[dict[str, Any]]]:
    """Every row the street owns, as values."""
    with unscoped("fuzzing: another street's rows before and after"):
        return {
            model.__name__: await model.filter(tenant_id=street.street_id).order_by("id").values()
            for model in tenant_models()
            if model.__name__ not in BACKGROUND
        }


@pytest.fixture(scope="module")
async def target(services: Services, app: Starlette) -> Target:
    own = await make_street(services, "fz")
    foreign = await make_street(services, "fy")
    for index, street in enumerate((own, foreign), start=31):
        for seed in seeders():
            await seed(services, street, index)
    users = {"STREET_STAFF": (own.admin_username, own.admin_password)}
    with unscoped("fuzzing: one account per role"):
        admin = await User.get(username=own.admin_username)
        for role in (Role.GRID_CHIEF, Role.RESIDENT):
            membership = await Membership.filter(tenant_id=own.street_id, role=role).first()
            assert membership is not None, role
            user = await User.get(id=membership.user_id)
            users[role.value] = (user.username, DEMO_PASSWORD)
    for role in STAFF_ROLES[1:]:
        await grant_membership(services, admin, own.street_id, role)
    node_types = {
        name
        for name, concrete in make_schema(services.settings)._schema.type_map.items()
        if isinstance(concrete, GraphQLObjectType)
        and any(i.name == "Node" for i in concrete.interfaces)
    }
    ids = IdPool(await street_ids(own, node_types), await street_ids(foreign, node_types))
    return Target(own, foreign, users, ids)


def client(app: Starlette) -> httpx.AsyncClient:
    """A client of its own address (login throttling counts failures per address)."""
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://testserver",
    )


class Caller:
    """Posts as one role from many addresses in turn, so that the fuzzed logins' failures
    do not throttle every later login; signs in again (from an address of its own) when a
    fuzzed mutation ended its session."""

    ADDRESSES = 32

    def __init__(self, app: Starlette, who: str, credentials: tuple[str, str] | None) -> None:
        self.who = who
        self.credentials = credentials
        self.token: str | None = None
        self.signer = client(app)
        self.clients = [client(app) for _ in range(self.ADDRESSES)]
        self.sent = 0

    async def sign_in(self) -> None:
        if self.credentials is None:
            return
        username, password = self.credentials
        self.token = await Api(self.signer).login(username, password)

    async def post(self, body: dict[str, Any]) -> tuple[httpx.Response, dict[str, Any]]:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        content = json.dumps(body)  # ensure_ascii: lone surrogates travel as \ud800
        self.sent += 1
        sender = self.clients[self.sent % self.ADDRESSES]
        response = await sender.post("/graphql", content=content, headers=headers)
        try:
            answer = response.json()
        except ValueError:  # a plain-text 400 (a body nested too deep)
            answer = {}
        return response, answer if isinstance(answer, dict) else {}

    async def close(self) -> None:
        for each in (self.signer, *self.clients):
            await each.aclose()


async def run(caller: Caller, bodies: Sequence[tuple[str, dict]], found: Findings) -> None:
    for what, body in bodies:
        response, answer = await caller.post(body)
        found.requests += 1
        if set(error_codes(answer)) & SIGNED_OUT and caller.credentials is not None:
            await caller.sign_in()  # a fuzzed logout, hand-over or revocation ended it
            response, answer = await caller.post(body)
        if response.status_code >= 500:
            found.add(caller.who, what, body, f"HTTP {response.status_code} {response.text}")
        elif "INTERNAL_SERVER_ERROR" in error_codes(answer):
            found.add(caller.who, what, body, json.dumps(answer, ensure_ascii=False))


def schemathesis_bodies(sdl: str, ids: IdPool) -> list[tuple[str, dict]]:
    """schemathesis' cases for every root field, drawn with a fixed seed."""
    import schemathesis
    from schemathesis.generation import GenerationMode
    from schemathesis.graphql import nodes

    real = [i for found in (ids.own, ids.foreign) for values in found.values() for i in values]
    edge_ids = [raw_id("Tag", 2**31), raw_id("Vote", 2**63), "not an id", "\x00"]
    scalars = {
        "ID": st.sampled_from(real + edge_ids).map(nodes.String),
        "DateTime": st.sampled_from(["2026-06-01T09:00:00+08:00", *DATETIME_EDGES]).map(
            nodes.String
        ),
        "Date": st.sampled_from(["2026-06-01", *DATE_EDGES]).map(nodes.String),
        "Decimal": st.just(nodes.String("1.00")),
        "JSON": st.just(nodes.String("{}")),
        "Upload": st.just(nodes.Null),
    }
    for name, strategy in scalars.items():
        schemathesis.graphql.scalar(name, strategy)
    schema = schemathesis.graphql.from_file(sdl)
    bodies: list[tuple[str, dict]] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, count in SCHEMATHESIS_CASES.items():
            generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
            draw_cases(
                operation.as_strategy(generation_mode=generation), count, operation.label, bodies
            )
    return bodies


def draw_cases(
    strategy: st.SearchStrategy[Any], count: int, label: str, into: list[tuple[str, dict]]
) -> None:
    """``count`` cases of ``strategy``, the same ones every run (derandomized)."""

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def draw(case: Any) -> None:
        into.append((f"schemathesis {label}", {"query": case.body}))

    draw()


def edge_bodies(requests: Sequence[Request], every: int) -> list[tuple[str, dict]]:
    return [
        (f"edge {r.field}.{r.probe}", {"query": r.query, "variables": r.variables})
        for n, r in enumerate(requests)
        if r.probe == "plain" or n % every == 0
    ]


async def test_no_request_is_an_internal_error_or_changes_another_street(
    app: Starlette,
    services: Services,
    target: Target,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR)
    schema = make_schema(services.settings)  # built as the app builds its own
    sdl = str(schema)
    cases = schemathesis_bodies(sdl, target.ids)
    edges = Edges(schema._schema, target.ids).all()
    before = await untouched(target.foreign)
    found = Findings()
    # Anonymous first, the street's staff last: what the others may do, the staff may undo
    # (a hand-over ends the chief's roles).
    roles: list[tuple[str, tuple[str, str] | None]] = [
        ("anonymous", None),
        ("RESIDENT", target.users["RESIDENT"]),
        ("GRID_CHIEF", target.users["GRID_CHIEF"]),
        ("STREET_STAFF", target.users["STREET_STAFF"]),
    ]
    for who, credentials in roles:
        caller = Caller(app, who, credentials)
        await caller.sign_in()
        await run(caller, [*cases, *edge_bodies(edges, EDGE_SHARE[who])], found)
        await caller.close()
    last_resort = [r.getMessage() for r in caplog.records if r.getMessage() == LAST_RESORT]
    assert not found.problems, f"{len(found.problems)} of {found.requests}: {found.problems}"
    assert not last_resort, f"a data error reached the last resort {len(last_resort)} times"
    after = await untouched(target.foreign)
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"another street's rows changed: {changed}"
    assert found.requests > 1000
