"""Rewards, the ranking's name choice, and micro-wishes: the writes."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.cases import Urgency as UrgencyRow
from policies.capabilities.participation import (
    CIRCLE_JOIN,
    CIRCLE_MODERATE,
    RANKING_CONSENT,
    REWARD_CONFIGURE,
    REWARD_GRANT,
    WISH_CLAIM,
    WISH_CONFIRM,
    WISH_POST,
    WISH_POST_FOR,
)
from resolvers.participation import circles, ranking, rewards, wishes
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.participation.inputs import (
    CircleInput,
    CirclePostInput,
    CirclePostReasonInput,
    CreateCircleInput,
    DeclineRewardInput,
    FulfilWishInput,
    GrantRewardInput,
    PostWishForInput,
    PostWishInput,
    RemoveCircleMemberInput,
    RewardBudgetInput,
    RewardRuleInput,
    WishFromCaseInput,
    WishInput,
)
from schema.participation.types import (
    Circle,
    CircleMembership,
    CirclePost,
    MicroWish,
    RankingConsent,
    Reward,
    RewardBudget,
    RewardRule,
)
from schema.permissions import Can, mutation
from schema.relay import decode_id


@strawberry.type
class RewardSuccess:
    reward: Reward


@strawberry.type
class RewardRuleSuccess:
    rule: RewardRule


@strawberry.type
class RewardBudgetSuccess:
    budget: RewardBudget


@strawberry.type
class MicroWishSuccess:
    wish: MicroWish


@strawberry.type
class RankingConsentSuccess:
    consent: RankingConsent


@strawberry.type
class CircleSuccess:
    circle: Circle


@strawberry.type
class CircleMembershipSuccess:
    membership: CircleMembership


@strawberry.type
class CirclePostSuccess:
    post: CirclePost


CirclePayload = Annotated[CircleSuccess | InputError, strawberry.union("CirclePayload")]
CircleMembershipPayload = Annotated[
    CircleMembershipSuccess | InputError, strawberry.union("CircleMembershipPayload")
]
CirclePostPayload = Annotated[CirclePostSuccess | InputError, strawberry.union("CirclePostPayload")]
RewardPayload = Annotated[RewardSuccess | InputError, strawberry.union("RewardPayload")]
RewardRulePayload = Annotated[RewardRuleSuccess | InputError, strawberry.union("RewardRulePayload")]
RewardBudgetPayload = Annotated[
    RewardBudgetSuccess | InputError, strawberry.union("RewardBudgetPayload")
]
MicroWishPayload = Annotated[MicroWishSuccess | InputError, strawberry.union("MicroWishPayload")]
RankingConsentPayload = Annotated[
    RankingConsentSuccess | InputError, strawberry.union("RankingConsentPayload")
]


def _wish(value: strawberry.ID) -> int:
    return decode_id(value, "MicroWish", "wishId")


def _circle(value: strawberry.ID) -> int:
    return decode_id(value, "Circle", "circleId")


def _post(value: strawberry.ID) -> int:
    return decode_id(value, "CirclePost", "postId")


def _wish_done(row: object) -> MicroWishSuccess:
    return MicroWishSuccess(wish=MicroWish.from_model(row))  # type: ignore[arg-type]


@strawberry.type
class ParticipationMutation:
    @mutation(
        requires=Can(REWARD_CONFIGURE),
        description="奖励标准: set the reward for verified cases of a category and urgency "
        "(5 to 2000 yuan; leave either out for all of them, the most specific rule wins).",
    )
    async def set_reward_rule(self, info: Info, input: RewardRuleInput) -> RewardRulePayload:
        category = (
            decode_id(input.category_id, "CaseCategory", "categoryId")
            if input.category_id is not None
            else None
        )
        urgency = UrgencyRow(input.urgency) if input.urgency is not None else None
        row = await rewards.set_rule(caller(info), category, urgency, input.amount)
        return RewardRuleSuccess(rule=RewardRule.from_model(row))

    @mutation(
        requires=Can(REWARD_CONFIGURE),
        description="年度奖励预算: set the street's reward budget of a year (never below what "
        "the year has already granted).",
    )
    async def set_reward_budget(self, info: Info, input: RewardBudgetInput) -> RewardBudgetPayload:
        row = await rewards.set_budget(caller(info), input.year, input.budget)
        return RewardBudgetSuccess(budget=RewardBudget.from_model(row))

    @mutation(
        requires=Can(REWARD_GRANT),
        description="发放奖励: grant the reward of a resolved case its reporter rated satisfied, "
        "once per case, from this year's budget (NOT_VERIFIED, ALREADY_REWARDED, "
        "CASE_REJECTED, REWARD_BUDGET_EXCEEDED, NO_REWARD_RULE).",
    )
    async def grant_reward(self, info: Info, input: GrantRewardInput) -> RewardPayload:
        row = await rewards.grant(
            caller(info), decode_id(input.case_id, "Case", "caseId"), input.amount, input.note
        )
        return RewardSuccess(reward=Reward.from_model(row))

    @mutation(
        requires=Can(REWARD_GRANT),
        description="不予奖励: decline the reward of a case (a fake or unfounded report); it "
        "can never be rewarded afterwards.",
    )
    async def decline_reward(self, info: Info, input: DeclineRewardInput) -> RewardPayload:
        row = await rewards.decline(
            caller(info), decode_id(input.case_id, "Case", "caseId"), input.note
        )
        return RewardSuccess(reward=Reward.from_model(row))

    @mutation(
        requires=Can(RANKING_CONSENT),
        description="实名上榜: show your name on the year's ranking of reporters (or mask it).",
    )
    async def show_name_on_ranking(self, info: Info, show: bool) -> RankingConsentPayload:
        row = await ranking.choose_name_shown(caller(info), show)
        return RankingConsentSuccess(consent=RankingConsent(show_name=row.show_name))

    @mutation(
        requires=Can(WISH_POST),
        description="发布微心愿: post your own small wish (placed in your community and grid).",
    )
    async def post_wish(self, info: Info, input: PostWishInput) -> MicroWishPayload:
        new = wishes.NewWish(input.title, input.description)
        return _wish_done(await wishes.post(caller(info), new))

    @mutation(
        requires=Can(WISH_POST_FOR),
        description="代发微心愿: post a small wish on behalf of a resident of the street.",
    )
    async def post_wish_for(self, info: Info, input: PostWishForInput) -> MicroWishPayload:
        new = wishes.NewWish(
            input.title,
            input.description,
            decode_id(input.resident_id, "Resident", "residentId"),
        )
        return _wish_done(await wishes.post(caller(info), new))

    @mutation(
        requires=Can(WISH_POST_FOR),
        description="转为微心愿: turn a case you handle into a micro-wish of its reporter's "
        "community (once per case).",
    )
    async def make_wish_from_case(self, info: Info, input: WishFromCaseInput) -> MicroWishPayload:
        row = await wishes.from_case(
            caller(info),
            decode_id(input.case_id, "Case", "caseId"),
            input.title,
            input.description,
        )
        return _wish_done(row)

    @mutation(
        requires=Can(WISH_CLAIM),
        description="认领: claim an open micro-wish; the first claimer has it, everyone after is "
        "refused (WISH_TAKEN).",
    )
    async def claim_wish(self, info: Info, input: WishInput) -> MicroWishPayload:
        return _wish_done(await wishes.claim(caller(info), _wish(input.wish_id)))

    @mutation(
        requires=Can(WISH_CLAIM),
        description="已完成: mark the wish you claimed fulfilled, with a photo.",
    )
    async def fulfil_wish(self, info: Info, input: FulfilWishInput) -> MicroWishPayload:
        row = await wishes.fulfil(caller(info), _wish(input.wish_id), input.photo, input.note)
        return _wish_done(row)

    @mutation(
        requires=Can(WISH_CONFIRM),
        description="确认: confirm your fulfilled wish (a worker of its grid may confirm for "
        "the wisher); someone else's is refused (WISH_NOT_YOURS).",
    )
    async def confirm_wish(self, info: Info, input: WishInput) -> MicroWishPayload:
        return _wish_done(await wishes.confirm(caller(info), _wish(input.wish_id)))

    @mutation(requires=Can(CIRCLE_MODERATE), description="圈子: create an interest circle.")
    async def create_circle(self, info: Info, input: CreateCircleInput) -> CirclePayload:
        row = await circles.create(caller(info), input.name, input.description)
        return CircleSuccess(circle=Circle.from_model(row, joined=False))

    @mutation(
        requires=Can(CIRCLE_JOIN),
        description="加入: join a circle (again after leaving; REMOVED_FROM_CIRCLE after a "
        "removal by staff).",
    )
    async def join_circle(self, info: Info, input: CircleInput) -> CircleMembershipPayload:
        row = await circles.join(caller(info), _circle(input.circle_id))
        return CircleMembershipSuccess(membership=CircleMembership.from_model(row))

    @mutation(requires=Can(CIRCLE_JOIN), description="退出: leave a circle you are in.")
    async def leave_circle(self, info: Info, input: CircleInput) -> CircleMembershipPayload:
        row = await circles.leave(caller(info), _circle(input.circle_id))
        return CircleMembershipSuccess(membership=CircleMembership.from_model(row))

    @mutation(
        requires=Can(CIRCLE_JOIN),
        description="发帖 / 回复: post in a circle you are in (NOT_A_MEMBER otherwise), or reply "
        "to one of its posts.",
    )
    async def post_in_circle(self, info: Info, input: CirclePostInput) -> CirclePostPayload:
        parent = (
            decode_id(input.parent_id, "CirclePost", "parentId")
            if input.parent_id is not None
            else None
        )
        row = await circles.post(caller(info), _circle(input.circle_id), input.body, parent)
        return CirclePostSuccess(post=CirclePost.from_model(row))

    @mutation(
        requires=Can(CIRCLE_JOIN),
        description="举报: report a post of a circle you are in to the street's staff, once.",
    )
    async def report_circle_post(
        self, info: Info, input: CirclePostReasonInput
    ) -> CirclePostPayload:
        row = await circles.report(caller(info), _post(input.post_id), input.reason)
        return CirclePostSuccess(post=CirclePost.from_model(row))

    @mutation(
        requires=Can(CIRCLE_MODERATE),
        description="屏蔽: hide a post from the circle's members (staff moderation by report).",
    )
    async def hide_circle_post(self, info: Info, input: CirclePostReasonInput) -> CirclePostPayload:
        row = await circles.hide(caller(info), _post(input.post_id), input.reason)
        return CirclePostSuccess(post=CirclePost.from_model(row))

    @mutation(
        requires=Can(CIRCLE_MODERATE),
        description="移出: remove a member from a circle for good.",
    )
    async def remove_circle_member(
        self, info: Info, input: RemoveCircleMemberInput
    ) -> CircleMembershipPayload:
        row = await circles.remove_member(
            caller(info),
            _circle(input.circle_id),
            decode_id(input.account_id, "Account", "accountId"),
            input.reason,
        )
        return CircleMembershipSuccess(membership=CircleMembership.from_model(row))
