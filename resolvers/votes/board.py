"""The bulletin board (公示) and the recount (复核).

After publication anyone may read every counted ballot by its receipt hash, with its choices
and the salt that opens its seal in the audit chain: a voter finds their own ballot, anyone can
count again. ``recount`` does exactly that from the stored rows: it recomputes the tally and
checks every ballot against what the audit chain recorded when it was cast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import DomainError, ErrorCode, Refused
from models.audit import AuditCheckpoint, AuditEntry, canonical_json
from models.columns import column
from models.votes import Ballot, Vote, VoteItem, VoteStatus
from policies.rows import ANYONE
from resolvers.votes import rows
from resolvers.votes.common import (
    ballot_paper,
    digest,
    lines_of,
    receipt_hash,
    rules_of,
    seal,
    vote_gid,
)
from resolvers.votes.receipts import board_checkpoint
from resolvers.votes.tally import count
from tenants.scoping import street_scope, unscoped

# A named ballot is recorded when cast (or changed). A secret one is recorded twice: as an
# opaque sealed blob when cast (received), and by receipt hash and seal when counted at closing.
CAST_ACTIONS = ("vote.ballot_cast", "vote.ballot_changed")
RECEIVED = "vote.ballot_received"
COUNTED = "vote.ballot_unsealed"
PUBLISHED = "vote.published"


@dataclass(frozen=True)
class BoardEntry:
    receipt_hash: str
    choices: dict[str, Any]
    salt: str


@dataclass(frozen=True)
class Board:
    vote: Vote
    items: list[VoteItem]
    checkpoint: AuditCheckpoint | None


@dataclass(frozen=True)
class EntryPage:
    """A page of the board's ballots in receipt-hash order (the order says nothing of when a
    ballot was cast, or by whom). A cursor is the receipt hash itself: it is public."""

    items: list[BoardEntry]
    has_next_page: bool
    has_previous_page: bool
    total_count: int

    @property
    def cursors(self) -> list[str]:
        return [entry.receipt_hash for entry in self.items]


_RECEIPT_HASH = re.compile(r"[0-9a-f]{64}")


async def published_vote(vote_id: int) -> Vote:
    """A published vote of any street (its board is public), or NOT_FOUND."""
    with unscoped("a published vote's bulletin board is public"):
        vote = await Vote.filter(id=vote_id).first()
    if vote is None or not rows.RULES.sees(ANYONE, rows.PUBLISHED_RESULT, vote):
        raise DomainError(ErrorCode.NOT_FOUND)
    return vote


async def bulletin_board(vote_id: int) -> Board:
    vote = await published_vote(vote_id)
    with street_scope(vote.tenant_id, writable=False):
        items = await ballot_paper(vote.id)
        checkpoint = await board_checkpoint(vote)
    return Board(vote, items, checkpoint)


async def board_entries(vote: Vote, size: int, after: str | None) -> EntryPage:
    """One page of a published vote's counted ballots (``size`` already checked), after the
    receipt hash ``after``: a cursor that is not a receipt hash is refused."""
    if after is not None and not _RECEIPT_HASH.fullmatch(after):
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_cursor", "after")
    with street_scope(vote.tenant_id, writable=False):
        query = Ballot.filter(vote_id=vote.id)
        total = await query.count()
        if after is not None:
            query = query.filter(receipt_hash__gt=after)
        rows = (
            await query.order_by("receipt_hash")
            .limit(size + 1)
            .values_list("receipt_hash", "choices", "salt")
        )
    entries = [BoardEntry(h, c, s) for h, c, s in rows[:size]]
    return EntryPage(entries, len(rows) > size, after is not None, total)


async def find_receipt(vote_id: int, receipt: str) -> BoardEntry | None:
    """The counted ballot of a receipt code, on a published vote's board (None if absent)."""
    vote = await published_vote(vote_id)
    with street_scope(vote.tenant_id, writable=False):
        row = await Ballot.filter(vote_id=vote.id, receipt_hash=receipt_hash(receipt)).first()
    return BoardEntry(row.receipt_hash, row.choices, row.salt) if row else None


