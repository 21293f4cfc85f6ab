"""The consultation bell (小区协商铃): "one side rings, many respond".

A ``Consultation`` is one ring and everything that follows it, in nine recorded steps (each a
``ConsultationStep`` row of its timeline, besides the street's audit chain and event stream).
At acceptance it is classified: a consultation matter goes on to invitations
(``Invitation``, one per party), a meeting (``ConsultationMeeting``) with QR check-in and
minutes, a joint review, an announcement and evaluations (``Evaluation``); a non-consultation
matter is routed to one of the street's offices ("six offices, three centres") and stops
there. A solved consultation may become a ``LibraryCase`` of the street's case library (案例库),
found again by text. Grid workers log their bell work (``BellLogEntry``), and a community
centre's terminal (``BellTerminal``) may only ring.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.cases import Case
from models.people import Building, Compound, Resident
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Street

# The strings of the JSON lists (no column of their own keeps them):
PHOTO_MAX_LENGTH = 500
"""One of a ring's photos (``Consultation.photos``): an uploaded file's reference."""
ATTACHMENT_MAX_LENGTH = 500
"""One of the minutes' attachments (``ConsultationMeeting.attachments``)."""
DECISION_MAX_LENGTH = 1000
"""The text of one decision of the minutes (``ConsultationMeeting.decisions``)."""
OFFICE_NAME_MAX_LENGTH = 40
"""The name of a street office (``BellSettings.offices``; its code is ``Consultation.office``)."""


class Step(StrEnum):
    """Where a consultation stands: the last step taken (九大步骤)."""

    SUBMITTED = "SUBMITTED"  # 提出协商申请
    ACCEPTED = "ACCEPTED"  # 受理 (a consultation matter)
    INVITED = "INVITED"  # 发起协商约请
    COORDINATED = "COORDINATED"  # 对接协商事项
    CONFIRMED = "CONFIRMED"  # 确认参会信息
    MET = "MET"  # 召开协商会议
    REVIEWED = "REVIEWED"  # 联审协商结果
    ANNOUNCED = "ANNOUNCED"  # 通报协商结果
    EVALUATED = "EVALUATED"  # 评价协商结果
    ROUTED = "ROUTED"  # 非协商事项: accepted and routed to a street office, ends here
    NOT_ACCEPTED = "NOT_ACCEPTED"  # 不予受理, with a reason


class RequesterKind(StrEnum):
    """Who rang: the three kinds of requester (三类提请主体)."""

    RESIDENT = "RESIDENT"  # 居民、楼道长、业委会
    COMMUNITY = "COMMUNITY"  # 社区两委、社工、网格长
    STREET_BODY = "STREET_BODY"  # 执法中队、市场监管所、派出所


class Channel(StrEnum):
    PHONE = "PHONE"  # 手机小程序
    TERMINAL = "TERMINAL"  # 社区服务中心的智能终端
    ON_BEHALF = "ON_BEHALF"  # 社工代为申请 (for an elderly resident)


class Classification(StrEnum):
    CONSULTATION = "CONSULTATION"  # 协商事项
    NON_CONSULTATION = "NON_CONSULTATION"  # 非协商事项, routed to a street office


class PartyKind(StrEnum):
    COMMUNITY = "COMMUNITY"  # 社区
    PROPERTY_COMPANY = "PROPERTY_COMPANY"  # 物业公司
    OWNERS_COMMITTEE = "OWNERS_COMMITTEE"  # 业委会
    STREET_DEPARTMENT = "STREET_DEPARTMENT"  # 街道科室、下沉站所
    DISTRICT_DEPARTMENT = "DISTRICT_DEPARTMENT"  # 区级部门
    PROFESSIONAL = "PROFESSIONAL"  # 律师、调解员、工程师 (bought-in)
    RESIDENT = "RESIDENT"  # 居民代表


class InvitationStatus(StrEnum):
    INVITED = "INVITED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


class Verdict(StrEnum):
    """A party's answer in the joint review (联审)."""

    SIGNED = "SIGNED"
    OBJECTED = "OBJECTED"


