"""Votes (网上票决) as the schema shows them.

What a vote's result shows depends on where it stands, and who asks: ``result`` is public
once PUBLISHED; ``countedResult`` is for congress staff from CLOSED on; ``runningTally`` is the
live count of an open (named) ballot for staff consoles and big screens, never of a secret one.
The capability on each field says who asks; the rules in ``resolvers/votes/rows.py`` say when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from models import votes as m
from models.accounts import User as UserRow
from models.columns import column
from models.projects import Project as ProjectRow
from models.tenancy import Community as CommunityRow
from models.tenancy import Grid as GridRow
from models.votes import Ballot as BallotModel
from policies.capabilities.votes import VOTE_MANAGE, VOTE_TALLY_READ
from policies.rows import ANYONE
from resolvers.audit import log as audit_log
from resolvers.pagination import check_page_size
from resolvers.votes import board, common, receipts, rows
from resolvers.votes.common import load_vote_items
from resolvers.votes.tally import count
from schema.accounts.types import Account
from schema.audit.types import AuditCheckpoint, AuditInclusion, inclusion
from schema.context import Info
from schema.permissions import Can, field
from schema.projects.types import Project
from schema.relay import Connection, Node, to_global_id
from schema.tenancy.types import Community, Grid
from schema.votes.enums import (
    Answer,
    BallotMode,
    ElectorateKind,
    Outcome,
    SubjectKind,
    ThresholdBasis,
    VoteKind,
    VoteStatus,
)
from tenants.scoping import street_scope

MANAGE = Can(VOTE_MANAGE)
MONITOR = Can(VOTE_TALLY_READ)


@strawberry.type(description="A line of the ballot paper (选票条目).")
class VoteItem(Node):
    position: int
    label: str
    subject_kind: SubjectKind
    row: strawberry.Private[m.VoteItem]

    @strawberry.field(description="The candidate (or rated) project, if the line is one.")
    async def project(self, info: Info) -> Project | None:
        if self.row.project_id is None:
            return None
        row = await info.context.loaders.by_id(ProjectRow).load(self.row.project_id)
        return Project.from_model(row, info) if row else None

    @classmethod
    def from_model(cls, row: m.VoteItem) -> VoteItem:
        return cls(
            id=to_global_id("VoteItem", row.id),
            position=row.position,
            label=row.label,
            subject_kind=row.subject_kind,
            row=row,
        )


@strawberry.type(description="The count of one line.")
class ItemResult:
    item_id: strawberry.ID
    label: str
    yes: int = strawberry.field(description="赞成 (in an approval vote: ticks).")
    no: int = strawberry.field(description="反对.")
    abstain: int = strawberry.field(description="弃权 (unmarked lines included).")
    ratings: list[int] = strawberry.field(
        description="For a rating: how many gave 1, 2, … `scaleMax`."
    )
    rating_count: int
    average_score: str | None = strawberry.field(description="Two decimals, as text.")
    outcome: Outcome


@strawberry.type(description="A vote's count (计票结果).")
class VoteResult:
    electorate_size: int
    turnout: int
    quorum_percent: int
    quorum_met: bool
    threshold_basis: ThresholdBasis
    items: list[ItemResult]
    digest: str | None = strawberry.field(
        description="SHA-256 of the stored result (recorded in the audit chain when published)."
    )

    @classmethod
    def from_result(cls, result: dict[str, Any], digest: str | None) -> VoteResult:
        return cls(
            electorate_size=result["electorateSize"],
            turnout=result["turnout"],
            quorum_percent=result["quorumPercent"],
            quorum_met=result["quorumMet"],
            threshold_basis=m.ThresholdBasis(result["thresholdBasis"]),
            items=[
                ItemResult(
                    item_id=to_global_id("VoteItem", item["item"]),
                    label=item["label"],
                    yes=item["yes"],
                    no=item["no"],
                    abstain=item["abstain"],
                    ratings=item["ratings"],
                    rating_count=item["ratingCount"],
                    average_score=item["averageScore"],
                    outcome=Outcome(item["outcome"]),
                )
                for item in result["items"]
            ],
            digest=digest,
        )


@strawberry.type(description="Who may vote (选民范围), frozen when the vote opens.")
class Electorate:
    kind: ElectorateKind
    size: int = strawberry.field(description="How many were on it when it froze (0 before).")
    spec: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="For RESIDENTS: the communities it covers.")
    async def communities(self, info: Info) -> list[Community]:
        rows = await info.context.loaders.by_id(CommunityRow).load_many(
            self.spec.get("communities", [])
        )
        return [Community.from_model(r) for r in rows if r is not None]

    @strawberry.field(description="For RESIDENTS: the grids it covers.")
    async def grids(self, info: Info) -> list[Grid]:
        rows = await info.context.loaders.by_id(GridRow).load_many(self.spec.get("grids", []))
        return [Grid.from_model(r) for r in rows if r is not None]

    @strawberry.field(description="For a ROSTER: how many accounts were named.")
    def roster_size(self) -> int | None:
        users = self.spec.get("users")
        return len(users) if users is not None else None


@strawberry.type(description="The caller's own place in a vote.")
class Participation:
    on_electorate: bool
    voted: bool
    can_change: bool = strawberry.field(
        description="The vote allows changing a ballot before it closes, and it is open."
    )


@strawberry.type(description="A named ballot of an open vote (记名投票): a roll call is public.")
class NamedBallot:
    cast_at: datetime | None
    choices: strawberry.scalars.JSON = strawberry.field(
        description="Line IDs (global) to their answer or score."
    )
    voter_id: strawberry.Private[int | None]

    @strawberry.field(description="Who voted.")
    async def voter(self, info: Info) -> Account | None:
        if self.voter_id is None:
            return None
        row = await info.context.loaders.by_id(UserRow).load(self.voter_id)
        return Account.from_model(row) if row else None


@strawberry.type(description="One voter of a frozen electorate, for the staff's turnout list.")
class ElectorEntry:
    voted: bool | None = strawberry.field(
        description="Null for a secret vote while it is open: who has voted is not shown "
        "until it closes."
    )
    user_id: strawberry.Private[int]

    @strawberry.field(description="The voter.")
    async def account(self, info: Info) -> Account | None:
        row = await info.context.loaders.by_id(UserRow).load(self.user_id)
        return Account.from_model(row) if row else None


async def _named_ballots(info: Info, vote: m.Vote) -> list[NamedBallot]:
    ballots = await info.context.loaders.of(common.load_ballots).load(vote.id)
    return [
        NamedBallot(
            cast_at=b.cast_at,
            choices=strawberry.scalars.JSON(global_choices(b.choices)),
            voter_id=b.voter_id,
        )
        for b in ballots
    ]


async def live_tally(row: m.Vote) -> VoteResult | None:
    """The running tally as it stands now, read afresh (for live events: a WebSocket
    connection keeps its DataLoaders, and their answers, for as long as it lasts)."""
    if row.secret or row.status is not m.VoteStatus.OPEN:
        return None
    items = await common.ballot_paper(row.id)
    choices = await column(BallotModel.filter(vote_id=row.id), "choices", dict)
    return running_result(row, items, list(choices))


def running_result(row: m.Vote, items: list[m.VoteItem], choices: list[Any]) -> VoteResult:
    result = count(common.rules_of(row), common.lines_of(items), choices)
    return VoteResult.from_result(result, None)


def global_choices(choices: dict[str, Any]) -> dict[str, Any]:
    return {to_global_id("VoteItem", int(k)): v for k, v in sorted(choices.items())}


@strawberry.type(
    description="一次投票: a project ballot, a resolution or a satisfaction vote of the street."
)
class Vote(Node):
    kind: VoteKind
    title: str
    description: str
    status: VoteStatus
    mode: BallotMode
    secret: bool = strawberry.field(
        description="Secret ballot (无记名): who voted is kept apart from what was voted."
    )
    allow_changes: bool = strawberry.field(
        description="A voter may change their ballot until the vote closes."
    )
    max_choices: int | None = strawberry.field(description="APPROVAL: at most this many ticks.")
    scale_max: int = strawberry.field(description="RATING: scores go from 1 to this.")
    quorum_percent: int = strawberry.field(
        description="At least this share of the electorate must take part (0–100)."
    )
    threshold_basis: ThresholdBasis
    opens_at: datetime | None
    closes_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    published_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    created_at: datetime
    row: strawberry.Private[m.Vote]
    turnout_read: strawberry.Private[bool] = False
    """The row's turnout was just read (a ballot's answer): no need to sum the shards."""

    async def _turnout(self, info: Info) -> int:
        if self.row.status is not m.VoteStatus.OPEN or self.turnout_read:
            return self.row.turnout
        return await info.context.loaders.of(common.open_turnouts).load(self.row.id)

    @strawberry.field(description="Ballots counted so far (live).")
    async def turnout(self, info: Info) -> int:
        return await self._turnout(info)

    @strawberry.field(description="Who may vote, and how many.")
    def electorate(self) -> Electorate:
        return Electorate(
            kind=self.row.electorate_kind,
            size=self.row.electorate_size,
            spec=self.row.electorate_spec or {},
        )

    @strawberry.field(description="Turnout as a percentage of the electorate (0 before opening).")
    async def turnout_percent(self, info: Info) -> float:
        size = self.row.electorate_size
        return round(100 * await self._turnout(info) / size, 2) if size else 0.0

    @strawberry.field(description="The ballot paper, in order.")
    async def items(self, info: Info) -> list[VoteItem]:
        return [
            VoteItem.from_model(r)
            for r in await info.context.loaders.of(load_vote_items).load(self.row.id)
        ]

    @strawberry.field(description="The result, once PUBLISHED (null before).")
    def result(self) -> VoteResult | None:
        row = self.row
        if row.result is None or not rows.RULES.sees(ANYONE, rows.PUBLISHED_RESULT, row):
            return None
        return VoteResult.from_result(row.result, row.result_digest)

    @field(requires=MANAGE, description="The count, from CLOSED on (null before).")
    def counted_result(self) -> VoteResult | None:
        row = self.row
        if row.result is None or not rows.RULES.sees(ANYONE, rows.COUNTED_RESULT, row):
            return None
        return VoteResult.from_result(row.result, row.result_digest)

    @field(
        requires=MONITOR,
        description="The live count of an OPEN named ballot (null for a secret vote: its "
        "result stays hidden until it closes).",
    )
    async def running_tally(self, info: Info) -> VoteResult | None:
        row = self.row
        if not rows.RULES.sees(ANYONE, rows.RUNNING_TALLY, row):
            return None
        items = await info.context.loaders.of(load_vote_items).load(row.id)
        choices = [
            b.choices for b in await info.context.loaders.of(common.load_ballots).load(row.id)
        ]
        return running_result(row, items, choices)

    @strawberry.field(description="Whether the caller may vote, and has.")
    async def my_participation(self, info: Info) -> Participation:
        user = info.context.viewer.require_user()
        elector = await info.context.loaders.of(common.load_electors).load((self.row.id, user.id))
        return Participation(
            on_electorate=elector is not None,
            voted=bool(elector and elector.voted),
            can_change=bool(
                elector and self.row.allow_changes and self.row.status is m.VoteStatus.OPEN
            ),
        )

    @strawberry.field(
        description="The roll call of a named vote, once PUBLISHED: each ballot with its voter "
        "(empty before, and always empty for a secret vote)."
    )
    async def named_ballots(self, info: Info) -> list[NamedBallot]:
        if not rows.RULES.sees(ANYONE, rows.ROLL_CALL, self.row):
            return []
        return await _named_ballots(info, self.row)

    @field(
        requires=MANAGE,
        description="The roll call of a named vote while it runs, for congress staff (empty "
        "for a secret vote).",
    )
    async def roll_call(self, info: Info) -> list[NamedBallot]:
        if not rows.RULES.sees(ANYONE, rows.STAFF_ROLL_CALL, self.row):
            return []
        return await _named_ballots(info, self.row)

    @classmethod
    def from_model(cls, row: m.Vote, turnout_read: bool = False) -> Vote:
        return cls(
            id=to_global_id("Vote", row.id),
            kind=row.kind,
            title=row.title,
            description=row.description,
            status=row.status,
            mode=row.mode,
            secret=row.secret,
            allow_changes=row.allow_changes,
            max_choices=row.max_choices,
            scale_max=row.scale_max,
            quorum_percent=row.quorum_percent,
            threshold_basis=row.threshold_basis,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            opened_at=row.opened_at,
            closed_at=row.closed_at,
            published_at=row.published_at,
            cancelled_at=row.cancelled_at,
            cancel_reason=row.cancel_reason,
            created_at=row.created_at,
            row=row,
            turnout_read=turnout_read,
        )


@strawberry.type(description="One mark of a ballot on the bulletin board.")
class BoardChoice:
    item_id: strawberry.ID
    answer: Answer | None
    score: int | None


@strawberry.type(
    description="A counted ballot on the bulletin board (公示): its receipt hash, what it says, "
    "and the salt that opens its seal in the audit log (SHA-256 of salt + canonical JSON)."
)
class BoardEntry:
    receipt_hash: str
    salt: str
    choices: list[BoardChoice]
    raw_choices: strawberry.Private[dict[str, Any]]
    vote_row: strawberry.Private[m.Vote | None] = None
    receipt: strawberry.Private[str | None] = None

    @classmethod
    def from_entry(
        cls,
        receipt_hash: str,
        salt: str,
        choices: dict[str, Any],
        vote: m.Vote | None = None,
        receipt: str | None = None,
    ) -> BoardEntry:
        return cls(
            receipt_hash=receipt_hash,
            salt=salt,
            choices=[
                BoardChoice(
                    item_id=to_global_id("VoteItem", int(k)),
                    answer=Answer(v) if isinstance(v, str) else None,
                    score=v if isinstance(v, int) else None,
                )
                for k, v in sorted(choices.items(), key=lambda kv: int(kv[0]))
            ],
            raw_choices=choices,
            vote_row=vote,
            receipt=receipt,
        )

    async def _proof(self) -> audit_log.InclusionProof | audit_log.Pending | None:
        if self.vote_row is None:
            return None
        with street_scope(self.vote_row.tenant_id, writable=False):
            return await receipts.receipt_proof(self.vote_row, self.receipt_hash)

    @strawberry.field(
        description="The ballot's inclusion proof (through checkVoteReceipt): its entry in the "
        "street's audit log under the checkpoint the result was counted from (the board's "
        "`checkpoint`); AuditProofPending until that checkpoint is signed."
    )
    async def inclusion(self) -> AuditInclusion | None:
        found = await self._proof()
        return None if found is None else inclusion(found)

    @strawberry.field(
        description="RECEIPT.json (through checkVoteReceipt): everything needed to check the "
        "ballot offline against a trusted key (`gongzhi audit check-receipt RECEIPT.json`, or "
        "the board page's own check); null while the proof is pending."
    )
    async def receipt_document(self) -> JSON | None:
        found = await self._proof()
        if not isinstance(found, audit_log.InclusionProof) or self.vote_row is None:
            return None
        ballot = {"receiptHash": self.receipt_hash, "choices": self.raw_choices, "salt": self.salt}
        return JSON(receipts.receipt_document(self.vote_row, self.receipt, ballot, found))


@strawberry.type(
    description="A published vote's bulletin board: the result and every counted ballot by "
    "receipt hash, so a voter can check theirs and anyone can count again."
)
class BulletinBoard:
    vote_id: strawberry.ID
    title: str
    kind: VoteKind
    street_name: str
    published_at: datetime | None
    items: list[VoteItem]
    result: VoteResult
    vote_row: strawberry.Private[m.Vote]
    receipt_scheme: str = strawberry.field(
        description="How a receipt code becomes its hash: SHA-256 of `receipt|` + the code in "
        "upper case without dashes, as hex."
    )
    checkpoint: AuditCheckpoint | None = strawberry.field(
        default=None,
        description="The signed checkpoint of the street's audit log that the result was "
        "counted from (the first one including the close): every ballot's receipt is proven "
        "against it. Keep it: a history rewritten later no longer matches it.",
    )

    @strawberry.field(
        description="The counted ballots, a page at a time in receipt-hash order (the order "
        "says nothing of when a ballot was cast): the cursor is the last receipt hash read. "
        "Read every page to count again; `totalCount` is the number of counted ballots."
    )
    async def entries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BoardEntry]:
        size = check_page_size(first, info.context.services.settings.max_page_size)
        page = await board.board_entries(self.vote_row, size, after)
        return Connection.from_page(
            page, lambda e: BoardEntry.from_entry(e.receipt_hash, e.salt, e.choices), info
        )
