"""Cases (民情事项): one matter reported once, handled level by level.

A resident, a building chief or a grid worker reports a matter (一事一报); it is signed for
(签收), worked on and resolved at the grid, or escalated step by step: grid → community →
street → district department (四级联动). At the street the reviewer closes it directly, transfers
it to street departments (a lead department and assisting ones) or links it to a district
department. Every level has working-day deadlines from the street's SLA table: a yellow warning
(黄线提醒) at a share of the deadline, a red alarm (红线示警) once it passes. The reporter rates the
result, and an unsatisfied reporter reports again (二次、三次上报) to the street's leaders.

The case row keeps what the lists, queues and the deadline scanner read (state, level, the
handling party, the current deadlines and the warning already sent), written in the same
transaction as the step that changes them, so a queue reads one row per case. Every step is
also a ``CaseStep`` (the timeline).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.people import Resident
from models.projects import Project
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, District, Grid, Street


class CaseLevel(IntEnum):
    """The four handling levels (四级), lowest first: a case goes up one at a time."""

    GRID = 1  # 网格
    COMMUNITY = 2  # 社区
    STREET = 3  # 街道
    DISTRICT = 4  # 区级部门


class CaseState(StrEnum):
    PENDING = "PENDING"  # 待签收: at a level, waiting for its handling party to sign
    HANDLING = "HANDLING"  # 处理中: signed for, being worked on
    RESOLVED = "RESOLVED"  # 已办结: resolved with a result, waiting for the reporter's rating
    CLOSED = "CLOSED"  # 已结案: rated (or the last round rated), nothing more to do


OPEN_STATES = (CaseState.PENDING, CaseState.HANDLING)


class Urgency(StrEnum):
    ORDINARY = "ORDINARY"  # 一般
    IMPORTANT = "IMPORTANT"  # 重要
    URGENT = "URGENT"  # 紧急


class CaseSource(StrEnum):
    RESIDENT_APP = "RESIDENT_APP"  # 居民随手拍 (the resident's own account)
    GRID_PATROL = "GRID_PATROL"  # 巡查上报
    VISIT = "VISIT"  # 走访
    CONSULTATION_BELL = "CONSULTATION_BELL"  # 协商铃
    HOTLINE = "HOTLINE"  # 12345 热线
    ON_BEHALF = "ON_BEHALF"  # 代录 (staff entering for a resident without a phone)
    OPEN311 = "OPEN311"  # an Open311 client (its key's name in source_name)


class CategoryKind(StrEnum):
    SERVICE = "SERVICE"  # 服务类
    REGULATORY = "REGULATORY"  # 管制类 / 监管类


class Satisfaction(StrEnum):
    SATISFIED = "SATISFIED"  # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    UNSATISFIED = "UNSATISFIED"  # 不满意


class LeaderDuty(StrEnum):
    IN_CHARGE = "IN_CHARGE"  # 分管领导: second reports, warnings of the matters they oversee
    HEAD = "HEAD"  # 主要领导: third reports


class AssignmentRole(StrEnum):
    LEAD = "LEAD"  # 牵头
    ASSISTING = "ASSISTING"  # 协办


class MediaKind(StrEnum):
    PHOTO = "PHOTO"
    VIDEO = "VIDEO"
    VOICE = "VOICE"


class StepAction(StrEnum):
    """What one step of the timeline did (处理记录)."""

    REPORTED = "REPORTED"  # 上报
    SIGNED = "SIGNED"  # 签收
    ESCALATED = "ESCALATED"  # 上报上级
    SENT_BACK = "SENT_BACK"  # 回退
    TRANSFERRED = "TRANSFERRED"  # 内部流转 (to street departments)
    LINKED = "LINKED"  # 外部联动 (to a district department)
    PART_DONE = "PART_DONE"  # 协办部门完成其部分
    RESOLVED = "RESOLVED"  # 办结 (or 直接结案 at the dispatch desk)
    RATED = "RATED"  # 评价
    REREPORTED = "REREPORTED"  # 二次/三次上报
    CALLED_BACK = "CALLED_BACK"  # 回访
    WARNED = "WARNED"  # 黄线提醒 / 红线示警
    CLOSED = "CLOSED"  # 结案
    MADE_PROJECT = "MADE_PROJECT"  # 转为民生实事项目


class WarningLevel(IntEnum):
    NONE = 0
    YELLOW = 1  # 黄线提醒
    RED = 2  # 红线示警


# The ten categories of the district platform (智慧江干), with their kind; a new street starts
# with these (editable afterwards).
DEFAULT_CATEGORIES: tuple[tuple[str, str, CategoryKind], ...] = (
    ("party", "党群工作", CategoryKind.SERVICE),
    ("economy", "经济发展", CategoryKind.SERVICE),
    ("city", "城市管理", CategoryKind.REGULATORY),
    ("social", "社会事务", CategoryKind.SERVICE),
    ("health", "卫生计生", CategoryKind.SERVICE),
    ("services", "综合服务", CategoryKind.SERVICE),
    ("governance", "综合治理", CategoryKind.REGULATORY),
    ("dispute", "矛盾纠纷", CategoryKind.REGULATORY),
    ("safety", "公共安全", CategoryKind.REGULATORY),
    ("market", "市场监管", CategoryKind.REGULATORY),
)


class CaseCategory(TenantModel):
    """事项类别: one category of the street's taxonomy, service-type or regulatory-type.
    Also what Open311 calls a service (``code`` is its service_code)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_categories")
    code = fields.CharField(max_length=40)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(CategoryKind, max_length=16)
    description = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    keywords = fields.CharField(max_length=200, default="", description="Comma-separated")
    service_group = fields.CharField(max_length=100, default="", description="Open311 group")
    sort_order = fields.SmallIntField(default=0)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "case_category"
        unique_together = (("tenant", "code"),)


