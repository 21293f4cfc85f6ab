"""Rewards, the reporters' ranking and micro-wishes as the schema shows them.

A micro-wish shows its community, grid and state, never the wisher's name or contact: a
volunteer learns whom to visit from the grid worker, and the wisher and the claimer see
``mine`` / ``claimedByMe``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import participation as m
from models.tenancy import Community as CommunityRow
from models.tenancy import Grid as GridRow
from resolvers.participation import nearby, ranking, wishes
from schema.context import Info
from schema.participation.enums import (
    MemberState,
    RewardStatus,
    TeamKind,
    WishState,
)
from schema.relay import Node, to_global_id

if TYPE_CHECKING:  # made from the domain list when the schema is built (schema/contributed.py)
    from enum import StrEnum as NearbyKind
from schema.tenancy.types import Community, Grid


@strawberry.type(
    description="奖励标准: the amount paid for a verified case of a category and urgency."
)
class RewardRule(Node):
    amount: Decimal
    urgency: str | None = strawberry.field(description="ORDINARY, IMPORTANT, URGENT or any.")
    category_id: strawberry.ID | None = strawberry.field(description="The category, or any.")
    updated_at: datetime

    @classmethod
    def from_model(cls, row: m.RewardRule) -> RewardRule:
        return cls(
            id=to_global_id("RewardRule", row.id),
            amount=row.amount,
            urgency=row.urgency.value if row.urgency else None,
            category_id=(
                strawberry.ID(to_global_id("CaseCategory", row.category_id))
                if row.category_id
                else None
            ),
            updated_at=row.updated_at,
        )


@strawberry.type(
    description="年度奖励预算: the street's reward budget of one year and what it paid."
)
class RewardBudget:
    year: int
    budget: Decimal
    granted: Decimal

    @strawberry.field(description="What is left of the year's budget.")
    def left(self) -> Decimal:
        return self.budget - self.granted

    @classmethod
    def from_model(cls, row: m.RewardBudget) -> RewardBudget:
        return cls(year=row.year, budget=row.budget, granted=row.granted)


@strawberry.type(description="爆料奖励: a reviewer's decision on one case's reward.")
class Reward(Node):
    status: RewardStatus
    amount: Decimal = strawberry.field(description="In yuan, exact (0 when declined).")
    year: int = strawberry.field(description="The budget year it is paid from.")
    note: str
    decided_at: datetime
    case_id: strawberry.ID = strawberry.field(description="The case rewarded.")

    @classmethod
    def from_model(cls, row: m.Reward) -> Reward:
        return cls(
            id=to_global_id("Reward", row.id),
            status=RewardStatus(row.status),
            amount=row.amount,
            year=row.year,
            note=row.note,
            decided_at=row.decided_at,
            case_id=strawberry.ID(to_global_id("Case", row.case_id)),
        )


@strawberry.type(description="One reporter's place on the year's ranking (年度爆料达人).")
class ReporterRank:
    rank: int = strawberry.field(description="Ties share a rank (1, 2, 2, 4).")
    name: str = strawberry.field(description="Masked (张*明) unless they chose to show it.")
    named: bool = strawberry.field(description="The reporter chose to show their name.")
    cases: int = strawberry.field(description="Verified cases of the year.")

    @classmethod
    def from_rank(cls, row: ranking.ReporterRank) -> ReporterRank:
        return cls(rank=row.rank, name=row.name, named=row.named, cases=row.cases)


@strawberry.type(description="A community's or grid's place on the year's team ranking.")
class TeamRank:
    rank: int
    kind: TeamKind
    team_id: strawberry.ID = strawberry.field(description="The community or grid.")
    name: str
    cases: int = strawberry.field(description="Verified cases of the year reported there.")
    reporters: int = strawberry.field(description="How many residents reported them.")

    @classmethod
    def from_rank(cls, row: ranking.TeamRank) -> TeamRank:
        kind = "Community" if row.kind is ranking.TeamKind.COMMUNITY else "Grid"
        return cls(
            rank=row.rank,
            kind=TeamKind(row.kind.value),
            team_id=strawberry.ID(to_global_id(kind, row.team_id)),
            name=row.name,
            cases=row.cases,
            reporters=row.reporters,
        )


@strawberry.type(description="实名上榜: whether the caller's name is shown on the ranking.")
class RankingConsent:
    show_name: bool


@strawberry.type(description="微心愿: a small wish of a resident in need.")
class MicroWish(Node):
    title: str
    description: str
    state: WishState
    created_at: datetime
    claimed_at: datetime | None
    fulfilled_at: datetime | None
    confirmed_at: datetime | None
    fulfil_note: str = strawberry.field(description="The claimer's note with the photo.")
    has_photo: bool = strawberry.field(description="The fulfilment's photo is stored.")
    row: strawberry.Private[m.MicroWish]

    @classmethod
    def from_model(cls, row: m.MicroWish) -> MicroWish:
        return cls(
            id=to_global_id("MicroWish", row.id),
            title=row.title,
            description=row.description,
            state=WishState(row.state),
            created_at=row.created_at,
            claimed_at=row.claimed_at,
            fulfilled_at=row.fulfilled_at,
            confirmed_at=row.confirmed_at,
            fulfil_note=row.fulfil_note,
            has_photo=bool(row.photo_path),
            row=row,
        )

    @strawberry.field(description="The caller posted it for themself or it is theirs.")
    def mine(self, info: Info) -> bool:
        return self.row.wisher_id == info.context.viewer.require_user().id

    @strawberry.field(description="The caller is its claimer.")
    def claimed_by_me(self, info: Info) -> bool:
        return (
            self.row.claimer_id is not None
            and self.row.claimer_id == info.context.viewer.require_user().id
        )

    @strawberry.field(description="The case it came from, if a handler turned one into it.")
    def case_id(self) -> strawberry.ID | None:
        if self.row.case_id is None:
            return None
        return strawberry.ID(to_global_id("Case", self.row.case_id))

    @strawberry.field
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.by_id(CommunityRow).load(self.row.community_id)
        return Community.from_model(row) if row else None

    @strawberry.field
    async def grid(self, info: Info) -> Grid | None:
        if self.row.grid_id is None:
            return None
        row = await info.context.loaders.by_id(GridRow).load(self.row.grid_id)
        return Grid.from_model(row) if row else None


@strawberry.type(description="微心愿统计: one community's micro-wishes by what became of them.")
class CommunityWishCount:
    community: Community
    open: int = strawberry.field(description="Waiting for a claimer.")
    claimed: int = strawberry.field(description="Ever claimed (fulfilled and confirmed included).")
    fulfilled: int = strawberry.field(description="Fulfilled (confirmed included).")
    confirmed: int

    @classmethod
    def from_counts(cls, row: wishes.CommunityWishes) -> CommunityWishCount:
        return cls(
            community=Community.from_model(row.community),
            open=row.open,
            claimed=row.claimed,
            fulfilled=row.fulfilled,
            confirmed=row.confirmed,
        )


@strawberry.type(description="圈子: an interest group of the street.")
class Circle(Node):
    name: str
    description: str
    created_at: datetime
    joined: bool = strawberry.field(description="The caller is in the circle.")

    @classmethod
    def from_model(cls, row: m.Circle, joined: bool) -> Circle:
        return cls(
            id=to_global_id("Circle", row.id),
            name=row.name,
            description=row.description,
            created_at=row.created_at,
            joined=joined,
        )


@strawberry.type(description="One's membership of a circle.")
class CircleMembership:
    circle_id: strawberry.ID
    state: MemberState
    joined_at: datetime

    @classmethod
    def from_model(cls, row: m.CircleMember) -> CircleMembership:
        return cls(
            circle_id=strawberry.ID(to_global_id("Circle", row.circle_id)),
            state=MemberState(row.state),
            joined_at=row.joined_at,
        )


@strawberry.type(description="A post in a circle, or a reply to one.")
class CirclePost(Node):
    body: str
    created_at: datetime
    hidden: bool = strawberry.field(
        description="Hidden by staff, or rejected by the review (shown to staff only)."
    )
    in_review: bool = strawberry.field(
        description="Held by the street's review queue (审核): shown to its author and staff only."
    )
    reports: int = strawberry.field(description="How many members reported it.")
    parent_id: strawberry.ID | None = strawberry.field(description="The post it replies to.")
    row: strawberry.Private[m.CirclePost]

    @classmethod
    def from_model(cls, row: m.CirclePost) -> CirclePost:
        return cls(
            id=to_global_id("CirclePost", row.id),
            body=row.body,
            created_at=row.created_at,
            hidden=row.hidden,
            in_review=row.in_review,
            reports=row.reports,
            parent_id=(
                strawberry.ID(to_global_id("CirclePost", row.parent_id)) if row.parent_id else None
            ),
            row=row,
        )

    @strawberry.field(description="The caller wrote it.")
    def mine(self, info: Info) -> bool:
        return self.row.author_id == info.context.viewer.require_user().id


@strawberry.type(description="身边: one item of the resident's feed.")
class NearbyItem:
    kind: Annotated[NearbyKind, strawberry.lazy("schema.contributed")]
    subject_id: strawberry.ID = strawberry.field(
        description="What it is about: the notice or legal article (Notice), the case (Case), "
        "the activity (Activity)…"
    )
    title: str
    summary: str = strawberry.field(
        description="The notice's text, the case's result, the activity's time, place and "
        "notice, cut."
    )
    at: datetime = strawberry.field(description="Sent, resolved or published.")

    @classmethod
    def from_item(cls, row: nearby.NearbyItem) -> NearbyItem:
        return cls(
            kind=row.kind,  # type: ignore[arg-type]  # the enum's values are the kinds' names
            subject_id=strawberry.ID(to_global_id(row.node_type, row.ref_id)),
            title=row.title,
            summary=row.summary,
            at=row.at,
        )
