"""The secret ballot (无记名投票): who voted is kept apart from what was voted, in the rows, the
audit chain, the events and every query; results stay hidden until the vote closes, the
bulletin board until it is published. A named vote (记名投票), by contrast, has a roll call."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest

from models.audit import AuditEntry
from models.events import Notification, OutboxEvent
from models.votes import Ballot, Elector, SealedBallot
from resolvers.services import Services
from resolvers.votes.common import normalize_receipt, receipt_hash, seal
from tenants.scoping import street_scope, unscoped
from tests.conftest import needs_postgres
from tests.projects.support import call, data
from tests.support import Api, error_codes, gid
from tests.votes.support import (
    BOARD,
    CHECK_RECEIPT,
    CLOSE,
    PUBLISH,
    VoteStreet,
    cast,
    entries_of,
    marks,
    new_key,
    open_vote,
    pk,
    step,
    vote_street,
)

ELECTORS = """
query($id: ID!, $voted: Boolean) {
  voteElectors(id: $id, voted: $voted) { totalCount edges { node { voted account { id } } } }
}
"""
STAFF_VIEW = """
query($id: ID!) {
  vote(id: $id) {
    status secret turnout turnoutPercent
    result { turnout }
    countedResult { turnout items { yes no abstain } }
    runningTally { turnout items { yes no abstain } }
    rollCall { voter { id } castAt choices }
    namedBallots { voter { id } castAt choices }
    myParticipation { voted }
  }
}
"""
SCREEN_VIEW = """
query($id: ID!) {
  vote(id: $id) { turnout result { turnout } runningTally { turnout items { yes no } } }
}
"""
PUBLIC_VIEW = """
query($id: ID!) {
  vote(id: $id) {
    turnout result { turnout } namedBallots { voter { id } choices }
    myParticipation { onElectorate voted }
  }
}
"""
TRAIL = """
query($s: ID!) { auditTrail(subject: $s) { edges { node { action change actor { id } } } } }
"""


async def cast_secretly(
    api: Api, vs: VoteStreet, vote: dict | None = None, **overrides: Any
) -> tuple[dict, list[tuple[Any, dict]]]:
    """A vote of 3 representatives of whom 2 have voted: (the vote, [(voter, counted)])."""
    vote = vote or await open_vote(api, vs, **overrides)
    first, second = (item["id"] for item in vote["items"])
    counted = []
    for voter, answers in zip(vs.representatives, [("YES", "NO"), ("NO", "NO")], strict=False):
        paper = marks((first, answers[0]), (second, answers[1]))
        result = await cast(api, voter, vote["id"], paper, new_key())
        assert result["__typename"] == "BallotCounted", result
        counted.append((voter, result))
    return vote, counted


def voter_traces(voter: Any) -> list[str]:
    """What would name a voter in stored JSON: their account ID, its global ID, username."""
    return [
        f'"{voter.id}"',
        f": {voter.id}",
        f":{voter.id},",
        gid("Account", voter.id),
        voter.username,
    ]


async def vote_rows(vote_id: str) -> tuple[list[Ballot], list[Elector]]:
    with unscoped("test: the stored rows"):
        ballots = await Ballot.filter(vote_id=pk(vote_id))
        electors = await Elector.filter(vote_id=pk(vote_id)).order_by("user_id")
    return ballots, electors


# --- what is stored --------------------------------------------------------------------------


async def test_a_secret_ballot_row_holds_no_voter_and_no_time(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote, counted = await cast_secretly(api, vs)
    # While the vote runs, the ballots are sealed: nothing in them can be read or matched.
    ballots, electors = await vote_rows(vote["id"])
    assert ballots == []
    with unscoped("test: the sealed ballots"):
        sealed = await SealedBallot.filter(vote_id=pk(vote["id"])).values("sealed", "change_tag")
    assert len(sealed) == 2
    receipts = {receipt_hash(c["receipt"]) for _, c in counted}
    readable = json.dumps(sealed)
    assert not any(h in readable for h in receipts) and '"YES"' not in readable
    # Closing opens them, all in one go: the ballot rows hold no voter, no time, a random key.
    await step(api, vs, CLOSE, vote["id"])
    ballots, electors = await vote_rows(vote["id"])
    assert len(ballots) == 2
    assert all(b.voter_id is None and b.cast_at is None for b in ballots)
    assert all(isinstance(b.id, uuid.UUID) and b.id.version == 4 for b in ballots)  # random
    assert {b.receipt_hash for b in ballots} == receipts
    with unscoped("test: the sealed ballots"):
        assert await SealedBallot.filter(vote_id=pk(vote["id"])).count() == 0
    # The elector rows say only *that* their voter voted: no time, and nothing a ballot has.
    assert [e.voted for e in electors] == [
        e.user_id in {v.id for v, _ in counted} for e in electors
    ]
    assert all(e.voted_at is None for e in electors)
    ballot_values = {b.receipt_hash for b in ballots} | {b.salt for b in ballots}
    for elector in electors:
        assert not {elector.retry_tag, elector.change_tag} & ballot_values
    # The receipt code itself is stored nowhere: only its hashes.
    with unscoped("test: every row the street holds about the vote"):
        stored = json.dumps(
            [
                await AuditEntry.filter(tenant_id=vs.street.street_id).values(),
                await OutboxEvent.filter(tenant_id=vs.street.street_id).values(),
                await Ballot.filter(vote_id=pk(vote["id"])).values(),
                await Elector.filter(vote_id=pk(vote["id"])).values(),
                sealed,
            ],
            default=str,
        )
    for _, c in counted:
        assert c["receipt"] not in stored and normalize_receipt(c["receipt"]) not in stored


async def test_the_audit_chain_and_events_of_secret_ballots_name_no_voter(
    api: Api, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    vs = await vote_street(api, services)
    sid = vs.street.street_id
    opened = await open_vote(api, vs)  # which tells the electorate
    with unscoped("test: the street's inboxes"):
        inbox_before = await Notification.filter(tenant_id=sid).count()
    caplog.set_level(logging.INFO)
    vote, counted = await cast_secretly(api, vs, opened)
    with unscoped("test: the vote's record"):
        received = await AuditEntry.filter(subject=vote["id"], action="vote.ballot_received")
        events = await OutboxEvent.filter(
            tenant_id=sid, subject=vote["id"], type="vote.ballot_counted"
        )
        inbox_after = await Notification.filter(tenant_id=sid).count()
    assert len(received) == 2 and len(events) == 2
    for entry in received:  # cast: the hash of a sealed blob, no actor
        assert entry.actor_id is None and set(entry.change) == {"sealed"}
    await step(api, vs, CLOSE, vote["id"])
    with unscoped("test: the vote's record"):
        entries = await AuditEntry.filter(subject=vote["id"], action="vote.ballot_unsealed")
    assert {e.change["receipt"] for e in entries} == {
        receipt_hash(c["receipt"]) for _, c in counted
    }
    for entry in entries:  # counted at closing (by the staff who closed): receipt and seal
        assert entry.actor_id == vs.staff.id
        assert set(entry.change) == {"receipt", "seal"}  # the choices only sealed
    for event in events:
        assert event.actor_id is None
        assert set(event.payload) == {"vote", "status", "turnout", "electorateSize"}
    assert sorted(e.payload["turnout"] for e in events) == [1, 2]
    recorded = json.dumps([[e.change for e in entries + received], [e.payload for e in events]])
    for voter, _ in counted:
        for trace in voter_traces(voter):
            assert trace not in recorded, trace
    assert inbox_after == inbox_before  # casting tells no one
    # Nothing logged (at the levels a deployment keeps) names a voter.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for voter, _ in counted:
        assert voter.username not in logged and gid("Account", voter.id) not in logged
    # The trail, as the street's leader reads it.
    trail = data(await call(api, vs.leader, TRAIL, {"s": vote["id"]}), "auditTrail")
    ballots = [e["node"] for e in trail["edges"] if e["node"]["action"].startswith("vote.ballot")]
    assert len(ballots) == 4
    voters = {gid("Account", voter.id) for voter, _ in counted}
    assert not any(b["actor"] and b["actor"]["id"] in voters for b in ballots)


async def test_who_voted_is_hidden_while_a_secret_vote_is_open(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote, counted = await cast_secretly(api, vs)
    body = await call(api, vs.staff, ELECTORS, {"id": vote["id"], "voted": True})
    assert error_codes(body) == ["BAD_USER_INPUT"] and body["data"] is None
    body = await call(api, vs.staff, ELECTORS, {"id": vote["id"], "voted": False})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    listed = data(await call(api, vs.staff, ELECTORS, {"id": vote["id"]}), "voteElectors")
    assert listed["totalCount"] == 3
    assert [e["node"]["voted"] for e in listed["edges"]] == [None, None, None]
    # The turnout is live, and each voter knows their own participation.
    seen = data(await call(api, vs.staff, STAFF_VIEW, {"id": vote["id"]}), "vote")
    assert (seen["turnout"], seen["turnoutPercent"]) == (2, 66.67)
    voter = counted[0][0]
    mine = data(await call(api, voter, PUBLIC_VIEW, {"id": vote["id"]}), "vote")
    assert mine["myParticipation"] == {"onElectorate": True, "voted": True}

    assert (await step(api, vs, CLOSE, vote["id"]))["vote"]["status"] == "CLOSED"
    voted = data(
        await call(api, vs.staff, ELECTORS, {"id": vote["id"], "voted": True}), "voteElectors"
    )
    assert sorted(e["node"]["account"]["id"] for e in voted["edges"]) == sorted(
        gid("Account", v.id) for v, _ in counted
    )
    assert all(e["node"]["voted"] is True for e in voted["edges"])
    listed = data(await call(api, vs.staff, ELECTORS, {"id": vote["id"]}), "voteElectors")
    assert sorted(e["node"]["voted"] for e in listed["edges"]) == [False, True, True]


async def test_a_secret_result_is_hidden_until_closing_and_public_at_publication(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote, _ = await cast_secretly(api, vs)
    seen = data(await call(api, vs.staff, STAFF_VIEW, {"id": vote["id"]}), "vote")
    assert seen["status"] == "OPEN" and seen["secret"] is True
    assert seen["result"] is None and seen["countedResult"] is None
    assert seen["runningTally"] is None  # even for the staff console
    assert seen["rollCall"] == [] and seen["namedBallots"] == []
    screen = data(await call(api, vs.display, SCREEN_VIEW, {"id": vote["id"]}), "vote")
    assert screen == {"turnout": 2, "result": None, "runningTally": None}

    await step(api, vs, CLOSE, vote["id"])
    seen = data(await call(api, vs.staff, STAFF_VIEW, {"id": vote["id"]}), "vote")
    assert seen["result"] is None and seen["runningTally"] is None  # not public yet
    assert seen["countedResult"]["turnout"] == 2  # congress staff see the count
    public = data(await call(api, vs.resident, PUBLIC_VIEW, {"id": vote["id"]}), "vote")
    assert public["result"] is None

    await step(api, vs, PUBLISH, vote["id"])
    public = data(await call(api, vs.resident, PUBLIC_VIEW, {"id": vote["id"]}), "vote")
    assert public["result"] == {"turnout": 2}
    assert public["namedBallots"] == []  # a secret vote never has a roll call
    seen = data(await call(api, vs.staff, STAFF_VIEW, {"id": vote["id"]}), "vote")
    assert seen["rollCall"] == [] and seen["namedBallots"] == []


async def test_the_board_and_receipts_are_not_found_before_publication(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote, counted = await cast_secretly(api, vs)
    receipt = counted[0][1]["receipt"]
    for then_step in (CLOSE, PUBLISH):  # refused while OPEN, and while CLOSED
        for query, variables in (
            (BOARD, {"id": vote["id"]}),
            (CHECK_RECEIPT, {"id": vote["id"], "receipt": receipt}),
        ):
            anonymous = await api.gql(query, variables)
            assert error_codes(anonymous) == ["NOT_FOUND"], anonymous
            assert not any((anonymous["data"] or {}).values()), anonymous
            as_voter = await call(api, counted[0][0], query, variables)
            assert error_codes(as_voter) == ["NOT_FOUND"]
        assert (await step(api, vs, then_step, vote["id"]))["__typename"] == "VoteSuccess"

    board = (await api.gql(BOARD, {"id": vote["id"]}))["data"]["voteBulletinBoard"]
    hashes = [entry["receiptHash"] for entry in entries_of(board)]
    assert hashes == sorted(hashes)  # in receipt-hash order, not in the order of casting
    assert set(hashes) == {receipt_hash(c["receipt"]) for _, c in counted}
    # Anyone can open the seals the audit chain recorded with the salts the board shows.
    with unscoped("test: the chain's seals"):
        changes = await AuditEntry.filter(
            subject=vote["id"], action="vote.ballot_unsealed"
        ).values_list("change", flat=True)
    seals = {change["receipt"]: change["seal"] for change in changes}
    for entry in entries_of(board):
        choices = {str(pk(c["itemId"])): c["answer"] for c in entry["choices"]}
        assert seal(entry["salt"], choices) == seals[entry["receiptHash"]]
    mine = await api.gql(CHECK_RECEIPT, {"id": vote["id"], "receipt": receipt})
    assert mine["data"]["checkVoteReceipt"]["receiptHash"] == receipt_hash(receipt)
    unknown = await api.gql(CHECK_RECEIPT, {"id": vote["id"], "receipt": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown == {"data": {"checkVoteReceipt": None}}


# --- a named vote ----------------------------------------------------------------------------


async def test_a_named_vote_has_a_roll_call(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote, counted = await cast_secretly(api, vs, secret=False)
    first, second = (item["id"] for item in vote["items"])
    ballots, electors = await vote_rows(vote["id"])
    assert {b.voter_id for b in ballots} == {v.id for v, _ in counted}
    assert all(b.cast_at is not None for b in ballots)
    assert [e.voted_at is not None for e in electors] == [e.voted for e in electors]

    seen = data(await call(api, vs.staff, STAFF_VIEW, {"id": vote["id"]}), "vote")
    roll = {r["voter"]["id"]: r["choices"] for r in seen["rollCall"]}
    a, b = (gid("Account", v.id) for v, _ in counted)
    assert roll == {a: {first: "YES", second: "NO"}, b: {first: "NO", second: "NO"}}
    assert seen["namedBallots"] == []  # public once published
    assert seen["result"] is None and seen["countedResult"] is None
    tally = seen["runningTally"]  # a named vote's live count, for consoles and screens
    assert tally["turnout"] == 2
    assert [(i["yes"], i["no"], i["abstain"]) for i in tally["items"]] == [(1, 1, 0), (0, 2, 0)]
    screen = data(await call(api, vs.display, SCREEN_VIEW, {"id": vote["id"]}), "vote")
    assert screen["runningTally"]["turnout"] == 2 and screen["result"] is None
    listed = data(
        await call(api, vs.staff, ELECTORS, {"id": vote["id"], "voted": True}), "voteElectors"
    )
    assert sorted(e["node"]["account"]["id"] for e in listed["edges"]) == sorted([a, b])

    with unscoped("test: the vote's record"):
        entries = await AuditEntry.filter(subject=vote["id"], action="vote.ballot_cast")
    assert {(e.actor_id, e.change["voter"]) for e in entries} == {(v.id, v.id) for v, _ in counted}

    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    public = data(await call(api, vs.resident, PUBLIC_VIEW, {"id": vote["id"]}), "vote")
    assert {r["voter"]["id"]: r["choices"] for r in public["namedBallots"]} == roll


# --- the database itself ---------------------------------------------------------------------


@needs_postgres
async def test_no_system_column_joins_a_secret_ballot_to_its_voter(
    api: Api, services: Services
) -> None:
    """PostgreSQL stamps every row with the transaction that wrote it (xmin). The elector row of
    each voter is written when they vote; the ballot rows are written all together when the
    vote closes, so neither the transaction IDs nor their order pair a ballot with a voter."""
    from tortoise import Tortoise

    vs = await vote_street(api, services)
    vote, _ = await cast_secretly(api, vs)
    await step(api, vs, CLOSE, vote["id"])
    conn = Tortoise.get_connection("default")
    with street_scope(vs.street.street_id, writable=False):  # row security: its rows only
        rows = await conn.execute_query_dict(
            'SELECT e."user_id", b."receipt_hash" FROM "elector" e JOIN "ballot" b '
            'ON b."vote_id" = e."vote_id" AND b.xmin = e.xmin WHERE e."vote_id" = $1',
            [pk(vote["id"])],
        )
        assert rows == [], rows
        stamps = await conn.execute_query_dict(
            'SELECT DISTINCT xmin::text AS x FROM "ballot" WHERE "vote_id" = $1',
            [pk(vote["id"])],
        )
    assert len(stamps) == 1  # one transaction wrote them all