class Department(TenantModel):
    """街道科室: a street department (or a station sent down to the street, 下沉站所)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("departments")
    code = fields.CharField(max_length=40)
    name = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "case_department"
        unique_together = (("tenant", "code"),)


class DepartmentMember(TenantModel):
    """A STREET_DEPARTMENT account working in one department."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("department_members")
    department: fields.ForeignKeyRelation[Department] = fields.ForeignKeyField(
        "gongzhi.Department", related_name="members", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    department_id: int
    user_id: int

    class Meta:
        table = "case_department_member"
        unique_together = (("tenant", "department", "user"),)
        indexes = (("tenant_id", "user_id"),)


class DistrictDepartment(Model):
    """区级部门: a department of the district, the fourth level. Owned by the district, not by
    a street: it acts in a street only on the cases linked to it (外部联动)."""

    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "gongzhi.District", related_name="case_departments", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=40)
    name = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    district_id: int

    class Meta:
        table = "case_district_department"
        unique_together = (("district", "code"),)


class DistrictDepartmentMember(Model):
    """A DISTRICT_DEPARTMENT account working in one district department."""

    id = fields.IntField(primary_key=True)
    department: fields.ForeignKeyRelation[DistrictDepartment] = fields.ForeignKeyField(
        "gongzhi.DistrictDepartment", related_name="members", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    department_id: int
    user_id: int

    class Meta:
        table = "case_district_department_member"
        unique_together = (("department", "user"),)
        indexes = (("user_id",),)


class CaseLeader(TenantModel):
    """A STREET_LEADER's duty for cases: 分管 (in charge, of one category or of all) receives
    second reports and the warnings, 主要 (the head) third reports."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_leaders")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    duty = fields.CharEnumField(LeaderDuty, max_length=16)
    category: fields.ForeignKeyNullableRelation[CaseCategory] = fields.ForeignKeyField(
        "gongzhi.CaseCategory", related_name=False, null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    category_id: int | None

    class Meta:
        table = "case_leader"
        unique_together = (("tenant", "user", "duty", "category"),)


class GridBoundary(TenantModel):
    """The outline of a grid (网格边界), a GeoJSON Polygon or MultiPolygon in WGS 84
    (longitude, latitude). The bounding box is kept to find candidate grids of a point in SQL."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("grid_boundaries")
    grid: fields.ForeignKeyRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, on_delete=fields.CASCADE
    )
    geometry: fields.JSONField[dict[str, Any]] = fields.JSONField(
        description="GeoJSON Polygon or MultiPolygon"
    )
    min_longitude = fields.FloatField()
    min_latitude = fields.FloatField()
    max_longitude = fields.FloatField()
    max_latitude = fields.FloatField()
    updated_at = fields.DatetimeField()

    grid_id: int

    class Meta:
        table = "case_grid_boundary"
        unique_together = (("tenant", "grid"),)


