"""Row rules (行级规则): the declarations against tables written out by hand, then each kind of
scope through the GraphQL API.

The tables below are the specification: a rule added, removed or widened in
``resolvers/people/rows.py``, ``resolvers/notices.py`` or ``resolvers/votes/rows.py`` fails here
until the table says the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.accounts import Role
from models.notices import Notice
from models.people import MessageThread, Resident, VisitLog
from models.scoping import unscoped
from models.tenancy import Community, Grid
from models.votes import Vote, VoteStatus
from policies.rows import ANYONE, EVERYONE, RowRule, RowRules, Scope, When, subject_name
from resolvers import notices
from resolvers.notices import NOTICE_AUDIENCE
from resolvers.people import rows as people_rows
from resolvers.services import Services
from resolvers.votes import rows as vote_rows
from tests.people.support import add_resident, gid, people_street
from tests.support import Api, add_member, error_codes

S, G, C, ME, NO = Scope.STREET, Scope.OWN_GRIDS, Scope.OWN_COMMUNITIES, Scope.SELF, Scope.NONE

# -- people and notices: role × model → scope ----------------------------------------------
PEOPLE_COLUMNS = (Resident, MessageThread, VisitLog, Notice, NOTICE_AUDIENCE)
# fmt: off
PEOPLE_TABLE: dict[Role, tuple[Scope, ...]] = {
    #                         Resident  MessageThread  VisitLog  Notice (sent)  notice audience
    Role.RESIDENT:            (NO,      ME,            NO,       NO,            NO),
    Role.BUILDING_CHIEF:      (NO,      ME,            NO,       NO,            NO),
    Role.GRID_WORKER:         (G,       ME,            ME,       NO,            NO),
    Role.GRID_CHIEF:          (G,       ME,            ME,       ME,            G),
    Role.COMMUNITY_STAFF:     (S,       NO,            S,        ME,            C | G),
    Role.STREET_REVIEWER:     (S,       NO,            S,        NO,            NO),
    Role.STREET_DEPARTMENT:   (NO,      NO,            NO,       NO,            NO),
    Role.STREET_LEADER:       (S,       NO,            S,        S,             S),
    Role.STREET_ADMIN:        (S,       NO,            S,        S,             S),
    Role.DISTRICT_DEPARTMENT: (S,       NO,            S,        NO,            NO),
    Role.DISTRICT_ADMIN:      (S,       NO,            S,        NO,            NO),
    Role.REPRESENTATIVE:      (NO,      NO,            NO,       NO,            NO),
    Role.DELIBERATOR:         (NO,      NO,            NO,       NO,            NO),
    Role.CONGRESS_STAFF:      (NO,      NO,            NO,       NO,            NO),
    Role.PROFESSIONAL:        (NO,      NO,            NO,       NO,            NO),
    Role.DISPLAY:             (NO,      NO,            NO,       NO,            NO),
    Role.PLATFORM_ADMIN:      (NO,      NO,            NO,       NO,            NO),
}
# fmt: on


def test_every_role_is_in_the_people_table() -> None:
    assert set(PEOPLE_TABLE) == set(Role)


def test_people_declarations_match_the_table() -> None:
    expected = {
        (subject_name(subject), role.value): scopes[column]
        for role, scopes in PEOPLE_TABLE.items()
        for column, subject in enumerate(PEOPLE_COLUMNS)
    }
    assert people_rows.RULES.table() | notices.RULES.table() == expected
    assert set(people_rows.RULES.subjects) | set(notices.RULES.subjects) == set(PEOPLE_COLUMNS)


@dataclass(frozen=True)
class Holding:
    held: tuple[Role, ...]

    def roles(self) -> set[str]:
        return {role.value for role in self.held}


def test_several_roles_see_the_union_of_their_scopes() -> None:
    rules = people_rows.RULES
    assert rules.scope_for(Holding((Role.GRID_CHIEF, Role.RESIDENT)), MessageThread) is ME
    assert rules.scope_for(Holding((Role.GRID_CHIEF, Role.RESIDENT)), Resident) is G
    assert rules.scope_for(Holding((Role.GRID_CHIEF, Role.STREET_REVIEWER)), Resident) == G | S
    chief_and_admin = Holding((Role.GRID_CHIEF, Role.STREET_ADMIN))
    assert notices.RULES.scope_for(chief_and_admin, NOTICE_AUDIENCE) == G | S
    assert rules.scope_for(Holding(()), Resident) is NO
    assert rules.scope_for(ANYONE, Resident) is NO


# -- votes: what is shown, by the vote's status and secrecy -----------------------------
VOTE_COLUMNS = (
    vote_rows.WHO_HAS_VOTED,
    vote_rows.PUBLISHED_RESULT,
    vote_rows.COUNTED_RESULT,
    vote_rows.RUNNING_TALLY,
    vote_rows.ROLL_CALL,
    vote_rows.STAFF_ROLL_CALL,
)
Y, N = True, False
DRAFT, OPEN, CLOSED = VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED
PUBLISHED, CANCELLED = VoteStatus.PUBLISHED, VoteStatus.CANCELLED
# fmt: off
VOTE_TABLE: dict[tuple[VoteStatus, bool, bool], tuple[bool, ...]] = {
    # (status, secret, counted): who has  published  counted  running  roll  staff
    #                            voted    result     result   tally    call  roll call
    (DRAFT, N, N):               (Y,      N,         N,       N,       N,    Y),
    (OPEN, N, N):                (Y,      N,         N,       Y,       N,    Y),
    (CLOSED, N, Y):              (Y,      N,         Y,       N,       N,    Y),
    (PUBLISHED, N, Y):           (Y,      Y,         Y,       N,       Y,    Y),
    (CANCELLED, N, N):           (Y,      N,         N,       N,       N,    Y),
    (DRAFT, Y, N):               (Y,      N,         N,       N,       N,    N),
    (OPEN, Y, N):                (N,      N,         N,       N,       N,    N),
    (CLOSED, Y, Y):              (Y,      N,         Y,       N,       N,    N),
    (PUBLISHED, Y, Y):           (Y,      Y,         Y,       N,       N,    N),
    (CANCELLED, Y, N):           (Y,      N,         N,       N,       N,    N),
}
# fmt: on


def test_vote_declarations_match_the_table() -> None:
    assert set(vote_rows.RULES.subjects) == set(VOTE_COLUMNS)
    assert {status for status, _, _ in VOTE_TABLE} == set(VoteStatus)
    for (status, secret, counted), shown in VOTE_TABLE.items():
        vote = Vote(status=status, secret=secret, result={"items": []} if counted else None)
        found = tuple(vote_rows.RULES.sees(ANYONE, part, vote) for part in VOTE_COLUMNS)
        assert found == shown, (status, secret)
        # The rules hold for everyone: no role sees more or less than anyone.
        for role in Role:
            assert (
                tuple(vote_rows.RULES.sees(Holding((role,)), p, vote) for p in VOTE_COLUMNS)
                == shown
            )


# -- the mechanism refuses what a reviewer could not read ----------------------------------
def test_a_role_declared_twice_for_one_subject_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        RowRules(
            RowRule(Resident, S, roles=(Role.STREET_ADMIN,)),
            RowRule(Resident, G, roles=(Role.STREET_ADMIN,)),
            reads={Resident: {G: lambda who: None}},  # type: ignore[dict-item]
        )


def test_a_scope_with_no_read_for_its_model_is_refused() -> None:
    with pytest.raises(ValueError, match="no read"):
        RowRules(RowRule(Resident, G, roles=(Role.GRID_CHIEF,)))


def test_a_rule_on_the_rows_state_needs_the_row() -> None:
    rules = RowRules(RowRule("part", S, roles=EVERYONE, when=When("always", lambda row: True)))
    assert rules.sees(ANYONE, "part", object())
    with pytest.raises(ValueError, match="needs the row"):
        rules.scope_for(ANYONE, "part")
    with pytest.raises(LookupError):
        rules.scope_for(ANYONE, "undeclared")


# -- each kind of scope, through the API ----------------------------------------------------
RESIDENTS = "{ residents { totalCount edges { node { name } } } }"
NODE = "query N($id: ID!) { node(id: $id) { ... on Resident { name } } }"
MESSAGE_RESIDENT = """
mutation M($input: MessageResidentInput!) { messageResident(input: $input) {
  __typename ... on MessageSuccess { thread { id } } ... on UserError { code field } } }
