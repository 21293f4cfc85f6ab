"""District → street (the tenant) → community → grid.

区 → 街道（租户）→ 社区 → 网格. Compounds and buildings come with the people domain.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.scoping import TenantModel, tenant_field


class District(Model):
    """区: a district groups streets, and district roles read across them."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    streets: fields.ReverseRelation[Street]

    class Meta:
        table = "district"


class Street(Model):
    """街道: the tenant. Everything a street owns points here through ``tenant``."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=100)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "gongzhi.District", related_name="streets", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    district_id: int
    communities: fields.ReverseRelation[Community]

    class Meta:
        table = "street"


class Community(TenantModel):
    """社区."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("communities")
    code = fields.CharField(max_length=40)
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    grids: fields.ReverseRelation[Grid]

    class Meta:
        table = "community"
        unique_together = (("tenant", "code"),)


class Grid(TenantModel):
    """网格: the smallest unit of service, inside one community."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("grids")
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "gongzhi.Community", related_name="grids", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=40)
    name = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    community_id: int

    class Meta:
        table = "grid"
        unique_together = (("tenant", "code"),)