class LibraryStatus(StrEnum):
    DRAFT = "DRAFT"  # prepared, waiting for review (and again once the review queue rejects it)
    IN_REVIEW = "IN_REVIEW"  # published, held by the street's review queue (watch list)
    PUBLISHED = "PUBLISHED"  # in the street's case library


class BellActivity(StrEnum):
    VISIT = "VISIT"  # 走访
    CALL = "CALL"  # 电话
    COORDINATION = "COORDINATION"  # 协调
    PROMOTION = "PROMOTION"  # 宣传、示范操作
    OTHER = "OTHER"


class StepWarningLevel(IntEnum):
    """A step's deadline warning: NONE, YELLOW 黄线提醒 (a share of its working time gone),
    RED 红线示警 (its deadline passed)."""

    NONE = 0
    YELLOW = 1  # 黄线提醒
    RED = 2  # 红线示警


class Consultation(TenantModel):
    """One ring of the bell and its nine steps (协商事项).

    ``requester`` is the account the ring is for (null for a ring at a terminal, whose
    contact is ``contact_phone``), ``entered_by`` the social worker who entered it on an
    elderly resident's behalf (``resident`` the resident it is for). ``office`` is the street
    office a non-consultation matter was routed to, ``case_id`` the case it became in the
    cases domain. ``step_due`` is the date the next step is due (working days per the street's
    settings), ``step_due_at`` the instant it ends (the close of that working day) and
    ``step_yellow_at`` its yellow line (黄线: a share of the working time to it);
    ``warned_level`` the deadline warning sent for it (1 yellow, 2 red), raised by the step
    scanner under a row lock and set back to 0 by the next step.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultations")
    title = fields.CharField(max_length=200)
    description = fields.TextField(validators=[MaxLengthValidator(5000)])
    category = fields.CharField(max_length=40)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, on_delete=fields.RESTRICT
    )
    compound: fields.ForeignKeyNullableRelation[Compound] = fields.ForeignKeyField(
        "gongzhi.Compound", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requester_kind = fields.CharEnumField(RequesterKind, max_length=16)
    channel = fields.CharEnumField(Channel, max_length=16)
    requester: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    terminal: fields.ForeignKeyNullableRelation[BellTerminal] = fields.ForeignKeyField(
        "gongzhi.BellTerminal", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    contact_phone = fields.CharField(max_length=20, default="")
    photos: fields.JSONField[list[str]] = fields.JSONField(default=list)
    suggested_parties: fields.JSONField[list[str]] = fields.JSONField(default=list)
    step = fields.CharEnumField(Step, max_length=16, default=Step.SUBMITTED)
    classification = fields.CharEnumField(Classification, max_length=16, null=True)
    office = fields.CharField(max_length=40, default="")
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    not_accepted_reason = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    handler: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    agenda = fields.TextField(validators=[MaxLengthValidator(10000)], default="")
    outcome = fields.TextField(validators=[MaxLengthValidator(10000)], default="")
    announcement = fields.TextField(validators=[MaxLengthValidator(10000)], default="")
    step_due = fields.DateField(null=True)
    step_due_at = fields.DatetimeField(null=True)
    step_yellow_at = fields.DatetimeField(null=True)
    warned_level = fields.SmallIntField(default=0)
    submitted_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    announced_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    community_id: int
    compound_id: int | None
    building_id: int | None
    requester_id: int | None
    entered_by_id: int | None
    resident_id: int | None
    terminal_id: int | None
    handler_id: int | None
    case_id: int | None

    class Meta:
        table = "consultation"
        indexes = (
            ("tenant_id", "step"),
            ("tenant_id", "community_id"),
            ("tenant_id", "submitted_at"),
            ("warned_level", "step_yellow_at"),
        )


class ConsultationStep(TenantModel):
    """One step of a consultation's timeline (留痕): which step, who took it, when, a note and
    what it recorded. The same step is also in the street's hash-chained audit log. An entry
    with a ``warning`` is no step taken but a deadline warning sent while at ``step``."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultation_steps")
    consultation: fields.ForeignKeyRelation[Consultation] = fields.ForeignKeyField(
        "gongzhi.Consultation", related_name="timeline", on_delete=fields.CASCADE
    )
    step = fields.CharEnumField(Step, max_length=16)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField()
    note = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    warning = fields.IntEnumField(StepWarningLevel, default=StepWarningLevel.NONE)

    consultation_id: int
    actor_id: int | None

    class Meta:
        table = "consultation_step"
        indexes = (("consultation_id", "at"),)


