from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.cases import (
    AssignmentRole,
    CaseLevel,
    CaseSource,
    CaseState,
    CategoryKind,
    LeaderDuty,
    MediaKind,
    Satisfaction,
    StepAction,
    Urgency,
    WarningLevel,
)
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("gongzhi", "0007_votes_turnout_shards")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CaseCategory",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_categories",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("code", fields.CharField(max_length=40)),
                ("name", fields.CharField(max_length=100)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="SERVICE: SERVICE\nREGULATORY: REGULATORY",
                        enum_type=CategoryKind,
                        max_length=16,
                    ),
                ),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "keywords",
                    fields.CharField(default="", description="Comma-separated", max_length=200),
                ),
                (
                    "service_group",
                    fields.CharField(default="", description="Open311 group", max_length=100),
                ),
                ("sort_order", fields.SmallIntField(default=0)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_category",
                "app": "gongzhi",
                "unique_together": (("tenant", "code"),),
                "pk_attr": "id",
                "table_description": "事项类别: one category of the street's taxonomy, service-type or regulatory-type.",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseLeader",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_leaders",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "duty",
                    fields.CharEnumField(
                        description="IN_CHARGE: IN_CHARGE\nHEAD: HEAD",
                        enum_type=LeaderDuty,
                        max_length=16,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "gongzhi.CaseCategory",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_leader",
                "app": "gongzhi",
                "unique_together": (("tenant", "user", "duty", "category"),),
                "pk_attr": "id",
                "table_description": "A STREET_LEADER's duty for cases: 分管 (in charge, of one category or of all) receives",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseSettings",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_settings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "yellow_percent",
                    fields.SmallIntField(default=80, description="Percent of the deadline"),
                ),
                (
                    "require_grid",
                    fields.BooleanField(
                        default=False, description="A reported point outside every grid is refused"
                    ),
                ),
                (
                    "max_rounds",
                    fields.SmallIntField(default=3, description="First report and re-reports"),
                ),
                ("updated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_settings",
                "app": "gongzhi",
                "unique_together": (("tenant",),),
                "pk_attr": "id",
                "table_description": "A street's rules for cases: the share of a deadline after which it turns yellow, whether",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="ClosureRule",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_closure_rules",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "urgency",
                    fields.CharEnumField(
                        null=True,
                        description="ORDINARY: ORDINARY\nIMPORTANT: IMPORTANT\nURGENT: URGENT",
                        enum_type=Urgency,
                        max_length=16,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "gongzhi.CaseCategory",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "lowest_level",
                    fields.IntEnumField(
                        description="GRID: 1\nCOMMUNITY: 2\nSTREET: 3\nDISTRICT: 4",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
            ],
            options={
                "table": "case_closure_rule",
                "app": "gongzhi",
                "unique_together": (("tenant", "urgency", "category"),),
                "pk_attr": "id",
                "table_description": "小事不出网格，大事不出街道: the lowest level that may resolve a case of this urgency (and",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="DeadlineRule",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_deadline_rules",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "level",
                    fields.IntEnumField(
                        description="GRID: 1\nCOMMUNITY: 2\nSTREET: 3\nDISTRICT: 4",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                (
                    "urgency",
                    fields.CharEnumField(
                        description="ORDINARY: ORDINARY\nIMPORTANT: IMPORTANT\nURGENT: URGENT",
                        enum_type=Urgency,
                        max_length=16,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "gongzhi.CaseCategory",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sign_days", fields.SmallIntField(description="Working days to sign")),
                ("resolve_days", fields.SmallIntField(description="Working days to resolve")),
            ],
            options={
                "table": "case_deadline_rule",
                "app": "gongzhi",
                "unique_together": (("tenant", "level", "urgency", "category"),),
                "pk_attr": "id",
                "table_description": "时限: working days to sign and to resolve, per level and urgency (and optionally one",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="departments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("code", fields.CharField(max_length=40)),
                ("name", fields.CharField(max_length=100)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_department",
                "app": "gongzhi",
                "unique_together": (("tenant", "code"),),
                "pk_attr": "id",
                "table_description": "街道科室: a street department (or a station sent down to the street, 下沉站所).",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="DepartmentMember",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="department_members",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "department",
                    fields.ForeignKeyField(
                        "gongzhi.Department",
                        source_field="department_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_department_member",
                "app": "gongzhi",
                "unique_together": (("tenant", "department", "user"),),
                "indexes": [Index(fields=["tenant_id", "user_id"])],
                "pk_attr": "id",
                "table_description": "A STREET_DEPARTMENT account working in one department.",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="DistrictDepartment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "district",
                    fields.ForeignKeyField(
                        "gongzhi.District",
                        source_field="district_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="case_departments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code", fields.CharField(max_length=40)),
                ("name", fields.CharField(max_length=100)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_district_department",
                "app": "gongzhi",
                "unique_together": (("district", "code"),),
                "pk_attr": "id",
                "table_description": "区级部门: a department of the district, the fourth level. Owned by the district, not by",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Case",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="cases",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "category",
                    fields.ForeignKeyField(
                        "gongzhi.CaseCategory",
                        source_field="category_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cases",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "urgency",
                    fields.CharEnumField(
                        default=Urgency.ORDINARY,
                        description="ORDINARY: ORDINARY\nIMPORTANT: IMPORTANT\nURGENT: URGENT",
                        enum_type=Urgency,
                        max_length=16,
                    ),
                ),
                (
                    "source",
                    fields.CharEnumField(
                        description="RESIDENT_APP: RESIDENT_APP\nGRID_PATROL: GRID_PATROL\nVISIT: VISIT\nCONSULTATION_BELL: CONSULTATION_BELL\nHOTLINE: HOTLINE\nON_BEHALF: ON_BEHALF\nOPEN311: OPEN311",
                        enum_type=CaseSource,
                        max_length=24,
                    ),
                ),
                (
                    "source_name",
                    fields.CharField(default="", description="Open311 key name", max_length=100),
                ),
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="reporter_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "resident",
                    fields.ForeignKeyField(
                        "gongzhi.Resident",
                        source_field="resident_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "entered_by",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="entered_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("contact_name", fields.CharField(default="", max_length=50)),
                ("contact_phone", fields.CharField(default="", max_length=20)),
                (
                    "private",
                    fields.BooleanField(
                        default=False,
                        description="Reporter shown only to the first handler and reviewers",
                    ),
                ),
                (
                    "public",
                    fields.BooleanField(
                        default=False, description="On the public map, no personal data"
                    ),
                ),
                ("longitude", fields.FloatField(null=True)),
                ("latitude", fields.FloatField(null=True)),
                ("address", fields.CharField(default="", max_length=200)),
                (
                    "grid",
                    fields.ForeignKeyField(
                        "gongzhi.Grid",
                        source_field="grid_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "community",
                    fields.ForeignKeyField(
                        "gongzhi.Community",
                        source_field="community_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "level",
                    fields.IntEnumField(
                        description="GRID: 1\nCOMMUNITY: 2\nSTREET: 3\nDISTRICT: 4",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                (
                    "entry_level",
                    fields.IntEnumField(
                        description="The level it was first sent to",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                (
                    "state",
                    fields.CharEnumField(
                        default=CaseState.PENDING,
                        description="PENDING: PENDING\nHANDLING: HANDLING\nRESOLVED: RESOLVED\nCLOSED: CLOSED",
                        enum_type=CaseState,
                        max_length=16,
                    ),
                ),
                (
                    "round",
                    fields.SmallIntField(
                        default=1, description="1 first report, 2 and 3 re-reports"
                    ),
                ),
                (
                    "stint",
                    fields.SmallIntField(default=1, description="Handing-overs so far, plus one"),
                ),
                (
                    "department",
                    fields.ForeignKeyField(
                        "gongzhi.Department",
                        source_field="department_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "district_department",
                    fields.ForeignKeyField(
                        "gongzhi.DistrictDepartment",
                        source_field="district_department_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "leader",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="leader_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "handler",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="handler_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "first_handler",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="first_handler_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "arrived_at",
                    fields.DatetimeField(
                        description="When the current handling party got it",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                ("signed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("sign_due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("yellow_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "warned_level",
                    fields.SmallIntField(default=0, description="0 none, 1 yellow, 2 red"),
                ),
                ("result", fields.TextField(default="", unique=False)),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_level",
                    fields.IntEnumField(
                        null=True,
                        description="GRID: 1\nCOMMUNITY: 2\nSTREET: 3\nDISTRICT: 4",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                ("resolved_late", fields.BooleanField(default=False)),
                (
                    "satisfaction",
                    fields.CharEnumField(
                        null=True,
                        description="SATISFIED: SATISFIED\nBASICALLY_SATISFIED: BASICALLY_SATISFIED\nUNSATISFIED: UNSATISFIED",
                        enum_type=Satisfaction,
                        max_length=24,
                    ),
                ),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "project",
                    fields.ForeignKeyField(
                        "gongzhi.Project",
                        source_field="project_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("reported_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "cases",
                "app": "gongzhi",
                "indexes": [
                    Index(fields=["tenant_id", "reported_at", "id"]),
                    Index(fields=["tenant_id", "state", "level"]),
                    Index(fields=["tenant_id", "grid_id", "state"]),
                    Index(fields=["tenant_id", "community_id", "state"]),
                    Index(fields=["tenant_id", "department_id", "state"]),
                    Index(fields=["tenant_id", "district_department_id", "state"]),
                    Index(fields=["tenant_id", "handler_id", "state"]),
                    Index(fields=["tenant_id", "leader_id", "state"]),
                    Index(fields=["tenant_id", "reporter_id"]),
                    Index(fields=["tenant_id", "category_id"]),
                    Index(fields=["tenant_id", "due_at"]),
                    Index(fields=["warned_level", "yellow_at"]),
                ],
                "pk_attr": "id",
                "table_description": "民情事项: one reported matter and where it stands.",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseAssignment",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_assignments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "department",
                    fields.ForeignKeyField(
                        "gongzhi.Department",
                        source_field="department_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "district_department",
                    fields.ForeignKeyField(
                        "gongzhi.DistrictDepartment",
                        source_field="district_department_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="LEAD: LEAD\nASSISTING: ASSISTING",
                        enum_type=AssignmentRole,
                        max_length=16,
                    ),
                ),
                (
                    "part",
                    fields.TextField(
                        default="", description="Its own part of the work", unique=False
                    ),
                ),
                ("stint", fields.SmallIntField()),
                ("active", fields.BooleanField(default=True)),
                ("signed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "signed_by",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="signed_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("done_note", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_assignment",
                "app": "gongzhi",
                "indexes": [
                    Index(fields=["tenant_id", "case_id"]),
                    Index(fields=["tenant_id", "department_id", "case_id"]),
                    Index(fields=["tenant_id", "district_department_id", "case_id"]),
                ],
                "pk_attr": "id",
                "table_description": "A department given a case: a street department (内部流转, the lead or an assisting one,",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseCallBack",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_call_backs",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="call_backs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "staff",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="staff_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "satisfaction",
                    fields.CharEnumField(
                        description="SATISFIED: SATISFIED\nBASICALLY_SATISFIED: BASICALLY_SATISFIED\nUNSATISFIED: UNSATISFIED",
                        enum_type=Satisfaction,
                        max_length=24,
                    ),
                ),
                ("comment", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_call_back",
                "app": "gongzhi",
                "indexes": [Index(fields=["tenant_id", "case_id"])],
                "pk_attr": "id",
                "table_description": "回访: a staff member's satisfaction call-back to the reporter (random checks).",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseRating",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_ratings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="ratings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("round", fields.SmallIntField()),
                (
                    "satisfaction",
                    fields.CharEnumField(
                        description="SATISFIED: SATISFIED\nBASICALLY_SATISFIED: BASICALLY_SATISFIED\nUNSATISFIED: UNSATISFIED",
                        enum_type=Satisfaction,
                        max_length=24,
                    ),
                ),
                ("comment", fields.TextField(default="", unique=False)),
                (
                    "rated_by",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="rated_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("on_behalf", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_rating",
                "app": "gongzhi",
                "unique_together": (("case", "round"),),
                "pk_attr": "id",
                "table_description": "满意度评价: the reporter's rating of one round's result (or staff on their behalf, after",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseStep",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_steps",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="steps",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "action",
                    fields.CharEnumField(
                        description="REPORTED: REPORTED\nSIGNED: SIGNED\nESCALATED: ESCALATED\nSENT_BACK: SENT_BACK\nTRANSFERRED: TRANSFERRED\nLINKED: LINKED\nPART_DONE: PART_DONE\nRESOLVED: RESOLVED\nRATED: RATED\nREREPORTED: REREPORTED\nCALLED_BACK: CALLED_BACK\nWARNED: WARNED\nCLOSED: CLOSED\nMADE_PROJECT: MADE_PROJECT",
                        enum_type=StepAction,
                        max_length=16,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "level",
                    fields.IntEnumField(
                        description="The level the case was at",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                (
                    "to_level",
                    fields.IntEnumField(
                        null=True,
                        description="The level it went to",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                (
                    "state",
                    fields.CharEnumField(
                        description="The state after it", enum_type=CaseState, max_length=16
                    ),
                ),
                ("round", fields.SmallIntField(default=1)),
                ("note", fields.TextField(default="", unique=False)),
                (
                    "detail",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_step",
                "app": "gongzhi",
                "indexes": [Index(fields=["tenant_id", "case_id", "id"])],
                "pk_attr": "id",
                "table_description": "处理记录: one step of a case's timeline: who, when, at which level, what.",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseMedia",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_media",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="media",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "step",
                    fields.ForeignKeyField(
                        "gongzhi.CaseStep",
                        source_field="step_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="media",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="PHOTO: PHOTO\nVIDEO: VIDEO\nVOICE: VOICE",
                        enum_type=MediaKind,
                        max_length=8,
                    ),
                ),
                (
                    "path",
                    fields.CharField(
                        description="Relative to the upload directory", max_length=200
                    ),
                ),
                ("content_type", fields.CharField(max_length=40)),
                ("size", fields.IntField()),
                ("sha256", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_media",
                "app": "gongzhi",
                "indexes": [Index(fields=["tenant_id", "case_id"])],
                "pk_attr": "id",
                "table_description": "A checked photo, short video or voice note of a case (of the report, or of a step such",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="CaseWarning",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="case_warnings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="warnings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("stint", fields.SmallIntField()),
                (
                    "level",
                    fields.IntEnumField(
                        description="NONE: 0\nYELLOW: 1\nRED: 2",
                        enum_type=WarningLevel,
                        generated=False,
                    ),
                ),
                (
                    "case_level",
                    fields.IntEnumField(
                        description="The handling level warned",
                        enum_type=CaseLevel,
                        generated=False,
                    ),
                ),
                ("due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_warning",
                "app": "gongzhi",
                "unique_together": (("case", "stint", "level"),),
                "pk_attr": "id",
                "table_description": "A deadline warning sent (黄线提醒 or 红线示警): at most one per case, stint and level.",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="DistrictDepartmentMember",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "department",
                    fields.ForeignKeyField(
                        "gongzhi.DistrictDepartment",
                        source_field="department_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "gongzhi.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "case_district_department_member",
                "app": "gongzhi",
                "unique_together": (("department", "user"),),
                "indexes": [Index(fields=["user_id"])],
                "pk_attr": "id",
                "table_description": "A DISTRICT_DEPARTMENT account working in one district department.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GridBoundary",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="grid_boundaries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "grid",
                    fields.ForeignKeyField(
                        "gongzhi.Grid",
                        source_field="grid_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "geometry",
                    fields.JSONField(
                        description="GeoJSON Polygon or MultiPolygon",
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("min_longitude", fields.FloatField()),
                ("min_latitude", fields.FloatField()),
                ("max_longitude", fields.FloatField()),
                ("max_latitude", fields.FloatField()),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "case_grid_boundary",
                "app": "gongzhi",
                "unique_together": (("tenant", "grid"),),
                "pk_attr": "id",
                "table_description": "The outline of a grid (网格边界), a GeoJSON Polygon or MultiPolygon in WGS 84",
            },
            bases=["TenantModel"],
        ),
    ]
