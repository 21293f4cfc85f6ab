"""Casting a ballot (投票): once per voter, counted exactly once, secret when the vote is.

The order inside the transaction is what makes it exact:

1. the voter's ``Elector`` row flips to voted with a conditional update (the database's
   one-row-per-voter constraint and ``voted = false`` make a second ballot impossible),
2. the ballot row is written,
3. the vote's turnout is raised with ``… WHERE status = 'OPEN'``: this waits for a close that
   holds the vote row, and finds the vote closed afterwards (the ballot is then refused and
   rolled back), so a ballot is either in the count or refused, never lost,
4. the turnout event is written, then, last, the audit entry (appending locks the street's
   chain until the commit, so nothing else waits behind it), and all of it commits together.

For a secret vote the change is recorded without an actor, the elector row keeps no time, and
the ballot row keeps no voter: see ``models.votes``.

Every voter takes this path, most of them in the first minutes of a vote, so it is kept short:
the ballot paper of an open vote (its rules and lines, which cannot change until it closes) is
read once per process (``Services.ballot_papers``), and the statements of the common case are
written out in SQL. The vote's status is never taken from the kept paper: a ballot is refused
by the turnout update above, a retry or a second ballot by reading the vote again (step 1
failed), so answers are the same as if the vote had been read first.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.errors import DomainError, ErrorCode
from models.accounts import User
from models.audit import canonical_json
from models.events import EVENT_READ, OutboxEvent
from models.scoping import CrossTenantWriteError, StreetScope, current_scope
from models.votes import Ballot, BallotMode, Elector, Vote, VoteItem, VoteStatus
from resolvers.events import Change, changing
from resolvers.projects.common import fail
from resolvers.services import Services
from resolvers.votes.common import (
    Counted,
    ballot_paper,
    change_tag,
    new_receipt,
    normalize_receipt,
    receipt_for_key,
    receipt_hash,
    require_vote,
    retry_tag,
    seal,
    vote_gid,
)
from resolvers.votes.papers import BallotPaper
from resolvers.votes.tally import ABSTAIN, ANSWERS, YES
from tenants.scoping import current_street_id

MIN_KEY, MAX_KEY = 16, 200
BALLOT_COUNTED = "vote.ballot_counted"


@dataclass(frozen=True)
class Mark:
    """One mark on the ballot paper: an item (or the candidate project it is for), and the
    answer (YES/NO/ABSTAIN, or YES to tick it in an approval vote) or the score."""

    item_id: int | None = None
    project_id: int | None = None
    answer: str | None = None
    score: int | None = None


def check_can_vote_now(services: Services, vote: Vote) -> None:
    now = services.clock.now()
    if vote.status is VoteStatus.DRAFT:
        raise fail(ErrorCode.VOTE_NOT_OPEN, "vote.not_open", "voteId")
    if vote.status is not VoteStatus.OPEN or (vote.closes_at and vote.closes_at <= now):
        raise fail(ErrorCode.VOTE_CLOSED, "vote.closed", "voteId")


def fill_ballot(vote: Vote, items: Sequence[VoteItem], marks: Sequence[Mark]) -> dict[str, Any]:
    """The ballot's choices as stored and counted, or a typed error naming the bad mark."""
    by_item = {item.id: item for item in items}
    by_project = {item.project_id: item for item in items if item.project_id is not None}
    chosen: dict[str, Any] = {}
    for index, mark in enumerate(marks):
        where = f"choices[{index}]"
        if mark.item_id is not None:
            item = by_item.get(mark.item_id)
        else:
            item = by_project.get(mark.project_id)
        if item is None:
            raise fail(ErrorCode.BAD_USER_INPUT, "vote.not_on_ballot", where)
        key = str(item.id)
        if key in chosen:
            raise fail(ErrorCode.BAD_USER_INPUT, "vote.duplicate_mark", where)
        if vote.mode is BallotMode.RATING:
            if mark.answer is not None or mark.score is None:
                raise fail(ErrorCode.BAD_USER_INPUT, "vote.score_required", where)
            if not 1 <= mark.score <= vote.scale_max:
                raise fail(
                    ErrorCode.BAD_USER_INPUT, "project.range", where, min=1, max=vote.scale_max
                )
            chosen[key] = mark.score
        elif vote.mode is BallotMode.APPROVAL:
            if mark.score is not None or mark.answer not in (None, YES):
                raise fail(ErrorCode.BAD_USER_INPUT, "vote.approval_answer", where)
            chosen[key] = YES
        else:
            if mark.score is not None or mark.answer not in ANSWERS:
                raise fail(ErrorCode.BAD_USER_INPUT, "vote.answer_required", where)
            chosen[key] = mark.answer
    if vote.mode is BallotMode.APPROVAL and len(chosen) > (vote.max_choices or 0):
        raise fail(
            ErrorCode.TOO_MANY_CHOICES, "vote.too_many_choices", "choices", max=vote.max_choices
        )
    if vote.mode is BallotMode.YES_NO_ABSTAIN:
        for item in items:  # an unmarked line is an abstention (弃权)
            chosen.setdefault(str(item.id), ABSTAIN)
    return chosen


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not MIN_KEY <= len(key) <= MAX_KEY or not key.isprintable():
        raise fail(
            ErrorCode.BAD_USER_INPUT,
            "vote.idempotency_key",
            "idempotencyKey",
            min=MIN_KEY,
            max=MAX_KEY,
        )
    return key


