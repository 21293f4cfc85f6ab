"""Big screens (大屏) and their pairing (大屏绑定).

A screen that opens ``/screen/`` asks for a pairing: a short code it shows, and a device secret
it keeps. A street administrator enters the code, choosing what the screen shows (the street or
one community); the screen then collects, once, the tokens of its own DISPLAY account, which
the administrator can list and revoke.

``ScreenPairing`` belongs to no street until it is claimed (the screen does not know its street
yet): it holds only the code, the secret's digest and its times. ``Screen`` is the street's.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts import User
from models.scoping import TenantModel, tenant_field
from models.tenancy import Community, Street


class ScreenPairing(Model):
    """大屏绑定码: a code a screen shows for a few minutes, claimed once by a street admin,
    then collected once by the screen that holds its device secret."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=8, unique=True)
    secret_digest = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    street: fields.ForeignKeyNullableRelation[Street] = fields.ForeignKeyField(
        "gongzhi.Street", related_name=False, null=True, on_delete=fields.CASCADE
    )
    screen_pk = fields.IntField(null=True, description="The screen it paired, in that street")
    claimed_at = fields.DatetimeField(null=True)
    collected_at = fields.DatetimeField(null=True)

    street_id: int | None

    class Meta:
        table = "screen_pairing"


class Screen(TenantModel):
    """一块大屏: a paired display, with its own DISPLAY account and what it shows (the street,
    or one community), until it is revoked."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("screens")
    name = fields.CharField(max_length=60)
    community: fields.ForeignKeyNullableRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    account: fields.OneToOneRelation[User] = fields.OneToOneField(
        "gongzhi.User", related_name="screen", on_delete=fields.CASCADE
    )
    paired_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    paired_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    community_id: int | None
    account_id: int

    class Meta:
        table = "screen"
