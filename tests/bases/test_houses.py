"""实有房屋, 出租房屋, 流动人口 through the API: registering, who sees what, PII masked, and
every refusal the issue names changing nothing."""

from __future__ import annotations

from models.accounts import Role
from models.bases import DwellingUnit, FloatingPerson, Occupancy, Rental
from resolvers.services import Services
from tests.bases.support import bases_street, days, unit
from tests.people.support import add_resident, count, gid
from tests.support import Api, add_member

OCCUPANT = """
mutation O($input: AddOccupantInput!) { addOccupant(input: $input) {
  __typename ... on OccupantSuccess { occupant { kind resident { name } } }
  ... on UserError { code field message } } }
"""
RENTAL = """
mutation R($input: RegisterRentalInput!) { registerRental(input: $input) {
  __typename ... on RentalSuccess { rental { id landlordName landlordPhone leaseEnd } }
  ... on UserError { code field message } } }
"""
FLOATING = """
mutation F($input: RegisterFloatingPersonInput!) { registerFloatingPerson(input: $input) {
  __typename ... on FloatingPersonSuccess { person { id permitStatus permitExpiresOn
    resident { name phone } unit { room } } }
  ... on UserError { code field message } } }
"""
UNIT = """
mutation U($input: RegisterDwellingUnitInput!) { registerDwellingUnit(input: $input) {
  __typename ... on UserError { code field message } } }
"""
LISTS = """
{ dwellingUnits { totalCount edges { node { room use building { name }
    occupants { kind resident { name } } } } }
  rentals { totalCount edges { node { landlordName landlordPhone unit { room } } } }
  floatingPeople { totalCount edges { node { origin resident { name phone } } } } }
"""


