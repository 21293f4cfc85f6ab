"""Casting a ballot (投票): once per voter, counted exactly once, secret when the vote is.

The order inside the transaction is what makes it exact:

1. the voter's ``Elector`` row flips to voted with a conditional update (the database's
   one-row-per-voter constraint and ``voted = false`` make a second ballot impossible), and
   the ballot is stored: sealed (encrypted, see ``models.votes.SealedBallot``) for a secret
   vote, as a named ``Ballot`` row for an open one,
2. the vote's turnout is raised with ``… WHERE status = 'OPEN'``: this waits for a close that
   holds the vote row, and finds the vote closed afterwards (the ballot is then refused and
   rolled back), so a ballot is either in the count or refused, never lost,
3. the turnout event is written, then, last, the audit entry (appending locks the street's
   chain until the commit), and all of it commits together.

A secret ballot's audit entry names no actor and holds only the hash of the sealed blob; the
ballot itself enters the chain by receipt hash and seal when the vote closes and its sealed
ballots are opened, all together (``resolvers.votes.lifecycle.unseal_ballots``).

A retry (the same idempotency key) gets the first answer back, even after the vote closed or
after the voter changed that ballot; it never counts again.

Every voter takes this path, most of them in the first minutes of a vote, so it is kept short:
the ballot paper of an open vote is read once per process (``Services.kept(BallotPapers)``) and
the statements of the common case are written out in SQL through ``models.sql`` (prepared once
per dialect; one round trip each on PostgreSQL). The
vote's status is never taken from the kept paper: the turnout update decides.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from models.accounts import User
from models.audit import canonical_json
from models.events import EVENT_READ, OutboxEvent
from models.scoping import current_scope, require_writable
from models.sql import Statement
from models.votes import Ballot, BallotMode, Elector, SealedBallot, Vote, VoteItem, VoteStatus
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.services import Services
from resolvers.votes.codes import VoteCode
from resolvers.votes.common import (
    Counted,
    Opened,
    ballot_paper,
    change_tag,
    new_receipt,
    open_ballot,
    receipt_for_key,
    receipt_hash,
    require_vote,
    retry_tag,
    seal_ballot,
    vote_gid,
)
from resolvers.votes.papers import BallotPaper, BallotPapers
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
        raise Refused(VoteCode.VOTE_NOT_OPEN, "vote.not_open", "voteId")
    if vote.status is not VoteStatus.OPEN or (vote.closes_at and vote.closes_at <= now):
        raise Refused(VoteCode.VOTE_CLOSED, "vote.closed", "voteId")


def fill_ballot(vote: Vote, items: Sequence[VoteItem], marks: Sequence[Mark]) -> dict[str, Any]:
    """The ballot's choices as stored and counted, or a typed error naming the bad mark."""
    by_item = {item.id: item for item in items}
    by_project: dict[int | None, VoteItem] = {
        item.project_id: item for item in items if item.project_id is not None
    }
    chosen: dict[str, Any] = {}
    for index, mark in enumerate(marks):
        where = f"choices[{index}]"
        if mark.item_id is not None:
            item = by_item.get(mark.item_id)
        else:
            item = by_project.get(mark.project_id)
        if item is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.not_on_ballot", where)
        key = str(item.id)
        if key in chosen:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.duplicate_mark", where)
        if vote.mode is BallotMode.RATING:
            if mark.answer is not None or mark.score is None:
                raise Refused(ErrorCode.BAD_USER_INPUT, "vote.score_required", where)
            validators.in_range(mark.score, 1, vote.scale_max, where, "project.range")
            chosen[key] = mark.score
        elif vote.mode is BallotMode.APPROVAL:
            if mark.score is not None or mark.answer not in (None, YES):
                raise Refused(ErrorCode.BAD_USER_INPUT, "vote.approval_answer", where)
            chosen[key] = YES
        else:
            if mark.score is not None or mark.answer not in ANSWERS:
                raise Refused(ErrorCode.BAD_USER_INPUT, "vote.answer_required", where)
            chosen[key] = mark.answer
    if vote.mode is BallotMode.APPROVAL and len(chosen) > (vote.max_choices or 0):
        raise Refused(
            VoteCode.TOO_MANY_CHOICES, "vote.too_many_choices", "choices", max=vote.max_choices
        )
    if vote.mode is BallotMode.YES_NO_ABSTAIN:
        for item in items:  # an unmarked line is an abstention (弃权)
            chosen.setdefault(str(item.id), ABSTAIN)
    return chosen


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not MIN_KEY <= len(key) <= MAX_KEY or not key.isprintable():
        raise Refused(
            ErrorCode.BAD_USER_INPUT,
            "vote.idempotency_key",
            "idempotencyKey",
            min=MIN_KEY,
            max=MAX_KEY,
        )
    return key


