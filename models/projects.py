"""Livelihood projects under public supervision (民生实事项目).

A project belongs to one street. Its milestones carry weights (progress is derived from them,
or set by hand with a reason), its department posts progress updates with photos, records
disbursements against the budget, and answers supervision opinions of representatives and
deliberators. Residents follow projects and rate them once completed.

``progress``, ``spent`` and ``next_due`` are kept on the project row, written in the same
transaction as the milestone or disbursement that changes them, so the progress board reads
one row per project.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypedDict

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Street

# "No milestone is open": sorts after every real date (the board ranks by next_due).
NO_DUE_DATE = date(9999, 12, 31)


class _Money(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _Money = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class ProjectStatus(StrEnum):
    PROPOSED = "PROPOSED"  # 提出
    CANDIDATE = "CANDIDATE"  # 候选 (to be voted on by representatives)
    APPROVED = "APPROVED"  # 票决通过
    IN_PROGRESS = "IN_PROGRESS"  # 实施中
    COMPLETED = "COMPLETED"  # 完工
    ACCEPTED = "ACCEPTED"  # 验收
    REJECTED = "REJECTED"  # 未通过
    SUSPENDED = "SUSPENDED"  # 暂停


class ProgressSource(StrEnum):
    MILESTONES = "MILESTONES"
    MANUAL = "MANUAL"


class SourceKind(StrEnum):
    """Where a PROPOSED project came from (those domains keep their own records)."""

    CASE = "CASE"  # 事件 (a reported matter)
    SUGGESTION = "SUGGESTION"  # 代表建议
    CONSULTATION = "CONSULTATION"  # 协商


class Project(TenantModel):
    """民生实事项目: one livelihood project of a street."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("projects")
    title = fields.CharField(max_length=200)
    description = fields.TextField(validators=[MaxLengthValidator(4000)], default="")
    category = fields.CharField(max_length=40)
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name="projects", null=True, on_delete=fields.RESTRICT
    )
    address = fields.CharField(max_length=200, default="")
    longitude = fields.FloatField(null=True)
    latitude = fields.FloatField(null=True)
    department = fields.CharField(max_length=100, description="The responsible department")
    handler: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    leader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    planned_start = fields.DateField()
    planned_end = fields.DateField()
    budget = fields.DecimalField(**MONEY)
    spent = fields.DecimalField(**MONEY, default=ZERO)
    status = fields.CharEnumField(ProjectStatus, max_length=16, default=ProjectStatus.PROPOSED)
    progress = fields.SmallIntField(default=0, description="Percent done, 0 to 100")
    progress_source = fields.CharEnumField(
        ProgressSource, max_length=16, default=ProgressSource.MILESTONES
    )
    progress_reason = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    next_due = fields.DateField(
        default=NO_DUE_DATE, description="Earliest planned date of an open milestone"
    )
    source_kind = fields.CharEnumField(SourceKind, max_length=16, null=True)
    source_ref = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    community_id: int | None
    handler_id: int | None
    leader_id: int | None

    class Meta:
        table = "project"
        indexes = (
            ("tenant_id", "progress", "next_due", "id"),
            ("tenant_id", "next_due", "progress", "id"),
            ("tenant_id", "status"),
        )


class Milestone(TenantModel):
    """里程碑: a step of a project with a planned date and a weight.

    ``warned_level`` is the deadline warning already sent (0 none, 1 yellow, 2 red): the scanner
    claims a warning by raising it with a conditional update, so each is sent once.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("milestones")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="milestones", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    planned_date = fields.DateField()
    done_date = fields.DateField(null=True)
    weight = fields.SmallIntField(default=1)
    warned_level = fields.SmallIntField(default=0)
    created_at = fields.DatetimeField()

    project_id: int

    class Meta:
        table = "project_milestone"
        indexes = (("tenant_id", "project_id"), ("done_date", "planned_date"))


class Publication(StrEnum):
    """Whether a post is public: the street's review queue (审核) may hold it first."""

    IN_REVIEW = "IN_REVIEW"  # 待审核 (its author and the project's managers see it)
    PUBLISHED = "PUBLISHED"  # 已发布
    REJECTED = "REJECTED"  # 未通过审核 (its author and the project's managers see it)


class ProgressUpdate(TenantModel):
    """进展: what the department reports, with photos."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("progress_updates")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="updates", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField(validators=[MaxLengthValidator(4000)])
    publication = fields.CharEnumField(
        Publication,
        max_length=16,
        default=Publication.PUBLISHED,
        db_default=Publication.PUBLISHED.value,
    )
    created_at = fields.DatetimeField()

    project_id: int
    author_id: int | None

    class Meta:
        table = "project_update"
        indexes = (("tenant_id", "project_id"),)


class Disbursement(TenantModel):
    """资金使用: one payment out of the project's budget."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("disbursements")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="disbursements", on_delete=fields.CASCADE
    )
    amount = fields.DecimalField(**MONEY)
    paid_on = fields.DateField()
    purpose = fields.CharField(max_length=200)
    over_budget = fields.BooleanField(default=False)
    over_budget_reason = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    project_id: int

    class Meta:
        table = "project_disbursement"
        indexes = (("tenant_id", "project_id"),)


class Photo(TenantModel):
    """A checked image stored under the upload directory: of an update, or a voucher."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("project_photos")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="photos", on_delete=fields.CASCADE
    )
    update: fields.ForeignKeyNullableRelation[ProgressUpdate] = fields.ForeignKeyField(
        "gongzhi.ProgressUpdate", related_name="photos", null=True, on_delete=fields.CASCADE
    )
    disbursement: fields.ForeignKeyNullableRelation[Disbursement] = fields.ForeignKeyField(
        "gongzhi.Disbursement", related_name="vouchers", null=True, on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=200, description="Relative to the upload directory")
    content_type = fields.CharField(max_length=40)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    project_id: int
    update_id: int | None
    disbursement_id: int | None

    class Meta:
        table = "project_photo"
        indexes = (("tenant_id", "project_id"),)


class Opinion(TenantModel):
    """监督意见: a representative's or deliberator's opinion, answered by the department
    within a number of working days, the answer then rated by the author."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("project_opinions")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="opinions", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.RESTRICT
    )
    body = fields.TextField(validators=[MaxLengthValidator(4000)])
    created_at = fields.DatetimeField()
    reply_due = fields.DateField()
    reply = fields.TextField(validators=[MaxLengthValidator(4000)], null=True)
    replied_at = fields.DatetimeField(null=True)
    replied_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    replied_late = fields.BooleanField(default=False)
    reply_score = fields.SmallIntField(null=True)
    publication = fields.CharEnumField(
        Publication,
        max_length=16,
        default=Publication.PUBLISHED,
        db_default=Publication.PUBLISHED.value,
    )

    project_id: int
    author_id: int
    replied_by_id: int | None

    class Meta:
        table = "project_opinion"
        indexes = (("tenant_id", "project_id"), ("tenant_id", "replied_at", "reply_due"))


class Follow(TenantModel):
    """A resident follows a project (关注)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("project_follows")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="follows", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    project_id: int
    user_id: int

    class Meta:
        table = "project_follow"
        unique_together = (("project", "user"),)


class Rating(TenantModel):
    """满意度: one rating per person per project, 1 to 5, changeable until acceptance."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("project_ratings")
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name="ratings", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    score = fields.SmallIntField()
    comment = fields.TextField(validators=[MaxLengthValidator(1000)], default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    project_id: int
    user_id: int

    class Meta:
        table = "project_rating"
        unique_together = (("project", "user"),)