class CaseSettings(TenantModel):
    """A street's rules for cases: the share of a deadline after which it turns yellow, whether
    a reported point must lie in a grid, how many rounds of reports a case may have."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_settings")
    yellow_percent = fields.SmallIntField(default=80, description="Percent of the deadline")
    require_grid = fields.BooleanField(
        default=False, description="A reported point outside every grid is refused"
    )
    max_rounds = fields.SmallIntField(default=3, description="First report and re-reports")
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "case_settings"
        unique_together = (("tenant",),)


class DeadlineRule(TenantModel):
    """时限: working days to sign and to resolve, per level and urgency (and optionally one
    category, which then wins over the rule without category)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_deadline_rules")
    level = fields.IntEnumField(CaseLevel)
    urgency = fields.CharEnumField(Urgency, max_length=16)
    category: fields.ForeignKeyNullableRelation[CaseCategory] = fields.ForeignKeyField(
        "gongzhi.CaseCategory", related_name=False, null=True, on_delete=fields.CASCADE
    )
    sign_days = fields.SmallIntField(description="Working days to sign")
    resolve_days = fields.SmallIntField(description="Working days to resolve")

    category_id: int | None

    class Meta:
        table = "case_deadline_rule"
        unique_together = (("tenant", "level", "urgency", "category"),)


