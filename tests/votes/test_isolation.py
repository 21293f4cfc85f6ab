"""No vote data of another street, ever, and each role only what it may.

Street A never reads or changes street B's votes: every votes query, mutation and subscription
that takes an ID gets NOT_FOUND (or a typed error) for B's IDs, and neither street changes. The
callers are the strongest there are: B's own congress staff and B's own representative, who
also hold the same roles in A, calling in A's street.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from models.accounts import Role, User
from models.audit import AuditEntry
from models.events import Notification
from models.projects import Project
from models.scoping import unscoped
from models.votes import Ballot, Elector, Vote, VoteItem
from resolvers.outbox import encode_cursor
from resolvers.services import Services
from tests.live import socket
from tests.projects.support import call, data
from tests.support import Api, error_codes, gid, grant_membership
from tests.votes.support import (
    BOARD,
    CHECK_RECEIPT,
    CLOSE,
    PUBLISH,
    VoteStreet,
    cast,
    create_vote,
    entries_of,
    open_vote,
    step,
    vote_street,
)


@dataclass(frozen=True)
class World:
    a: VoteStreet
    b: VoteStreet
    staff: User  # B's congress staff, also congress staff of A
    voter: User  # B's representative (on B's open vote's electorate), also one of A's
    b_draft: dict
    b_open: dict  # named, one ballot cast
    b_closed: dict
    a_draft: dict
    a_open: dict
    receipt: str  # of the ballot on B's closed vote


@pytest.fixture(scope="module")
async def world(app: Starlette, services: Services) -> AsyncIterator[World]:
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        api = Api(client)
        a = await vote_street(api, services, representatives=2, projects=2)
        b = await vote_street(api, services, representatives=2, projects=3)
        b_draft = await create_vote(api, b, items=[{"projectId": b.projects[0]}])
        b_open = await open_vote(api, b, secret=False, items=[{"projectId": b.projects[1]}])
        b_closed = await open_vote(api, b, items=[{"projectId": b.projects[2]}])
        line = b_open["items"][0]["id"]
        await cast(api, b.representatives[1], b_open["id"], [{"itemId": line, "answer": "YES"}])
        line = b_closed["items"][0]["id"]
        counted = await cast(
            api, b.representatives[1], b_closed["id"], [{"itemId": line, "answer": "NO"}]
        )
        await step(api, b, CLOSE, b_closed["id"])
        a_draft = await create_vote(api, a, items=[{"projectId": a.projects[0]}])
        a_open = await open_vote(api, a, items=[{"projectId": a.projects[1]}])
        # B's people also hold the same roles in A (after A's vote froze its electorate).
        await grant_membership(services, b.staff, a.street.street_id, Role.CONGRESS_STAFF)
        await grant_membership(
            services, b.representatives[0], a.street.street_id, Role.REPRESENTATIVE
        )
    yield World(
        a,
        b,
        b.staff,
        b.representatives[0],
        b_draft,
        b_open,
        b_closed,
        a_draft,
        a_open,
        counted["receipt"],
    )


async def snapshot(*streets: VoteStreet) -> dict[str, list]:
    """Every row of the streets' votes, projects, notifications and audit entries (an entry
    without its place in the log: the sequencer gives it one in the background, after the
    commit, which is no change of the street's)."""
    with unscoped("test: both streets' rows"):
        rows = {
            f"{model.__name__}@{vs.street.code}": sorted(
                map(str, await model.filter(tenant_id=vs.street.street_id).values_list())
            )
            for vs in streets
            for model in (Vote, VoteItem, Elector, Ballot, Project, Notification)
        }
        for vs in streets:
            entries = AuditEntry.filter(tenant_id=vs.street.street_id)
            rows[f"AuditEntry@{vs.street.code}"] = sorted(
                map(str, await entries.values_list("id", "at", "actor_id", "action", "digest"))
            )
        return rows


