"""实有单位, the map and the import through the API: the credit code's check character, the
contact person masked, a GeoJSON with counts and no personal data, imports that are
idempotent on natural keys, in UTF-8, GB18030 and Excel."""

from __future__ import annotations

import io
import json

from openpyxl import Workbook

from models.accounts import Role
from models.bases import DwellingUnit, Organisation, Rental
from resolvers.services import Services
from tests.bases.support import bases_street, days, unit
from tests.people.support import add_resident, count, gid
from tests.support import Api, add_member

ORG = """
mutation O($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) {
  __typename ... on OrganisationSuccess { organisation { id name creditCode contactName
    contactPhone grid { code } } }
  ... on UserError { code field message } } }
"""
ORGS = "{ organisations { totalCount edges { node { name contactName contactPhone } } } }"
MAP = "query M($g: ID) { basesMap(gridId: $g) }"
SUMMARY = """query S($g: ID!) { gridBasesSummary(gridId: $g) {
  units rentedUnits residents tenants floatingPeople organisations openCases } }"""
OCCUPANT = """
mutation O($input: AddOccupantInput!) { addOccupant(input: $input) { __typename } }
"""
IMPORT = """
mutation I($input: ImportBasesInput!) { importBases(input: $input) {
  __typename ... on ImportBasesSuccess { rows created unchanged }
  ... on ImportRejected { message invalidRows { line column message } }
  ... on UserError { code field message } } }
"""
VALID_CODE = "91110000600037341L"


def _org(code: str, **more: object) -> dict[str, object]:
    return {
        "input": {
            "name": "幸福超市",
            "kind": "SHOP",
            "creditCode": code,
            "contactName": "张三丰",
            "contactPhone": "13712345678",
            **more,
        }
    }


