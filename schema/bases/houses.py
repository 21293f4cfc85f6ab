"""实有房屋, 出租房屋, 流动人口: units, occupants, rented homes and floating population.
Landlords' phones are masked without `resident:pii`, as residents' are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from core.errors import DomainError, ErrorCode
from core.identity import mask_phone
from models import bases as m
from models.people import Building as BuildingRow
from models.people import Resident as ResidentRow
from policies.capabilities.bases import HOUSE_MANAGE, HOUSE_READ
from resolvers.bases import houses, listing
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.people.common import optional_id
from schema.people.places import Building
from schema.people.residents import Resident
from schema.permissions import Can, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id

UnitUse = m.UnitUse
OccupantKind = m.OccupantKind
InspectionResult = m.InspectionResult
PermitStatus = m.PermitStatus
strawberry.enum(
    UnitUse,
    name="UnitUse",
    description="OWNER_OCCUPIED 自住 · RENTED 出租 · VACANT 空置 · COMMERCIAL 商用",
)
strawberry.enum(OccupantKind, name="OccupantKind", description="OWNER 业主 · TENANT 租户")
strawberry.enum(
    InspectionResult,
    name="InspectionResult",
    description="PASSED 合格 · RECTIFY 限期整改 · FAILED 不合格",
)
strawberry.enum(
    PermitStatus,
    name="PermitStatus",
    description="居住证: NONE 未办理 · APPLIED 申领中 · VALID 有效",
)


def _phone(raw: str, pii: bool) -> str | None:
    if not raw:
        return None
    return raw if pii else mask_phone(raw)


@strawberry.type(description="A resident living in a unit, as its owner or a tenant.")
class Occupant:
    kind: OccupantKind
    resident_id: strawberry.Private[int]
    pii: strawberry.Private[bool]

    @strawberry.field(description="The resident (personal data masked without pii).")
    async def resident(self, info: Info) -> Resident | None:
        row = await info.context.loaders.by_id(ResidentRow).load(self.resident_id)
        return Resident.from_model(row, self.pii) if row else None


@strawberry.type(description="实有房屋: a dwelling unit of a building (单元, 楼层, 室号).")
class DwellingUnit(Node):
    entrance: str = strawberry.field(description="单元号 (may be empty).")
    floor: int
    room: str = strawberry.field(description="室号")
    area: Decimal | None = strawberry.field(description="建筑面积 in m².")
    use: UnitUse
    pk: strawberry.Private[int]
    building_id: strawberry.Private[int]

    @strawberry.field(description="The building (楼栋).")
    async def building(self, info: Info) -> Building:
        row = await info.context.loaders.by_id(BuildingRow).load(self.building_id)
        assert row is not None
        return Building.from_model(row)

    @strawberry.field(description="Who lives here: owners and tenants.")
    async def occupants(self, info: Info) -> list[Occupant]:
        pii = caller(info).sees_pii
        rows = await info.context.loaders.of(listing.load_occupants).load(self.pk)
        return [Occupant(kind=r.kind, resident_id=r.resident_id, pii=pii) for r in rows]

    @classmethod
    def from_model(cls, row: m.DwellingUnit) -> DwellingUnit:
        return cls(
            id=to_global_id("DwellingUnit", row.id),
            entrance=row.entrance,
            floor=row.floor,
            room=row.room,
            area=row.area,
            use=row.use,
            pk=row.id,
            building_id=row.building_id,
        )


@strawberry.type(
    description="出租房屋: a rented home's register entry. `landlordPhone` is masked without pii."
)
class Rental(Node):
    landlord_name: str
    landlord_phone: str | None
    lease_start: date
    lease_end: date
    inspected_on: date | None
    inspection_result: InspectionResult | None
    findings: str = strawberry.field(description="Safety findings of the last inspection.")
    unit_id: strawberry.Private[int]

    @strawberry.field(description="The rented unit.")
    async def unit(self, info: Info) -> DwellingUnit:
        row = await info.context.loaders.by_id(m.DwellingUnit).load(self.unit_id)
        assert row is not None
        return DwellingUnit.from_model(row)

    @classmethod
    def from_model(cls, row: m.Rental, pii: bool) -> Rental:
        return cls(
            id=to_global_id("Rental", row.id),
            landlord_name=row.landlord_name,
            landlord_phone=_phone(row.landlord_phone, pii),
            lease_start=row.lease_start,
            lease_end=row.lease_end,
            inspected_on=row.inspected_on,
            inspection_result=row.inspection_result,
            findings=row.findings,
            unit_id=row.unit_id,
        )


@strawberry.type(description="流动人口: a resident registered as non-local.")
class FloatingPerson(Node):
    origin: str = strawberry.field(description="户籍地")
    arrived_on: date
    permit_status: PermitStatus
    permit_expires_on: date | None
    resident_id: strawberry.Private[int]
    unit_id: strawberry.Private[int | None]
    pii: strawberry.Private[bool]

    @strawberry.field(description="The resident (personal data masked without pii).")
    async def resident(self, info: Info) -> Resident | None:
        row = await info.context.loaders.by_id(ResidentRow).load(self.resident_id)
        return Resident.from_model(row, self.pii) if row else None

    @strawberry.field(description="The rented unit they live in.")
    async def unit(self, info: Info) -> DwellingUnit | None:
        if self.unit_id is None:
            return None
        row = await info.context.loaders.by_id(m.DwellingUnit).load(self.unit_id)
        return DwellingUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: m.FloatingPerson, pii: bool) -> FloatingPerson:
        return cls(
            id=to_global_id("FloatingPerson", row.id),
            origin=row.origin,
            arrived_on=row.arrived_on,
            permit_status=row.permit_status,
            permit_expires_on=row.permit_expires_on,
            resident_id=row.resident_id,
            unit_id=row.unit_id,
            pii=pii,
        )


@strawberry.input(description="A dwelling unit of a building of my grids.")
class RegisterDwellingUnitInput:
    building_id: strawberry.ID
    room: str = text(m.DwellingUnit, "room")
    floor: int
    use: UnitUse
    entrance: str = text(m.DwellingUnit, "entrance", default="")
    area: Decimal | None = None


@strawberry.input
class SetDwellingUnitUseInput:
    unit_id: strawberry.ID
    use: UnitUse


@strawberry.input(description="A resident lives in a unit (a tenant only in a rented one).")
class AddOccupantInput:
    unit_id: strawberry.ID
    resident_id: strawberry.ID
    kind: OccupantKind


@strawberry.input(description="出租房屋登记: a unit marked rented, its landlord and lease.")
class RegisterRentalInput:
    unit_id: strawberry.ID
    landlord_name: str = text(m.Rental, "landlord_name")
    landlord_phone: str = text(m.Rental, "landlord_phone", default="")
    lease_start: date
    lease_end: date


@strawberry.input(description="续租: a new lease period.")
class RenewLeaseInput:
    rental_id: strawberry.ID
    lease_start: date
    lease_end: date


@strawberry.input(description="A rented home's inspection (检查).")
class InspectRentalInput:
    rental_id: strawberry.ID
    inspected_on: date
    result: InspectionResult
    findings: str = text(m.Rental, "findings", default="")


@strawberry.input(description="A rented home's safety finding, reported as a case.")
class ReportRentalFindingInput:
    rental_id: strawberry.ID
    category_id: strawberry.ID = strawberry.field(description="The case category (事项分类).")


@strawberry.type(description="The case the finding became (巡查上报).")
class ReportRentalFindingSuccess:
    case_id: strawberry.ID
    rental: Rental


ReportRentalFindingPayload = Annotated[
    ReportRentalFindingSuccess | InputError, strawberry.union("ReportRentalFindingPayload")
]


@strawberry.input(description="流动人口登记.")
class RegisterFloatingPersonInput:
    resident_id: strawberry.ID
    arrived_on: date
    permit_status: PermitStatus
    permit_expires_on: date | None = None
    origin: str = text(m.FloatingPerson, "origin", default="")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The rented unit they live in."
    )


@strawberry.input(description="Which units: the filters combine (AND).")
class DwellingUnitFilter:
    building_id: strawberry.ID | None = None
    grid_id: strawberry.ID | None = None
    use: UnitUse | None = None


@strawberry.type
class DwellingUnitSuccess:
    unit: DwellingUnit


@strawberry.type
class OccupantSuccess:
    unit: DwellingUnit
    occupant: Occupant


@strawberry.type
class RentalSuccess:
    rental: Rental


@strawberry.type
class FloatingPersonSuccess:
    person: FloatingPerson


DwellingUnitPayload = Annotated[
    DwellingUnitSuccess | InputError, strawberry.union("DwellingUnitPayload")
]
OccupantPayload = Annotated[OccupantSuccess | InputError, strawberry.union("OccupantPayload")]
RentalPayload = Annotated[RentalSuccess | InputError, strawberry.union("RentalPayload")]
FloatingPersonPayload = Annotated[
    FloatingPersonSuccess | InputError, strawberry.union("FloatingPersonPayload")
]


@strawberry.type
class HousesQuery:
    @field(
        requires=Can(HOUSE_READ),
        description="实有房屋: the units I may see (grid staff: their grids), by building.",
    )
    async def dwelling_units(
        self,
        info: Info,
        filter: DwellingUnitFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DwellingUnit]:
        flt = filter or DwellingUnitFilter()
        page = await listing.units(
            caller(info),
            optional_id(flt.building_id, "Building", "buildingId"),
            optional_id(flt.grid_id, "Grid", "gridId"),
            flt.use,
            first,
            after,
        )
        return Connection.from_page(page, DwellingUnit.from_model)

    @field(
        requires=Can(HOUSE_READ),
        description="出租房屋: rented homes I may see, those whose lease ends within "
        "`leaseEndsWithinDays` when given.",
    )
    async def rentals(
        self,
        info: Info,
        lease_ends_within_days: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Rental]:
        who = caller(info)
        page = await listing.rentals(who, lease_ends_within_days, first, after)
        pii = who.sees_pii
        return Connection.from_page(page, lambda row: Rental.from_model(row, pii))

    @field(
        requires=Can(HOUSE_READ),
        description="流动人口: floating people I may see, those whose permit ends within "
        "`permitEndsWithinDays` when given.",
    )
    async def floating_people(
        self,
        info: Info,
        permit_ends_within_days: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[FloatingPerson]:
        who = caller(info)
        page = await listing.floating(who, permit_ends_within_days, first, after)
        pii = who.sees_pii
        return Connection.from_page(page, lambda row: FloatingPerson.from_model(row, pii))


@strawberry.type
class HousesMutation:
    @mutation(requires=Can(HOUSE_MANAGE), description="Register a dwelling unit (实有房屋).")
    async def register_dwelling_unit(
        self, info: Info, input: RegisterDwellingUnitInput
    ) -> DwellingUnitPayload:
        row = await houses.register_unit(
            caller(info),
            building_id=decode_id(input.building_id, "Building", "buildingId"),
            entrance=input.entrance,
            floor=input.floor,
            room=input.room,
            use=input.use,
            area=input.area,
        )
        return DwellingUnitSuccess(unit=DwellingUnit.from_model(row))

    @mutation(
        requires=Can(HOUSE_MANAGE),
        description="Change what a unit is used for (not away from rented while it has tenants "
        "or a rental).",
    )
    async def set_dwelling_unit_use(
        self, info: Info, input: SetDwellingUnitUseInput
    ) -> DwellingUnitPayload:
        row = await houses.set_unit_use(
            caller(info), decode_id(input.unit_id, "DwellingUnit", "unitId"), input.use
        )
        return DwellingUnitSuccess(unit=DwellingUnit.from_model(row))

    @mutation(
        requires=Can(HOUSE_MANAGE),
        description="A resident lives in a unit: its owner, or a tenant of a rented unit.",
    )
    async def add_occupant(self, info: Info, input: AddOccupantInput) -> OccupantPayload:
        who = caller(info)
        row = await houses.add_occupant(
            who,
            decode_id(input.unit_id, "DwellingUnit", "unitId"),
            decode_id(input.resident_id, "Resident", "residentId"),
            input.kind,
        )
        unit = await m.DwellingUnit.get(id=row.unit_id)
        return OccupantSuccess(
            unit=DwellingUnit.from_model(unit),
            occupant=Occupant(kind=row.kind, resident_id=row.resident_id, pii=who.sees_pii),
        )

    @mutation(
        requires=Can(HOUSE_MANAGE),
        description="出租房屋登记: a unit marked rented, its landlord and lease (the lease ends "
        "after it starts).",
    )
    async def register_rental(self, info: Info, input: RegisterRentalInput) -> RentalPayload:
        who = caller(info)
        row = await houses.register_rental(
            who,
            unit_id=decode_id(input.unit_id, "DwellingUnit", "unitId"),
            landlord_name=input.landlord_name,
            landlord_phone=input.landlord_phone,
            lease_start=input.lease_start,
            lease_end=input.lease_end,
        )
        return RentalSuccess(rental=Rental.from_model(row, who.sees_pii))

    @mutation(requires=Can(HOUSE_MANAGE), description="续租: a rented home's new lease period.")
    async def renew_lease(self, info: Info, input: RenewLeaseInput) -> RentalPayload:
        who = caller(info)
        row = await houses.renew_lease(
            who,
            decode_id(input.rental_id, "Rental", "rentalId"),
            input.lease_start,
            input.lease_end,
        )
        return RentalSuccess(rental=Rental.from_model(row, who.sees_pii))

    @mutation(requires=Can(HOUSE_MANAGE), description="Record a rented home's inspection.")
    async def inspect_rental(self, info: Info, input: InspectRentalInput) -> RentalPayload:
        who = caller(info)
        row = await houses.inspect_rental(
            who,
            decode_id(input.rental_id, "Rental", "rentalId"),
            input.inspected_on,
            input.result,
            input.findings,
        )
        return RentalSuccess(rental=Rental.from_model(row, who.sees_pii))

    @mutation(
        requires=Can(HOUSE_MANAGE),
        description="A rented home's safety finding (its last inspection not passed) becomes a "
        "case of the cases domain (巡查上报), placed at the unit's building and grid. Needs "
        "`case:report` as well.",
    )
    async def report_rental_finding(
        self, info: Info, input: ReportRentalFindingInput
    ) -> ReportRentalFindingPayload:
        who = caller(info)
        if not who.can("case", "report"):
            raise DomainError(ErrorCode.FORBIDDEN)
        pk = decode_id(input.rental_id, "Rental", "rentalId")
        case = await houses.report_rental_finding(
            who, pk, decode_id(input.category_id, "CaseCategory", "categoryId")
        )
        rental = await m.Rental.get(id=pk)
        return ReportRentalFindingSuccess(
            case_id=strawberry.ID(to_global_id("Case", case.id)),
            rental=Rental.from_model(rental, who.sees_pii),
        )

    @mutation(
        requires=Can(HOUSE_MANAGE),
        description="流动人口登记: a resident as non-local, with arrival, residence permit (an "
        "expiry in the past is refused) and rented unit.",
    )
    async def register_floating_person(
        self, info: Info, input: RegisterFloatingPersonInput
    ) -> FloatingPersonPayload:
        who = caller(info)
        row = await houses.register_floating(
            who,
            resident_id=decode_id(input.resident_id, "Resident", "residentId"),
            origin=input.origin,
            arrived_on=input.arrived_on,
            permit_status=input.permit_status,
            permit_expires_on=input.permit_expires_on,
            unit_id=optional_id(input.unit_id, "DwellingUnit", "unitId"),
        )
        return FloatingPersonSuccess(person=FloatingPerson.from_model(row, who.sees_pii))
