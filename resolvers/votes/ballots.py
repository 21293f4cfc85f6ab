"""Casting a ballot (投票): once per voter, counted exactly once, secret when the vote is.

The order inside the transaction is what makes it exact:

1. the voter's ``Elector`` row flips to voted with a conditional update (the database's
   one-row-per-voter constraint and ``voted = false`` make a second ballot impossible),
2. the ballot row is written,
3. the vote's turnout is raised with ``… WHERE status = 'OPEN'``: this waits for a close that
   holds the vote row, and finds the vote closed afterwards (the ballot is then refused and
   rolled back), so a ballot is either in the count or refused, never lost,
4. the audit entry and the turnout event are written, and all of it commits together.

For a secret vote the change is recorded without an actor, the elector row keeps no time, and
the ballot row keeps no voter: see ``models.votes``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import ErrorCode
from models.accounts import User
from models.audit import canonical_json
from models.votes import Ballot, BallotMode, Elector, Vote, VoteItem, VoteStatus
from resolvers.events import Change, changing
from resolvers.projects.common import fail
from resolvers.services import Services
from resolvers.votes.common import (
    Counted,
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
from resolvers.votes.tally import ABSTAIN, ANSWERS, YES

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


async def _raise_turnout(change: Change, vote: Vote, by: int) -> int:
    """Lock the vote row while it is OPEN and add to its turnout; VOTE_CLOSED if it closed."""
    dialect = change.conn.capabilities.dialect
    marks = ("$1", "$2", "$3") if dialect == "postgres" else ("?", "?", "?")
    rows = await change.conn.execute_query_dict(
        f'UPDATE "vote" SET "turnout" = "turnout" + {marks[0]} '
        f'WHERE "id" = {marks[1]} AND "tenant_id" = {marks[2]} AND "status" = \'OPEN\' '
        'RETURNING "turnout"',
        [by, vote.id, change.street_id],
    )
    if not rows:
        raise fail(ErrorCode.VOTE_CLOSED, "vote.closed", "voteId")
    return int(rows[0]["turnout"])


async def _withdraw(vote: Vote, voter: User, elector: Elector, previous_receipt: str | None) -> str:
    """Remove the voter's current ballot before a change; returns its receipt hash."""
    if vote.secret:
        if not previous_receipt or change_tag(previous_receipt) != elector.change_tag:
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
    vote = await require_vote(vote_id)
    check_can_vote_now(services, vote)
    items = await VoteItem.filter(vote_id=vote.id).order_by("position")
    choices = fill_ballot(vote, items, marks)
    assert services.settings.secret_key
    receipt = (
        receipt_for_key(services.settings.secret_key, vote.id, voter.id, key)
        if key
        else new_receipt()
    )
    tags = {
        "change_tag": change_tag(receipt),
        "retry_tag": retry_tag(vote.id, voter.id, key) if key else "",
    }
    withdrawn = None
    async with changing(services, None if vote.secret else voter) as change:
        claimed = await Elector.filter(vote_id=vote.id, user_id=voter.id, voted=False).update(
            voted=True, voted_at=None if vote.secret else change.at, **tags
        )
        if not claimed:
            elector = await Elector.filter(vote_id=vote.id, user_id=voter.id).first()
            if elector is None:
                raise fail(ErrorCode.NOT_ON_ELECTORATE, "vote.not_on_electorate", "voteId")
            if key and elector.retry_tag == tags["retry_tag"]:
                first = await Ballot.filter(
                    vote_id=vote.id, receipt_hash=receipt_hash(receipt)
                ).first()
                if first is not None and canonical_json(first.choices) == canonical_json(choices):
                    return Counted(receipt, vote, replayed=True)  # nothing was written
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            if not vote.allow_changes:
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
            withdrawn = await _withdraw(vote, voter, elector, previous_receipt)
            updated = await Elector.filter(id=elector.id, change_tag=elector.change_tag).update(
                voted_at=None if vote.secret else change.at, **tags
            )
            if not updated:  # a change of the same ballot raced this one
                raise fail(ErrorCode.ALREADY_VOTED, "vote.already_voted", "voteId")
        hashed = receipt_hash(receipt)
        salt = secrets.token_hex(16)
        await Ballot.create(
            vote_id=vote.id,
            receipt_hash=hashed,
            choices=choices,
            salt=salt,
            voter_id=None if vote.secret else voter.id,
            cast_at=None if vote.secret else change.at,
        )
        vote.turnout = await _raise_turnout(change, vote, 0 if withdrawn is not None else 1)
        subject = vote_gid(vote.id)
        record: dict[str, Any] = {"receipt": hashed}
        if withdrawn is not None:
            record["withdrawn"] = withdrawn
        if vote.secret:
            record["seal"] = seal(salt, choices)
        else:
            record.update(voter=voter.id, choices=choices)
        action = "vote.ballot_changed" if withdrawn is not None else "vote.ballot_cast"
        await change.audit(action, subject, record)
        await change.event(
            BALLOT_COUNTED,
            subject,
            {
                "vote": subject,
                "status": VoteStatus.OPEN.value,
                "turnout": vote.turnout,
                "electorateSize": vote.electorate_size,
            },
        )
    return Counted(receipt, vote, changed=withdrawn is not None)


def same_receipt(a: str, b: str) -> bool:
    return secrets.compare_digest(normalize_receipt(a), normalize_receipt(b))