# The statements every voter's ballot runs, written out once (``models.sql``). On PostgreSQL,
# claiming the elector row and storing the ballot are one statement, and so are raising the
# turnout and writing its event.
_CLAIM = (
    'UPDATE "elector" SET "voted" = TRUE, "voted_at" = :voted_at, "change_tag" = :change_tag, '
    '"retry_tag" = :retry_tag '
    'WHERE "tenant_id" = :street AND "vote_id" = :vote AND "user_id" = :voter AND "voted" = FALSE'
)
_SEALED_COLUMNS = '"id", "tenant_id", "vote_id", "change_tag", "sealed"'
_SEALED_VALUES = ":ballot, :street, :vote, :change_tag, :sealed"
_SEALED_TYPES = ":ballot::uuid, :street::int, :vote::int, :change_tag::varchar, :sealed::text"
_NAMED_COLUMNS = (
    '"id", "tenant_id", "vote_id", "receipt_hash", "choices", "salt", "voter_id", "cast_at"'
)
_NAMED_VALUES = ":ballot, :street, :vote, :receipt_hash, :choices, :salt, :voter, :cast_at"
_NAMED_TYPES = (
    ":ballot::uuid, :street::int, :vote::int, :receipt_hash::varchar, :choices::jsonb, "
    ":salt::varchar, :voter::int, :cast_at::timestamptz"
)
_INTO = {True: f'"sealed_ballot" ({_SEALED_COLUMNS})', False: f'"ballot" ({_NAMED_COLUMNS})'}
_STORE = {
    True: Statement(f"INSERT INTO {_INTO[True]} VALUES ({_SEALED_VALUES})"),
    False: Statement(f"INSERT INTO {_INTO[False]} VALUES ({_NAMED_VALUES})"),
}
_CLAIM_ONLY = Statement(_CLAIM)
_CLAIM_AND_STORE_PG = {
    secret: Statement(
        f'WITH "claimed" AS ({_CLAIM} RETURNING "id") '
        f'INSERT INTO {_INTO[secret]} SELECT {types} FROM "claimed" RETURNING "id"'
    )
    for secret, types in ((True, _SEALED_TYPES), (False, _NAMED_TYPES))
}
_RAISE_TURNOUT = (
    'UPDATE "vote" SET "turnout" = "turnout" + :by '
    'WHERE "id" = :vote AND "tenant_id" = :street AND "status" = \'OPEN\' RETURNING "turnout"'
)
_RAISE_TURNOUT_ONLY = Statement(_RAISE_TURNOUT)
# The event's payload comes with its turnout left out, set from the updated row.
_RAISE_TURNOUT_WITH_EVENT_PG = Statement(
    f'WITH "counted" AS ({_RAISE_TURNOUT}), "event" AS ('
    'INSERT INTO "outbox_event" ("tenant_id", "type", "subject", "actor_id", "payload", '
    '"visibility", "occurred_at") '
    "SELECT :street::int, :type::varchar, :subject::varchar, :actor::int, "
    "jsonb_set(:payload::jsonb, '{turnout}', to_jsonb(\"turnout\")), :visibility::varchar, "
    ':occurred_at::timestamptz FROM "counted" RETURNING "id") '
    'SELECT "counted"."turnout", "event"."id" FROM "counted", "event"'
)
# Where the voter and the vote stand now, when the voter could not be marked as voted: the
# vote's status and turnout, and the voter's elector row (none when not on the electorate).
_STANDING = Statement(
    'SELECT v."status", v."turnout", e."id" AS "elector_id", e."retry_tag", '
    'e."earlier_retry_tags", e."change_tag" FROM "vote" v '
    'LEFT JOIN "elector" e ON e."vote_id" = v."id" AND e."user_id" = :voter '
    'WHERE v."id" = :vote AND v."tenant_id" = :street'
)
_CHOICES = Ballot._meta.fields_map["choices"]
_CAST_AT = Ballot._meta.fields_map["cast_at"]
_VOTED_AT = Elector._meta.fields_map["voted_at"]
_EARLIER = Elector._meta.fields_map["earlier_retry_tags"]
_PAYLOAD = OutboxEvent._meta.fields_map["payload"]