# The statements every voter's ballot runs, written out once (``?`` placeholders, numbered
# for PostgreSQL) rather than built by the ORM for every ballot. On PostgreSQL, claiming the
# elector row and writing the ballot are one statement, and so are raising the turnout and
# writing its event: fewer round trips, above all while the vote row is locked.
_CLAIM = (
    'UPDATE "elector" SET "voted" = TRUE, "voted_at" = ?, "change_tag" = ?, "retry_tag" = ? '
    'WHERE "tenant_id" = ? AND "vote_id" = ? AND "user_id" = ? AND "voted" = FALSE'
)
_INSERT_BALLOT = (
    'INSERT INTO "ballot" ("id", "tenant_id", "vote_id", "receipt_hash", "choices", "salt", '
    '"voter_id", "cast_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
)
_CLAIM_AND_INSERT_PG = (
    f'WITH "claimed" AS ({_CLAIM} RETURNING "id") '
    'INSERT INTO "ballot" ("id", "tenant_id", "vote_id", "receipt_hash", "choices", "salt", '
    '"voter_id", "cast_at") '
    "SELECT ?::uuid, ?::int, ?::int, ?::varchar, ?::jsonb, ?::varchar, ?::int, ?::timestamptz "
    'FROM "claimed" RETURNING "id"'
)
_RAISE_TURNOUT = (
    'UPDATE "vote" SET "turnout" = "turnout" + ? '
    'WHERE "id" = ? AND "tenant_id" = ? AND "status" = \'OPEN\' RETURNING "turnout"'
)
# The event's payload comes with its turnout left out, set from the updated row.
_RAISE_TURNOUT_WITH_EVENT_PG = (
    f'WITH "counted" AS ({_RAISE_TURNOUT}), "event" AS ('
    'INSERT INTO "outbox_event" ("tenant_id", "type", "subject", "actor_id", "payload", '
    '"visibility", "occurred_at") '
    "SELECT ?::int, ?::varchar, ?::varchar, ?::int, jsonb_set(?::jsonb, '{turnout}', "
    'to_jsonb("turnout")), ?::varchar, ?::timestamptz FROM "counted" RETURNING "id") '
    'SELECT "counted"."turnout", "event"."id" FROM "counted", "event"'
)
# Where the voter and the vote stand now, when the voter could not be marked as voted: the
# vote's status and turnout, the voter's elector row (none when not on the electorate) and the
# choices of the ballot this submission's receipt would have (a retry finds its first one).
_STANDING = (
    'SELECT v."status", v."turnout", e."id" AS "elector_id", e."retry_tag", e."change_tag", '
    'b."choices" FROM "vote" v '
    'LEFT JOIN "elector" e ON e."vote_id" = v."id" AND e."user_id" = ? '
    'LEFT JOIN "ballot" b ON b."vote_id" = v."id" AND b."receipt_hash" = ? '
    'WHERE v."id" = ? AND v."tenant_id" = ?'
)
_CHOICES = Ballot._meta.fields_map["choices"]
_CAST_AT = Ballot._meta.fields_map["cast_at"]
_VOTED_AT = Elector._meta.fields_map["voted_at"]
_PAYLOAD = OutboxEvent._meta.fields_map["payload"]


def _check_writable() -> None:
    """What the ORM checks before a write, for the statements written out here."""
    scope = current_scope()
    if isinstance(scope, StreetScope) and not scope.writable:
        raise CrossTenantWriteError("this scope is read-only (district accounts never write)")


