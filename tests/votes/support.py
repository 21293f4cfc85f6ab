"""Helpers for the vote tests: a street with congress staff, representatives, candidate
projects, and GraphQL calls for each step of a vote."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from core.ids import from_global_id
from models.accounts import Role, User
from models.audit import AuditEntry
from models.events import OutboxEvent
from models.tenancy import Street
from models.votes import Ballot, Elector, SealedBallot, Vote
from resolvers.caller import Caller
from resolvers.services import Services
from resolvers.votes import ballots, drafting, lifecycle
from resolvers.votes.common import open_ballot, turnout_of
from tenants.scoping import street_scope, unscoped
from tests.projects.support import call, create_project, data, move, project_street
from tests.support import Api, StreetFixture, add_member

CREATE_VOTE = """
mutation($input: VoteInput!) {
  createVote(input: $input) {
    __typename
    ... on VoteSuccess {
      vote { id status kind mode secret quorumPercent thresholdBasis
             electorate { kind size } items { id label project { id status } } }
    }
    ... on UserError { code field message }
  }
}
"""
UPDATE_VOTE = """
mutation($id: ID!, $input: VoteInput!) {
  updateVote(id: $id, input: $input) {
    __typename
    ... on VoteSuccess { vote { id title items { id label } } }
    ... on UserError { code field message }
  }
}
"""
STEP = """
mutation($id: ID!) {
  %s(id: $id) {
    __typename
    ... on VoteSuccess { vote { id status turnout electorate { size } } }
    ... on UserError { code field message }
  }
}
"""
OPEN, CLOSE, PUBLISH = STEP % "openVote", STEP % "closeVote", STEP % "publishVote"
CANCEL = """
mutation($id: ID!, $reason: String!) {
  cancelVote(id: $id, reason: $reason) {
    __typename
    ... on VoteSuccess { vote { id status cancelReason } }
    ... on UserError { code field message }
  }
}
"""
CAST = """
mutation($input: CastBallotInput!) {
  castBallot(input: $input) {
    __typename
    ... on BallotCounted { receipt replayed changed vote { id turnout } }
    ... on UserError { code field message }
  }
}
"""
RESULT_FIELDS = """
  electorateSize turnout quorumMet thresholdBasis digest
  items { itemId label yes no abstain ratings ratingCount averageScore outcome }
"""
VOTE = """
query($id: ID!) {
  vote(id: $id) {
    id status turnout turnoutPercent electorate { kind size }
    items { id label project { id status } }
    result { RESULT }
    myParticipation { onElectorate voted canChange }
  }
}
""".replace("RESULT", RESULT_FIELDS)
COUNTED = "query($id: ID!) { vote(id: $id) { countedResult { RESULT } } }".replace(
    "RESULT", RESULT_FIELDS
)
BOARD = """
query($id: ID!) {
  voteBulletinBoard(id: $id) {
    voteId title streetName receiptScheme
    result { RESULT }
    entries(first: 10) {
      totalCount edges { node { receiptHash salt choices { itemId answer score } } }
    }
  }
}
""".replace("RESULT", RESULT_FIELDS)


def entries_of(board: dict) -> list[dict]:
    """The counted ballots on a board's first page (every one, in these tests)."""
    entries = board["entries"]
    assert entries["totalCount"] == len(entries["edges"]), "one page holds them all"
    return [edge["node"] for edge in entries["edges"]]


CHECK_RECEIPT = """
query($id: ID!, $receipt: String!) {
  checkVoteReceipt(id: $id, receipt: $receipt) { receiptHash choices { itemId answer score } }
}
"""


@dataclass(frozen=True)
class VoteStreet:
    street: StreetFixture
    staff: User  # 人大工委
    leader: User
    representatives: list[User]
    resident: User
    display: User
    projects: list[str]  # candidate projects' global IDs


async def vote_street(
    api: Api, services: Services, representatives: int = 3, projects: int = 2
) -> VoteStreet:
    ps = await project_street(services, "vt")
    sid = ps.street.street_id
    staff = await add_member(services, sid, Role.CONGRESS_STAFF)
    reps = [ps.representative] + [
        await add_member(services, sid, Role.REPRESENTATIVE) for _ in range(representatives - 1)
    ]
    candidates = []
    for n in range(projects):
        project_id = await create_project(api, ps, services, title=f"候选项目 {n + 1}")
        await move(api, ps, project_id, "CANDIDATE")
        candidates.append(project_id)
    return VoteStreet(ps.street, staff, ps.leader, reps, ps.resident, ps.display, candidates)


def ballot_input(vs: VoteStreet, **overrides: Any) -> dict:
    values: dict[str, Any] = {
        "kind": "PROJECT_BALLOT",
        "title": "2027 年民生实事项目票决",
        "electorate": {"kind": "REPRESENTATIVES"},
        "items": [{"projectId": p} for p in vs.projects],
    }
    values.update(overrides)
    return values


async def create_vote(api: Api, vs: VoteStreet, **overrides: Any) -> dict:
    body = await call(api, vs.staff, CREATE_VOTE, {"input": ballot_input(vs, **overrides)})
    result = data(body, "createVote")
    assert result["__typename"] == "VoteSuccess", result
    return result["vote"]


