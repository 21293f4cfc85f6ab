"""实有房屋 and 出租房屋: dwelling units of buildings, who lives in them (owners and tenants),
and the rental register (landlord, lease, inspection). Floating population (流动人口) is
registered on a resident, linked to the rented unit they live in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from core import validators
from core.clock import local_date
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.bases import (
    DwellingUnit,
    FloatingPerson,
    InspectionResult,
    Occupancy,
    OccupantKind,
    PermitStatus,
    Rental,
    UnitUse,
)
from models.cases import Case, CaseSource
from models.columns import max_length
from models.people import Building, Compound
from resolvers.bases.codes import BasesCode
from resolvers.bases.common import (
    HOUSE_EVENTS,
    visible_building,
    visible_rental,
    visible_unit,
)
from resolvers.caller import Caller
from resolvers.cases.reporting import NewCase, report_case
from resolvers.events import changing
from resolvers.people.residents import visible_resident

BAD = ErrorCode.BAD_USER_INPUT
MAX_AREA = Decimal("100000")


def check_unit_fields(
    entrance: str, floor: int, room: str, area: Decimal | None
) -> tuple[str, str]:
    entrance = validators.text(
        entrance, "entrance", max_length(DwellingUnit, "entrance"), required=False
    )
    room = validators.text(room, "room", max_length(DwellingUnit, "room"))
    validators.in_range(floor, -10, 200, "floor", "bases.floor_range")
    if area is not None and not Decimal(0) < area < MAX_AREA:
        raise Refused(BAD, "bases.area_range", "area")
    return entrance, room


async def register_unit(
    caller: Caller,
    *,
    building_id: int,
    entrance: str,
    floor: int,
    room: str,
    use: UnitUse,
    area: Decimal | None = None,
) -> DwellingUnit:
    entrance, room = check_unit_fields(entrance, floor, room, area)
    building = await visible_building(caller, building_id)
    if await DwellingUnit.exists(building_id=building.id, entrance=entrance, room=room):
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.unit_exists", "room")
    try:
        async with changing(caller.services, caller.user) as change:
            unit = await DwellingUnit.create(
                building_id=building.id,
                entrance=entrance,
                floor=floor,
                room=room,
                area=area,
                use=use,
            )
            await change.record(
                "house.unit_registered",
                to_global_id("DwellingUnit", unit.id),
                {"building": to_global_id("Building", building.id), "use": use.value},
                visibility=HOUSE_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.unit_exists", "room") from exc
    return unit


async def set_unit_use(caller: Caller, unit_id: int, use: UnitUse) -> DwellingUnit:
    """A unit that is no longer rented keeps no tenant and no rental: refused while it has."""
    unit = await visible_unit(caller, unit_id)
    async with changing(caller.services, caller.user) as change:
        unit = await DwellingUnit.filter(id=unit.id).select_for_update().get()
        if use is not UnitUse.RENTED and (
            await Occupancy.exists(unit_id=unit.id, kind=OccupantKind.TENANT)
            or await Rental.exists(unit_id=unit.id)
        ):
            raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.unit_has_tenants", "use")
        before = unit.use
        unit.use = use
        await unit.save(update_fields=["use"])
        await change.record(
            "house.unit_use_changed",
            to_global_id("DwellingUnit", unit.id),
            {"use": use.value, "previousUse": before.value},
            visibility=HOUSE_EVENTS,
        )
    return unit


async def add_occupant(
    caller: Caller, unit_id: int, resident_id: int, kind: OccupantKind
) -> Occupancy:
    """A resident lives in the unit as its owner or a tenant: a tenant only in a unit marked
    rented (出租)."""
    unit = await visible_unit(caller, unit_id)
    resident = await visible_resident(caller, resident_id)
    if kind is OccupantKind.TENANT and unit.use is not UnitUse.RENTED:
        raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.tenant_not_rented", "unitId")
    if await Occupancy.exists(unit_id=unit.id, resident_id=resident.id):
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.occupant_exists", "residentId")
    try:
        async with changing(caller.services, caller.user) as change:
            locked = await DwellingUnit.filter(id=unit.id).select_for_update().get()
            if kind is OccupantKind.TENANT and locked.use is not UnitUse.RENTED:
                raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.tenant_not_rented", "unitId")
            occupancy = await Occupancy.create(unit_id=unit.id, resident_id=resident.id, kind=kind)
            await change.record(
                "house.occupant_added",
                to_global_id("DwellingUnit", unit.id),
                {"resident": to_global_id("Resident", resident.id), "kind": kind.value},
                visibility=HOUSE_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.occupant_exists", "residentId") from exc
    return occupancy


def check_lease(start: date, end: date) -> None:
    validators.day(start, "leaseStart")
    validators.day(end, "leaseEnd")
    validators.in_order(start, end, "leaseEnd", "bases.lease_order", same_allowed=False)


def check_landlord(name: str, phone: str) -> tuple[str, str]:
    name = validators.text(name, "landlordName", max_length(Rental, "landlord_name"))
    return name, validators.phone(phone, "landlordPhone")


async def register_rental(
    caller: Caller,
    *,
    unit_id: int,
    landlord_name: str,
    landlord_phone: str,
    lease_start: date,
    lease_end: date,
) -> Rental:
    """出租房屋: the rental register entry of a unit marked rented, one per unit."""
    name, phone = check_landlord(landlord_name, landlord_phone)
    check_lease(lease_start, lease_end)
    unit = await visible_unit(caller, unit_id)
    if unit.use is not UnitUse.RENTED:
        raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.rental_not_rented", "unitId")
    if await Rental.exists(unit_id=unit.id):
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.rental_exists", "unitId")
    try:
        async with changing(caller.services, caller.user) as change:
            rental = await Rental.create(
                unit_id=unit.id,
                landlord_name=name,
                landlord_phone=phone,
                lease_start=lease_start,
                lease_end=lease_end,
            )
            await change.record(
                "house.rental_registered",
                to_global_id("Rental", rental.id),
                {
                    "unit": to_global_id("DwellingUnit", unit.id),
                    "leaseStart": lease_start.isoformat(),
                    "leaseEnd": lease_end.isoformat(),
                },
                visibility=HOUSE_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.rental_exists", "unitId") from exc
    return rental


async def renew_lease(caller: Caller, rental_id: int, lease_start: date, lease_end: date) -> Rental:
    """A new lease period (续租): the reminder comes again before the new end."""
    check_lease(lease_start, lease_end)
    rental = await visible_rental(caller, rental_id)
    async with changing(caller.services, caller.user) as change:
        rental.lease_start, rental.lease_end = lease_start, lease_end
        await rental.save(update_fields=["lease_start", "lease_end"])
        await change.record(
            "house.lease_renewed",
            to_global_id("Rental", rental.id),
            {"leaseStart": lease_start.isoformat(), "leaseEnd": lease_end.isoformat()},
            visibility=HOUSE_EVENTS,
        )
    return rental


async def inspect_rental(
    caller: Caller, rental_id: int, on: date, result: InspectionResult, findings: str
) -> Rental:
    """检查: the date and result of the rented home's inspection, and its safety findings."""
    validators.day(on, "inspectedOn")
    if on > local_date(caller.services.clock.now()):
        raise Refused(BAD, "bases.inspection_in_future", "inspectedOn")
    findings = validators.text(findings, "findings", max_length(Rental, "findings"), required=False)
    rental = await visible_rental(caller, rental_id)
    async with changing(caller.services, caller.user) as change:
        rental.inspected_on, rental.inspection_result, rental.findings = on, result, findings
        await rental.save(update_fields=["inspected_on", "inspection_result", "findings"])
        await change.record(
            "house.rental_inspected",
            to_global_id("Rental", rental.id),
            {"inspectedOn": on.isoformat(), "result": result.value, "findings": len(findings)},
            visibility=HOUSE_EVENTS,
        )
    return rental