async def in_a(api: Api, world: World, user: User, query: str, variables: dict) -> dict:
    """A call made in street A (the caller holds roles in both)."""
    return await call(api, user, query, variables, tenant=world.a.street.code)


def vote_input(**values: Any) -> dict:
    return {
        "kind": "PROJECT_BALLOT",
        "title": "隔离测试",
        "electorate": {"kind": "REPRESENTATIVES"},
        **values,
    }


def ids(world: World) -> dict[str, str]:
    b = world.b
    return {
        "B_DRAFT": world.b_draft["id"],
        "B_OPEN": world.b_open["id"],
        "B_CLOSED": world.b_closed["id"],
        "B_ITEM": world.b_open["items"][0]["id"],
        "B_PROJECT": b.projects[0],
        "B_COMMUNITY": gid("Community", b.street.community_id),
        "B_GRID": gid("Grid", b.street.grid_id),
        "B_ACCOUNT": gid("Account", b.resident.id),
        "B_REP": gid("Account", b.representatives[1].id),
        "A_DRAFT": world.a_draft["id"],
        "A_OPEN": world.a_open["id"],
    }


def fill(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, table) for v in value]
    if isinstance(value, str):
        return table.get(value, value)
    return value


PAYLOAD = "{ __typename ... on UserError { code field } }"
UPDATE = "mutation($id: ID!, $input: VoteInput!) { updateVote(id: $id, input: $input) %s }"
CREATE = "mutation($input: VoteInput!) { createVote(input: $input) %s }"
CAST_ONLY = "mutation($input: CastBallotInput!) { castBallot(input: $input) %s }"
STEPS = "mutation($id: ID!) { %s(id: $id) %s }"
CANCEL_ONLY = 'mutation($id: ID!) { cancelVote(id: $id, reason: "x") %s }'