class StepWarning(TenantModel):
    """A step's deadline warning sent (黄线提醒 or 红线示警): at most one per consultation,
    step and colour, so of several scanners racing only one writes it. ``step`` is the step
    that was due (the one after the consultation's current step)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultation_step_warnings")
    consultation: fields.ForeignKeyRelation[Consultation] = fields.ForeignKeyField(
        "gongzhi.Consultation", related_name="step_warnings", on_delete=fields.CASCADE
    )
    step = fields.CharEnumField(Step, max_length=16)
    level = fields.IntEnumField(StepWarningLevel)
    due_at = fields.DatetimeField()
    sent_at = fields.DatetimeField()

    consultation_id: int

    class Meta:
        table = "consultation_step_warning"
        unique_together = (("consultation", "step", "level"),)


class Invitation(TenantModel):
    """协商约请: one party invited to a consultation, answered by one account.

    The party accepts or declines (with a reason), gives its position while the matter is
    coordinated, confirms attendance, is checked in at the meeting's door and signs off or
    objects in the joint review. ``checkin_nonce`` is the nonce of the check-in link issued
    to it (a link is used once).
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultation_invitations")
    consultation: fields.ForeignKeyRelation[Consultation] = fields.ForeignKeyField(
        "gongzhi.Consultation", related_name="invitations", on_delete=fields.CASCADE
    )
    party_kind = fields.CharEnumField(PartyKind, max_length=24)
    party_name = fields.CharField(max_length=100)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(InvitationStatus, max_length=16, default=InvitationStatus.INVITED)
    reason = fields.TextField(validators=[MaxLengthValidator(5000)], default="")
    position = fields.TextField(validators=[MaxLengthValidator(5000)], default="")
    attending = fields.BooleanField(default=False)
    checkin_nonce = fields.CharField(max_length=32, default="")
    checked_in_at = fields.DatetimeField(null=True)
    verdict = fields.CharEnumField(Verdict, max_length=16, null=True)
    verdict_reason = fields.TextField(validators=[MaxLengthValidator(5000)], default="")
    invited_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    consultation_id: int
    user_id: int

    class Meta:
        table = "consultation_invitation"
        unique_together = (("consultation", "user"),)
        indexes = (("tenant_id", "user_id"),)