async def register_floating(
    caller: Caller,
    *,
    resident_id: int,
    origin: str,
    arrived_on: date,
    permit_status: PermitStatus,
    permit_expires_on: date | None,
    unit_id: int | None,
) -> FloatingPerson:
    """流动人口登记: a resident as non-local, their arrival, residence permit and rented home.
    A permit that has expired already is refused: register it as not held (NONE)."""
    origin = validators.text(origin, "origin", max_length(FloatingPerson, "origin"), required=False)
    today = local_date(caller.services.clock.now())
    validators.day(arrived_on, "arrivedOn")
    if arrived_on > today:
        raise Refused(BAD, "bases.arrival_in_future", "arrivedOn")
    if permit_status is PermitStatus.VALID and permit_expires_on is None:
        raise Refused(BAD, "bases.permit_expiry_required", "permitExpiresOn")
    if permit_expires_on is not None:
        validators.day(permit_expires_on, "permitExpiresOn")
        if permit_expires_on < today:
            raise Refused(BAD, "bases.permit_expired", "permitExpiresOn")
    resident = await visible_resident(caller, resident_id)
    unit = await visible_unit(caller, unit_id) if unit_id is not None else None
    if unit is not None and unit.use is not UnitUse.RENTED:
        raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.floating_not_rented", "unitId")
    if await FloatingPerson.exists(resident_id=resident.id):
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.floating_exists", "residentId")
    try:
        async with changing(caller.services, caller.user) as change:
            person = await FloatingPerson.create(
                resident_id=resident.id,
                unit_id=unit.id if unit else None,
                origin=origin,
                arrived_on=arrived_on,
                permit_status=permit_status,
                permit_expires_on=permit_expires_on,
            )
            await change.record(
                "house.floating_registered",
                to_global_id("FloatingPerson", person.id),
                {
                    "resident": to_global_id("Resident", resident.id),
                    "unit": to_global_id("DwellingUnit", unit.id) if unit else None,
                    "permitStatus": permit_status.value,
                    "permitExpiresOn": permit_expires_on.isoformat() if permit_expires_on else None,
                },
                visibility=HOUSE_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.floating_exists", "residentId") from exc
    return person


async def report_rental_finding(caller: Caller, rental_id: int, category_id: int) -> Case:
    """A rented home's safety finding becomes a case (巡查上报) of the cases domain: its text
    the description, the unit's building and grid its place. The last inspection must have
    found something (not passed, with findings)."""
    rental = await visible_rental(caller, rental_id)
    if rental.inspection_result in (None, InspectionResult.PASSED) or not rental.findings:
        raise Refused(BAD, "bases.no_finding", "rentalId")
    unit = await DwellingUnit.get(id=rental.unit_id)
    building = await Building.get(id=unit.building_id)
    compound = await Compound.get(id=building.compound_id)
    place = f"{compound.name} {building.name} {unit.entrance}-{unit.room}".strip()
    new = NewCase(
        title=f"出租房屋安全隐患：{place}"[:100],
        category_id=category_id,
        description=rental.findings,
        address=place,
        grid_id=building.grid_id,
    )
    return await report_case(caller, new, source=CaseSource.GRID_PATROL)
