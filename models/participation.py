"""Residents who take part (居民参与): rewarded reports, the reporters' ranking, micro-wishes.

有奖爆料: a street pays a reporter a small reward (5 to 2,000 yuan by the street's rules, by
category and urgency) once their case is resolved and its result verified by their own
satisfied rating, never at the report. A reviewer grants it (or declines it, for a report that
turned out fake), once per case, from the street's yearly budget, which a grant never exceeds.

年度爆料达人: the ranking is counted from the verified cases themselves, so it is reproducible.
A reporter's name is masked (张*明) unless they chose to show it (``RankingConsent``).

微心愿: a resident in need (or a grid worker for them) posts a small wish, one volunteer claims
it, marks it fulfilled with a photo, and the wisher (or the grid's worker) confirms it.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.cases import Case, CaseCategory, Urgency
from models.people import Resident
from models.projects import MONEY
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Grid, Street

ZERO = Decimal("0.00")


class RewardStatus(StrEnum):
    GRANTED = "GRANTED"  # 已发放
    DECLINED = "DECLINED"  # 不予奖励 (a fake or unfounded report)


class WishState(StrEnum):
    OPEN = "OPEN"  # 待认领
    CLAIMED = "CLAIMED"  # 已认领
    FULFILLED = "FULFILLED"  # 已完成 (the claimer's photo), waiting for the wisher
    CONFIRMED = "CONFIRMED"  # 已确认


class RewardRule(TenantModel):
    """奖励标准: the amount paid for a verified case of a category and urgency. A rule without
    category (or without urgency) covers the rest, the most specific rule wins. ``scope``
    writes the pair as one key, so two rules of the same pair are refused by the database
    even when both leave a part out (NULLs are never equal in a unique constraint)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("reward_rules")
    category: fields.ForeignKeyNullableRelation[CaseCategory] = fields.ForeignKeyField(
        "gongzhi.CaseCategory", related_name=False, null=True, on_delete=fields.CASCADE
    )
    urgency: Urgency | None = fields.CharEnumField(Urgency, max_length=16, null=True)  # type: ignore[assignment]  # nullable
    scope = fields.CharField(
        max_length=60, description="category and urgency as one key, * for all (unique)"
    )
    amount = fields.DecimalField(**MONEY)
    updated_at = fields.DatetimeField()

    category_id: int | None

    class Meta:
        table = "reward_rule"
        unique_together = (("tenant", "scope"),)


class RewardBudget(TenantModel):
    """年度奖励预算: what the street may pay in rewards in one calendar year, and what it paid.
    A grant raises ``granted`` by a conditional update that fails once it would pass
    ``budget``."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("reward_budgets")
    year = fields.SmallIntField()
    budget = fields.DecimalField(**MONEY)
    granted = fields.DecimalField(**MONEY, default=ZERO)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "reward_budget"
        unique_together = (("tenant", "year"),)


class Reward(TenantModel):
    """爆料奖励: the reviewer's decision on one case, granted (with its amount) or declined.
    At most one per case (a unique constraint), so a case is never paid twice."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("rewards")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name=False, on_delete=fields.RESTRICT
    )
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(RewardStatus, max_length=16)
    amount = fields.DecimalField(**MONEY, default=ZERO)
    year = fields.SmallIntField(description="The budget year it is paid from")
    note = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField()

    case_id: int
    reporter_id: int | None
    decided_by_id: int | None

    class Meta:
        table = "reward"
        unique_together = (("tenant", "case"),)
        indexes = (("tenant_id", "reporter_id", "id"), ("tenant_id", "year", "id"))


class RankingConsent(TenantModel):
    """实名上榜: a reporter's choice to show their name on the ranking (masked otherwise)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("ranking_consents")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    show_name = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "ranking_consent"
        unique_together = (("tenant", "user"),)


class MicroWish(TenantModel):
    """微心愿: a small wish of a resident in need, and who claimed, fulfilled and confirmed it.
    Claiming is a conditional update from OPEN, so exactly one volunteer holds a wish."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("micro_wishes")
    title = fields.CharField(max_length=100)
    description = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, on_delete=fields.RESTRICT
    )
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    wisher: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    posted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(WishState, max_length=16, default=WishState.OPEN)
    claimer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    claimed_at = fields.DatetimeField(null=True)
    fulfil_note = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    photo_path = fields.CharField(max_length=200, default="")
    photo_sha256 = fields.CharField(max_length=64, default="")
    fulfilled_at = fields.DatetimeField(null=True)
    confirmed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    confirmed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    community_id: int
    grid_id: int | None
    resident_id: int | None
    wisher_id: int | None
    posted_by_id: int | None
    case_id: int | None
    claimer_id: int | None
    confirmed_by_id: int | None

    class Meta:
        table = "micro_wish"
        unique_together = (("tenant", "case"),)
        indexes = (("tenant_id", "state", "id"), ("tenant_id", "community_id", "state"))


class MemberState(StrEnum):
    ACTIVE = "ACTIVE"  # 在圈
    LEFT = "LEFT"  # 已退出 (may join again)
    REMOVED = "REMOVED"  # 被移出 (by staff, may not join again)


class Circle(TenantModel):
    """圈子: an interest group of the street (parents, elderly dance, volunteers…)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("circles")
    name = fields.CharField(max_length=50)
    description = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "circle"
        unique_together = (("tenant", "name"),)


class CircleMember(TenantModel):
    """A resident in a circle: one row per circle and account, its state kept after leaving
    or removal (so a removed member cannot simply join again)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("circle_members")
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "gongzhi.Circle", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(MemberState, max_length=16, default=MemberState.ACTIVE)
    joined_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    circle_id: int
    user_id: int

    class Meta:
        table = "circle_member"
        unique_together = (("circle", "user"),)


class CirclePost(TenantModel):
    """A post in a circle, or a reply to one (``parent``). Hidden by staff after a report
    (until the liaison-station issue brings the street's watch-list review)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("circle_posts")
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "gongzhi.Circle", related_name=False, on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[CirclePost] = fields.ForeignKeyField(
        "gongzhi.CirclePost", related_name=False, null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField(validators=[MaxLengthValidator(2000)])
    reports = fields.IntField(default=0)
    hidden = fields.BooleanField(default=False)
    in_review = fields.BooleanField(default=False, db_default=False)
    """Held by the street's review queue (审核: it matched the watch list): seen by its author
    and staff only; a rejected post is hidden."""
    created_at = fields.DatetimeField()

    circle_id: int
    parent_id: int | None
    author_id: int | None

    class Meta:
        table = "circle_post"
        indexes = (("tenant_id", "circle_id", "id"), ("tenant_id", "reports"))


class CirclePostReport(TenantModel):
    """举报: a member's report of a post to the street's staff, once per post and member."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("circle_post_reports")
    post: fields.ForeignKeyRelation[CirclePost] = fields.ForeignKeyField(
        "gongzhi.CirclePost", related_name=False, on_delete=fields.CASCADE
    )
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()

    post_id: int
    reporter_id: int

    class Meta:
        table = "circle_post_report"
        unique_together = (("post", "reporter"),)
