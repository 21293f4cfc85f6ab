"""Set-up for the bases domain: a people street with a compound and a building in each grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.clock import local_date
from models.accounts import Role, User
from models.people import Building, Compound
from models.scoping import unscoped
from resolvers.services import Services
from tests.people.support import PeopleStreet, people_street
from tests.support import Api, StreetFixture, add_member

UNIT = """
mutation U($input: RegisterDwellingUnitInput!) { registerDwellingUnit(input: $input) {
  __typename ... on DwellingUnitSuccess { unit { id use room } }
  ... on UserError { code field message } } }
"""


@dataclass
class BasesStreet:
    people: PeopleStreet
    compound: int
    building1: int  # in grid 1 (the chief's)
    building2: int  # in grid 2

    @property
    def id(self) -> int:
        return self.people.id

    @property
    def admin(self) -> str:
        return self.people.admin

    @property
    def chief_token(self) -> str:
        return self.people.chief_token


async def bases_street(api: Api, services: Services, prefix: str = "b") -> BasesStreet:
    s = await people_street(api, services, prefix)
    with unscoped("test set-up"):
        compound = await Compound.create(
            tenant_id=s.id, community_id=s.street.community_id, name="幸福小区"
        )
        b1 = await Building.create(tenant_id=s.id, compound=compound, grid_id=s.grid1, name="1号楼")
        b2 = await Building.create(tenant_id=s.id, compound=compound, grid_id=s.grid2, name="2号楼")
    return BasesStreet(s, compound.id, b1.id, b2.id)


def today(services: Services) -> date:
    return local_date(services.clock.now())


def days(services: Services, n: int) -> str:
    return (today(services) + timedelta(days=n)).isoformat()


async def unit(
    api: Api, token: str, building: str, room: str, use: str = "RENTED", floor: int = 1
) -> str:
    body = await api.gql(
        UNIT,
        {"input": {"buildingId": building, "room": room, "floor": floor, "use": use}},
        token=token,
    )
    result = body["data"]["registerDwellingUnit"]
    assert result["__typename"] == "DwellingUnitSuccess", body
    return result["unit"]["id"]


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """One row of every bases model in a test street, written by the domain's own
    operations (for the whole-model isolation test)."""
    from models.bases import InspectionResult, OccupantKind, OrganisationKind, PermitStatus, UnitUse
    from models.people import GridAssignment, GridDuty
    from models.tenancy import Street
    from resolvers.bases import houses, map, organisations, reminders
    from resolvers.caller import Caller
    from tenants.scoping import street_scope
    from tests.people.support import add_resident

    chief: User = await add_member(services, fixture.street_id, Role.GRID_CHIEF)
    resident = await add_resident(services, fixture.street_id, fixture.grid_id, f"租户{index}")
    with unscoped("test set-up"):
        street = await Street.get(id=fixture.street_id)
        admin = await User.get(username=fixture.admin_username)
        await GridAssignment.create(
            tenant_id=street.id, grid_id=fixture.grid_id, user=chief, duty=GridDuty.CHIEF
        )
        compound = await Compound.create(
            tenant_id=street.id, community_id=fixture.community_id, name=f"小区{index}"
        )
        building = await Building.create(
            tenant_id=street.id, compound=compound, grid_id=fixture.grid_id, name="1号楼"
        )
    on = local_date(services.clock.now())
    with street_scope(street.id):
        as_admin = Caller(services, admin, street)
        room = await houses.register_unit(
            as_admin, building_id=building.id, entrance="1", floor=3, room="301", use=UnitUse.RENTED
        )
        await houses.add_occupant(as_admin, room.id, resident.id, OccupantKind.TENANT)
        rental = await houses.register_rental(
            as_admin,
            unit_id=room.id,
            landlord_name="房东",
            landlord_phone="13900001111",
            lease_start=on - timedelta(days=300),
            lease_end=on + timedelta(days=10),
        )
        await houses.inspect_rental(as_admin, rental.id, on, InspectionResult.PASSED, "")
        await houses.register_floating(
            as_admin,
            resident_id=resident.id,
            origin="湖北省",
            arrived_on=on - timedelta(days=30),
            permit_status=PermitStatus.VALID,
            permit_expires_on=on + timedelta(days=20),
            unit_id=room.id,
        )
        org = await organisations.register_organisation(
            as_admin,
            organisations.OrganisationFields(
                name=f"单位{index}",
                kind=OrganisationKind.SHOP,
                credit_code="91110000600037341L",
                building_id=building.id,
            ),
        )
        await organisations.inspect_organisation(as_admin, org.id, on, InspectionResult.PASSED, "")
        await map.locate_building(as_admin, building.id, 114.3, 30.5)
    await reminders.scan_expiries(services)
