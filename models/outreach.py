"""Reaching residents: notices (一键群发) fanned out on read, and representatives and
deliberators with contact QR codes (人大代表、议事员、联系二维码)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.accounts import User
from models.people import Resident
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Grid, Street


class TargetKind(StrEnum):
    """What a notice target names."""

    STREET = "STREET"  # 全街道
    COMMUNITY = "COMMUNITY"  # 社区
    GRID = "GRID"  # 网格
    TAG = "TAG"  # 标签


AREA_KINDS = (TargetKind.STREET, TargetKind.COMMUNITY, TargetKind.GRID)


class Notice(TenantModel):
    """一键群发: a notice stored once with its target. A resident's inbox matches the notices
    whose target covers them, so sending costs the same for 10 or 73,000 residents."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("notices")
    sender: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    body = fields.TextField()
    has_tags = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    sender_id: int

    class Meta:
        table = "notice"
        # (tenant, id): a street's notices newest first (the inbox pages by id).
        indexes = (("tenant_id", "sender_id"), ("tenant_id", "id"))


class NoticeTarget(TenantModel):
    """One part of a notice's target: the whole street, a community, a grid or a tag.
    Areas are joined by OR, tags narrow the areas (residents with any of the tags)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("notice_targets")
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "gongzhi.Notice", related_name="targets", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(TargetKind, max_length=16)
    ref_id = fields.IntField()

    notice_id: int

    class Meta:
        table = "notice_target"
        # (tenant, kind, ref_id, notice): the notices of an area or tag. (tenant, notice, kind,
        # ref_id): is this notice for this area, probed per notice. Without the second, stale
        # statistics after a burst of notices turn the inbox into a nested loop over all
        # targets (about 20 ms at 500 notices on PostgreSQL instead of 1 ms).
        indexes = (
            ("tenant_id", "kind", "ref_id", "notice_id"),
            ("tenant_id", "notice_id", "kind", "ref_id"),
        )


class NoticeReceipt(TenantModel):
    """A read receipt: the resident opened the notice."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("notice_receipts")
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "gongzhi.Notice", related_name="receipts", on_delete=fields.CASCADE
    )
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name="notice_receipts", on_delete=fields.CASCADE
    )
    read_at = fields.DatetimeField()

    notice_id: int
    resident_id: int

    class Meta:
        table = "notice_receipt"
        unique_together = (("tenant", "notice", "resident"),)
        indexes = (("tenant_id", "resident_id", "notice_id"),)  # my receipts (unread)


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
    introduction = fields.TextField(default="")
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
