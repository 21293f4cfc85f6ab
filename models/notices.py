"""Notices (一键群发): stored once with their target, fanned out when a resident reads the inbox."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.people import Resident
from models.scoping import TenantModel, tenant_field
from models.tenancy import Street


class TargetKind(StrEnum):
    """What a notice target names."""

    STREET = "STREET"  # 全街道
    COMMUNITY = "COMMUNITY"  # 社区
    GRID = "GRID"  # 网格
    TAG = "TAG"  # 标签


AREA_KINDS = (TargetKind.STREET, TargetKind.COMMUNITY, TargetKind.GRID)


class NoticeCategory(StrEnum):
    """What a notice is: a notice, or one of the street's legal information articles."""

    NOTICE = "NOTICE"  # 通知公告
    LEGAL = "LEGAL"  # 法治宣传 (法律知识文章, in the nearby feed as legal articles)


class Notice(TenantModel):
    """一键群发: a notice stored once with its target. A resident's inbox matches the notices
    whose target covers them, so sending costs the same for 10 or 73,000 residents."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("notices")
    sender: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    body = fields.TextField(validators=[MaxLengthValidator(5000)])
    has_tags = fields.BooleanField(default=False)
    category = fields.CharEnumField(
        NoticeCategory,
        max_length=16,
        default=NoticeCategory.NOTICE,
        db_default=NoticeCategory.NOTICE.value,
    )
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
