"""Location patrols (定位巡防): residents and volunteers walk their area with the app on.

A patrol is started, receives its GPS points in batches, checks in at the street's key points
(巡防点位, each with a radius), records findings (which can become cases) and is stopped; its
route is kept as a GeoJSON LineString with the time of each vertex and its distance. A point
reached at an impossible speed is kept flagged and never counted as distance.

For the blind spots (巡防盲区) every batch also marks the hexagonal cells (H3) its points passed
through on that day (``PatrolCell``, one row per street, cell and day), so the cells of a grid
no patrol passed in a period are found without reading the points.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.cases import Case
from models.scoping import TenantModel, tenant_field
from models.tenancy import Grid, Street


class PatrolState(StrEnum):
    ACTIVE = "ACTIVE"  # 巡防中
    STOPPED = "STOPPED"  # 已结束


class KeyPoint(TenantModel):
    """巡防点位: a place of the street a patrol checks in at, inside ``radius_m`` metres."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrol_key_points")
    name = fields.CharField(max_length=100)
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    longitude = fields.FloatField()
    latitude = fields.FloatField()
    radius_m = fields.SmallIntField(description="Metres around the point a check-in counts")
    active = fields.BooleanField(default=True)
    last_checked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    grid_id: int | None

    class Meta:
        table = "patrol_key_point"
        indexes = (("tenant_id", "grid_id"),)


class Patrol(TenantModel):
    """定位巡防: one walk. ``last_at`` is the time of the last point received (the next must
    be later), ``counted_at`` and ``last_longitude``/``last_latitude`` the last counted point
    (the next distance is measured from it), ``distance_m`` the counted distance. ``route`` is
    written when it stops."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrols")
    walker: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(PatrolState, max_length=16, default=PatrolState.ACTIVE)
    started_at = fields.DatetimeField()
    stopped_at = fields.DatetimeField(null=True)
    last_at = fields.DatetimeField(null=True, description="Time of the last point received")
    counted_at = fields.DatetimeField(null=True, description="Time of the last counted point")
    last_longitude = fields.FloatField(null=True)
    last_latitude = fields.FloatField(null=True)
    points = fields.IntField(default=0)
    flagged = fields.IntField(default=0, description="Points at an impossible speed")
    distance_m = fields.FloatField(default=0.0)
    route: fields.JSONField[dict[str, Any]] | None = fields.JSONField(
        null=True, description="GeoJSON Feature of a LineString with its times"
    )

    walker_id: int | None

    class Meta:
        table = "patrol"
        indexes = (("tenant_id", "walker_id", "id"), ("tenant_id", "started_at"))


class PatrolPoint(TenantModel):
    """One GPS point of a patrol, in the order received (``seq``)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrol_points")
    patrol: fields.ForeignKeyRelation[Patrol] = fields.ForeignKeyField(
        "gongzhi.Patrol", related_name=False, on_delete=fields.CASCADE
    )
    seq = fields.IntField()
    at = fields.DatetimeField()
    longitude = fields.FloatField()
    latitude = fields.FloatField()
    flagged = fields.BooleanField(default=False, description="Reached at an impossible speed")

    patrol_id: int

    class Meta:
        table = "patrol_point"
        unique_together = (("patrol", "seq"),)


class PatrolCell(TenantModel):
    """A hexagonal cell (H3) some patrol passed through on a day (Beijing time)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrol_cells")
    cell = fields.CharField(max_length=16, description="H3 index, hexadecimal")
    day = fields.DateField()

    class Meta:
        table = "patrol_cell"
        unique_together = (("tenant", "cell", "day"),)
        indexes = (("tenant_id", "day"),)


class PatrolCheckIn(TenantModel):
    """打卡: a patrol at a key point, within its radius. Once per patrol and key point."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrol_check_ins")
    patrol: fields.ForeignKeyRelation[Patrol] = fields.ForeignKeyField(
        "gongzhi.Patrol", related_name=False, on_delete=fields.CASCADE
    )
    key_point: fields.ForeignKeyRelation[KeyPoint] = fields.ForeignKeyField(
        "gongzhi.KeyPoint", related_name=False, on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    distance_m = fields.FloatField(description="Geodesic distance from the key point")

    patrol_id: int
    key_point_id: int

    class Meta:
        table = "patrol_check_in"
        unique_together = (("patrol", "key_point"),)


class PatrolFinding(TenantModel):
    """巡防发现: something a patrol noticed, reported as a case when it needs handling."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("patrol_findings")
    patrol: fields.ForeignKeyRelation[Patrol] = fields.ForeignKeyField(
        "gongzhi.Patrol", related_name=False, on_delete=fields.CASCADE
    )
    note = fields.TextField(validators=[MaxLengthValidator(2000)])
    longitude = fields.FloatField()
    latitude = fields.FloatField()
    at = fields.DatetimeField()
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "gongzhi.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    patrol_id: int
    case_id: int | None

    class Meta:
        table = "patrol_finding"
        indexes = (("tenant_id", "patrol_id"),)