# (mutation, query, variables, who calls, the expected error code and field)
MUTATIONS = [
    (
        "updateVote",
        UPDATE % PAYLOAD,
        {"id": "B_DRAFT", "input": vote_input(items=[{"projectId": "B_PROJECT"}])},
        "staff",
        ("NOT_FOUND", None),  # the vote is looked up first: B's draft is not found
    ),
    (
        "updateVote",
        UPDATE % PAYLOAD,
        {"id": "B_DRAFT", "input": vote_input(kind="RESOLUTION")},
        "staff",
        ("NOT_FOUND", None),
    ),
    ("openVote", STEPS % ("openVote", PAYLOAD), {"id": "B_DRAFT"}, "staff", ("NOT_FOUND", None)),
    ("closeVote", STEPS % ("closeVote", PAYLOAD), {"id": "B_OPEN"}, "staff", ("NOT_FOUND", None)),
    (
        "publishVote",
        STEPS % ("publishVote", PAYLOAD),
        {"id": "B_CLOSED"},
        "staff",
        ("NOT_FOUND", None),
    ),
    ("cancelVote", CANCEL_ONLY % PAYLOAD, {"id": "B_OPEN"}, "staff", ("NOT_FOUND", None)),
    ("cancelVote", CANCEL_ONLY % PAYLOAD, {"id": "B_DRAFT"}, "staff", ("NOT_FOUND", None)),
    (
        "castBallot",
        CAST_ONLY % PAYLOAD,
        {"input": {"voteId": "B_OPEN", "choices": [{"itemId": "B_ITEM", "answer": "NO"}]}},
        "voter",
        ("NOT_FOUND", None),
    ),
    (
        "castBallot",  # A's vote, marked with a line of B's ballot
        CAST_ONLY % PAYLOAD,
        {"input": {"voteId": "A_OPEN", "choices": [{"itemId": "B_ITEM", "answer": "YES"}]}},
        "a_rep",
        ("BAD_USER_INPUT", "choices[0]"),
    ),
    (
        "castBallot",  # A's vote, marked with one of B's candidate projects
        CAST_ONLY % PAYLOAD,
        {"input": {"voteId": "A_OPEN", "choices": [{"itemId": "B_PROJECT", "answer": "YES"}]}},
        "a_rep",
        ("BAD_USER_INPUT", "choices[0]"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {"input": vote_input(items=[{"projectId": "B_PROJECT"}])},
        "staff",
        ("NOT_FOUND", "items"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {
            "input": vote_input(
                kind="RESOLUTION",
                electorate={"kind": "RESIDENTS", "communityIds": ["B_COMMUNITY"]},
            )
        },
        "staff",
        ("NOT_FOUND", "electorate"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {
            "input": vote_input(
                kind="RESOLUTION", electorate={"kind": "RESIDENTS", "gridIds": ["B_GRID"]}
            )
        },
        "staff",
        ("NOT_FOUND", "electorate"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {
            "input": vote_input(
                kind="RESOLUTION", electorate={"kind": "ROSTER", "accountIds": ["B_ACCOUNT"]}
            )
        },
        "staff",
        ("NOT_FOUND", "electorate"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {
            "input": vote_input(
                kind="SATISFACTION",
                items=[{"subjectKind": "REPRESENTATIVE", "representativeId": "B_REP"}],
            )
        },
        "staff",
        ("NOT_FOUND", "items"),
    ),
    (
        "createVote",
        CREATE % PAYLOAD,
        {"input": vote_input(kind="SATISFACTION", items=[{"projectId": "B_PROJECT"}])},
        "staff",
        ("NOT_FOUND", "items"),
    ),
    (
        "updateVote",  # A's own draft, given B's project
        UPDATE % PAYLOAD,
        {"id": "A_DRAFT", "input": vote_input(items=[{"projectId": "B_PROJECT"}])},
        "staff",
        ("NOT_FOUND", "items"),
    ),
]


@pytest.mark.parametrize(
    ("name", "query", "variables", "who", "expected"),
    MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)],
)
async def test_a_mutation_with_another_streets_id_is_refused_and_changes_nothing(
    api: Api, world: World, name: str, query: str, variables: dict, who: str, expected: tuple
) -> None:
    callers = {"staff": world.staff, "voter": world.voter, "a_rep": world.a.representatives[0]}
    before = await snapshot(world.a, world.b)
    body = await in_a(api, world, callers[who], query, fill(variables, ids(world)))
    result = data(body, name)
    assert (result["__typename"], result["code"], result["field"]) == ("InputError", *expected)
    assert await snapshot(world.a, world.b) == before
    assert world.b.street.code not in str(body)


READS = [
    ("query($id: ID!) { vote(id: $id) { title } }", "B_OPEN"),
    ("query($id: ID!) { vote(id: $id) { title } }", "B_DRAFT"),
    ("query($id: ID!) { voteElectors(id: $id) { edges { node { voted } } } }", "B_OPEN"),
    ("query($id: ID!) { voteElectors(id: $id) { edges { node { voted } } } }", "B_CLOSED"),
    ("query($id: ID!) { node(id: $id) { id } }", "B_OPEN"),
    ("query($id: ID!) { node(id: $id) { id } }", "B_ITEM"),
]


@pytest.mark.parametrize(("query", "which"), READS)
async def test_a_query_with_another_streets_id_is_not_found(
    api: Api, world: World, query: str, which: str
) -> None:
    variables = {"id": ids(world)[which]}
    own = await call(api, world.staff, query, variables, tenant=world.b.street.code)
    assert "errors" not in own, own  # the control: B's staff read B's own
    body = await in_a(api, world, world.staff, query, variables)
    assert body["data"] is None and error_codes(body) == ["NOT_FOUND"], body
    assert "候选项目" not in str(body) and "2027" not in str(body)


async def test_the_list_of_votes_holds_only_the_own_streets(api: Api, world: World) -> None:
    query = "{ votes(first: 100) { edges { node { id } } } }"
    body = await in_a(api, world, world.staff, query, {})
    listed = {edge["node"]["id"] for edge in data(body, "votes")["edges"]}
    assert listed == {world.a_draft["id"], world.a_open["id"]}
    body = await call(api, world.staff, query, {}, tenant=world.b.street.code)
    listed = {edge["node"]["id"] for edge in data(body, "votes")["edges"]}
    assert listed >= {world.b_draft["id"], world.b_open["id"], world.b_closed["id"]}
    assert not listed & {world.a_draft["id"], world.a_open["id"]}


async def test_following_another_streets_vote_is_refused(
    api: Api, world: World, live_url: str
) -> None:
    query = "subscription($id: ID!) { voteProgress(id: $id) { type turnout } }"
    token = await api.login(world.staff.username)
    async with socket(live_url, token, world.a.street.code) as ws:
        await ws.subscribe("1", query, id=world.b_open["id"])
        message = await ws.receive()
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    assert message["type"] == "error" or not message["payload"].get("data")


async def test_another_streets_cursor_is_refused_on_resume(
    api: Api, world: World, live_url: str
) -> None:
    query = (
        "subscription($id: ID!, $after: String) { voteProgress(id: $id, after: $after) { type } }"
    )
    theirs = encode_cursor(world.b.street.street_id, 1)
    token = await api.login(world.staff.username)
    async with socket(live_url, token, world.a.street.code) as ws:
        await ws.subscribe("1", query, id=world.a_open["id"], after=theirs)
        message = await ws.receive()
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [(e["extensions"]["code"], e["extensions"].get("field")) for e in errors] == [
        ("BAD_USER_INPUT", "after")
    ], message


# --- roles --------------------------------------------------------------------------------

STAFF_ONLY = [
    ("createVote", CREATE % PAYLOAD, {"input": vote_input(items=[{"projectId": "A_PROJECT"}])}),
    ("updateVote", UPDATE % PAYLOAD, {"id": "A_DRAFT", "input": vote_input(kind="RESOLUTION")}),
    ("openVote", STEPS % ("openVote", PAYLOAD), {"id": "A_DRAFT"}),
    ("closeVote", STEPS % ("closeVote", PAYLOAD), {"id": "A_OPEN"}),
    ("cancelVote", CANCEL_ONLY % PAYLOAD, {"id": "A_OPEN"}),
    ("voteElectors", "query($id: ID!) { voteElectors(id: $id) { totalCount } }", {"id": "A_OPEN"}),
]
ROLES = ["resident", "representative", "leader", "display", "admin"]


async def as_role(api: Api, world: World, role: str, query: str, variables: dict) -> dict:
    """A call by one of A's members, by role (the street administrator included)."""
    a = world.a
    if role == "admin":
        token = await api.login(a.street.admin_username, a.street.admin_password)
        return await api.gql(query, variables, token=token)
    users = {
        "staff": a.staff,
        "resident": a.resident,
        "representative": a.representatives[1],
        "leader": a.leader,
        "display": a.display,
    }
    return await call(api, users[role], query, variables)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "query", "variables"), STAFF_ONLY, ids=[m[0] for m in STAFF_ONLY])
async def test_only_congress_staff_run_votes(
    api: Api, world: World, role: str, name: str, query: str, variables: dict
) -> None:
    table = {**ids(world), "A_PROJECT": world.a.projects[0]}
    before = await snapshot(world.a)
    body = await as_role(api, world, role, query, fill(variables, table))
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"], body
    assert await snapshot(world.a) == before


async def test_a_big_screen_cannot_vote(api: Api, world: World) -> None:
    line = world.a_open["items"][0]["id"]
    body = await call(
        api,
        world.a.display,
        CAST_ONLY % PAYLOAD,
        {"input": {"voteId": world.a_open["id"], "choices": [{"itemId": line, "answer": "YES"}]}},
    )
    assert body["data"] is None and error_codes(body) == ["FORBIDDEN"], body


GUARDED = {
    "countedResult": "countedResult { turnout }",  # vote:manage
    "rollCall": "rollCall { castAt }",  # vote:manage
    "runningTally": "runningTally { turnout }",  # vote_tally:read
}


@pytest.mark.parametrize(
    ("role", "refused"),
    [
        ("staff", set()),
        ("leader", {"countedResult", "rollCall"}),  # vote_tally:read, not vote:manage
        ("display", {"countedResult", "rollCall"}),
        ("resident", {"countedResult", "rollCall", "runningTally"}),
        ("representative", {"countedResult", "rollCall", "runningTally"}),
    ],
)
async def test_the_count_is_for_staff_and_the_running_tally_for_monitors(
    api: Api, world: World, role: str, refused: set[str]
) -> None:
    for name, selection in GUARDED.items():
        query = f"query($id: ID!) {{ vote(id: $id) {{ title {selection} }} }}"
        body = await as_role(api, world, role, query, {"id": world.a_open["id"]})
        if name in refused:
            assert error_codes(body) == ["FORBIDDEN"], body
            assert [e["path"][-1] for e in body["errors"]] == [name]
            assert not (body["data"] and body["data"]["vote"][name]), body
        else:
            assert "errors" not in body, body


async def test_the_bulletin_board_is_public_only_once_published(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=2)
    draft = await create_vote(api, vs, items=[{"projectId": vs.projects[0]}])
    vote = await open_vote(api, vs, items=[{"projectId": vs.projects[1]}])
    line = vote["items"][0]["id"]
    counted = await cast(
        api, vs.representatives[0], vote["id"], [{"itemId": line, "answer": "YES"}]
    )
    receipt = counted["receipt"]

    async def board(vote_id: str) -> dict:
        return await api.gql(BOARD, {"id": vote_id})  # no sign-in

    async def check(vote_id: str) -> dict:
        return await api.gql(CHECK_RECEIPT, {"id": vote_id, "receipt": receipt})

    def not_found(body: dict) -> None:
        assert error_codes(body) == ["NOT_FOUND"], body
        assert not any((body["data"] or {}).values()), body

    for vote_id in (draft["id"], vote["id"]):
        not_found(await board(vote_id))
        not_found(await check(vote_id))
    await step(api, vs, CLOSE, vote["id"])
    not_found(await board(vote["id"]))
    not_found(await check(vote["id"]))
    # Even signed in as the staff who ran it: not before publication.
    staff_view = await call(api, vs.staff, BOARD, {"id": vote["id"]})
    assert error_codes(staff_view) == ["NOT_FOUND"]

    await step(api, vs, PUBLISH, vote["id"])
    published = (await board(vote["id"]))["data"]["voteBulletinBoard"]
    assert published["streetName"] == f"测试街道 {vs.street.code}"
    assert published["result"]["turnout"] == 1 and len(entries_of(published)) == 1
    mine = (await check(vote["id"]))["data"]["checkVoteReceipt"]
    assert [c["answer"] for c in mine["choices"]] == ["YES"]
    # A cancelled vote never has a board.
    cancelled = await call(api, vs.staff, CANCEL_ONLY % PAYLOAD, {"id": draft["id"]})
    assert data(cancelled, "cancelVote")["__typename"] == "VoteSuccess"
    assert error_codes(await board(draft["id"])) == ["NOT_FOUND"]


async def test_the_public_board_of_a_published_vote_is_the_same_from_any_street(
    api: Api, world: World, services: Services
) -> None:
    """Published results are public (公示): that is the one thing A may read of B."""
    vs = await vote_street(api, services, representatives=1, projects=1)
    vote = await open_vote(api, vs, items=[{"projectId": vs.projects[0]}], title="B 公示")
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    anonymous = await api.gql(BOARD, {"id": vote["id"]})
    from_a = await in_a(api, world, world.a.staff, BOARD, {"id": vote["id"]})
    assert anonymous == from_a and anonymous["data"]["voteBulletinBoard"]["title"] == "B 公示"
    # …but the vote itself is still not A's to read.
    body = await in_a(api, world, world.a.staff, "query($id: ID!) { vote(id: $id) { id } }", vote)
    assert error_codes(body) == ["NOT_FOUND"]
