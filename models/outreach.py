"""Representatives and deliberators with contact QR codes (人大代表、议事员、联系二维码)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Grid, Street


class DelegateKind(StrEnum):
    REPRESENTATIVE = "REPRESENTATIVE"  # 人大代表
    DELIBERATOR = "DELIBERATOR"  # 议事员


class DelegateLevel(StrEnum):
    CITY = "CITY"  # 市级
    DISTRICT = "DISTRICT"  # 区级
    STREET = "STREET"  # 街道级


class DeliberatorGroup(TenantModel):
    """议事组: a group of deliberators of the street's resident council."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("deliberator_groups")
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deliberator_group"
        unique_together = (("tenant", "name"),)


class Delegate(TenantModel):
    """A representative (人大代表) or deliberator (议事员) and their public profile."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("delegates")
    kind = fields.CharEnumField(DelegateKind, max_length=16)
    name = fields.CharField(max_length=50)
    level = fields.CharEnumField(DelegateLevel, max_length=16, null=True)
    constituency = fields.CharField(max_length=100, default="")
    liaison_station = fields.CharField(max_length=100, default="")
    introduction = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    group: fields.ForeignKeyNullableRelation[DeliberatorGroup] = fields.ForeignKeyField(
        "gongzhi.DeliberatorGroup", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    group_id: int | None
    user_id: int | None

    class Meta:
        table = "delegate"


class DelegateArea(TenantModel):
    """A community (or one grid of it) a delegate serves."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("delegate_areas")
    delegate: fields.ForeignKeyRelation[Delegate] = fields.ForeignKeyField(
        "gongzhi.Delegate", related_name="areas", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, on_delete=fields.CASCADE
    )
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, null=True, on_delete=fields.CASCADE
    )

    delegate_id: int
    community_id: int
    grid_id: int | None

    class Meta:
        table = "delegate_area"
        indexes = (("tenant_id", "community_id"),)


class ContactCode(TenantModel):
    """A contact QR code: an opaque token in a deep link, revocable."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("contact_codes")
    delegate: fields.ForeignKeyRelation[Delegate] = fields.ForeignKeyField(
        "gongzhi.Delegate", related_name="codes", on_delete=fields.CASCADE
    )
    token = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    delegate_id: int

    class Meta:
        table = "contact_code"
