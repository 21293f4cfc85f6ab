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
from schema.live import listener, shared
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
    payload = event.payload
    status = payload.get("status")
    return VoteProgress(
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
        me = listener(info, after)
        with me.reading():
            vote: VoteModel = await require_vote(decode_id(id, "Vote", "id"))
        stream = live.vote_events(
            me.services, me.user.id, me.street.id, vote_gid(vote.id), me.since, me.token_expires_at
        )
        async for item in shared(stream, VoteProgress, lambda event: _of(event, vote.id)):
            yield item
