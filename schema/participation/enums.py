"""The participation domain's enums in GraphQL, each registered once with its description."""

from __future__ import annotations

import strawberry

from models.participation import MemberState, RewardStatus, WishState
from resolvers.participation.ranking import TeamKind

strawberry.enum(
    RewardStatus,
    name="RewardStatus",
    description="A reward decision: GRANTED 已发放 · DECLINED 不予奖励.",
)
strawberry.enum(
    WishState,
    name="WishState",
    description="A micro-wish: OPEN 待认领 · CLAIMED 已认领 · FULFILLED 已完成 (photo) · "
    "CONFIRMED 已确认.",
)
strawberry.enum(
    MemberState,
    name="CircleMemberState",
    description="In a circle: ACTIVE 在圈 · LEFT 已退出 · REMOVED 被移出 (by staff).",
)
strawberry.enum(TeamKind, name="TeamKind", description="A team of the ranking: COMMUNITY or GRID.")

__all__ = ["MemberState", "RewardStatus", "TeamKind", "WishState"]