async def test_an_invalid_credit_code_is_refused_and_the_contact_is_masked(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    body = await api.gql(ORG, _org("91110000600037341A"), token=s.admin)
    error = body["data"]["registerOrganisation"]
    assert (error["code"], error["field"]) == ("INVALID_CREDIT_CODE", "creditCode")
    assert "信用代码" in error["message"]
    assert await count(Organisation, s.id) == 0
    body = await api.gql(
        ORG, _org(VALID_CODE.lower(), buildingId=gid("Building", s.building1)), token=s.admin
    )
    org = body["data"]["registerOrganisation"]["organisation"]
    assert org["creditCode"] == VALID_CODE and org["grid"] == {"code": "g1"}
    assert org["contactName"] == "张三丰"  # the administrator holds resident:pii
    again = await api.gql(ORG, _org(VALID_CODE), token=s.admin)
    assert again["data"]["registerOrganisation"]["code"] == "ALREADY_EXISTS"
    department = await add_member(services, s.id, Role.STREET_DEPARTMENT)
    seen = (await api.as_user(department.username, ORGS))["data"]["organisations"]
    assert seen["edges"][0]["node"] == {
        "name": "幸福超市",
        "contactName": "张**",
        "contactPhone": "137****5678",
    }


async def test_the_map_counts_the_three_reals_and_holds_no_personal_data(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    tenant = await add_resident(services, s.id, s.people.grid1, "李租户", phone="13811112222")
    from models.people import Resident
    from models.scoping import unscoped

    with unscoped("test set-up"):
        await Resident.filter(id=tenant.id).update(building_id=s.building1)
    rented = await unit(api, s.chief_token, gid("Building", s.building1), "102")
    await unit(api, s.chief_token, gid("Building", s.building1), "101", "OWNER_OCCUPIED")
    await api.gql(
        OCCUPANT,
        {"input": {"unitId": rented, "residentId": gid("Resident", tenant.id), "kind": "TENANT"}},
        token=s.chief_token,
    )
    await api.gql(
        """mutation F($input: RegisterFloatingPersonInput!) {
        registerFloatingPerson(input: $input) { __typename } }""",
        {
            "input": {
                "residentId": gid("Resident", tenant.id),
                "arrivedOn": days(services, -10),
                "permitStatus": "APPLIED",
                "unitId": rented,
            }
        },
        token=s.chief_token,
    )
    await api.gql(ORG, _org(VALID_CODE, buildingId=gid("Building", s.building1)), token=s.admin)
    await api.gql(
        """mutation L($input: LocateBuildingInput!) { locateBuilding(input: $input) {
        __typename } }""",
        {
            "input": {
                "buildingId": gid("Building", s.building1),
                "longitude": 114.3,
                "latitude": 30.6,
            }
        },
        token=s.chief_token,
    )
    body = await api.gql(MAP, token=s.admin)
    geo = body["data"]["basesMap"]
    assert geo["type"] == "FeatureCollection"
    features = {f["id"]: f for f in geo["features"]}
    grid1 = features[gid("Grid", s.people.grid1)]["properties"]
    assert (grid1["units"], grid1["residents"], grid1["tenants"]) == (2, 1, 1)
    assert (grid1["floatingPeople"], grid1["organisations"], grid1["openCases"]) == (1, 1, 0)
    building = features[gid("Building", s.building1)]
    assert building["geometry"] == {"type": "Point", "coordinates": [114.3, 30.6]}
    assert building["properties"]["tenants"] == 1
    assert features[gid("Building", s.building2)]["properties"]["units"] == 0
    # No personal data anywhere in it: no name, phone, ID number, landlord or contact.
    text = json.dumps(geo, ensure_ascii=False)
    for secret in ("李租户", "13811112222", "138****2222", tenant.id_masked, "张三丰", "137"):
        assert secret not in text
    one = (await api.gql(MAP, {"g": gid("Grid", s.people.grid2)}, token=s.admin))["data"]
    assert {f["id"] for f in one["basesMap"]["features"]} == {
        gid("Grid", s.people.grid2),
        gid("Building", s.building2),
    }
    summary = await api.gql(SUMMARY, {"g": gid("Grid", s.people.grid1)}, token=s.chief_token)
    assert summary["data"]["gridBasesSummary"] == {
        "units": 2,
        "rentedUnits": 1,
        "residents": 1,
        "tenants": 1,
        "floatingPeople": 1,
        "organisations": 1,
        "openCases": 0,
    }
    other = await bases_street(api, services, "q")
    foreign = await api.gql(MAP, {"g": gid("Grid", other.people.grid1)}, token=s.admin)
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"


UNITS_CSV = (
    "楼栋,单元,楼层,室号,面积,用途\n"
    "幸福小区/1号楼,1,1,101,89.5,出租\n"
    "幸福小区/1号楼,1,1,102,,自住\n"
)
RENTALS_CSV = (
    "楼栋,单元,室号,房东,房东电话,租期开始,租期结束\n"
    "幸福小区/1号楼,1,101,张房东,13900001111,2026-01-01,2027-01-01\n"
)


async def test_imports_are_idempotent_on_natural_keys_in_utf8_and_gb18030(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    for _ in range(2):
        body = await api.gql(IMPORT, {"input": {"kind": "UNITS", "csv": UNITS_CSV}}, token=s.admin)
        assert body["data"]["importBases"]["rows"] == 2, body
    assert body["data"]["importBases"] == {
        "__typename": "ImportBasesSuccess",
        "rows": 2,
        "created": 0,
        "unchanged": 2,
    }
    assert await count(DwellingUnit, s.id) == 2
    # The rentals file, saved by Excel on a Chinese Windows (GB18030), uploaded twice.
    for expected in (1, 0):
        body = await _upload(api, s.admin, "RENTALS", RENTALS_CSV.encode("gb18030"), "r.csv")
        assert body["data"]["importBases"]["created"] == expected, body
    assert await count(Rental, s.id) == 1
    # A rental on the owner-occupied unit, and a lease ending before it starts: each row is
    # reported and nothing is written.
    bad = (
        "楼栋,单元,室号,房东,租期开始,租期结束\n"
        "幸福小区/1号楼,1,102,王房东,2026-01-01,2027-01-01\n"
        "幸福小区/1号楼,1,101,王房东,2026-01-01,2025-01-01\n"
    )
    body = await api.gql(IMPORT, {"input": {"kind": "RENTALS", "csv": bad}}, token=s.admin)
    rejected = body["data"]["importBases"]
    assert rejected["__typename"] == "ImportRejected"
    assert [(r["line"], r["column"]) for r in rejected["invalidRows"]] == [
        (2, "room"),
        (3, "leaseEnd"),
    ]
    assert await count(Rental, s.id) == 1


async def test_organisations_from_an_excel_workbook_with_a_bad_code_reported(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位名称", "类型", "统一社会信用代码", "网格", "联系人", "从业人数"])
    sheet.append(["幸福超市", "商铺", VALID_CODE, "g1", "张三", 5])
    sheet.append(["坏代码公司", "企业", "91110000600037341A", "g1", "李四", 3])
    data = io.BytesIO()
    book.save(data)
    body = await _upload(api, s.admin, "ORGANISATIONS", data.getvalue(), "o.xlsx")
    rejected = body["data"]["importBases"]
    assert rejected["__typename"] == "ImportRejected"
    assert [(r["line"], r["column"]) for r in rejected["invalidRows"]] == [(3, "creditCode")]
    assert await count(Organisation, s.id) == 0
    for expected in (1, 0):
        body = await _upload(
            api, s.admin, "ORGANISATIONS", data.getvalue(), "o.xlsx", skip_invalid=True
        )
        assert body["data"]["importBases"]["created"] == expected, body
    assert await count(Organisation, s.id, credit_code=VALID_CODE, employees=5) == 1


async def _upload(
    api: Api, token: str, kind: str, data: bytes, name: str, skip_invalid: bool = False
) -> dict:
    operations = {
        "query": IMPORT,
        "variables": {"input": {"kind": kind, "file": None, "skipInvalid": skip_invalid}},
    }
    response = await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (name, data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()
