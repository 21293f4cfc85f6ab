"""Grid chief workbench: my residents, tagging, threads (both sides), and hand-over."""

from __future__ import annotations

from models.accounts import Membership, Role
from models.audit import AuditEntry
from models.people import GridAssignment, MessageThread, ResidentTag
from resolvers.services import Services
from tests.people.support import add_resident, count, gid, people_street
from tests.support import Api, add_member, error_codes

MY_RESIDENTS = """
query Q($f: ResidentFilter) { myResidents(filter: $f) { totalCount edges { node { name } } } }
"""
TAG = """
mutation T($input: TagResidentInput!) { tagResident(input: $input) {
  __typename ... on ResidentSuccess { resident { tags { name } } }
  ... on UserError { code field } } }
"""
MESSAGE_RESIDENT = """
mutation M($input: MessageResidentInput!) { messageResident(input: $input) {
  __typename ... on MessageSuccess { thread { id } message { body fromResident } }
  ... on UserError { code field } } }
"""
MESSAGE_CHIEF = """
mutation M($input: MessageGridChiefInput!) { messageGridChief(input: $input) {
  __typename ... on MessageSuccess { thread { id } message { body fromResident } }
  ... on UserError { code field } } }
"""
STAFF_THREADS = """
{ myResidentThreads { totalCount edges { node { id residentName
  messages { edges { node { body fromResident } } } } } } }
"""
RESIDENT_THREADS = """
{ myThreads { totalCount edges { node { staff { username }
  messages { edges { node { body fromResident } } } } } } }
"""
HAND_OVER = """
mutation H($input: HandOverInput!) { handOver(input: $input) {
  __typename ... on HandOverSuccess { gridsMoved threadsMoved residentsCovered sessionsRevoked
    successor { username } }
  ... on UserError { code field message } } }
"""