class ClosureRule(TenantModel):
    """小事不出网格，大事不出街道: the lowest level that may resolve a case of this urgency (and
    optionally this category). Below it the case must be escalated."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_closure_rules")
    urgency = fields.CharEnumField(Urgency, max_length=16, null=True)
    category: fields.ForeignKeyNullableRelation[CaseCategory] = fields.ForeignKeyField(
        "gongzhi.CaseCategory", related_name=False, null=True, on_delete=fields.CASCADE
    )
    lowest_level = fields.IntEnumField(CaseLevel)

    category_id: int | None

    class Meta:
        table = "case_closure_rule"
        unique_together = (("tenant", "urgency", "category"),)


class Case(TenantModel):
    """民情事项: one reported matter and where it stands.

    ``level``, ``state`` and the handling party (``grid`` / ``community`` at the lower levels,
    ``department`` or ``leader`` at the street, ``district_department`` at the fourth level)
    say who must act. ``stint`` counts the handing-overs: each new handling party gets new
    deadlines (``sign_due_at``, ``due_at``, ``yellow_at``) and ``warned_level`` starts again
    at 0. The scanner claims a warning by raising ``warned_level`` with a conditional update.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("cases")
    title = fields.CharField(max_length=200)
    description = fields.TextField(validators=[MaxLengthValidator(4000)], default="")
    category: fields.ForeignKeyRelation[CaseCategory] = fields.ForeignKeyField(
        "gongzhi.CaseCategory", related_name="cases", on_delete=fields.RESTRICT
    )
    urgency = fields.CharEnumField(Urgency, max_length=16, default=Urgency.ORDINARY)
    source = fields.CharEnumField(CaseSource, max_length=24)
    source_name = fields.CharField(max_length=100, default="", description="Open311 key name")
    # who reported: the account (resident or staff), the resident concerned, who entered it
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resident: fields.ForeignKeyNullableRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    contact_name = fields.CharField(max_length=50, default="")
    contact_phone = fields.CharField(max_length=20, default="")
    private = fields.BooleanField(
        default=False, description="Reporter shown only to the first handler and reviewers"
    )
    public = fields.BooleanField(default=False, description="On the public map, no personal data")
    longitude = fields.FloatField(null=True)
    latitude = fields.FloatField(null=True)
    address = fields.CharField(max_length=200, default="")
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # where it stands
    level = fields.IntEnumField(CaseLevel)
    entry_level = fields.IntEnumField(CaseLevel, description="The level it was first sent to")
    state = fields.CharEnumField(CaseState, max_length=16, default=CaseState.PENDING)
    round = fields.SmallIntField(default=1, description="1 first report, 2 and 3 re-reports")
    stint = fields.SmallIntField(default=1, description="Handing-overs so far, plus one")
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "gongzhi.Department", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    district_department: fields.ForeignKeyNullableRelation[DistrictDepartment] = (
        fields.ForeignKeyField(
            "gongzhi.DistrictDepartment",
            related_name=False,
            null=True,
            on_delete=fields.SET_NULL,
        )
    )
    leader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    handler: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    first_handler: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # deadlines of the current stint
    arrived_at = fields.DatetimeField(description="When the current handling party got it")
    signed_at = fields.DatetimeField(null=True)
    sign_due_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    yellow_at = fields.DatetimeField()
    warned_level = fields.SmallIntField(default=0, description="0 none, 1 yellow, 2 red")
    # the outcome
    result = fields.TextField(validators=[MaxLengthValidator(4000)], default="")
    resolved_at = fields.DatetimeField(null=True)
    resolved_level: CaseLevel | None = fields.IntEnumField(CaseLevel, null=True)  # type: ignore[assignment]  # nullable
    resolved_late = fields.BooleanField(default=False)
    satisfaction: Satisfaction | None = fields.CharEnumField(  # type: ignore[assignment]  # nullable
        Satisfaction, max_length=24, null=True
    )
    closed_at = fields.DatetimeField(null=True)
    project: fields.ForeignKeyNullableRelation[Project] = fields.ForeignKeyField(
        "gongzhi.Project", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reported_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    category_id: int
    reporter_id: int | None
    resident_id: int | None
    entered_by_id: int | None
    grid_id: int | None
    community_id: int | None
    department_id: int | None
    district_department_id: int | None
    leader_id: int | None
    handler_id: int | None
    first_handler_id: int | None
    project_id: int | None

    steps: fields.ReverseRelation[CaseStep]

    class Meta:
        table = "cases"
        indexes = (
            ("tenant_id", "reported_at", "id"),
            ("tenant_id", "state", "level"),
            ("tenant_id", "grid_id", "state"),
            ("tenant_id", "community_id", "state"),
            ("tenant_id", "department_id", "state"),
            ("tenant_id", "district_department_id", "state"),
            ("tenant_id", "handler_id", "state"),
            ("tenant_id", "leader_id", "state"),
            ("tenant_id", "reporter_id"),
            ("tenant_id", "category_id"),
            ("tenant_id", "due_at"),
            ("warned_level", "yellow_at"),
        )


class CaseStep(TenantModel):
    """处理记录: one step of a case's timeline: who, when, at which level, what."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_steps")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="steps", on_delete=fields.CASCADE
    )
    action = fields.CharEnumField(StepAction, max_length=16)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    level = fields.IntEnumField(CaseLevel, description="The level the case was at")
    to_level = fields.IntEnumField(CaseLevel, null=True, description="The level it went to")
    state = fields.CharEnumField(CaseState, max_length=16, description="The state after it")
    round = fields.SmallIntField(default=1)
    note = fields.TextField(
        validators=[MaxLengthValidator(4000)],
        default="",
        description="A note or reason given with the step; a resolution's result",
    )
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    at = fields.DatetimeField()

    case_id: int
    actor_id: int | None

    class Meta:
        table = "case_step"
        indexes = (("tenant_id", "case_id", "id"),)


class CaseAssignment(TenantModel):
    """A department given a case: a street department (内部流转, the lead or an assisting one,
    each with its own part) or a district department (外部联动). Kept after the case moves on,
    so a department still reads the cases it once had."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_assignments")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="assignments", on_delete=fields.CASCADE
    )
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "gongzhi.Department", related_name=False, null=True, on_delete=fields.CASCADE
    )
    district_department: fields.ForeignKeyNullableRelation[DistrictDepartment] = (
        fields.ForeignKeyField(
            "gongzhi.DistrictDepartment",
            related_name=False,
            null=True,
            on_delete=fields.CASCADE,
        )
    )
    role = fields.CharEnumField(AssignmentRole, max_length=16)
    part = fields.TextField(
        validators=[MaxLengthValidator(2000)], default="", description="Its own part of the work"
    )
    stint = fields.SmallIntField()
    active = fields.BooleanField(default=True)
    signed_at = fields.DatetimeField(null=True)
    signed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    done_at = fields.DatetimeField(null=True)
    done_note = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    created_at = fields.DatetimeField()

    case_id: int
    department_id: int | None
    district_department_id: int | None
    signed_by_id: int | None

    class Meta:
        table = "case_assignment"
        indexes = (
            ("tenant_id", "case_id"),
            ("tenant_id", "department_id", "case_id"),
            ("tenant_id", "district_department_id", "case_id"),
        )