class ConsultationMeeting(TenantModel):
    """召开协商会议: the meeting of a consultation: when, where (or the online link), its
    agenda, the per-meeting registration code, and once held its minutes with the decisions
    (each with the invitations that agreed) and attachments."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultation_meetings")
    consultation: fields.OneToOneRelation[Consultation] = fields.OneToOneField(
        "gongzhi.Consultation", related_name="meeting", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    place = fields.CharField(max_length=200, default="")
    online_link = fields.CharField(max_length=500, default="")
    agenda = fields.TextField(validators=[MaxLengthValidator(5000)], default="")
    code = fields.CharField(max_length=12)
    held_at = fields.DatetimeField(null=True)
    minutes = fields.TextField(validators=[MaxLengthValidator(10000)], default="")
    decisions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    attachments: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()

    consultation_id: int

    class Meta:
        table = "consultation_meeting"


class Evaluation(TenantModel):
    """评价协商结果: one rating (1 to 5) of an announced outcome, by the requester or a
    resident of the compound, once each."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("consultation_evaluations")
    consultation: fields.ForeignKeyRelation[Consultation] = fields.ForeignKeyField(
        "gongzhi.Consultation", related_name="evaluations", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    rating = fields.SmallIntField()
    comment = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    by_requester = fields.BooleanField(default=False)
    at = fields.DatetimeField()

    consultation_id: int
    user_id: int

    class Meta:
        table = "consultation_evaluation"
        unique_together = (("consultation", "user"),)


class LibraryCase(TenantModel):
    """案例库: a solved consultation as a reference case, free of personal data.

    ``search`` holds its text as search tokens (CJK character bigrams and single characters,
    street-prefixed, space separated) and ``search_length`` how many, for BM25: PostgreSQL
    reads its postings (``LibraryPosting``), SQLite the street's FTS5 table
    ``library_search_<street>``.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("library_cases")
    consultation: fields.OneToOneRelation[Consultation] = fields.OneToOneField(
        "gongzhi.Consultation", related_name="library_case", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    category = fields.CharField(max_length=40)
    summary = fields.TextField(validators=[MaxLengthValidator(5000)])
    outcome = fields.TextField(validators=[MaxLengthValidator(5000)])
    status = fields.CharEnumField(LibraryStatus, max_length=16, default=LibraryStatus.DRAFT)
    search = fields.TextField(default="")
    search_length = fields.IntField(default=0)
    drafted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    published_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)

    consultation_id: int
    drafted_by_id: int | None
    published_by_id: int | None

    class Meta:
        table = "library_case"
        indexes = (("tenant_id", "status"),)


class LibraryPosting(TenantModel):
    """案例库检索词: one search term of a published library case, how often the case has it
    (``tf``) and the case's length in terms (``dl``), for BM25 on PostgreSQL, which reads a
    query's terms from one covering index (street, term) and never opens a case's row."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("library_postings")
    case: fields.ForeignKeyRelation[LibraryCase] = fields.ForeignKeyField(
        "gongzhi.LibraryCase", related_name="postings", on_delete=fields.CASCADE
    )
    term = fields.CharField(max_length=72)
    tf = fields.IntField()
    dl = fields.IntField()

    case_id: int

    class Meta:
        table = "library_posting"


class LibraryStats(TenantModel):
    """案例库统计: how many cases the street's library has published and their total length in
    search terms (BM25's document count and average length), kept by publishing, so a search
    does not count the library first."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = fields.OneToOneField(
        "gongzhi.Street", related_name="library_stats", on_delete=fields.RESTRICT
    )
    documents = fields.IntField(default=0)
    length = fields.BigIntField(default=0)

    class Meta:
        table = "library_stats"


class BellLogEntry(TenantModel):
    """协商铃工作日志: one bell activity of a grid worker (a visit, a call, coordination),
    about a consultation or not, seen by the street as it is logged."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("bell_log")
    worker: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    consultation: fields.ForeignKeyNullableRelation[Consultation] = fields.ForeignKeyField(
        "gongzhi.Consultation", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    activity = fields.CharEnumField(BellActivity, max_length=16)
    note = fields.TextField(validators=[MaxLengthValidator(2000)])
    at = fields.DatetimeField()

    worker_id: int
    community_id: int | None
    consultation_id: int | None

    class Meta:
        table = "bell_log_entry"
        indexes = (("tenant_id", "at"),)


class BellTerminal(TenantModel):
    """协商铃终端: the smart terminal of a community centre. It holds a key (only its hash is
    kept) with which it may ring and do nothing else."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("bell_terminals")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    key_hash = fields.CharField(max_length=64, unique=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()

    community_id: int

    class Meta:
        table = "bell_terminal"


class BellSettings(TenantModel):
    """A street's bell settings: its offices (六办三中心) for non-consultation matters, its
    categories, and the working days each step may take (by the step it leads to), with the
    share of them after which the step's yellow line (黄线) is crossed."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("bell_settings")
    offices: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    step_days: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    yellow_days = fields.SmallIntField(default=1)
    yellow_percent = fields.SmallIntField(default=80)

    class Meta:
        table = "bell_settings"
        unique_together = (("tenant",),)
