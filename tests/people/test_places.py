"""Compounds, buildings and staff per grid (小区、楼栋、网格人员)."""

from __future__ import annotations

from models.accounts import Role
from models.people import Building, Compound, GridAssignment
from resolvers.services import Services
from tests.people.support import count, gid, people_street
from tests.support import Api, add_member, error_codes

CREATE_COMPOUND = """
mutation C($input: CreateCompoundInput!) { createCompound(input: $input) {
  __typename ... on CreateCompoundSuccess { compound { id name community { code } } }
  ... on UserError { code field message } } }
"""
CREATE_BUILDING = """
mutation B($input: CreateBuildingInput!) { createBuilding(input: $input) {
  __typename ... on CreateBuildingSuccess { building { id name grid { code } compound { name } } }
  ... on UserError { code field message } } }
"""
ASSIGN = """
mutation A($input: AssignGridStaffInput!) { assignGridStaff(input: $input) {
  __typename ... on GridStaffSuccess { assignment { id duty account { username } } }
  ... on UserError { code field message } } }
"""
ASSIGN_COMMUNITY = """
mutation A($input: AssignCommunityStaffInput!) { assignCommunityStaff(input: $input) {
  __typename ... on UserError { code field } } }
"""
GRID_STAFF = "query S($g: ID!) { gridStaff(gridId: $g) { duty account { username } } }"


async def test_compound_and_building_inside_the_street(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    body = await api.gql(
        CREATE_COMPOUND,
        {"input": {"communityId": gid("Community", s.street.community_id), "name": "琴台小区"}},
        token=s.admin,
    )
    compound = body["data"]["createCompound"]["compound"]
    assert compound["name"] == "琴台小区" and compound["community"]["code"] == "c1"
    body = await api.gql(
        CREATE_BUILDING,
        {"input": {"compoundId": compound["id"], "name": "3栋", "gridId": gid("Grid", s.grid1)}},
        token=s.admin,
    )
    building = body["data"]["createBuilding"]["building"]
    assert building == {**building, "name": "3栋", "grid": {"code": "g1"}}
    listed = await api.gql(
        "{ buildings { totalCount edges { node { name compound { name } } } } }", token=s.admin
    )
    assert listed["data"]["buildings"]["totalCount"] == 1


async def test_a_grid_or_community_of_another_street_is_not_found(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    body = await api.gql(
        CREATE_COMPOUND,
        {"input": {"communityId": gid("Community", other.street.community_id), "name": "外街"}},
        token=s.admin,
    )
    assert body["data"]["createCompound"]["code"] == "NOT_FOUND"
    assert await count(Compound, s.id) == 0 and await count(Compound, other.id) == 0

    compound = (
        await api.gql(
            CREATE_COMPOUND,
            {"input": {"communityId": gid("Community", s.street.community_id), "name": "本街"}},
            token=s.admin,
        )
    )["data"]["createCompound"]["compound"]
    body = await api.gql(
        CREATE_BUILDING,
        {
            "input": {
                "compoundId": compound["id"],
                "name": "1栋",
                "gridId": gid("Grid", other.grid1),
            }
        },
        token=s.admin,
    )
    assert body["data"]["createBuilding"]["code"] == "NOT_FOUND"
    assert body["data"]["createBuilding"]["field"] == "gridId"
    assert await count(Building, s.id) == 0

    body = await api.gql(
        ASSIGN,
        {
            "input": {
                "gridId": gid("Grid", other.grid2),
                "accountId": gid("Account", s.chief.id),
                "duty": "WORKER",
            }
        },
        token=s.admin,
    )
    assert body["data"]["assignGridStaff"]["code"] == "NOT_FOUND"
    assert error_codes(
        await api.gql(GRID_STAFF, {"g": gid("Grid", other.grid1)}, token=s.admin)
    ) == ["NOT_FOUND"]
    body = await api.gql(
        ASSIGN_COMMUNITY,
        {
            "input": {
                "communityId": gid("Community", other.street.community_id),
                "accountId": gid("Account", s.chief.id),
            }
        },
        token=s.admin,
    )
    assert body["data"]["assignCommunityStaff"]["code"] == "NOT_FOUND"


async def test_one_grid_chief_per_grid_and_only_staff_with_the_role(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    second_chief = await add_member(services, s.id, Role.GRID_CHIEF)
    taken = await api.gql(
        ASSIGN,
        {
            "input": {
                "gridId": gid("Grid", s.grid1),
                "accountId": gid("Account", second_chief.id),
                "duty": "CHIEF",
            }
        },
        token=s.admin,
    )
    assert taken["data"]["assignGridStaff"]["code"] == "ALREADY_EXISTS"
    ok = await api.gql(
        ASSIGN,
        {
            "input": {
                "gridId": gid("Grid", s.grid2),
                "accountId": gid("Account", second_chief.id),
                "duty": "CHIEF",
            }
        },
        token=s.admin,
    )
    assert ok["data"]["assignGridStaff"]["assignment"]["duty"] == "CHIEF"

    resident = await add_member(services, s.id, Role.RESIDENT)
    refused = await api.gql(
        ASSIGN,
        {
            "input": {
                "gridId": gid("Grid", s.grid2),
                "accountId": gid("Account", resident.id),
                "duty": "WORKER",
            }
        },
        token=s.admin,
    )
    assert refused["data"]["assignGridStaff"]["code"] == "BAD_USER_INPUT"
    assert await count(GridAssignment, s.id, user_id=resident.id) == 0

    staff = await api.gql(GRID_STAFF, {"g": gid("Grid", s.grid1)}, token=s.admin)
    assert [row["duty"] for row in staff["data"]["gridStaff"]] == ["CHIEF", "WORKER"]
    # Only a street admin assigns staff.
    forbidden = await api.gql(
        ASSIGN,
        {
            "input": {
                "gridId": gid("Grid", s.grid2),
                "accountId": gid("Account", s.worker.id),
                "duty": "WORKER",
            }
        },
        token=s.chief_token,
    )
    assert error_codes(forbidden) == ["FORBIDDEN"]