@functools.cache
def _numbered(statement: str) -> str:
    parts = statement.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def _sql(conn: BaseDBAsyncClient, statement: str) -> str:
    return _numbered(statement) if _postgres(conn) else statement


async def open_paper(services: Services, vote_id: int) -> BallotPaper:
    """The vote's ballot paper: kept by the process once the vote is open, read otherwise
    (NOT_FOUND for another street's vote)."""
    street_id = current_street_id()
    paper = services.ballot_papers.get(street_id, vote_id)
    if paper is None:
        vote = await require_vote(vote_id)
        paper = services.ballot_papers.keep(street_id, vote, await ballot_paper(vote.id))
    return paper


@dataclass(frozen=True)
class _Ballot:
    """The ballot row to write, as its columns' values."""

    id: str
    receipt_hash: str
    choices: str
    salt: str
    voter_id: int | None
    cast_at: Any

    def values(self, change: Change, vote: Vote) -> list[Any]:
        return [
            self.id,
            change.street_id,
            vote.id,
            self.receipt_hash,
            self.choices,
            self.salt,
            self.voter_id,
            self.cast_at,
        ]


async def _claim(
    change: Change, vote: Vote, voter: User, tags: dict[str, str], ballot: _Ballot
) -> bool:
    """Mark the voter as voted if they had not, and then (only then) write the ballot."""
    conn = change.conn
    claim = [
        _VOTED_AT.to_db_value(None if vote.secret else change.at, Elector),
        tags["change_tag"],
        tags["retry_tag"],
        change.street_id,
        vote.id,
        voter.id,
    ]
    if _postgres(conn):
        written = await conn.execute_query_dict(
            _numbered(_CLAIM_AND_INSERT_PG), claim + ballot.values(change, vote)
        )
        return bool(written)
    claimed, _ = await conn.execute_query(_CLAIM, claim)
    if claimed:
        await _insert(change, vote, ballot)
    return bool(claimed)


async def _insert(change: Change, vote: Vote, ballot: _Ballot) -> None:
    await change.conn.execute_query(_sql(change.conn, _INSERT_BALLOT), ballot.values(change, vote))


async def _count(change: Change, paper: BallotPaper, by: int) -> int:
    """Lock the vote row while it is OPEN, add to its turnout and write the turnout event;
    VOTE_CLOSED (and nothing written) if it closed."""
    vote, conn = paper.vote, change.conn
    payload: dict[str, Any] = {
        "vote": vote_gid(vote.id),
        "status": VoteStatus.OPEN.value,
        "turnout": None,
        "electorateSize": vote.electorate_size,
    }
    counted = [by, vote.id, change.street_id]
    if _postgres(conn):
        event = OutboxEvent(
            tenant_id=change.street_id,
            type=BALLOT_COUNTED,
            subject=payload["vote"],
            actor_id=change.actor_id,
            payload=payload,
            visibility=EVENT_READ,
            occurred_at=change.at,
        )
        rows = await conn.execute_query_dict(
            _numbered(_RAISE_TURNOUT_WITH_EVENT_PG),
            [
                *counted,
                change.street_id,
                event.type,
                event.subject,
                event.actor_id,
                _PAYLOAD.to_db_value(payload, OutboxEvent),
                event.visibility,
                event.occurred_at,
            ],
        )
    else:
        rows = await conn.execute_query_dict(_RAISE_TURNOUT, counted)
    if not rows:
        change.services.ballot_papers.forget(change.street_id, vote.id)
        raise fail(ErrorCode.VOTE_CLOSED, "vote.closed", "voteId")
    payload["turnout"] = turnout = int(rows[0]["turnout"])
    if _postgres(conn):
        event.id = rows[0]["id"]
        change.events.append(event)
    else:
        await change.event(BALLOT_COUNTED, payload["vote"], payload)
    return turnout


async def _standing(change: Change, paper: BallotPaper, voter: User, hashed: str) -> dict[str, Any]:
    """The voter's elector row and the vote as they are now (and the ballot with this receipt
    hash, if any): a vote no longer open is refused as it would have been before anything was
    tried."""
    vote = paper.vote
    rows = await change.conn.execute_query_dict(
        _sql(change.conn, _STANDING), [voter.id, hashed, vote.id, change.street_id]
    )
    if not rows:
        change.services.ballot_papers.forget(change.street_id, vote.id)
        raise DomainError(ErrorCode.NOT_FOUND)
    row = rows[0]
    if row["status"] != VoteStatus.OPEN.value:
        change.services.ballot_papers.forget(change.street_id, vote.id)
        check_can_vote_now(change.services, paper.vote_as_of(row["turnout"], row["status"]))
    if row["elector_id"] is None:
        raise fail(ErrorCode.NOT_ON_ELECTORATE, "vote.not_on_electorate", "voteId")
    return row