def _postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


async def open_paper(services: Services, vote_id: int) -> BallotPaper:
    """The vote's ballot paper: kept by the process once the vote is open, read otherwise
    (NOT_FOUND for another street's vote)."""
    street_id = current_street_id()
    paper = services.kept(BallotPapers).get(street_id, vote_id)
    if paper is None:
        vote = await require_vote(vote_id)
        paper = services.kept(BallotPapers).keep(street_id, vote, await ballot_paper(vote.id))
    return paper


@dataclass(frozen=True)
class Submission:
    """One submission as this module handles it: the ballot, its receipt and the tags."""

    voter: User
    vote: Vote
    choices: dict[str, Any]
    key: str | None
    receipt: str

    @property
    def receipt_hash(self) -> str:
        return receipt_hash(self.receipt)

    @property
    def change_tag(self) -> str:
        return change_tag(self.receipt)

    @property
    def retry_tag(self) -> str:
        return retry_tag(self.vote.id, self.voter.id, self.key) if self.key else ""


@dataclass(frozen=True)
class Stored:
    """What was stored for a ballot (the statement's values, the street filled by the scope),
    as its audit entry records it."""

    values: dict[str, Any]
    record: dict[str, Any]


def _store(services: Services, change: Change, sub: Submission) -> Stored:
    """The row to write for this ballot: sealed for a secret vote, named otherwise."""
    vote = sub.vote
    salt = secrets.token_hex(16)
    ballot = {"ballot": str(uuid.uuid4()), "vote": vote.id}
    if vote.secret:
        assert services.settings.secret_key
        opened = Opened(sub.receipt_hash, sub.choices, salt)
        blob = seal_ballot(services.settings.secret_key, change.street_id, vote.id, opened)
        values = {**ballot, "change_tag": sub.change_tag, "sealed": blob}
        return Stored(values, {"sealed": hashlib.sha256(blob.encode()).hexdigest()})
    values = {
        **ballot,
        "receipt_hash": sub.receipt_hash,
        "choices": _CHOICES.to_db_value(sub.choices, Ballot),
        "salt": salt,
        "voter": sub.voter.id,
        "cast_at": _CAST_AT.to_db_value(change.at, Ballot),
    }
    record = {"receipt": sub.receipt_hash, "voter": sub.voter.id, "choices": sub.choices}
    return Stored(values, record)


async def _claim(change: Change, sub: Submission, stored: Stored) -> bool:
    """Mark the voter as voted if they had not, and then (only then) store the ballot."""
    conn, vote = change.conn, sub.vote
    claim = {
        "voted_at": _VOTED_AT.to_db_value(None if vote.secret else change.at, Elector),
        "change_tag": sub.change_tag,
        "retry_tag": sub.retry_tag,
        "vote": vote.id,
        "voter": sub.voter.id,
    }
    if _postgres(conn):
        both = _CLAIM_AND_STORE_PG[vote.secret]
        return bool(await both.fetch(conn, **{**stored.values, **claim}))
    claimed, _ = await _CLAIM_ONLY.run(conn, **claim)
    if claimed:
        await _insert(change, sub, stored)
    return bool(claimed)