"""
MESSAGE_CHIEF = """
mutation M($input: MessageGridChiefInput!) { messageGridChief(input: $input) {
  __typename ... on MessageSuccess { thread { id } } ... on UserError { code field } } }
"""
MY_THREADS = """
{ myThreads { totalCount edges { node { id residentName
  messages { edges { node { body } } } } } } }
"""
SEND = """
mutation S($input: SendNoticeInput!) { sendNotice(input: $input) {
  __typename ... on SendNoticeSuccess { notice { targets { kind } } }
  ... on UserError { code field } } }
"""
ASSIGN_COMMUNITY = """
mutation A($input: AssignCommunityStaffInput!) { assignCommunityStaff(input: $input) {
  __typename ... on UserError { code field } } }
"""


def names(body: dict) -> list[str]:
    return sorted(e["node"]["name"] for e in body["data"]["residents"]["edges"])


async def test_own_grids_a_grid_chief_sees_only_the_residents_of_their_grids(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    await add_resident(services, s.id, s.grid1, "一格居民")
    other = await add_resident(services, s.id, s.grid2, "二格居民")
    await add_resident(services, s.id, None, "无网格居民")
    assert names(await api.gql(RESIDENTS, token=s.chief_token)) == ["一格居民"]
    hidden = await api.gql(NODE, {"id": gid("Resident", other.id)}, token=s.chief_token)
    assert error_codes(hidden) == ["NOT_FOUND"]
    refused = await api.gql(
        MESSAGE_RESIDENT,
        {"input": {"residentId": gid("Resident", other.id), "body": "你好"}},
        token=s.chief_token,
    )
    assert refused["data"]["messageResident"] == {
        "__typename": "InputError",
        "code": "NOT_FOUND",
        "field": "residentId",
    }


async def test_street_community_staff_see_every_resident_of_the_street(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    await add_resident(services, s.id, s.grid1, "一格居民")
    other = await add_resident(services, s.id, s.grid2, "二格居民")
    await add_resident(services, s.id, None, "无网格居民")
    staff = await add_member(services, s.id, Role.COMMUNITY_STAFF)  # serving no community
    token = await api.login(staff.username)
    assert names(await api.gql(RESIDENTS, token=token)) == ["一格居民", "二格居民", "无网格居民"]
    found = await api.gql(NODE, {"id": gid("Resident", other.id)}, token=token)
    assert found["data"]["node"] == {"name": "二格居民"}


async def test_self_a_resident_sees_only_their_own_threads(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    me = await add_member(services, s.id, Role.RESIDENT)
    neighbour = await add_member(services, s.id, Role.RESIDENT)
    mine = await add_resident(services, s.id, s.grid1, "陈大爷", user=me)
    theirs = await add_resident(services, s.id, s.grid1, "李阿姨", user=neighbour)
    threads = {}
    for resident, body in ((mine, "陈大爷您好"), (theirs, "李阿姨您好")):
        sent = await api.gql(
            MESSAGE_RESIDENT,
            {"input": {"residentId": gid("Resident", resident.id), "body": body}},
            token=s.chief_token,
        )
        threads[resident.id] = sent["data"]["messageResident"]["thread"]["id"]
    token = await api.login(me.username)
    seen = (await api.gql(MY_THREADS, token=token))["data"]["myThreads"]
    assert seen["totalCount"] == 1
    node = seen["edges"][0]["node"]
    assert (node["id"], node["residentName"]) == (threads[mine.id], "陈大爷")
    assert [m["node"]["body"] for m in node["messages"]["edges"]] == ["陈大爷您好"]
    into_theirs = await api.gql(
        MESSAGE_CHIEF,
        {"input": {"body": "我也说两句", "threadId": threads[theirs.id]}},
        token=token,
    )
    assert into_theirs["data"]["messageGridChief"] == {
        "__typename": "InputError",
        "code": "NOT_FOUND",
        "field": "threadId",
    }


async def test_none_a_display_account_sees_no_person(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    person = await add_resident(services, s.id, s.grid1, "一格居民")
    display = await add_member(services, s.id, Role.DISPLAY)
    token = await api.login(display.username)
    assert error_codes(await api.gql(RESIDENTS, token=token)) == ["FORBIDDEN"]
    by_id = await api.gql(NODE, {"id": gid("Resident", person.id)}, token=token)
    assert error_codes(by_id) == ["FORBIDDEN"] and by_id["data"] is None
    assert error_codes(await api.gql(MY_THREADS, token=token)) == ["FORBIDDEN"]


async def test_own_communities_community_staff_address_their_communities_only(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    with unscoped("test set-up: a second community with a grid"):
        elsewhere = await Community.create(tenant_id=s.id, code="c2", name="另一社区")
        far_grid = await Grid.create(
            tenant_id=s.id, community_id=elsewhere.id, code="g9", name="九格"
        )
    staff = await add_member(services, s.id, Role.COMMUNITY_STAFF)
    assigned = await api.gql(
        ASSIGN_COMMUNITY,
        {
            "input": {
                "communityId": gid("Community", s.street.community_id),
                "accountId": gid("Account", staff.id),
            }
        },
        token=s.admin,
    )
    assert assigned["data"]["assignCommunityStaff"]["__typename"] == "CommunityStaffSuccess"
    token = await api.login(staff.username)

    async def send(**target: list[str]) -> dict:
        body = await api.gql(
            SEND, {"input": {"title": "通知", "body": "内容", **target}}, token=token
        )
        return body["data"]["sendNotice"]

    own = await send(communityIds=[gid("Community", s.street.community_id)])
    assert own["notice"]["targets"] == [{"kind": "COMMUNITY"}]
    a_grid_of_it = await send(gridIds=[gid("Grid", s.grid2)])
    assert a_grid_of_it["notice"]["targets"] == [{"kind": "GRID"}]
    for outside in (
        {},  # the whole street
        {"communityIds": [gid("Community", elsewhere.id)]},
        {"gridIds": [gid("Grid", far_grid.id)]},
    ):
        refused = await send(**outside)
        assert (refused["code"], refused["field"]) == ("FORBIDDEN", "gridIds"), outside
