"""Reading rewards, the ranking and micro-wishes."""

from __future__ import annotations

import strawberry

from models.participation import WishState as WishStateRow
from models.tenancy import Community as CommunityRow
from policies.capabilities.participation import (
    CIRCLE_MODERATE,
    CIRCLE_READ,
    NEARBY_READ,
    RANKING_READ,
    REWARD_LEDGER,
    REWARD_READ,
    WISH_COUNT,
    WISH_READ,
)
from resolvers.participation import circles, nearby, ranking, rewards, views, wishes
from resolvers.participation.ranking import TeamKind as TeamKindRow
from schema.caller import caller
from schema.context import Info
from schema.participation.enums import TeamKind, WishState
from schema.participation.types import (
    Circle,
    CirclePost,
    CommunityWishCount,
    MicroWish,
    NearbyItem,
    ReporterRank,
    Reward,
    RewardBudget,
    TeamRank,
)
from schema.permissions import Can, field
from schema.relay import Connection, decode_id
from tenants.scoping import get_in_street


async def _community(value: strawberry.ID | None) -> int | None:
    if value is None:
        return None
    pk = decode_id(value, "Community", "communityId")
    await get_in_street(CommunityRow, pk)
    return pk


@strawberry.type
class ParticipationQuery:
    @field(
        requires=Can(REWARD_READ),
        description="我的奖励: the rewards granted on your own cases, newest first.",
    )
    async def my_rewards(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Reward]:
        page = await views.my_rewards(caller(info), first, after)
        return Connection.from_page(page, Reward.from_model)

    @field(
        requires=Can(REWARD_LEDGER),
        description="奖励台账: every reward decision of the street (of one budget year), newest "
        "first.",
    )
    async def reward_ledger(
        self,
        info: Info,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Reward]:
        page = await views.ledger(caller(info), year, first, after)
        return Connection.from_page(page, Reward.from_model)

    @field(
        requires=Can(REWARD_LEDGER),
        description="年度奖励预算: the street's reward budget of a year and what it granted "
        "(null when none is set).",
    )
    async def reward_budget(self, info: Info, year: int) -> RewardBudget | None:
        row = await views.budget(rewards.budget_year(year))
        return RewardBudget.from_model(row) if row else None

    @field(
        replica=True,
        requires=Can(RANKING_READ),
        description="年度爆料达人: the year's top reporters of the street (or of one community), "
        "counted from verified cases, at least the street's minimum each, names masked unless "
        "shown by choice.",
    )
    async def reporter_ranking(
        self,
        info: Info,
        year: int,
        community_id: strawberry.ID | None = None,
        top: int = 20,
    ) -> list[ReporterRank]:
        found = await ranking.reporters(caller(info), year, await _community(community_id), top)
        return [ReporterRank.from_rank(r) for r in found]

    @field(
        replica=True,
        requires=Can(RANKING_READ),
        description="The year's communities or grids by the verified cases reported there.",
    )
    async def team_ranking(
        self, info: Info, year: int, kind: TeamKind = TeamKind.COMMUNITY, top: int = 20
    ) -> list[TeamRank]:
        found = await ranking.teams(caller(info), year, TeamKindRow(kind.value), top)
        return [TeamRank.from_rank(r) for r in found]

    @field(
        requires=Can(WISH_READ),
        description="微心愿: the street's micro-wishes, newest first, of some states and one "
        "community.",
    )
    async def micro_wishes(
        self,
        info: Info,
        states: list[WishState] | None = None,
        community_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MicroWish]:
        wanted = [WishStateRow(s.value) for s in states] if states else None
        page = await views.wishes(
            caller(info), wanted, await _community(community_id), first, after
        )
        return Connection.from_page(page, MicroWish.from_model)

    @field(
        replica=True,
        requires=Can(WISH_COUNT),
        description="微心愿统计: per community, the wishes open, claimed, fulfilled, confirmed.",
    )
    async def micro_wish_counts(self, info: Info) -> list[CommunityWishCount]:
        return [CommunityWishCount.from_counts(c) for c in await wishes.counts_by_community()]

    @field(requires=Can(CIRCLE_READ), description="圈子: the street's interest circles.")
    async def circles(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Circle]:
        who = caller(info)
        page = await circles.circles(who, first, after)
        joined = await circles.joined_of(who.user.id, [row.id for row in page.items])
        return Connection.from_page(page, lambda row: Circle.from_model(row, row.id in joined))

    @field(
        requires=Can(CIRCLE_READ),
        description="A circle's posts and replies, newest first: for its members (hidden ones "
        "left out) and the street's moderators (everything).",
    )
    async def circle_posts(
        self,
        info: Info,
        circle_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CirclePost]:
        who = caller(info)
        moderator = who.can(CIRCLE_MODERATE.resource, CIRCLE_MODERATE.action)
        pk = decode_id(circle_id, "Circle", "circleId")
        page = await circles.posts(who, pk, moderator, first, after)
        return Connection.from_page(page, CirclePost.from_model)

    @field(
        requires=Can(CIRCLE_MODERATE),
        description="The posts members reported that are not hidden yet, newest first.",
    )
    async def reported_circle_posts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CirclePost]:
        page = await circles.reported(caller(info), first, after)
        return Connection.from_page(page, CirclePost.from_model)

    @field(
        requires=Can(NEARBY_READ),
        description="身边: what concerns where you live, newest first: the notices addressed to "
        "you and the public outcomes of your community's cases.",
    )
    async def nearby(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[NearbyItem]:
        page = await nearby.feed(caller(info), first, after)
        return Connection.from_page(page, NearbyItem.from_item)