async def test_a_rented_home_with_its_tenant_and_floating_person(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    owner = await add_resident(services, s.id, s.people.grid1, "王业主")
    tenant = await add_resident(services, s.id, s.people.grid1, "李租户", phone="13811112222")
    own = await unit(api, s.chief_token, gid("Building", s.building1), "101", "OWNER_OCCUPIED")
    rented = await unit(api, s.chief_token, gid("Building", s.building1), "102")
    body = await api.gql(
        OCCUPANT,
        {"input": {"unitId": own, "residentId": gid("Resident", owner.id), "kind": "OWNER"}},
        token=s.chief_token,
    )
    assert body["data"]["addOccupant"]["occupant"] == {
        "kind": "OWNER",
        "resident": {"name": "王业主"},
    }
    body = await api.gql(
        OCCUPANT,
        {"input": {"unitId": rented, "residentId": gid("Resident", tenant.id), "kind": "TENANT"}},
        token=s.chief_token,
    )
    assert body["data"]["addOccupant"]["__typename"] == "OccupantSuccess", body
    body = await api.gql(
        RENTAL,
        {
            "input": {
                "unitId": rented,
                "landlordName": "张房东",
                "landlordPhone": "13900001111",
                "leaseStart": days(services, -100),
                "leaseEnd": days(services, 265),
            }
        },
        token=s.chief_token,
    )
    rental = body["data"]["registerRental"]["rental"]
    assert (rental["landlordName"], rental["landlordPhone"]) == ("张房东", "13900001111")
    body = await api.gql(
        FLOATING,
        {
            "input": {
                "residentId": gid("Resident", tenant.id),
                "arrivedOn": days(services, -100),
                "permitStatus": "VALID",
                "permitExpiresOn": days(services, 200),
                "origin": "湖北省孝感市",
                "unitId": rented,
            }
        },
        token=s.chief_token,
    )
    person = body["data"]["registerFloatingPerson"]["person"]
    assert person["unit"] == {"room": "102"} and person["resident"]["phone"] == "13811112222"

    # A street reviewer reads the registers without personal data: phones masked.
    reviewer = await add_member(services, s.id, Role.STREET_REVIEWER)
    seen = (await api.as_user(reviewer.username, LISTS))["data"]
    assert seen["dwellingUnits"]["totalCount"] == 2
    assert seen["rentals"]["edges"][0]["node"]["landlordPhone"] == "139****1111"
    assert seen["floatingPeople"]["edges"][0]["node"]["resident"]["phone"] == "138****2222"
    # The grid worker of grid 2 sees none of grid 1's houses.
    worker2 = await add_member(services, s.id, Role.GRID_WORKER)
    from models.people import GridAssignment, GridDuty
    from models.scoping import unscoped

    with unscoped("test set-up"):
        await GridAssignment.create(
            tenant_id=s.id, grid_id=s.people.grid2, user=worker2, duty=GridDuty.WORKER
        )
    other = (await api.as_user(worker2.username, LISTS))["data"]
    assert other["dwellingUnits"]["totalCount"] == 0
    assert other["rentals"]["totalCount"] == 0
    assert other["floatingPeople"]["totalCount"] == 0


async def test_a_unit_in_a_building_of_another_street_is_refused(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    other = await bases_street(api, services, "q")
    body = await api.gql(
        UNIT,
        {
            "input": {
                "buildingId": gid("Building", other.building1),
                "room": "101",
                "floor": 1,
                "use": "VACANT",
            }
        },
        token=s.admin,
    )
    error = body["data"]["registerDwellingUnit"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", "buildingId")
    assert await count(DwellingUnit, s.id) == 0
    assert await count(DwellingUnit, other.id) == 0


async def test_a_tenant_on_an_owner_occupied_unit_is_refused(api: Api, services: Services) -> None:
    s = await bases_street(api, services)
    resident = await add_resident(services, s.id, s.people.grid1, "李租户")
    own = await unit(api, s.chief_token, gid("Building", s.building1), "101", "OWNER_OCCUPIED")
    body = await api.gql(
        OCCUPANT,
        {"input": {"unitId": own, "residentId": gid("Resident", resident.id), "kind": "TENANT"}},
        token=s.chief_token,
    )
    error = body["data"]["addOccupant"]
    assert (error["code"], error["field"]) == ("UNIT_NOT_RENTED", "unitId")
    assert await count(Occupancy, s.id) == 0
    # Nor can the unit be registered as a rented home.
    body = await api.gql(
        RENTAL,
        {
            "input": {
                "unitId": own,
                "landlordName": "张房东",
                "leaseStart": days(services, -1),
                "leaseEnd": days(services, 100),
            }
        },
        token=s.chief_token,
    )
    assert body["data"]["registerRental"]["code"] == "UNIT_NOT_RENTED"
    assert await count(Rental, s.id) == 0


async def test_a_lease_that_ends_before_it_starts_is_refused(api: Api, services: Services) -> None:
    s = await bases_street(api, services)
    rented = await unit(api, s.chief_token, gid("Building", s.building1), "102")
    for end in (days(services, -10), days(services, 0)):
        body = await api.gql(
            RENTAL,
            {
                "input": {
                    "unitId": rented,
                    "landlordName": "张房东",
                    "leaseStart": days(services, 0),
                    "leaseEnd": end,
                }
            },
            token=s.chief_token,
        )
        error = body["data"]["registerRental"]
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "leaseEnd"), body
        assert "结束" in error["message"]
    assert await count(Rental, s.id) == 0


async def test_a_permit_expiry_in_the_past_is_refused_on_registration(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    resident = await add_resident(services, s.id, s.people.grid1, "赵流动")
    body = await api.gql(
        FLOATING,
        {
            "input": {
                "residentId": gid("Resident", resident.id),
                "arrivedOn": days(services, -400),
                "permitStatus": "VALID",
                "permitExpiresOn": days(services, -1),
            }
        },
        token=s.chief_token,
    )
    error = body["data"]["registerFloatingPerson"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "permitExpiresOn")
    assert await count(FloatingPerson, s.id) == 0
    # Registered as not holding a permit, the same person is accepted.
    body = await api.gql(
        FLOATING,
        {
            "input": {
                "residentId": gid("Resident", resident.id),
                "arrivedOn": days(services, -400),
                "permitStatus": "NONE",
            }
        },
        token=s.chief_token,
    )
    assert body["data"]["registerFloatingPerson"]["person"]["permitStatus"] == "NONE"


async def test_a_unit_with_tenants_cannot_stop_being_rented(api: Api, services: Services) -> None:
    s = await bases_street(api, services)
    resident = await add_resident(services, s.id, s.people.grid1, "李租户")
    rented = await unit(api, s.chief_token, gid("Building", s.building1), "102")
    await api.gql(
        OCCUPANT,
        {"input": {"unitId": rented, "residentId": gid("Resident", resident.id), "kind": "TENANT"}},
        token=s.chief_token,
    )
    body = await api.gql(
        """mutation M($input: SetDwellingUnitUseInput!) { setDwellingUnitUse(input: $input) {
        __typename ... on UserError { code field } } }""",
        {"input": {"unitId": rented, "use": "OWNER_OCCUPIED"}},
        token=s.chief_token,
    )
    assert body["data"]["setDwellingUnitUse"] == {
        "__typename": "InputError",
        "code": "UNIT_NOT_RENTED",
        "field": "use",
    }
    assert await count(DwellingUnit, s.id, use="RENTED") == 1


async def test_a_rented_homes_safety_finding_becomes_a_case(api: Api, services: Services) -> None:
    from models.cases import Case, CaseCategory
    from models.scoping import unscoped

    s = await bases_street(api, services)
    rented = await unit(api, s.chief_token, gid("Building", s.building1), "102")
    body = await api.gql(
        RENTAL,
        {
            "input": {
                "unitId": rented,
                "landlordName": "张房东",
                "leaseStart": days(services, -10),
                "leaseEnd": days(services, 300),
            }
        },
        token=s.chief_token,
    )
    rental = body["data"]["registerRental"]["rental"]["id"]
    with unscoped("test set-up"):
        category = await CaseCategory.filter(tenant_id=s.id, active=True).order_by("id").first()
    assert category is not None
    report = """mutation R($input: ReportRentalFindingInput!) { reportRentalFinding(input: $input) {
      __typename ... on ReportRentalFindingSuccess { caseId } ... on UserError { code field } } }"""
    variables = {"input": {"rentalId": rental, "categoryId": gid("CaseCategory", category.id)}}
    body = await api.gql(report, variables, token=s.chief_token)
    assert body["data"]["reportRentalFinding"] == {
        "__typename": "InputError",
        "code": "BAD_USER_INPUT",
        "field": "rentalId",
    }
    inspect = """mutation I($input: InspectRentalInput!) { inspectRental(input: $input) {
      __typename } }"""
    await api.gql(
        inspect,
        {
            "input": {
                "rentalId": rental,
                "inspectedOn": days(services, 0),
                "result": "RECTIFY",
                "findings": "楼道堆放电动车电池，存在火灾隐患",
            }
        },
        token=s.chief_token,
    )
    body = await api.gql(report, variables, token=s.chief_token)
    case_id = body["data"]["reportRentalFinding"]["caseId"]
    with unscoped("test check"):
        case = await Case.get(tenant_id=s.id)
    assert gid("Case", case.id) == case_id
    assert case.grid_id == s.people.grid1 and "电动车" in case.description
    assert "1号楼" in case.title
