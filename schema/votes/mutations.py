"""Running votes (congress staff) and casting ballots (the electorate)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from core.errors import DomainError
from core.ids import from_global_id
from models.votes import Vote as VoteModel
from policies.capabilities.votes import VOTE_CAST, VOTE_MANAGE
from resolvers.votes import ballots, drafting, lifecycle
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text_argument
from schema.permissions import Can, mutation
from schema.relay import decode_id
from schema.votes.inputs import BallotMarkInput, CastBallotInput, VoteInput
from schema.votes.types import Vote


@strawberry.type
class VoteSuccess:
    vote: Vote


@strawberry.type(description="The ballot is counted (or was already, for a retried submission).")
class BallotCounted:
    receipt: str = strawberry.field(
        description="回执码: keep it. Once the result is published, its hash appears on the "
        "bulletin board with the ballot's choices (checkVoteReceipt)."
    )
    replayed: bool = strawberry.field(
        description="True when this was a retry of a ballot already counted (same key)."
    )
    changed: bool = strawberry.field(description="True when this replaced an earlier ballot.")
    vote: Vote


VotePayload = Annotated[VoteSuccess | InputError, strawberry.union("VotePayload")]
CastBallotPayload = Annotated[BallotCounted | InputError, strawberry.union("CastBallotPayload")]

MANAGE = Can(VOTE_MANAGE)


def _draft(info: Info, input: VoteInput) -> drafting.VoteDraft:
    e = input.electorate
    return drafting.VoteDraft(
        kind=input.kind,
        title=input.title,
        description=input.description,
        electorate=drafting.ElectorateDraft(
            kind=e.kind,
            community_ids=[decode_id(c, "Community", "electorate") for c in e.community_ids],
            grid_ids=[decode_id(g, "Grid", "electorate") for g in e.grid_ids],
            user_ids=[decode_id(a, "Account", "electorate") for a in e.account_ids],
        ),
        items=[
            drafting.ItemDraft(
                label=item.label,
                project_id=decode_id(item.project_id, "Project", "items")
                if item.project_id is not None
                else None,
                subject_kind=item.subject_kind,
                representative_id=decode_id(item.representative_id, "Account", "items")
                if item.representative_id is not None
                else None,
            )
            for item in input.items
        ],
        secret=input.secret,
        allow_changes=input.allow_changes,
        mode=input.mode,
        max_choices=input.max_choices,
        scale_max=input.scale_max,
        quorum_percent=input.quorum_percent,
        threshold_basis=input.threshold_basis,
        opens_at=input.opens_at,
        closes_at=input.closes_at,
    )


Step = Callable[..., Awaitable[VoteModel]]


async def _step(info: Info, id: strawberry.ID, step: Step, *args: object) -> VoteSuccess:
    vote_id = decode_id(id, "Vote", "id")
    row = await step(caller(info), vote_id, *args)
    return VoteSuccess(vote=Vote.from_model(row))


def _mark(mark: BallotMarkInput) -> ballots.Mark:
    """A mark names a line of the ballot, or (on a project ballot) the candidate project.
    Each ID is decoded once: a ballot brings one mark per line."""
    try:
        kind, pk = from_global_id(mark.item_id)
    except DomainError:
        kind, pk = "", 0
    if kind == "Project":
        return ballots.Mark(project_id=pk, answer=mark.answer, score=mark.score)
    if kind != "VoteItem":  # the error decode_id gives for it
        pk = decode_id(mark.item_id, "VoteItem", "choices")
    return ballots.Mark(item_id=pk, answer=mark.answer, score=mark.score)


@strawberry.type
class VotesMutation:
    @mutation(
        requires=MANAGE,
        description="Draft a vote (草拟): kind, ballot paper, electorate, rules, schedule.",
    )
    async def create_vote(self, info: Info, input: VoteInput) -> VotePayload:
        row = await drafting.save_draft(caller(info), _draft(info, input))
        return VoteSuccess(vote=Vote.from_model(row))

    @mutation(
        requires=MANAGE,
        description="Replace a DRAFT's contents. Once opened a vote cannot be edited "
        "(INVALID_TRANSITION).",
    )
    async def update_vote(self, info: Info, id: strawberry.ID, input: VoteInput) -> VotePayload:
        vote_id = decode_id(id, "Vote", "id")
        row = await drafting.save_draft(caller(info), _draft(info, input), vote_id)
        return VoteSuccess(vote=Vote.from_model(row))

    @mutation(
        requires=MANAGE,
        description="Open a DRAFT now: the electorate is frozen and told through the inbox.",
    )
    async def open_vote(self, info: Info, id: strawberry.ID) -> VotePayload:
        return await _step(info, id, lifecycle.open_vote)

    @mutation(
        requires=MANAGE,
        description="Close an OPEN vote now and count it; the result is seen by congress "
        "staff (countedResult) until published.",
    )
    async def close_vote(self, info: Info, id: strawberry.ID) -> VotePayload:
        return await _step(info, id, lifecycle.close_vote)

    @mutation(
        requires=MANAGE,
        description="Publish a CLOSED vote's result (公布): the bulletin board opens, passed "
        "candidate projects become APPROVED, the electorate is told. Before closing: "
        "INVALID_TRANSITION.",
    )
    async def publish_vote(self, info: Info, id: strawberry.ID) -> VotePayload:
        return await _step(info, id, lifecycle.publish_vote)

    @mutation(
        requires=MANAGE,
        description="Cancel a DRAFT or OPEN vote, with a reason (its ballots are never counted).",
    )
    async def cancel_vote(
        self,
        info: Info,
        id: strawberry.ID,
        reason: Annotated[str, text_argument(VoteModel, "cancel_reason")],
    ) -> VotePayload:
        return await _step(info, id, lifecycle.cancel_vote, reason)

    @mutation(
        requires=Can(VOTE_CAST),
        description="Cast a ballot (投票) on an OPEN vote one is on the electorate of. Once only: "
        "ALREADY_VOTED after that (unless the vote allows changes), the same ballot with the "
        "same idempotency key returns the first receipt. NOT_ON_ELECTORATE, VOTE_NOT_OPEN, "
        "VOTE_CLOSED, TOO_MANY_CHOICES, BAD_USER_INPUT (a line not on the ballot): nothing is "
        "written.",
    )
    async def cast_ballot(self, info: Info, input: CastBallotInput) -> CastBallotPayload:
        counted = await ballots.cast_ballot(
            caller(info),
            decode_id(input.vote_id, "Vote", "voteId"),
            [_mark(mark) for mark in input.choices],
            input.idempotency_key,
            input.previous_receipt,
        )
        return BallotCounted(
            receipt=counted.receipt,
            replayed=counted.replayed,
            changed=counted.changed,
            vote=Vote.from_model(counted.vote),
        )
