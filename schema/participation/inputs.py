"""Inputs of the participation domain."""

from __future__ import annotations

import strawberry

from models import participation as m
from schema.cases.enums import Urgency
from schema.inputs import MONEY_MAX_LENGTH, text
from schema.uploads import FileUpload


@strawberry.input(
    description="奖励标准: the amount for a category and urgency (either left out: all)."
)
class RewardRuleInput:
    category_id: strawberry.ID | None = None
    urgency: Urgency | None = None
    amount: str = text(max=MONEY_MAX_LENGTH, description="Yuan, 5 to 2000, e.g. `50.00`.")


@strawberry.input(description="年度奖励预算: the street's reward budget of one year.")
class RewardBudgetInput:
    year: int
    budget: str = text(max=MONEY_MAX_LENGTH, description="Yuan, e.g. `100000.00`.")


@strawberry.input(description="发放奖励: the reward of a verified case.")
class GrantRewardInput:
    case_id: strawberry.ID
    amount: str | None = text(
        max=MONEY_MAX_LENGTH, default=None, description="Yuan (5 to 2000); the rule's if left out."
    )
    note: str = text(m.Reward, "note", default="")


@strawberry.input(description="不予奖励: decline the reward of a case, with the reason.")
class DeclineRewardInput:
    case_id: strawberry.ID
    note: str = text(m.Reward, "note")


@strawberry.input(description="发布微心愿: your own small wish.")
class PostWishInput:
    title: str = text(m.MicroWish, "title")
    description: str = text(m.MicroWish, "description", default="")


@strawberry.input(description="代发微心愿: a small wish of a resident, posted for them.")
class PostWishForInput:
    resident_id: strawberry.ID = strawberry.field(description="The resident the wish is for.")
    title: str = text(m.MicroWish, "title")
    description: str = text(m.MicroWish, "description", default="")


@strawberry.input(description="转为微心愿: a case you handle, as a micro-wish of its reporter.")
class WishFromCaseInput:
    case_id: strawberry.ID
    title: str = text(m.MicroWish, "title")
    description: str = text(m.MicroWish, "description", default="")


@strawberry.input
class WishInput:
    wish_id: strawberry.ID


@strawberry.input(description="已完成: the photo of the wish fulfilled.")
class FulfilWishInput:
    wish_id: strawberry.ID
    photo: FileUpload
    note: str = text(m.MicroWish, "fulfil_note", default="")


@strawberry.input(description="圈子: a new interest circle.")
class CreateCircleInput:
    name: str = text(m.Circle, "name")
    description: str = text(m.Circle, "description", default="")


@strawberry.input
class CircleInput:
    circle_id: strawberry.ID


@strawberry.input(description="发帖 / 回复: a post in a circle you are in, or a reply.")
class CirclePostInput:
    circle_id: strawberry.ID
    body: str = text(m.CirclePost, "body")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The post of the same circle this replies to."
    )


@strawberry.input(description="举报 / 屏蔽: a post and the reason.")
class CirclePostReasonInput:
    post_id: strawberry.ID
    reason: str = text(m.CirclePostReport, "reason")


@strawberry.input(description="移出: a member removed from a circle, and the reason.")
class RemoveCircleMemberInput:
    circle_id: strawberry.ID
    account_id: strawberry.ID
    reason: str = text(m.CirclePostReport, "reason")
