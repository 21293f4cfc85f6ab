"""What every part of the votes domain shares: finding a vote, its ballot paper, receipts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.audit import canonical_json
from models.votes import Ballot, Elector, Vote, VoteItem, VoteStatus
from resolvers.votes.tally import Line, Rules
from tenants.scoping import get_in_street

RECEIPT_LENGTH = 20  # base32 characters: 100 bits
RECEIPT_MAX_LENGTH = 64  # a receipt as a voter may type it (dashes, spaces)
EDITABLE = frozenset({VoteStatus.DRAFT})
FINISHED = frozenset({VoteStatus.CLOSED, VoteStatus.PUBLISHED, VoteStatus.CANCELLED})


def vote_gid(vote_id: int) -> str:
    return to_global_id("Vote", vote_id)


async def require_vote(vote_id: int, *, for_update: bool = False) -> Vote:
    """A vote of the current street, or NOT_FOUND (another street's ID included)."""
    return await get_in_street(Vote, vote_id, for_update=for_update)


async def ballot_paper(vote_id: int) -> list[VoteItem]:
    return await VoteItem.filter(vote_id=vote_id).order_by("position")


async def load_ballots(vote_ids: Sequence[int]) -> list[list[Ballot]]:
    """The counted ballots of many votes, in the order they were cast. Secret ballots carry
    no voter; still, only a named vote's ballots are shown with their voter."""
    found: dict[int, list[Ballot]] = defaultdict(list)
    for ballot in await Ballot.filter(vote_id__in=list(set(vote_ids))).order_by("cast_at"):
        found[ballot.vote_id].append(ballot)
    return [found.get(pk, []) for pk in vote_ids]


# (vote, user): is this user on the vote's frozen electorate, and did they vote?
ElectorKey = tuple[int, int]


async def load_electors(keys: Sequence[ElectorKey]) -> list[Elector | None]:
    votes, users = {v for v, _ in keys}, {u for _, u in keys}
    rows = await Elector.filter(vote_id__in=list(votes), user_id__in=list(users))
    found = {(e.vote_id, e.user_id): e for e in rows}
    return [found.get(key) for key in keys]


def rules_of(vote: Vote) -> Rules:
    return Rules(
        mode=vote.mode,
        threshold_basis=vote.threshold_basis,
        quorum_percent=vote.quorum_percent,
        electorate_size=vote.electorate_size,
        scale_max=vote.scale_max,
    )


def lines_of(items: list[VoteItem]) -> list[Line]:
    return [Line(item.id, item.label) for item in items]


def invalid_transition(vote: Vote, to: VoteStatus) -> Refused:
    return Refused(
        ErrorCode.INVALID_TRANSITION,
        "vote.invalid_transition",
        "id",
        from_status=vote.status.value,
        to_status=to.value,
    )


def digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


# --- receipts (回执码) --------------------------------------------------------------------


def normalize_receipt(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_receipt(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_receipt() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode()[:RECEIPT_LENGTH]
    return format_receipt(raw)


def receipt_for_key(secret_key: str, vote_id: int, user_id: int, key: str) -> str:
    """The receipt of a submission made with an idempotency key: the same key gives the same
    receipt again, without the database keeping anything that joins voter and ballot."""
    mac = hmac.new(secret_key.encode(), f"receipt|{vote_id}|{user_id}|{key}".encode(), "sha256")
    return format_receipt(base64.b32encode(mac.digest()).decode()[:RECEIPT_LENGTH])


def receipt_hash(code: str) -> str:
    """What the bulletin board lists (and the ballot row keeps) for a receipt code."""
    return hashlib.sha256(f"receipt|{normalize_receipt(code)}".encode()).hexdigest()


def change_tag(code: str) -> str:
    """What the elector row keeps to recognise the receipt when its voter changes the ballot.
    Not computable from the receipt hash, so it does not point at the ballot."""
    return hashlib.sha256(f"change|{normalize_receipt(code)}".encode()).hexdigest()


def retry_tag(vote_id: int, user_id: int, key: str) -> str:
    return hashlib.sha256(f"retry|{vote_id}|{user_id}|{key}".encode()).hexdigest()


def seal(salt: str, choices: dict[str, Any]) -> str:
    """The ballot's contents as the audit chain records them while the vote runs: a salted
    hash, opened on the bulletin board after publication (the salt is published there)."""
    return hashlib.sha256(salt.encode() + canonical_json(choices)).hexdigest()


# --- sealed secret ballots (封存) -------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A sealed ballot, opened at closing."""

    receipt_hash: str
    choices: dict[str, Any]
    salt: str


def _box(secret_key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(f"ballot-seal|{secret_key}".encode()).digest())


def _bound_to(street_id: int, vote_id: int) -> bytes:
    return f"gongzhi-ballot|{street_id}|{vote_id}".encode()


def seal_ballot(secret_key: str, street_id: int, vote_id: int, ballot: Opened) -> str:
    """Encrypt a secret ballot for keeping until its vote closes (bound to the vote)."""
    nonce = secrets.token_bytes(12)
    plain = canonical_json(
        {"receipt": ballot.receipt_hash, "choices": ballot.choices, "salt": ballot.salt}
    )
    sealed = _box(secret_key).encrypt(nonce, plain, _bound_to(street_id, vote_id))
    return base64.b64encode(nonce + sealed).decode()


def open_ballot(secret_key: str, street_id: int, vote_id: int, sealed: str) -> Opened:
    """Decrypt a sealed ballot of this vote. ``InvalidTag`` if it was altered, moved from
    another vote, or sealed under another secret key."""
    raw = base64.b64decode(sealed)
    plain = _box(secret_key).decrypt(raw[:12], raw[12:], _bound_to(street_id, vote_id))
    data = json.loads(plain)
    return Opened(data["receipt"], data["choices"], data["salt"])


@dataclass(frozen=True)
class Counted:
    """What a voter is told after casting: the receipt and where the vote stands."""

    receipt: str
    vote: Vote
    replayed: bool = False
    changed: bool = False


async def load_vote_items(ids: Sequence[int]) -> list[list[VoteItem]]:
    """The lines of each vote's ballot paper, in order (a DataLoader batch)."""
    found: dict[int, list[VoteItem]] = {pk: [] for pk in ids}
    for item in await VoteItem.filter(vote_id__in=list(set(ids))).order_by("vote_id", "position"):
        found[item.vote_id].append(item)
    return [found[pk] for pk in ids]