async def _insert(change: Change, sub: Submission, stored: Stored) -> None:
    await _STORE[sub.vote.secret].run(change.conn, **stored.values)


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
        rows = await _RAISE_TURNOUT_WITH_EVENT_PG.fetch(
            conn,
            by=by,
            vote=vote.id,
            type=event.type,
            subject=event.subject,
            actor=event.actor_id,
            payload=_PAYLOAD.to_db_value(payload, OutboxEvent),
            visibility=event.visibility,
            occurred_at=event.occurred_at,
        )
    else:
        rows = await _RAISE_TURNOUT_ONLY.fetch(conn, by=by, vote=vote.id)
    if not rows:
        change.services.kept(BallotPapers).forget(change.street_id, vote.id)
        raise Refused(VoteCode.VOTE_CLOSED, "vote.closed", "voteId")
    payload["turnout"] = turnout = int(rows[0]["turnout"])
    if _postgres(conn):
        event.id = rows[0]["id"]
        change.events.append(event)
    else:
        await change.event(BALLOT_COUNTED, payload["vote"], payload)
    return turnout


async def _standing(conn: BaseDBAsyncClient | None, vote: Vote, voter: User) -> dict:
    """The vote's status and turnout and the voter's elector row, as they are now (on the
    change's connection, or the default one outside a change)."""
    rows = await _STANDING.fetch(conn, voter=voter.id, vote=vote.id)
    if not rows:
        raise DomainError(ErrorCode.NOT_FOUND)
    row = rows[0]
    row["earlier_retry_tags"] = _EARLIER.to_python_value(row["earlier_retry_tags"]) or []
    return row


async def _current_choices(services: Services, sub: Submission) -> Any:
    """The choices of the voter's current ballot under this submission's receipt, if any:
    sealed while a secret vote is open, counted otherwise."""
    vote = sub.vote
    sealed = await SealedBallot.filter(vote_id=vote.id, change_tag=sub.change_tag).first()
    if sealed is not None:
        assert services.settings.secret_key
        street_id = current_street_id()
        return open_ballot(services.settings.secret_key, street_id, vote.id, sealed.sealed).choices
    ballot = await Ballot.filter(vote_id=vote.id, receipt_hash=sub.receipt_hash).first()
    return ballot.choices if ballot else None


def _standing_vote(paper: BallotPaper, standing: dict) -> Vote:
    return paper.vote_as_of(int(standing["turnout"]), standing["status"])


async def _replayed(
    services: Services, paper: BallotPaper, sub: Submission, standing: dict
) -> Counted | None:
    """The first answer to this submission, if it is a retry (None if it is not); a reused key
    with other choices is ALREADY_VOTED."""
    if not sub.key or standing["elector_id"] is None:
        return None
    tag = sub.retry_tag
    if tag in standing["earlier_retry_tags"]:  # that ballot was changed since: answer as then
        return Counted(sub.receipt, _standing_vote(paper, standing), replayed=True)
    if tag != standing["retry_tag"]:
        return None
    first = await _current_choices(services, sub)
    if first is not None and canonical_json(first) == canonical_json(sub.choices):
        return Counted(sub.receipt, _standing_vote(paper, standing), replayed=True)
    raise Refused(VoteCode.ALREADY_VOTED, "vote.already_voted", "voteId")


async def _withdraw(sub: Submission, standing: dict, previous_receipt: str | None) -> str:
    """Remove the voter's current ballot before a change; returns what identified it (the
    sealed ballot's change tag, or the named ballot's receipt hash)."""
    vote = sub.vote
    if vote.secret:
        if not previous_receipt or change_tag(previous_receipt) != standing["change_tag"]:
            raise Refused(VoteCode.ALREADY_VOTED, "vote.previous_receipt", "previousReceipt")
        old = await SealedBallot.filter(vote_id=vote.id, change_tag=standing["change_tag"]).first()
        removed = await SealedBallot.filter(id=old.id).delete() if old else 0
        withdrawn = hashlib.sha256(old.sealed.encode()).hexdigest() if old else ""
    else:
        ballot = await Ballot.filter(vote_id=vote.id, voter_id=sub.voter.id).first()
        withdrawn = ballot.receipt_hash if ballot else ""
        removed = await Ballot.filter(vote_id=vote.id, voter_id=sub.voter.id).delete()
    if not removed:
        raise Refused(VoteCode.ALREADY_VOTED, "vote.previous_receipt", "previousReceipt")
    return withdrawn


