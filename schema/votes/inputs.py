"""Inputs of the votes domain."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types.arguments import InputContext
from strawberry.types.base import get_object_definition

from models.votes import Vote as VoteRow
from models.votes import VoteItem as VoteItemRow
from resolvers.votes.ballots import MAX_KEY
from resolvers.votes.common import RECEIPT_MAX_LENGTH
from schema.inputs import text
from schema.votes.enums import (
    Answer,
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    VoteKind,
)


@strawberry.input(description="A line of the ballot paper.")
class VoteItemInput:
    project_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="PROJECT_BALLOT: a CANDIDATE project (its title is the line). "
        "SATISFACTION: a project to rate.",
    )
    label: str = text(
        VoteItemRow,
        "label",
        default="",
        description="The motion (RESOLUTION), or the department to rate.",
    )
    subject_kind: SubjectKind | None = strawberry.field(
        default=None, description="SATISFACTION: what the line rates (DEPARTMENT by default)."
    )
    representative_id: strawberry.ID | None = strawberry.field(
        default=None, description="SATISFACTION of a REPRESENTATIVE: their account."
    )


@strawberry.input(description="Who may vote: frozen when the vote opens.")
class ElectorateInput:
    kind: ElectorateKind
    community_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="RESIDENTS: of these communities…"
    )
    grid_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="…or these grids (neither: the whole street)."
    )
    account_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="ROSTER: these accounts (members of the street)."
    )


@strawberry.input(description="A vote's contents. Defaults follow the kind.")
class VoteInput:
    kind: VoteKind
    title: str = text(VoteRow, "title")
    electorate: ElectorateInput
    items: list[VoteItemInput] = strawberry.field(
        default_factory=list,
        description="The ballot paper. RESOLUTION: at most one line, the motion (the title "
        "when empty).",
    )
    description: str = text(VoteRow, "description", default="")
    secret: bool = strawberry.field(default=True, description="Secret ballot (无记名投票).")
    allow_changes: bool = strawberry.field(
        default=False, description="Voters may change their ballot until the vote closes."
    )
    mode: BallotMode | None = strawberry.field(
        default=None,
        description="PROJECT_BALLOT: YES_NO_ABSTAIN (default) or APPROVAL. Fixed for the others.",
    )
    max_choices: int | None = strawberry.field(
        default=None, description="APPROVAL: at most this many ticks per ballot."
    )
    scale_max: int = strawberry.field(default=5, description="RATING: 2 to 10.")
    quorum_percent: int | None = strawberry.field(
        default=None,
        description="Share of the electorate that must take part, 0–100 (50 for ballots and "
        "resolutions, 0 for satisfaction, unless given).",
    )
    threshold_basis: ThresholdBasis | None = strawberry.field(
        default=None,
        description="ELECTORATE by default for project ballots (全体代表过半数), BALLOTS_CAST "
        "for resolutions.",
    )
    opens_at: datetime | None = strawberry.field(
        default=None, description="Opened automatically at this time (or by hand)."
    )
    closes_at: datetime | None = strawberry.field(
        default=None, description="Closed automatically at this time (or by hand)."
    )


@strawberry.input(description="One mark on the ballot.")
class BallotMarkInput:
    item_id: strawberry.ID = strawberry.field(
        description="A line of the ballot (VoteItem), or the candidate Project it is for."
    )
    answer: Answer | None = strawberry.field(
        default=None, description="YES_NO_ABSTAIN: the answer. APPROVAL: YES (or nothing)."
    )
    score: int | None = strawberry.field(default=None, description="RATING: 1 to `scaleMax`.")


def _mark_from_input(
    cls: type[BallotMarkInput], value: Mapping[str, Any], context: InputContext
) -> BallotMarkInput:
    """A ballot brings one mark per line, tens of them with every ballot cast. Their fields are
    leaves (an ID, an enum, an int) that GraphQL has already checked and coerced, so the mark is
    built from them as they are rather than converting them one by one, which is what
    Strawberry would do (and where a ballot's time went)."""
    return cls(item_id=value["itemId"], answer=value.get("answer"), score=value.get("score"))


get_object_definition(BallotMarkInput, strict=True).from_input = _mark_from_input


@strawberry.input(description="A ballot.")
class CastBallotInput:
    vote_id: strawberry.ID
    choices: list[BallotMarkInput] = strawberry.field(
        description="YES_NO_ABSTAIN: unmarked lines abstain. APPROVAL: the ticked lines. "
        "RATING: the rated lines."
    )
    idempotency_key: str | None = text(
        max=MAX_KEY,
        default=None,
        description="16–200 characters, new for each ballot (a UUID): sending the same "
        "ballot again with the same key returns the same receipt instead of ALREADY_VOTED.",
    )
    previous_receipt: str | None = text(
        max=RECEIPT_MAX_LENGTH,
        default=None,
        description="Changing a secret ballot (where the vote allows it): the receipt of the "
        "ballot being replaced.",
    )