async def _withdraw(vote: Vote, voter: User, current_tag: str, previous_receipt: str | None) -> str:
    """Remove the voter's current ballot before a change; returns its receipt hash."""
    if vote.secret:
        if not previous_receipt or change_tag(previous_receipt) != current_tag:
            raise fail(ErrorCode.ALREADY_VOTED, "vote.previous_receipt", "previousReceipt")
        old_hash = receipt_hash(previous_receipt)
        removed = await Ballot.filter(vote_id=vote.id, receipt_hash=old_hash).delete()
    else:
        ballot = await Ballot.filter(vote_id=vote.id, voter_id=voter.id).first()
        old_hash = ballot.receipt_hash if ballot else ""
        removed = await Ballot.filter(vote_id=vote.id, voter_id=voter.id).delete()
    if not removed:
        raise fail(ErrorCode.ALREADY_VOTED, "vote.previous_receipt", "previousReceipt")
    return old_hash


async def cast_ballot(
    services: Services,
    voter: User,
    vote_id: int,
    marks: Sequence[Mark],
    idempotency_key: str | None = None,
    previous_receipt: str | None = None,
) -> Counted:
    """Count the voter's ballot once. The same idempotency key again gives the first receipt
    back; anything else after voting is ALREADY_VOTED (unless the vote allows changes)."""
    key = check_key(idempotency_key)
    paper = await open_paper(services, vote_id)
    vote = paper.vote
    check_can_vote_now(services, vote)
    choices = fill_ballot(vote, paper.items, marks)
    _check_writable()
    assert services.settings.secret_key
    receipt = (
        receipt_for_key(services.settings.secret_key, vote.id, voter.id, key)
        if key
        else new_receipt()
    )
    hashed = receipt_hash(receipt)
    tags = {
        "change_tag": change_tag(receipt),
        "retry_tag": retry_tag(vote.id, voter.id, key) if key else "",
    }
    withdrawn = None
    async with changing(services, None if vote.secret else voter) as change:
        ballot = _Ballot(
            id=str(uuid.uuid4()),
            receipt_hash=hashed,
            choices=_CHOICES.to_db_value(choices, Ballot),
            salt=secrets.token_hex(16),
            voter_id=None if vote.secret else voter.id,
            cast_at=_CAST_AT.to_db_value(None if vote.secret else change.at, Ballot),
        )
        if not await _claim(change, vote, voter, tags, ballot):
            elector = await _standing(change, paper, voter, hashed)
            if key and elector["retry_tag"] == tags["retry_tag"]:
                first = _CHOICES.to_python_value(elector["choices"])
                if first is not None and canonical_json(first) == canonical_json(choices):
                    # nothing was written
                    return Counted(receipt, paper.vote_as_of(elector["turnout"]), replayed=True)
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            if not vote.allow_changes:
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            withdrawn = await _withdraw(vote, voter, elector["change_tag"], previous_receipt)
            updated = await Elector.filter(
                id=elector["elector_id"], change_tag=elector["change_tag"]
            ).update(voted_at=None if vote.secret else change.at, **tags)
            if not updated:  # a change of the same ballot raced this one
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            await _insert(change, vote, ballot)
        turnout = await _count(change, paper, 0 if withdrawn is not None else 1)
        record: dict[str, Any] = {"receipt": hashed}
        if withdrawn is not None:
            record["withdrawn"] = withdrawn
        if vote.secret:
            record["seal"] = seal(ballot.salt, choices)
        else:
            record.update(voter=voter.id, choices=choices)
        action = "vote.ballot_changed" if withdrawn is not None else "vote.ballot_cast"
        # Last: appending locks the street's audit chain until the commit.
        await change.audit(action, vote_gid(vote.id), record)
    return Counted(receipt, paper.vote_as_of(turnout), changed=withdrawn is not None)


def same_receipt(a: str, b: str) -> bool:
    return secrets.compare_digest(normalize_receipt(a), normalize_receipt(b))