async def step(api: Api, vs: VoteStreet, query: str, vote_id: str) -> dict:
    body = await call(api, vs.staff, query, {"id": vote_id})
    return data(body, next(iter(body["data"])))


async def open_vote(api: Api, vs: VoteStreet, **overrides: Any) -> dict:
    vote = await create_vote(api, vs, **overrides)
    opened = await step(api, vs, OPEN, vote["id"])
    assert opened["__typename"] == "VoteSuccess", opened
    return vote


async def cast(
    api: Api, voter: User, vote_id: str, choices: list[dict], key: str | None = None, **kw: Any
) -> dict:
    variables = {"input": {"voteId": vote_id, "choices": choices, "idempotencyKey": key, **kw}}
    return data(await call(api, voter, CAST, variables), "castBallot")


def new_key() -> str:
    return str(uuid.uuid4())


async def seed_every_vote_row(services: Services, street_id: int, user: User) -> None:
    """One row of each vote model in a street, written by the app's own functions (for the
    isolation tests): two satisfaction votes on a roster of one, voted, one of them closed
    (its ballot counted) and one still open (its ballot sealed)."""
    with street_scope(street_id):
        staff = Caller(services, user, await Street.get(id=street_id))
        for title, close in (("隔离测试测评", True), ("隔离测试测评（进行中）", False)):
            draft = drafting.VoteDraft(
                kind=drafting.VoteKind.SATISFACTION,
                title=title,
                electorate=drafting.ElectorateDraft(
                    drafting.ElectorateKind.ROSTER, user_ids=[user.id]
                ),
                items=[drafting.ItemDraft(label="城建办")],
            )
            vote = await drafting.save_draft(staff, draft)
            await lifecycle.open_vote(staff, vote.id)
            item = await drafting.VoteItem.get(vote_id=vote.id)
            mark = ballots.Mark(item_id=item.id, score=4)
            await ballots.cast_ballot(staff, vote.id, [mark])
            if close:
                await lifecycle.close_vote(staff, vote.id)


def pk(global_id: str) -> int:
    """The row ID behind a global ID."""
    return from_global_id(global_id)[1]


def marks(*pairs: tuple[str, str]) -> list[dict]:
    """Ballot marks from (line or project ID, answer) pairs."""
    return [{"itemId": item, "answer": answer} for item, answer in pairs]


async def written(street_id: int, vote_id: str) -> dict[str, Any]:
    """Everything a refused request must leave as it was: the vote's ballots, its electors'
    flags and tags, its turnout and status, and the street's audit entries and events."""
    vote_pk = pk(vote_id)
    with unscoped("test: what was written"):
        vote = await Vote.get(id=vote_pk)
        return {
            "ballots": sorted(
                await Ballot.filter(vote_id=vote_pk).values_list("receipt_hash", "choices")
            ),
            "sealed": sorted(
                await SealedBallot.filter(vote_id=vote_pk).values_list("change_tag", "sealed")
            ),
            "electors": sorted(
                await Elector.filter(vote_id=vote_pk).values_list(
                    "user_id", "voted", "voted_at", "retry_tag", "earlier_retry_tags", "change_tag"
                )
            ),
            "stored": await Ballot.filter(vote_id=vote_pk).count()
            + await SealedBallot.filter(vote_id=vote_pk).count(),
            "turnout": await turnout_of(vote),
            "status": vote.status.value,
            "audit": await AuditEntry.filter(tenant_id=street_id).count(),
            # the newest event, not their number: the relay prunes old published events
            "events": await OutboxEvent.filter(tenant_id=street_id)
            .order_by("-id")
            .first()
            .values_list("id", flat=True),
        }


INBOX = "{ notifications(first: 100) { edges { node { kind title subject } } } }"


async def inbox(api: Api, user: User, subject: str | None = None) -> list[str]:
    """The kinds of a user's notifications (newest first), about one vote if given."""
    body = await call(api, user, INBOX, {})
    nodes = [edge["node"] for edge in data(body, "notifications")["edges"]]
    return [n["kind"] for n in nodes if subject is None or n["subject"] == subject]


async def counted_items(api: Api, vs: VoteStreet, vote_id: str) -> dict[str, dict]:
    """The staff's count of a closed vote, by line ID."""
    body = await call(api, vs.staff, COUNTED, {"id": vote_id})
    return {item["itemId"]: item for item in data(body, "vote")["countedResult"]["items"]}


async def stored_ballots(secret_key: str, vote_id: str) -> list[tuple[str, dict]]:
    """Every ballot stored for a vote as (receipt hash, choices): the counted rows, and the
    sealed ones of a secret vote still open (opened with the server's key, as closing will)."""
    vote_pk = pk(vote_id)
    with unscoped("test: the stored ballots"):
        vote = await Vote.get(id=vote_pk)
        rows = list(await Ballot.filter(vote_id=vote_pk).values_list("receipt_hash", "choices"))
        for blob in await SealedBallot.filter(vote_id=vote_pk).values_list("sealed", flat=True):
            opened = open_ballot(secret_key, vote.tenant_id, vote_pk, blob)
            rows.append((opened.receipt_hash, opened.choices))
    return sorted(rows)


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every votes model (for the whole-model isolation test)."""
    with street_scope(fixture.street_id):
        admin = await User.get(username=fixture.admin_username)
    await seed_every_vote_row(services, fixture.street_id, admin)
