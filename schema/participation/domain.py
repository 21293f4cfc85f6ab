"""The participation domain (居民参与): rewarded reports (有奖爆料), the year's reporters'
ranking (年度爆料达人) and micro-wishes (微心愿) of 民情E点通."""

from __future__ import annotations

from models import participation as m
from policies.capabilities import participation as capabilities
from resolvers.participation import circles, nearby
from resolvers.participation.codes import ParticipationCode
from resolvers.participation.settings import ParticipationSettings
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.participation.mutations import ParticipationMutation
from schema.participation.queries import ParticipationQuery
from schema.participation.types import Circle, CirclePost, MicroWish, Reward, RewardRule
from schema.permissions import Can


async def _wish(info: Info, pk: int) -> MicroWish | None:
    row = await m.MicroWish.filter(id=pk).first()
    return MicroWish.from_model(row) if row else None


async def _reward(info: Info, pk: int) -> Reward | None:
    row = await m.Reward.filter(id=pk).first()
    return Reward.from_model(row) if row else None


async def _circle(info: Info, pk: int) -> Circle | None:
    row = await m.Circle.filter(id=pk).first()
    if row is None:
        return None
    return Circle.from_model(row, await circles.is_member(row.id, caller(info).user.id))


async def _post(info: Info, pk: int) -> CirclePost | None:
    row = await m.CirclePost.filter(id=pk).first()
    if row is None:
        return None
    who = caller(info)
    if who.can(capabilities.CIRCLE_MODERATE.resource, capabilities.CIRCLE_MODERATE.action):
        return CirclePost.from_model(row)
    if row.hidden or not await circles.is_member(row.circle_id, who.user.id):
        return None
    if row.in_review and row.author_id != who.user.id:
        return None
    return CirclePost.from_model(row)


async def _rule(info: Info, pk: int) -> RewardRule | None:
    row = await m.RewardRule.filter(id=pk).first()
    return RewardRule.from_model(row) if row else None


DOMAIN = Domain(
    name="participation",
    description="Residents who take part: rewarded reports, the reporters' ranking, "
    "micro-wishes (居民参与).",
    models=("models.participation",),
    query=(ParticipationQuery,),
    mutation=(ParticipationMutation,),
    nodes={
        "MicroWish": NodeKind(Can(capabilities.WISH_READ), _wish),
        "Reward": NodeKind(Can(capabilities.REWARD_LEDGER), _reward),
        "RewardRule": NodeKind(Can(capabilities.REWARD_LEDGER), _rule),
        "Circle": NodeKind(Can(capabilities.CIRCLE_READ), _circle),
        "CirclePost": NodeKind(Can(capabilities.CIRCLE_READ), _post),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=ParticipationCode,
    settings=ParticipationSettings,
    nearby=nearby.SOURCES,
    reviewable=circles.REVIEWABLE,
)