async def test_my_residents_filter_by_tag_building_and_text(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    await add_resident(services, s.id, s.grid1, "王独居", tags=(s.tags["独居老人"],))
    await add_resident(services, s.id, s.grid1, "李军人", tags=(s.tags["退役军人"],))
    await add_resident(services, s.id, s.grid2, "赵他格", tags=(s.tags["独居老人"],))
    everyone = await api.gql(MY_RESIDENTS, token=s.chief_token)
    assert everyone["data"]["myResidents"]["totalCount"] == 2
    lonely = await api.gql(
        MY_RESIDENTS, {"f": {"tagIds": [gid("Tag", s.tags["独居老人"])]}}, token=s.chief_token
    )
    assert [e["node"]["name"] for e in lonely["data"]["myResidents"]["edges"]] == ["王独居"]
    text = await api.gql(MY_RESIDENTS, {"f": {"search": "军"}}, token=s.chief_token)
    assert [e["node"]["name"] for e in text["data"]["myResidents"]["edges"]] == ["李军人"]
    nothing = await api.gql(
        MY_RESIDENTS, {"f": {"buildingId": gid("Building", 999999)}}, token=s.chief_token
    )
    assert nothing["data"]["myResidents"]["totalCount"] == 0


async def test_tag_and_untag_and_an_unknown_tag_changes_nothing(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    r = await add_resident(services, s.id, s.grid1, "王阿婆", tags=(s.tags["独居老人"],))
    body = await api.gql(
        TAG,
        {
            "input": {
                "residentId": gid("Resident", r.id),
                "addTagIds": [gid("Tag", s.tags["残疾人"])],
                "removeTagIds": [gid("Tag", s.tags["独居老人"])],
            }
        },
        token=s.chief_token,
    )
    assert body["data"]["tagResident"]["resident"]["tags"] == [{"name": "残疾人"}]
    unknown = await api.gql(
        TAG,
        {
            "input": {
                "residentId": gid("Resident", r.id),
                "addTagIds": [gid("Tag", s.tags["退役军人"]), gid("Tag", other.tags["退役军人"])],
                "removeTagIds": [gid("Tag", s.tags["残疾人"])],
            }
        },
        token=s.chief_token,
    )
    assert unknown["data"]["tagResident"]["code"] == "NOT_FOUND"
    assert await count(ResidentTag, s.id, resident_id=r.id) == 1
    assert await count(ResidentTag, s.id, resident_id=r.id, tag_id=s.tags["残疾人"]) == 1


async def test_a_thread_between_grid_chief_and_resident(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    person = await add_member(services, s.id, Role.RESIDENT)
    r = await add_resident(services, s.id, s.grid1, "陈大爷", user=person)
    stranger = await add_resident(services, s.id, s.grid2, "别格居民")
    sent = await api.gql(
        MESSAGE_RESIDENT,
        {"input": {"residentId": gid("Resident", r.id), "body": "陈大爷，明天上门走访。"}},
        token=s.chief_token,
    )
    assert sent["data"]["messageResident"]["message"]["fromResident"] is False
    refused = await api.gql(
        MESSAGE_RESIDENT,
        {"input": {"residentId": gid("Resident", stranger.id), "body": "你好"}},
        token=s.chief_token,
    )
    assert refused["data"]["messageResident"]["code"] == "NOT_FOUND"

    token = await api.login(person.username)
    reply = await api.gql(MESSAGE_CHIEF, {"input": {"body": "好的，谢谢！"}}, token=token)
    assert reply["data"]["messageGridChief"]["message"]["fromResident"] is True
    assert reply["data"]["messageGridChief"]["thread"] == sent["data"]["messageResident"]["thread"]
    mine = (await api.gql(RESIDENT_THREADS, token=token))["data"]["myThreads"]
    assert mine["edges"][0]["node"]["staff"]["username"] == s.chief.username
    staff = (await api.gql(STAFF_THREADS, token=s.chief_token))["data"]["myResidentThreads"]
    node = staff["edges"][0]["node"]
    assert node["residentName"] == "陈大爷"
    assert [m["node"]["body"] for m in node["messages"]["edges"]] == [
        "陈大爷，明天上门走访。",
        "好的，谢谢！",
    ]
    # Another grid chief cannot read that thread, nor can another street's resident.
    assert error_codes(await api.gql(STAFF_THREADS, token=s.admin)) == ["FORBIDDEN"]
    assert error_codes(await api.gql(RESIDENT_THREADS, token=s.chief_token)) == ["FORBIDDEN"]


async def test_hand_over_moves_everything_and_ends_the_leavers_access(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    successor = await add_member(services, s.id, Role.GRID_WORKER)
    r = await add_resident(services, s.id, s.grid1, "孙奶奶")
    await api.gql(
        MESSAGE_RESIDENT,
        {"input": {"residentId": gid("Resident", r.id), "body": "您好"}},
        token=s.chief_token,
    )
    body = await api.gql(
        HAND_OVER,
        {
            "input": {
                "leaverId": gid("Account", s.chief.id),
                "successorId": gid("Account", successor.id),
            }
        },
        token=s.admin,
    )
    done = body["data"]["handOver"]
    assert done["__typename"] == "HandOverSuccess", done
    assert (done["gridsMoved"], done["threadsMoved"], done["residentsCovered"]) == (1, 1, 1)
    assert done["sessionsRevoked"] >= 1
    # The leaver's token stops working at once.
    assert error_codes(await api.gql(MY_RESIDENTS, token=s.chief_token)) == ["INVALID_TOKEN"]
    assert await count(Membership, s.id, user_id=s.chief.id) == 0
    new_token = await api.login(successor.username)
    inherited = await api.gql(MY_RESIDENTS, token=new_token)
    assert inherited["data"]["myResidents"]["totalCount"] == 1
    threads = (await api.gql(STAFF_THREADS, token=new_token))["data"]["myResidentThreads"]
    assert threads["edges"][0]["node"]["residentName"] == "孙奶奶"
    assert await count(GridAssignment, s.id, user_id=successor.id, duty="CHIEF") == 1


async def test_hand_over_to_someone_not_staff_of_the_street_writes_nothing(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    resident_account = await add_member(services, s.id, Role.RESIDENT)
    for successor in (other.worker, resident_account):
        body = await api.gql(
            HAND_OVER,
            {
                "input": {
                    "leaverId": gid("Account", s.chief.id),
                    "successorId": gid("Account", successor.id),
                }
            },
            token=s.admin,
            lang="en",
        )
        assert body["data"]["handOver"]["code"] == "NOT_FOUND"
        assert body["data"]["handOver"]["field"] == "successorId"
    assert await count(GridAssignment, s.id, user_id=s.chief.id) == 1
    assert await count(Membership, s.id, user_id=s.chief.id) == 1
    assert await count(AuditEntry, s.id, action="people.handed_over") == 0
    assert await count(MessageThread, s.id) == 0
    still = await api.gql(MY_RESIDENTS, token=s.chief_token)
    assert "errors" not in still
