"""The liaison station (基层单元, 代表联络站): suggestions to representatives with reply
deadlines, task grabbing, the watch list, key people and key matters and the review queue
before publishing, the difficult-matters list.

Representatives, deliberators and their QR cards live in ``models.outreach``.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.cases import Case, Department
from models.outreach import Delegate
from models.people import Resident
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Street

PHOTO_MAX_LENGTH = 300
"""An uploaded photo's reference."""


class StationSettings(TenantModel):
    """A street's station settings: working days a reply may take, the yellow line in percent
    of that time, and the content kinds that always pass review."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("station_settings")
    reply_days = fields.IntField(default=10)
    yellow_percent = fields.IntField(default=70)
    always_review: fields.JSONField[list[str]] = fields.JSONField(default=list)

    class Meta:
        table = "station_settings"
        unique_together = (("tenant",),)


class SuggestionStatus(StrEnum):
    SUBMITTED = "SUBMITTED"  # 已提交
    ACCEPTED = "ACCEPTED"  # 已受理
    FORWARDED = "FORWARDED"  # 已转办 (a department or a case)
    ANSWERED = "ANSWERED"  # 已答复
    RATED = "RATED"  # 已评价


class WarningLevel(IntEnum):
    NONE = 0
    YELLOW = 1  # 黄线提醒
    RED = 2  # 红线示警


class Suggestion(TenantModel):
    """代表建议 / 民情反映: a resident's suggestion to one representative or deliberator.

    ``private`` hides the writer from everyone except the addressee (the writer's account is
    kept here, read only for the addressee and the writer).
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("suggestions")
    delegate: fields.ForeignKeyRelation[Delegate] = fields.ForeignKeyField(
        "gongzhi.Delegate", related_name=False, on_delete=fields.RESTRICT
    )
    writer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.RESTRICT
    )
    private = fields.BooleanField(default=False)
    text = fields.TextField(validators=[MaxLengthValidator(2000)])
    place = fields.CharField(max_length=200, default="")
    category = fields.CharField(max_length=40, default="")
    photos: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(
        SuggestionStatus, max_length=16, default=SuggestionStatus.SUBMITTED
    )
    received_at = fields.DatetimeField()
    due_on = fields.DateField()
    due_at = fields.DatetimeField()
    yellow_at = fields.DatetimeField()
    warned_level = fields.IntField(default=0)
    answer = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    answered_at = fields.DatetimeField(null=True)
    on_time = fields.BooleanField(null=True)
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "gongzhi.Department", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    forwarded_at = fields.DatetimeField(null=True)
    department_reply = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    department_replied_at = fields.DatetimeField(null=True)
    rating = fields.IntField(null=True)
    rated_at = fields.DatetimeField(null=True)

    delegate_id: int
    writer_id: int
    department_id: int | None
    case_id: int | None

    class Meta:
        table = "station_suggestion"
        indexes = (
            ("tenant_id", "delegate_id"),
            ("tenant_id", "writer_id"),
            ("warned_level", "yellow_at"),
        )


class SuggestionWarning(TenantModel):
    """A reply deadline warning sent for a suggestion: yellow or red, once each."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("suggestion_warnings")
    suggestion: fields.ForeignKeyRelation[Suggestion] = fields.ForeignKeyField(
        "gongzhi.Suggestion", related_name="warnings", on_delete=fields.CASCADE
    )
    level = fields.IntField()
    due_at = fields.DatetimeField()
    sent_at = fields.DatetimeField()

    suggestion_id: int

    class Meta:
        table = "station_suggestion_warning"
        unique_together = (("tenant", "suggestion", "level"),)


class TaskStatus(StrEnum):
    OPEN = "OPEN"  # 抢单中
    CLOSED = "CLOSED"  # 已截止


class StationTask(TenantModel):
    """抢单任务: a task staff post (a survey, a visit, supervising a project site) with a
    number of places. ``claimed`` only rises by a conditional update below ``places``."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("station_tasks")
    title = fields.CharField(max_length=200)
    description = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    places = fields.IntField()
    claimed = fields.IntField(default=0)
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.OPEN)
    posted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)

    posted_by_id: int | None

    class Meta:
        table = "station_task"


class TaskClaim(TenantModel):
    """One place of a task taken: slot numbers 1 to places, one per claimer."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("station_task_claims")
    task: fields.ForeignKeyRelation[StationTask] = fields.ForeignKeyField(
        "gongzhi.StationTask", related_name="claims", on_delete=fields.CASCADE
    )
    slot_no = fields.IntField()
    claimer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    claimed_at = fields.DatetimeField()
    report = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    photos: fields.JSONField[list[str]] = fields.JSONField(default=list)
    reported_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    confirmed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    task_id: int
    claimer_id: int
    confirmed_by_id: int | None

    class Meta:
        table = "station_task_claim"
        unique_together = (("task", "slot_no"), ("task", "claimer"))
        indexes = (("tenant_id", "claimer_id"),)


class WatchEntry(TenantModel):
    """重点词: a keyword or phrase of the street's watch list, kept as written and folded."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("watch_entries")
    phrase = fields.CharField(max_length=50)
    folded = fields.CharField(max_length=50)
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    added_by_id: int | None

    class Meta:
        table = "station_watch_entry"
        unique_together = (("tenant", "folded"),)


