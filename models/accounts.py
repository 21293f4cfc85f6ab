"""Accounts, sessions and role assignments."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.scoping import TenantModel, tenant_field
from models.tenancy import District, Street


class Role(StrEnum):
    """Every role of the platform; a user holds roles per street (or per district)."""

    RESIDENT = "RESIDENT"  # 居民
    BUILDING_CHIEF = "BUILDING_CHIEF"  # 楼道长 / 业委会
    GRID_WORKER = "GRID_WORKER"  # 网格员 / 小区专员 / 社工
    GRID_CHIEF = "GRID_CHIEF"  # 网格长
    COMMUNITY_STAFF = "COMMUNITY_STAFF"  # 社区两委 / 社区副职
    STREET_REVIEWER = "STREET_REVIEWER"  # 街道片区审核员
    STREET_DEPARTMENT = "STREET_DEPARTMENT"  # 街道科室经办人 / 下沉站所
    STREET_LEADER = "STREET_LEADER"  # 分管领导 / 主要领导
    STREET_ADMIN = "STREET_ADMIN"  # 街道系统管理员
    DISTRICT_DEPARTMENT = "DISTRICT_DEPARTMENT"  # 区级部门
    DISTRICT_ADMIN = "DISTRICT_ADMIN"  # 区综合指挥中心
    REPRESENTATIVE = "REPRESENTATIVE"  # 人大代表
    DELIBERATOR = "DELIBERATOR"  # 议事员
    CONGRESS_STAFF = "CONGRESS_STAFF"  # 人大工委工作人员
    PROFESSIONAL = "PROFESSIONAL"  # 律师、调解员、专家
    DISPLAY = "DISPLAY"  # 大屏
    PLATFORM_ADMIN = "PLATFORM_ADMIN"  # 平台管理员


DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT})
PLATFORM_ROLES = frozenset({Role.PLATFORM_ADMIN})
STREET_ROLES = frozenset(set(Role) - DISTRICT_ROLES - PLATFORM_ROLES)


class User(Model):
    """A person (or a display) who signs in. Users are global, roles are per street."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100, default="")
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    is_platform_admin = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    memberships: fields.ReverseRelation[Membership]
    district_memberships: fields.ReverseRelation[DistrictMembership]

    class Meta:
        table = "app_user"


class Membership(TenantModel):
    """A role held by a user in one street (角色分配). Owned by the street."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("memberships")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=32)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "membership"
        unique_together = (("tenant", "user", "role"),)


class DistrictMembership(Model):
    """A district role (区综合指挥中心, 区级部门), reading every street of the district."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name="district_memberships", on_delete=fields.CASCADE
    )
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "gongzhi.District", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    district_id: int

    class Meta:
        table = "district_membership"
        unique_together = (("district", "user", "role"),)


class Session(Model):
    """One sign-in: its tokens stop working when it is revoked (logout) or expires."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    refresh_counter = fields.IntField(default=0)

    user_id: int

    class Meta:
        table = "session"
