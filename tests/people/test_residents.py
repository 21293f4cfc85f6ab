"""Residents: validation, the ID number never stored whole, masking, the grid row rule."""

from __future__ import annotations

from tortoise import connections

from core.identity import make_id_number
from models.people import Resident, ResidentTag
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.people.support import add_resident, count, gid, new_id_number, people_street
from tests.support import Api, error_codes

REGISTER = """
mutation R($input: RegisterResidentInput!) { registerResident(input: $input) {
  __typename
  ... on ResidentSuccess { resident { id name phone idNumber address piiVisible
      grid { code } tags { name } } }
  ... on UserError { code field message } } }
"""
RESIDENTS = """
query Q($f: ResidentFilter) { residents(filter: $f) { totalCount
  edges { node { id name phone idNumber address piiVisible tags { name } } } } }
"""
NODE = "query N($id: ID!) { node(id: $id) { ... on Resident { name } } }"


def _input(s, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "input": {
            "name": "刘阿婆",
            "idNumber": new_id_number(),
            "phone": "13912345678",
            "address": "琴台小区3栋201",
            "gridId": gid("Grid", s.grid1),
            "tagIds": [gid("Tag", s.tags["独居老人"])],
            **extra,
        }
    }


async def test_register_stores_only_a_hash_and_a_masked_id(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    number = make_id_number("420105", "19450312", 77)
    body = await api.gql(REGISTER, _input(s, idNumber=number), token=s.admin)
    resident = body["data"]["registerResident"]["resident"]
    assert resident["idNumber"] == "420105********" + number[-4:]
    assert resident["phone"] == "13912345678" and resident["tags"] == [{"name": "独居老人"}]
    assert resident["grid"] == {"code": "g1"}
    with street_scope(s.street.street_id, writable=False):  # row security: its rows only
        rows = await connections.get("default").execute_query_dict(
            "select * from resident where name = '刘阿婆'"
        )
    assert rows and all(number not in str(value) for row in rows for value in row.values())
    # The full number still finds the resident (by its keyed hash).
    found = await api.gql(RESIDENTS, {"f": {"search": number}}, token=s.admin)
    assert found["data"]["residents"]["totalCount"] == 1
    again = await api.gql(REGISTER, _input(s, idNumber=number), token=s.admin)
    assert again["data"]["registerResident"]["code"] == "ALREADY_EXISTS"


async def test_bad_input_is_a_typed_error_and_writes_nothing(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    good = new_id_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    cases = [
        ({"phone": "12345"}, "BAD_USER_INPUT", "phone"),
        ({"phone": "23912345678"}, "BAD_USER_INPUT", "phone"),
        ({"idNumber": bad_check}, "BAD_USER_INPUT", "idNumber"),
        ({"idNumber": "42010519451332001X"}, "BAD_USER_INPUT", "idNumber"),
        ({"gridId": gid("Grid", other.grid1)}, "NOT_FOUND", "gridId"),
        ({"tagIds": [gid("Tag", other.tags["独居老人"])]}, "NOT_FOUND", "tagIds"),
    ]
    for extra, code, field in cases:
        body = await api.gql(REGISTER, _input(s, **extra), token=s.admin, lang="en")
        payload = body["data"]["registerResident"]
        assert (payload["code"], payload["field"]) == (code, field), (extra, payload)
        assert payload["message"]
    assert await count(Resident, s.id) == 0 and await count(ResidentTag, s.id) == 0
    assert await count(Resident, other.id) == 0


async def test_personal_data_is_masked_without_pii_and_hidden_from_displays(
    api: Api, services: Services
) -> None:
    query = RESIDENTS
    # wulidun demo data: the street leader reads residents but holds no resident:pii.
    leader = await api.as_user("wulidun.street_leader", query)
    node = leader["data"]["residents"]["edges"][0]["node"]
    assert node["piiVisible"] is False
    assert node["phone"] == "138****0001" and node["idNumber"] is None and node["address"] is None
    admin = await api.as_user("wulidun.street_admin", query)
    node = admin["data"]["residents"]["edges"][0]["node"]
    assert node["piiVisible"] is True and node["phone"] == "13800000001"
    assert node["idNumber"].startswith("420105********")
    for username in ("wulidun.display", "wulidun.resident"):
        assert error_codes(await api.as_user(username, query)) == ["FORBIDDEN"]
        assert error_codes(await api.as_user(username, "{ tags { name } }")) == ["FORBIDDEN"]


async def test_grid_chief_sees_the_residents_of_their_own_grids_only(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    mine = await add_resident(services, s.id, s.grid1, "本格居民")
    theirs = await add_resident(services, s.id, s.grid2, "他格居民")
    body = await api.gql(RESIDENTS, token=s.chief_token)
    assert [e["node"]["name"] for e in body["data"]["residents"]["edges"]] == ["本格居民"]
    assert (await api.gql(NODE, {"id": gid("Resident", mine.id)}, token=s.chief_token))["data"][
        "node"
    ] == {"name": "本格居民"}
    hidden = await api.gql(NODE, {"id": gid("Resident", theirs.id)}, token=s.chief_token)
    assert error_codes(hidden) == ["NOT_FOUND"]
    # A grid chief registers residents into their own grids only.
    body = await api.gql(REGISTER, _input(s, gridId=gid("Grid", s.grid2)), token=s.chief_token)
    assert body["data"]["registerResident"]["code"] == "NOT_FOUND"
    admin_view = await api.gql(RESIDENTS, token=s.admin)
    assert admin_view["data"]["residents"]["totalCount"] == 2


async def test_tags_are_per_street_and_editable(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    created = await api.gql(
        'mutation { createTag(input: {name: "困境儿童"}) '
        "{ __typename ... on TagSuccess { tag { id } } } }",
        token=s.admin,
    )
    tag_id = created["data"]["createTag"]["tag"]["id"]
    dup = await api.gql(
        'mutation { createTag(input: {name: "困境儿童"}) { ... on UserError { code } } }',
        token=s.admin,
    )
    assert dup["data"]["createTag"]["code"] == "ALREADY_EXISTS"
    renamed = await api.gql(
        'mutation R($id: ID!) { renameTag(input: {tagId: $id, name: "困难家庭"}) '
        "{ ... on TagSuccess { tag { name } } } }",
        {"id": tag_id},
        token=s.admin,
    )
    assert renamed["data"]["renameTag"]["tag"]["name"] == "困难家庭"
    names = {t["name"] for t in (await api.gql("{ tags { name } }", token=s.admin))["data"]["tags"]}
    # A new street starts with the default tags (残疾人, 独居老人…); added tags join them.
    assert names == {"残疾人", "独居老人", "留守老人", "退役军人", "低保户", "重点关注", "困难家庭"}
    other = await people_street(api, services, "q")
    foreign = await api.gql(
        "mutation R($id: ID!) { deleteTag(input: {tagId: $id}) { ... on UserError { code } } }",
        {"id": tag_id},
        token=other.admin,
    )
    assert foreign["data"]["deleteTag"]["code"] == "NOT_FOUND"
