from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from models.votes import Vote as VoteModel
from policies.capabilities.votes import VOTE_READ, VOTE_TALLY_READ
from resolvers.outbox import Event
from resolvers.votes import live
from resolvers.votes.common import require_vote, vote_gid
from schema.context import Info
from schema.events.types import SHARED_EVENT
from schema.permissions import Can, field, subscription
from schema.relay import decode_id
from schema.votes.enums import VoteStatus
from schema.votes.types import VoteResult, live_tally
from tenants.scoping import street_scope


@strawberry.type(description="Where a vote stands, pushed on every change and every ballot.")
class VoteProgress:
    cursor: str = strawberry.field(description="Pass as `after` to resume from here.")
    type: str = strawberry.field(
        description="vote.opened · vote.ballot_counted · vote.closing_soon · vote.closed · "
        "vote.published · vote.cancelled · vote.created · vote.updated"
    )
    vote_id: strawberry.ID
    status: VoteStatus | None
    turnout: int
    electorate_size: int
    occurred_at: datetime
    street_id: strawberry.Private[int]
    vote_pk: strawberry.Private[int]

    @strawberry.field(description="Turnout as a percentage of the electorate.")
    def turnout_percent(self) -> float:
        size = self.electorate_size
        return round(100 * self.turnout / size, 2) if size else 0.0

    @field(
        requires=Can(VOTE_TALLY_READ),
        description="The live count of an open named ballot (null for a secret vote).",
    )
    async def running_tally(self, info: Info) -> VoteResult | None:
        with street_scope(self.street_id, writable=False):
            row = await VoteModel.filter(id=self.vote_pk).first()
            if row is None:
                return None
            return await live_tally(row)


def _of(event: Event, vote_pk: int) -> VoteProgress:
    """One object per event, shared by every subscriber in this worker."""
    cached = event.cache.get(VoteProgress)
    if cached is None:
        payload = event.payload
        status = payload.get("status")
        cached = event.cache[VoteProgress] = VoteProgress(
            cursor=event.cursor,
            type=event.type,
            vote_id=strawberry.ID(event.subject),
            status=VoteStatus(status) if status else None,
            turnout=int(payload.get("turnout", 0)),
            electorate_size=int(payload.get("electorateSize", 0)),
            occurred_at=event.occurred_at,
            street_id=event.street_id,
            vote_pk=vote_pk,
        )
    return cached


@strawberry.type
class VotesSubscription:
    @subscription(
        requires=Can(VOTE_READ),
        description="One vote live (staff console, 大屏): turnout on every ballot, and every "
        "step of its lifecycle. Pass the last `cursor` seen as `after` to resume.",
    )
    async def vote_progress(
        self, info: Info, id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[VoteProgress, None]:
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        street = viewer.require_street()
        with street_scope(street.id, writable=False):  # generators run outside the operation
            vote: VoteModel = await require_vote(decode_id(id, "Vote", "id"))
        async for event in live.vote_events(
            context.services,
            user.id,
            street.id,
            vote_gid(vote.id),
            after,
            viewer.token_expires_at,
        ):
            SHARED_EVENT.set(event)
            yield _of(event, vote.id)
