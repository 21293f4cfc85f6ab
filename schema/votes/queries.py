"""Reading votes: the street's votes, one vote's electorate, the public bulletin board."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import ErrorCode, Refused
from models.tenancy import Street as StreetModel
from models.votes import Elector, VoteKind, VoteStatus
from models.votes import Vote as VoteModel
from policies.capabilities.votes import VOTE_MANAGE, VOTE_READ
from policies.rows import ANYONE
from resolvers.pagination import keyset_page
from resolvers.votes import board, rows
from resolvers.votes.common import RECEIPT_MAX_LENGTH, require_vote
from schema.audit.types import AuditCheckpoint
from schema.context import Info
from schema.inputs import text_argument
from schema.permissions import Can, Public, field
from schema.relay import Connection, decode_id
from schema.votes.types import BoardEntry, BulletinBoard, ElectorEntry, Vote, VoteItem, VoteResult
from tenants.scoping import unscoped

RECEIPT_SCHEME = "sha256('receipt|' + upper(code without dashes)), hex"


@strawberry.type
class VotesQuery:
    @field(requires=Can(VOTE_READ), description="One vote of the street.")
    async def vote(self, info: Info, id: strawberry.ID) -> Vote:
        return Vote.from_model(await require_vote(decode_id(id, "Vote", "id")))

    @field(
        requires=Can(VOTE_READ),
        description="The street's votes, newest first, filtered by status and kind.",
    )
    async def votes(
        self,
        info: Info,
        status: list[VoteStatus] | None = None,
        kind: VoteKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Vote]:
        query = VoteModel.all()
        if status:
            query = query.filter(status__in=list(status))
        if kind is not None:
            query = query.filter(kind=kind)
        page = await keyset_page(
            query, first, after, info.context.services.settings.max_page_size, newest_first=True
        )
        return Connection.from_page(page, Vote.from_model)

    @field(
        requires=Can(VOTE_MANAGE),
        description="The frozen electorate of a vote (催票 list). Who has voted is shown for a "
        "named vote, and for a secret one only once it has closed.",
    )
    async def vote_electors(
        self,
        info: Info,
        id: strawberry.ID,
        voted: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ElectorEntry]:
        vote = await require_vote(decode_id(id, "Vote", "id"))
        hidden = not rows.RULES.sees(ANYONE, rows.WHO_HAS_VOTED, vote)
        if hidden and voted is not None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.secret_participation", "voted")
        query = Elector.filter(vote_id=vote.id)
        if voted is not None:
            query = query.filter(voted=voted)
        page = await keyset_page(query, first, after, info.context.services.settings.max_page_size)
        return Connection.from_page(
            page,
            lambda e: ElectorEntry(voted=None if hidden else e.voted, user_id=e.user_id),
        )

    @field(
        replica=True,
        requires=Public(),
        description="公示: a published vote's bulletin board, for anyone: the result and every "
        "counted ballot by receipt hash with its choices. NOT_FOUND until it is published.",
    )
    async def vote_bulletin_board(self, info: Info, id: strawberry.ID) -> BulletinBoard:
        found = await board.bulletin_board(decode_id(id, "Vote", "id"))
        vote = found.vote
        with unscoped("the street's name on a public board"):
            street = await StreetModel.get(id=vote.tenant_id)
        assert vote.result is not None
        return BulletinBoard(
            vote_id=strawberry.ID(id),
            title=vote.title,
            kind=vote.kind,
            street_name=street.name,
            published_at=vote.published_at,
            items=[VoteItem.from_model(item) for item in found.items],
            result=VoteResult.from_result(vote.result, vote.result_digest),
            vote_row=vote,
            receipt_scheme=RECEIPT_SCHEME,
            checkpoint=AuditCheckpoint.from_model(found.checkpoint) if found.checkpoint else None,
        )

    @field(
        requires=Public(),
        description="Check a receipt (验票) on a published vote: the counted ballot it stands "
        "for, or null if none was counted under it; its `inclusion` proves it is in the "
        "street's audit log under the board's checkpoint, and `receiptDocument` is the "
        "RECEIPT.json to check offline.",
    )
    async def check_vote_receipt(
        self,
        info: Info,
        id: strawberry.ID,
        receipt: Annotated[str, text_argument(max=RECEIPT_MAX_LENGTH)],
    ) -> BoardEntry | None:
        pk = decode_id(id, "Vote", "id")
        entry = await board.find_receipt(pk, receipt)
        if entry is None:
            return None
        vote = await board.published_vote(pk)
        return BoardEntry.from_entry(entry.receipt_hash, entry.salt, entry.choices, vote, receipt)
