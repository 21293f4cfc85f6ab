"""Ballot receipts that prove inclusion (验票): a voter's ballot is a leaf of the street's
audit log under the checkpoint the published result was counted from.

When a vote closes, the entry that records each counted ballot (a secret ballot's
``vote.ballot_unsealed``: its receipt hash and the seal of its contents; a named ballot's
``vote.ballot_cast`` / ``vote.ballot_changed``) is written in the same transaction as the
``vote.closed`` entry. The bulletin board shows the first signed checkpoint that includes the
close: every receipt is proven against that one checkpoint.

``receipt_document`` is what a voter keeps (RECEIPT.json) and ``check_receipt`` what checks it,
offline, with nothing but the document and a trusted verifier key (``gongzhi audit
check-receipt``): the receipt code gives the receipt hash, the salt and choices give the seal,
the change gives its digest, the entry its leaf hash, the audit path the root, and the root
must be the signed checkpoint's.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core import notes, tlog
from models.audit import (
    AuditCheckpoint,
    AuditEntry,
    canonical_json,
    change_digest,
    format_time,
    leaf_bytes,
)
from models.votes import Vote
from resolvers.audit.log import InclusionProof, Pending, checkpoint_covering, inclusion_proof
from resolvers.votes.common import receipt_hash, seal, vote_gid

FORMAT = "gongzhi-vote-receipt/1"
UNSEALED = "vote.ballot_unsealed"
CAST_ACTIONS = ("vote.ballot_cast", "vote.ballot_changed")
CLOSED = "vote.closed"


class ReceiptError(ValueError):
    """A receipt document that does not verify, and why."""


async def ballot_entry(vote: Vote, hashed: str) -> AuditEntry | None:
    """The entry that records the counted ballot of a receipt hash (in the vote's street)."""
    actions = (UNSEALED,) if vote.secret else CAST_ACTIONS
    entries = await AuditEntry.filter(subject=vote_gid(vote.id), action__in=actions).order_by("-id")
    return next((e for e in entries if e.change.get("receipt") == hashed), None)


async def board_checkpoint(vote: Vote) -> AuditCheckpoint | None:
    """The first signed checkpoint that includes the vote's close: the log its result was
    counted from (None until one is signed)."""
    closed = (
        await AuditEntry.filter(subject=vote_gid(vote.id), action=CLOSED).order_by("-id").first()
    )
    if closed is None or closed.sequence is None:
        return None
    return await checkpoint_covering(closed.sequence)


async def receipt_proof(vote: Vote, hashed: str) -> InclusionProof | Pending | None:
    """The inclusion proof of a counted ballot against the board's checkpoint."""
    entry = await ballot_entry(vote, hashed)
    if entry is None:
        return None
    checkpoint = await board_checkpoint(vote)
    if checkpoint is None:
        return Pending(entry, entry.sequence is not None)
    return await inclusion_proof(entry, checkpoint)


def receipt_document(
    vote: Vote,
    receipt: str | None,
    ballot: dict[str, Any],
    proof: InclusionProof,
) -> dict[str, Any]:
    """What a voter keeps: RECEIPT.json."""
    entry = proof.entry
    return {
        "format": FORMAT,
        "vote": vote_gid(vote.id),
        "secret": vote.secret,
        "receipt": receipt,
        "ballot": ballot,
        "entry": {
            "street": entry.tenant_id,
            "time": format_time(entry.at),
            "actor": entry.actor_id,
            "action": entry.action,
            "subject": entry.subject,
            "change": entry.change,
        },
        "leafIndex": proof.leaf_index,
        "treeSize": proof.tree_size,
        "proof": [base64.b64encode(h).decode() for h in proof.hashes],
        "checkpoint": proof.checkpoint.note,
    }


@dataclass(frozen=True)
class Checked:
    receipt_hash: str
    sequence: int
    tree_size: int
    origin: str
    signed_by: str


def _need(document: dict[str, Any], key: str, kind: type) -> Any:
    value = document.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ReceiptError(f"{key!r} is missing or not a {kind.__name__}")
    return value


def check_receipt(document: Any, verifiers: Sequence[notes.Verifier]) -> Checked:
    """Check a RECEIPT.json offline; ``ReceiptError`` says what does not hold."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ReceiptError(f"not a {FORMAT} document")
    ballot = _need(document, "ballot", dict)
    entry = _need(document, "entry", dict)
    change = _need(entry, "change", dict)
    hashed = ballot.get("receiptHash")
    receipt = document.get("receipt")
    if receipt is not None and receipt_hash(str(receipt)) != hashed:
        raise ReceiptError("the receipt code does not give the ballot's receipt hash")
    if change.get("receipt") != hashed:
        raise ReceiptError("the log entry is not this ballot's")
    if entry.get("subject") != document.get("vote"):
        raise ReceiptError("the log entry is not of this vote")
    if document.get("secret"):
        if entry.get("action") != UNSEALED:
            raise ReceiptError("the log entry is not a counted secret ballot")
        if change.get("seal") != seal(str(ballot.get("salt")), ballot.get("choices") or {}):
            raise ReceiptError("the ballot's choices and salt do not open the entry's seal")
    else:
        if entry.get("action") not in CAST_ACTIONS:
            raise ReceiptError("the log entry is not a cast ballot")
        if canonical_json(change.get("choices")) != canonical_json(ballot.get("choices")):
            raise ReceiptError("the ballot's choices are not the ones the log recorded")
    leaf = tlog.leaf_hash(
        leaf_bytes(
            _need(entry, "street", int),
            _need(entry, "time", str),
            entry.get("actor"),
            _need(entry, "action", str),
            _need(entry, "subject", str),
            change_digest(change),
        )
    )
    try:
        proof = [base64.b64decode(h, validate=True) for h in _need(document, "proof", list)]
        checkpoint, signer = notes.open_checkpoint(_need(document, "checkpoint", str), verifiers)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ReceiptError(str(exc)) from exc
    index, size = _need(document, "leafIndex", int), _need(document, "treeSize", int)
    if checkpoint.size != size:
        raise ReceiptError("the proof is not for the checkpoint's size")
    try:
        tlog.verify_inclusion(index, size, leaf, proof, checkpoint.root)
    except tlog.ProofError as exc:
        raise ReceiptError(f"the ballot is not in the signed log: {exc}") from exc
    return Checked(str(hashed), index + 1, size, checkpoint.origin, signer.text)
