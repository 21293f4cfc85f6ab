"""年度爆料达人: the ranking counted from verified cases, with a minimum, masked names unless
shown by choice, ties sharing a rank, and the team rankings, through the GraphQL API."""

from __future__ import annotations

import secrets

import pytest

from models.accounts import Role, User
from models.people import Resident
from resolvers.participation.ranking import mask_name, ranked
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import RATE, RESOLVE, SIGN, CaseStreet, call, ok, reported
from tests.participation.support import verified
from tests.support import Api, add_member, error_codes, gid

RANKING = """query($y: Int!, $c: ID) { reporterRanking(year: $y, communityId: $c) {
  rank name named cases } }"""
TEAMS = """query($y: Int!, $k: TeamKind!) { teamRanking(year: $y, kind: $k) {
  rank kind teamId name cases reporters } }"""
SHOW = """mutation($s: Boolean!) { showNameOnRanking(show: $s) { __typename
  ... on RankingConsentSuccess { consent { showName } } } }"""


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张小明", "张*明"), ("欧阳小明", "欧**明"), ("张三", "张*"), ("王", "*"), ("", "*")],
)
def test_names_are_masked_keeping_the_first_and_last(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_ties_share_a_rank_and_are_listed_by_account() -> None:
    assert ranked([(7, 2), (3, 5), (9, 5), (4, 1)]) == [
        (1, 3, 5),
        (1, 9, 5),
        (3, 7, 2),
        (4, 4, 1),
    ]


async def _verified_in_grid2(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs, cs.resident2))["id"]
    await ok(api, cs, cs.chief2, SIGN, {"caseId": case})
    await ok(api, cs, cs.chief2, RESOLVE, {"caseId": case, "result": "已处理"})
    await ok(api, cs, cs.resident2, RATE, {"caseId": case, "satisfaction": "SATISFIED"})


async def test_the_ranking_counts_verified_cases_above_the_minimum(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    third = await add_member(services, cs.street.street_id, Role.RESIDENT)
    with street_scope(cs.street.street_id):
        await Resident.create(
            name="赵六",
            id_hash=secrets.token_hex(16),
            id_masked="110***********9999",
            grid_id=cs.street.grid_id,
            community_id=cs.street.community_id,
            user=third,
        )
    await User.filter(id=cs.resident.id).update(display_name="张小明")
    await User.filter(id=cs.resident2.id).update(display_name="李四")
    for _ in range(4):
        await verified(api, cs)
    for _ in range(3):
        await _verified_in_grid2(api, cs)
    for _ in range(2):  # below the minimum of three
        case = (await reported(api, cs, third))["id"]
        await ok(api, cs, cs.chief, SIGN, {"caseId": case})
        await ok(api, cs, cs.chief, RESOLVE, {"caseId": case, "result": "已处理"})
        await ok(api, cs, third, RATE, {"caseId": case, "satisfaction": "BASICALLY_SATISFIED"})
    unrated = (await reported(api, cs))["id"]  # resolved, not yet verified: not counted
    await ok(api, cs, cs.chief, SIGN, {"caseId": unrated})
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": unrated, "result": "已处理"})

    body = await call(api, cs, cs.resident2, RANKING, {"y": 2026})
    first = body["data"]["reporterRanking"]
    assert first == [
        {"rank": 1, "name": "张*明", "named": False, "cases": 4},
        {"rank": 2, "name": "李*", "named": False, "cases": 3},
    ]
    again = await call(api, cs, cs.leader, RANKING, {"y": 2026})
    assert again["data"]["reporterRanking"] == first  # reproducible from the cases
    assert (await call(api, cs, cs.leader, RANKING, {"y": 2025}))["data"]["reporterRanking"] == []
    community2 = gid("Community", cs.community2_id)
    only = await call(api, cs, cs.leader, RANKING, {"y": 2026, "c": community2})
    assert [r["cases"] for r in only["data"]["reporterRanking"]] == [3]

    shown = await call(api, cs, cs.resident, SHOW, {"s": True})
    assert shown["data"]["showNameOnRanking"]["consent"] == {"showName": True}
    named = await call(api, cs, cs.resident2, RANKING, {"y": 2026})
    assert named["data"]["reporterRanking"][0] == {
        "rank": 1,
        "name": "张小明",
        "named": True,
        "cases": 4,
    }

    teams = await call(api, cs, cs.leader, TEAMS, {"y": 2026, "k": "COMMUNITY"})
    assert [(t["teamId"], t["cases"], t["reporters"]) for t in teams["data"]["teamRanking"]] == [
        (gid("Community", cs.street.community_id), 6, 2),
        (community2, 3, 1),
    ]
    grids = await call(api, cs, cs.leader, TEAMS, {"y": 2026, "k": "GRID"})
    assert [(t["rank"], t["teamId"]) for t in grids["data"]["teamRanking"]] == [
        (1, gid("Grid", cs.street.grid_id)),
        (2, gid("Grid", cs.grid2_id)),
    ]


async def test_a_bad_year_or_size_is_refused(api: Api, cs: CaseStreet) -> None:
    body = await call(api, cs, cs.leader, RANKING, {"y": 1999})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    sized = "{ reporterRanking(year: 2026, top: 1000) { rank } }"
    body = await call(api, cs, cs.leader, sized, {})
    assert body["errors"][0]["extensions"]["field"] == "top"
    masked = await call(api, cs, cs.resident, SHOW, {"s": False})
    assert masked["data"]["showNameOnRanking"]["consent"] == {"showName": False}
    assert "FORBIDDEN" in error_codes(await call(api, cs, cs.leader, SHOW, {"s": True}))
