"""The three reals (三实): actual houses, rented homes, floating population and actual
organisations of a street (实有房屋、出租房屋、流动人口、实有单位), with their reminders.

A dwelling unit belongs to a building of the people domain, a resident lives in one through
an occupancy (owner or tenant). A rented home is the rental register entry of a unit marked
rented. A floating person is a resident registered as non-local.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.people import Building, Resident
from models.scoping import TenantModel, tenant_field
from models.tenancy import Grid, Street


class UnitUse(StrEnum):
    """What a dwelling unit is used for (房屋用途)."""

    OWNER_OCCUPIED = "OWNER_OCCUPIED"  # 自住
    RENTED = "RENTED"  # 出租
    VACANT = "VACANT"  # 空置
    COMMERCIAL = "COMMERCIAL"  # 商用


class OccupantKind(StrEnum):
    OWNER = "OWNER"  # 业主
    TENANT = "TENANT"  # 租户


class InspectionResult(StrEnum):
    PASSED = "PASSED"  # 合格
    RECTIFY = "RECTIFY"  # 限期整改
    FAILED = "FAILED"  # 不合格


class PermitStatus(StrEnum):
    """居住证: the residence permit of a floating person."""

    NONE = "NONE"  # 未办理
    APPLIED = "APPLIED"  # 申领中
    VALID = "VALID"  # 有效


class OrganisationKind(StrEnum):
    ENTERPRISE = "ENTERPRISE"  # 企业
    SHOP = "SHOP"  # 商铺
    INSTITUTION = "INSTITUTION"  # 机关事业单位
    SOCIAL = "SOCIAL"  # 社会组织


class ReminderKind(StrEnum):
    LEASE = "LEASE"  # 租约到期
    PERMIT = "PERMIT"  # 居住证到期


class DwellingUnit(TenantModel):
    """实有房屋: one dwelling unit of a building (单元, 楼层, 室号)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("dwelling_units")
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name="units", on_delete=fields.RESTRICT
    )
    entrance = fields.CharField(max_length=20, default="", description="单元号")
    floor = fields.SmallIntField()
    room = fields.CharField(max_length=20, description="室号")
    area = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    use = fields.CharEnumField(UnitUse, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int

    class Meta:
        table = "dwelling_unit"
        unique_together = (("tenant", "building", "entrance", "room"),)


class Occupancy(TenantModel):
    """A resident living in a unit, as its owner or a tenant."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("occupancies")
    unit: fields.ForeignKeyRelation[DwellingUnit] = fields.ForeignKeyField(
        "gongzhi.DwellingUnit", related_name="occupancies", on_delete=fields.CASCADE
    )
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(OccupantKind, max_length=8)

    unit_id: int
    resident_id: int

    class Meta:
        table = "unit_occupancy"
        unique_together = (("tenant", "unit", "resident"),)
        indexes = (("tenant_id", "resident_id"),)


class Rental(TenantModel):
    """出租房屋: the rental register entry of a rented unit (one per unit)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("rentals")
    unit: fields.ForeignKeyRelation[DwellingUnit] = fields.ForeignKeyField(
        "gongzhi.DwellingUnit", related_name="rentals", on_delete=fields.CASCADE
    )
    landlord_name = fields.CharField(max_length=50)
    landlord_phone = fields.CharField(max_length=20, default="")
    lease_start = fields.DateField()
    lease_end = fields.DateField()
    inspected_on = fields.DateField(null=True)
    inspection_result = fields.CharEnumField(InspectionResult, max_length=8, null=True)
    findings = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    unit_id: int

    class Meta:
        table = "rental"
        unique_together = (("tenant", "unit"),)
        indexes = (("lease_end",),)


class FloatingPerson(TenantModel):
    """流动人口: a resident registered as non-local, with their residence permit (居住证)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("floating_people")
    resident: fields.ForeignKeyRelation[Resident] = fields.ForeignKeyField(
        "gongzhi.Resident", related_name=False, on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyNullableRelation[DwellingUnit] = fields.ForeignKeyField(
        "gongzhi.DwellingUnit", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    origin = fields.CharField(max_length=100, default="", description="户籍地")
    arrived_on = fields.DateField()
    permit_status = fields.CharEnumField(PermitStatus, max_length=8)
    permit_expires_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    resident_id: int
    unit_id: int | None

    class Meta:
        table = "floating_person"
        unique_together = (("tenant", "resident"),)
        indexes = (("permit_expires_on",),)


class Organisation(TenantModel):
    """实有单位: an enterprise, shop, institution or social organisation of the street."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("organisations")
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(OrganisationKind, max_length=16)
    credit_code = fields.CharField(max_length=18, description="统一社会信用代码")
    address = fields.CharField(max_length=200, default="")
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    grid: fields.ForeignKeyNullableRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    contact_name = fields.CharField(max_length=50, default="")
    contact_phone = fields.CharField(max_length=20, default="")
    employees = fields.IntField(default=0)
    account: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    building_id: int | None
    grid_id: int | None
    account_id: int | None

    class Meta:
        table = "organisation"
        unique_together = (("tenant", "credit_code"),)
        indexes = (("tenant_id", "grid_id"),)


class OrganisationInspection(TenantModel):
    """An inspection or safety record of an organisation (检查、安全记录)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("organisation_inspections")
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "gongzhi.Organisation", related_name="inspections", on_delete=fields.CASCADE
    )
    inspector: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    inspected_on = fields.DateField()
    result = fields.CharEnumField(InspectionResult, max_length=8)
    findings = fields.TextField(validators=[MaxLengthValidator(2000)], default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int

    class Meta:
        table = "organisation_inspection"


class BaseReminder(TenantModel):
    """A reminder sent to a grid's staff that a lease or a residence permit is about to end:
    unique per thing and date, so of several scanning workers exactly one sends it."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("base_reminders")
    kind = fields.CharEnumField(ReminderKind, max_length=8)
    ref_id = fields.IntField()
    due_on = fields.DateField()
    sent_at = fields.DatetimeField()

    class Meta:
        table = "base_reminder"
        unique_together = (("tenant", "kind", "ref_id", "due_on"),)


class BuildingLocation(TenantModel):
    """Where a building stands on the map (WGS 84 longitude and latitude), one per building."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("building_locations")
    building: fields.ForeignKeyRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name=False, on_delete=fields.CASCADE
    )
    longitude = fields.FloatField()
    latitude = fields.FloatField()

    building_id: int

    class Meta:
        table = "building_location"
        unique_together = (("tenant", "building"),)