async def _change(
    change: Change, sub: Submission, standing: dict, stored: Stored, previous: str | None
) -> str:
    """Replace the voter's ballot (the vote allows it): returns what was withdrawn."""
    withdrawn = await _withdraw(sub, standing, previous)
    earlier = list(standing["earlier_retry_tags"])
    if standing["retry_tag"]:
        earlier.append(standing["retry_tag"])
    updated = await Elector.filter(
        id=standing["elector_id"], change_tag=standing["change_tag"]
    ).update(
        voted_at=None if sub.vote.secret else change.at,
        change_tag=sub.change_tag,
        retry_tag=sub.retry_tag,
        earlier_retry_tags=earlier,
    )
    if not updated:  # a change of the same ballot raced this one
        raise Refused(VoteCode.ALREADY_VOTED, "vote.already_voted", "voteId")
    await _insert(change, sub, stored)
    return withdrawn


async def _filled(paper: BallotPaper, voter: User, marks: Sequence[Mark]) -> dict[str, Any]:
    """The ballot as marked. What is wrong with its marks is said to someone on the electorate
    only: anyone else hears NOT_ON_ELECTORATE first (the look-up costs nothing on a good
    ballot)."""
    try:
        return fill_ballot(paper.vote, paper.items, marks)
    except Refused:
        if (await _standing(None, paper.vote, voter))["elector_id"] is None:
            raise Refused(VoteCode.NOT_ON_ELECTORATE, "vote.not_on_electorate", "voteId") from None
        raise


async def cast_ballot(
    caller: Caller,
    vote_id: int,
    marks: Sequence[Mark],
    idempotency_key: str | None = None,
    previous_receipt: str | None = None,
) -> Counted:
    """Count the voter's ballot once. The same idempotency key again gives the first receipt
    back; anything else after voting is ALREADY_VOTED (unless the vote allows changes)."""
    services, voter = caller.services, caller.user
    key = check_key(idempotency_key)
    paper = await open_paper(services, vote_id)
    vote = paper.vote
    assert services.settings.secret_key
    receipt = (
        receipt_for_key(services.settings.secret_key, vote.id, voter.id, key)
        if key
        else new_receipt()
    )
    if vote.status is not VoteStatus.OPEN and key:
        # Not open (any more): a retry of a ballot counted before still gets its answer.
        standing = await _standing(None, vote, voter)
        submission = Submission(voter, vote, fill_ballot(vote, paper.items, marks), key, receipt)
        replay = await _replayed(services, paper, submission, standing)
        if replay is not None:
            return replay
    check_can_vote_now(services, vote)
    sub = Submission(voter, vote, await _filled(paper, voter, marks), key, receipt)
    require_writable(current_scope())  # nothing is tried in a read-only scope
    withdrawn: str | None = None
    async with changing(services, None if vote.secret else voter) as change:
        stored = _store(services, change, sub)
        if not await _claim(change, sub, stored):
            standing = await _standing(change.conn, vote, voter)
            replay = await _replayed(services, paper, sub, standing)
            if replay is not None:
                return replay  # nothing was written
            if standing["status"] != VoteStatus.OPEN.value:
                services.kept(BallotPapers).forget(change.street_id, vote.id)
                check_can_vote_now(services, _standing_vote(paper, standing))
            if standing["elector_id"] is None:
                raise Refused(VoteCode.NOT_ON_ELECTORATE, "vote.not_on_electorate", "voteId")
            if not vote.allow_changes:
                raise Refused(VoteCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            withdrawn = await _change(change, sub, standing, stored, previous_receipt)
        turnout = await _count(change, paper, 0 if withdrawn is not None else 1)
        record = dict(stored.record)
        if vote.secret:
            action = "vote.ballot_received"
            if withdrawn is not None:
                record["replaces"] = withdrawn
        else:
            action = "vote.ballot_changed" if withdrawn is not None else "vote.ballot_cast"
            if withdrawn is not None:
                record["withdrawn"] = withdrawn
        # Last: appending locks the street's audit chain until the commit.
        await change.audit(action, vote_gid(vote.id), record)
    return Counted(receipt, paper.vote_as_of(turnout), changed=withdrawn is not None)