@dataclass
class Recount:
    """What a recount found: the stored and the recomputed result, and ballots whose record
    in the audit chain does not match (edited, added or removed after casting).
    ``published_digest`` is the result's digest as the audit chain recorded it at publication
    (None before publication, "" if a published vote has no such record)."""

    stored: dict[str, Any] | None
    recomputed: dict[str, Any]
    stored_digest: str
    unmatched: list[str] = field(default_factory=list)
    published_digest: str | None = None

    @property
    def published_matches(self) -> bool:
        return self.published_digest is None or self.published_digest == self.stored_digest

    @property
    def tally_matches(self) -> bool:
        return (
            self.stored is not None
            and digest(self.stored) == self.stored_digest
            and self.published_matches
            and canonical_json(self.stored) == canonical_json(self.recomputed)
        )

    @property
    def matches(self) -> bool:
        return self.tally_matches and not self.unmatched


async def _recorded_ballots(vote: Vote) -> dict[str, dict[str, Any]]:
    """The ballots as the audit chain recorded them (receipt hash → record), changes applied."""
    recorded: dict[str, dict[str, Any]] = {}
    actions = (COUNTED,) if vote.secret else CAST_ACTIONS
    entries = await column(
        AuditEntry.filter(subject=vote_gid(vote.id), action__in=actions).order_by("id"),
        "change",
        dict,
    )
    for change in entries:
        if change.get("withdrawn"):
            recorded.pop(change["withdrawn"], None)
        recorded[change["receipt"]] = change
    return recorded


async def _received_count(vote: Vote) -> int:
    """How many sealed ballots the chain recorded as received and not replaced since."""
    live: set[str] = set()
    entries = await column(
        AuditEntry.filter(subject=vote_gid(vote.id), action=RECEIVED).order_by("id"),
        "change",
        dict,
    )
    for change in entries:
        live.discard(change.get("replaces") or "")
        live.add(change["sealed"])
    return len(live)


async def recount(vote: Vote) -> Recount:
    """Count a closed vote again from its stored ballots (call in the vote's street scope)."""
    items = await ballot_paper(vote.id)
    ballots = await Ballot.filter(vote_id=vote.id).values_list("receipt_hash", "choices", "salt")
    recomputed = count(rules_of(vote), lines_of(items), [choices for _, choices, _ in ballots])
    recorded = await _recorded_ballots(vote)
    unmatched = []
    for hashed, choices, salt in ballots:
        record = recorded.pop(hashed, None)
        if record is None:
            unmatched.append(hashed)
        elif vote.secret and record.get("seal") != seal(salt, choices):
            unmatched.append(hashed)
        elif not vote.secret and canonical_json(record.get("choices")) != canonical_json(choices):
            unmatched.append(hashed)
    unmatched.extend(recorded)  # recorded as cast, missing from the stored ballots
    if vote.secret and (received := await _received_count(vote)) != len(ballots):
        unmatched.append(f"{received} sealed ballots received, {len(ballots)} counted")
    records = await column(
        AuditEntry.filter(subject=vote_gid(vote.id), action=PUBLISHED), "change", dict
    )
    published = None
    if records or vote.status is VoteStatus.PUBLISHED:
        published = str(records[0].get("resultDigest") or "") if len(records) == 1 else ""
    return Recount(vote.result, recomputed, vote.result_digest, sorted(unmatched), published)


async def recount_vote(vote_id: int) -> tuple[Vote, Recount]:
    """Recount a counted vote of any street (the CLI's ``gongzhi votes recount``).
    LookupError when there is no such vote or it has not been counted yet."""
    with unscoped("a recount names its vote by ID"):
        vote = await Vote.filter(id=vote_id).first()
    if vote is None or vote.status not in (VoteStatus.CLOSED, VoteStatus.PUBLISHED):
        raise LookupError(vote_id)
    with street_scope(vote.tenant_id, writable=False):
        return vote, await recount(vote)
