"""People and places of a street: compounds, buildings, staff per grid, residents, tags,
message threads and visit logs (小区、楼栋、网格人员、居民、标签、私信、走访日志).

Notices and representatives live in ``models.outreach``.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Grid, Street

# The tags every new street starts with (editable afterwards).
DEFAULT_TAGS = ("残疾人", "独居老人", "留守老人", "退役军人", "低保户", "重点关注")


class Compound(TenantModel):
    """小区: a residential compound inside a community."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("compounds")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name="compounds", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "compound"
        unique_together = (("tenant", "name"),)


class Building(TenantModel):
    """楼栋: a building of a compound, served by one grid."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("buildings")
    compound: fields.ForeignKeyRelation[Compound] = fields.ForeignKeyField(
        "gongzhi.Compound", related_name="buildings", on_delete=fields.RESTRICT
    )
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name="buildings", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    compound_id: int
    grid_id: int | None

    class Meta:
        table = "building"
        unique_together = (("tenant", "compound", "name"),)


class GridDuty(StrEnum):
    """What a staff member does in a grid."""

    CHIEF = "CHIEF"  # 网格长, at most one per grid
    WORKER = "WORKER"  # 网格员


class GridAssignment(TenantModel):
    """A staff member serving a grid (网格长 or 网格员)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("grid_assignments")
    grid: fields.ForeignKeyRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name="assignments", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    duty = fields.CharEnumField(GridDuty, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    grid_id: int
    user_id: int

    class Meta:
        table = "grid_assignment"
        unique_together = (("tenant", "grid", "user"),)
        indexes = (("tenant_id", "user_id"),)


class CommunityAssignment(TenantModel):
    """A staff member serving a community (社区两委)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("community_assignments")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name="assignments", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int
    user_id: int

    class Meta:
        table = "community_assignment"
        unique_together = (("tenant", "community", "user"),)


class Tag(TenantModel):
    """A resident tag of the street (残疾人, 独居老人…), editable by the street."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("tags")
    name = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "resident_tag_name"
        unique_together = (("tenant", "name"),)


class Resident(TenantModel):
    """居民: a person living in the street. The ID-card number is kept only as a keyed hash
    (for look-up) and a masked form, never whole."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("residents")
    name = fields.CharField(max_length=50)
    phone = fields.CharField(max_length=20, default="")
    id_hash = fields.CharField(max_length=64)
    id_masked = fields.CharField(max_length=18)
    address = fields.CharField(max_length=200, default="")
    household = fields.CharField(max_length=50, default="")
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name="residents", null=True, on_delete=fields.SET_NULL
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int | None
    grid_id: int | None
    community_id: int | None
    user_id: int | None

    class Meta:
        table = "resident"
        unique_together = (("tenant", "id_hash"),)
        indexes = (
            ("tenant_id", "grid_id"),
            ("tenant_id", "user_id"),
            ("tenant_id", "community_id"),
        )


class ResidentTag(TenantModel):
    """A tag given to a resident."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("resident_tags")
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name="tag_links", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "gongzhi.Tag", related_name="resident_links", on_delete=fields.CASCADE
    )

    resident_id: int
    tag_id: int

    class Meta:
        table = "resident_tag"
        unique_together = (("tenant", "resident", "tag"),)
        indexes = (("tenant_id", "tag_id", "resident_id"),)


class MessageThread(TenantModel):
    """A one-to-one conversation between a staff member (网格长) and a resident."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("message_threads")
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name="threads", on_delete=fields.CASCADE
    )
    staff: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_message_at = fields.DatetimeField(null=True)

    resident_id: int
    staff_id: int

    class Meta:
        table = "message_thread"
        unique_together = (("tenant", "resident", "staff"),)
        indexes = (("tenant_id", "staff_id"),)


class Message(TenantModel):
    """One message of a thread."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("messages")
    thread: fields.ForeignKeyRelation[MessageThread] = fields.ForeignKeyField(
        "gongzhi.MessageThread", related_name="messages", on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    from_resident = fields.BooleanField()
    body = fields.TextField(validators=[MaxLengthValidator(2000)])
    created_at = fields.DatetimeField()

    thread_id: int
    sender_id: int

    class Meta:
        table = "message"
        indexes = (("tenant_id", "thread_id"),)


class VisitLog(TenantModel):
    """走访日志: a household visit recorded by a grid worker."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("visit_logs")
    worker: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name="visits", on_delete=fields.CASCADE
    )
    visited_at = fields.DatetimeField()
    findings = fields.TextField(validators=[MaxLengthValidator(2000)])
    follow_up = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    worker_id: int
    resident_id: int

    class Meta:
        table = "visit_log"
        indexes = (("tenant_id", "visited_at", "worker_id"),)


class PeopleSettings(TenantModel):
    """A street's targets for people work (monthly visits per worker, default 30)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("people_settings")
    monthly_visit_target = fields.IntField(default=30)

    class Meta:
        table = "people_settings"
        unique_together = (("tenant",),)