class CaseRating(TenantModel):
    """满意度评价: the reporter's rating of one round's result (or staff on their behalf, after
    calling them back). One per round."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_ratings")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="ratings", on_delete=fields.CASCADE
    )
    round = fields.SmallIntField()
    satisfaction = fields.CharEnumField(Satisfaction, max_length=24)
    comment = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    rated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    on_behalf = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    case_id: int
    rated_by_id: int | None

    class Meta:
        table = "case_rating"
        unique_together = (("case", "round"),)


class CaseCallBack(TenantModel):
    """回访: a staff member's satisfaction call-back to the reporter (random checks)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_call_backs")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="call_backs", on_delete=fields.CASCADE
    )
    staff: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    satisfaction = fields.CharEnumField(Satisfaction, max_length=24)
    comment = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    created_at = fields.DatetimeField()

    case_id: int
    staff_id: int | None

    class Meta:
        table = "case_call_back"
        indexes = (("tenant_id", "case_id"),)


class CaseMedia(TenantModel):
    """A checked photo, short video or voice note of a case (of the report, or of a step such
    as the resolution), stored under the upload directory."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_media")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="media", on_delete=fields.CASCADE
    )
    step: fields.ForeignKeyNullableRelation[CaseStep] = fields.ForeignKeyField(
        "gongzhi.CaseStep", related_name="media", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(MediaKind, max_length=8)
    path = fields.CharField(max_length=200, description="Relative to the upload directory")
    content_type = fields.CharField(max_length=40)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    case_id: int
    step_id: int | None

    class Meta:
        table = "case_media"
        indexes = (("tenant_id", "case_id"),)


class CaseWarning(TenantModel):
    """A deadline warning sent (黄线提醒 or 红线示警): at most one per case, stint and level."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("case_warnings")
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name="warnings", on_delete=fields.CASCADE
    )
    stint = fields.SmallIntField()
    level = fields.IntEnumField(WarningLevel)
    case_level = fields.IntEnumField(CaseLevel, description="The handling level warned")
    due_at = fields.DatetimeField()
    sent_at = fields.DatetimeField()

    case_id: int

    class Meta:
        table = "case_warning"
        unique_together = (("case", "stint", "level"),)
