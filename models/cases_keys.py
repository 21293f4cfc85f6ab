"""Open311 keys (开放接口密钥): how an outside system (a 12345 hotline, a FixMyStreet-style
app) reports cases into one street through Open311 GeoReport v2.

A street admin issues a key to one named system and may revoke it. Only the key's SHA-256 is
kept (the key itself is shown once, when issued); a case reported with it has the source
``OPEN311`` and the key's name as its ``source_name``.
"""

from __future__ import annotations

from tortoise import fields

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Street


class Open311Key(TenantModel):
    """开放接口密钥: one outside system's key for reporting cases into the street."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("open311_keys")
    name = fields.CharField(max_length=100, description="The system, e.g. 12345 热线")
    key_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 of the key")
    hint = fields.CharField(max_length=12, description="The key's first characters")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    created_by_id: int | None
    revoked_by_id: int | None

    class Meta:
        table = "case_open311_key"
        indexes = (("tenant_id", "revoked_at"),)