class ContentKind(StrEnum):
    """The station's own content that may become public (and so may pass the review queue).
    Other domains' kinds join the queue through their descriptors (``resolvers/publishing.py``),
    so a review item's ``kind`` is any declared kind's name."""

    SUGGESTION_SUMMARY = "SUGGESTION_SUMMARY"  # 建议公开摘要
    TASK_NOTICE = "TASK_NOTICE"  # 抢单任务公告
    ACTIVITY_NOTICE = "ACTIVITY_NOTICE"  # 活动通知


class ReviewStatus(StrEnum):
    PENDING = "PENDING"  # 待审核
    APPROVED = "APPROVED"  # 审核通过 (or published with nothing to review)
    REJECTED = "REJECTED"  # 驳回


class ReviewItem(TenantModel):
    """审核: one piece of content on its way to the public page. Public only once APPROVED.
    An edit by the reviewer keeps the original in the audit trail."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("review_items")
    kind = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    text = fields.TextField(validators=[MaxLengthValidator(12000)])
    status = fields.CharEnumField(ReviewStatus, max_length=16)
    matched: fields.JSONField[list[str]] = fields.JSONField(default=list)
    reviewed = fields.BooleanField(default=False)
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    concerns: fields.JSONField[list[dict[str, object]]] = fields.JSONField(
        default=list, db_default="[]"
    )
    """The key people (masked) and key matters it was found to be about, as they were then."""

    author_id: int | None
    reviewer_id: int | None

    class Meta:
        table = "station_review_item"
        unique_together = (("tenant", "kind", "subject_id"),)
        indexes = (("tenant_id", "status"),)


class MatterKind(StrEnum):
    SUGGESTION = "SUGGESTION"
    CASE = "CASE"
    PROJECT = "PROJECT"


class DifficultMatter(TenantModel):
    """办理疑难清单: a suggestion, case or project marked difficult by congress staff."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("difficult_matters")
    kind = fields.CharEnumField(MatterKind, max_length=16)
    subject_id = fields.IntField()
    note = fields.CharField(max_length=200, default="")
    marked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    marked_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)

    marked_by_id: int | None

    class Meta:
        table = "station_difficult_matter"
        unique_together = (("tenant", "kind", "subject_id"),)


class KeyPerson(TenantModel):
    """重点人: a person of the street whose content, and content about them, waits for review.
    Either a resident of the register (matched through their account, when they have one) or
    an account of the street (a representative, a deliberator)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("key_people")
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=200)
    added_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    added_at = fields.DatetimeField()

    resident_id: int | None
    user_id: int | None
    added_by_id: int | None

    class Meta:
        table = "station_key_person"
        unique_together = (("tenant", "resident"), ("tenant", "user"))


class KeyMatter(TenantModel):
    """重点事: a suggestion, case or project whose public content waits for review."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("key_matters")
    kind = fields.CharEnumField(MatterKind, max_length=16)
    subject_id = fields.IntField()
    note = fields.CharField(max_length=200, default="")
    marked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    marked_at = fields.DatetimeField()

    marked_by_id: int | None

    class Meta:
        table = "station_key_matter"
        unique_together = (("tenant", "kind", "subject_id"),)


class DifficultRollUp(TenantModel):
    """The monthly roll-up of the difficult-matters list sent to the street's leaders, once
    per street and month."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("difficult_roll_ups")
    month = fields.CharField(max_length=7)
    open_count = fields.IntField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "station_difficult_roll_up"
        unique_together = (("tenant", "month"),)


class ActivityKind(StrEnum):
    RECEPTION_DAY = "RECEPTION_DAY"  # 代表接待日
    INSPECTION = "INSPECTION"  # 视察调研
    COUNCIL_MEETING = "COUNCIL_MEETING"  # 议事会
    OTHER = "OTHER"


class Activity(TenantModel):
    """活动: an activity congress staff publish, with a capacity and who may join.
    ``taken`` only rises by a conditional update below ``capacity``."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("station_activities")
    kind = fields.CharEnumField(ActivityKind, max_length=16)
    title = fields.CharField(max_length=200)
    notice = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    place = fields.CharField(max_length=200)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    taken = fields.IntField(default=0)
    audience: fields.JSONField[list[str]] = fields.JSONField(default=list)
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    cancelled_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    created_by_id: int | None
    community_id: int | None

    class Meta:
        table = "station_activity"
        indexes = (("tenant_id", "starts_at"),)


class SignupStatus(StrEnum):
    SIGNED_UP = "SIGNED_UP"  # 已报名
    WAITING = "WAITING"  # 候补
    CANCELLED = "CANCELLED"  # 已取消


class ActivitySignup(TenantModel):
    """A sign-up for an activity: a place, or a place on the waiting list (in order of
    sign-up), with the nonce of its check-in link."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("station_activity_signups")
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "gongzhi.Activity", related_name="signups", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(SignupStatus, max_length=16)
    signed_at = fields.DatetimeField()
    checkin_nonce = fields.CharField(max_length=32)
    checked_in_at = fields.DatetimeField(null=True)

    activity_id: int
    user_id: int

    class Meta:
        table = "station_activity_signup"
        unique_together = (("activity", "user"),)
        indexes = (("tenant_id", "user_id"),)
