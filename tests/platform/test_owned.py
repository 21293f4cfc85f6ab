"""Every ID a write takes is of the current street (``resolvers/owned.py``): another
street's, an unknown one and one of no use to the operation are refused alike (``NOT_FOUND``
naming the field), and nothing of any street changes. A constraint the database enforces
under concurrency is a typed refusal; a vote's result that no longer matches its digest is
never published."""

from __future__ import annotations

import asyncio

from models.accounts import Role
from models.people import Building, Compound
from models.scoping import unscoped
from models.votes import Vote, VoteStatus
from resolvers.services import Services
from tests.events.test_notifications import MARK, fresh_street, send
from tests.platform.test_refusals import everything
from tests.support import Api, add_member, gid, make_street
from tests.votes.support import (
    CLOSE,
    CREATE_VOTE,
    PUBLISH,
    UPDATE_VOTE,
    cast,
    create_vote,
    marks,
    new_key,
    open_vote,
    pk,
    step,
    vote_street,
)

CREATE_DELEGATE = """
mutation($input: CreateDelegateInput!) { createDelegate(input: $input) {
  __typename ... on DelegateSuccess { delegate { id } } ... on UserError { code field } } }
"""


async def unchanged_answer(api: Api, username: str, query: str, variables: dict) -> dict:
    """The mutation's payload, checked to have changed nothing anywhere."""
    await api.login(username)  # its session is not the mutation's doing
    before = await everything()
    body = await api.as_user(username, query, variables)
    assert "errors" not in body, body
    assert await everything() == before
    (payload,) = body["data"].values()
    return payload


async def test_a_delegate_is_never_linked_to_an_account_of_another_street(
    api: Api, services: Services
) -> None:
    here = await make_street(services, "ow")
    there = await make_street(services, "ox")
    staff = await add_member(services, here.street_id, Role.CONGRESS_STAFF)
    theirs = await add_member(services, there.street_id, Role.REPRESENTATIVE)
    ours = await add_member(services, here.street_id, Role.REPRESENTATIVE)
    for account in (gid("Account", theirs.id), gid("Account", 2_000_000_000)):
        variables = {
            "input": {
                "kind": "REPRESENTATIVE",
                "name": "代表",
                "level": "STREET",
                "accountId": account,
            }
        }
        payload = await unchanged_answer(api, staff.username, CREATE_DELEGATE, variables)
        assert payload == {"__typename": "InputError", "code": "NOT_FOUND", "field": "accountId"}
    variables = {
        "input": {
            "kind": "REPRESENTATIVE",
            "name": "代表",
            "level": "STREET",
            "accountId": gid("Account", ours.id),
        }
    }
    body = await api.as_user(staff.username, CREATE_DELEGATE, variables)
    assert body["data"]["createDelegate"]["__typename"] == "DelegateSuccess", body


async def test_an_electorate_refuses_places_it_has_no_use_for(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=2, projects=1)
    other = await make_street(services, "oy")
    vote = await create_vote(api, vs)  # REPRESENTATIVES
    for kind in ("REPRESENTATIVES", "DELIBERATORS"):
        for electorate in (
            {"kind": kind, "communityIds": [gid("Community", other.community_id)]},
            {"kind": kind, "gridIds": [gid("Grid", other.grid_id)]},
            {"kind": kind, "communityIds": [gid("Community", vs.street.community_id)]},
            {"kind": kind, "accountIds": [gid("Account", vs.representatives[0].id)]},
        ):
            values = {
                "kind": "PROJECT_BALLOT",
                "title": "票决",
                "electorate": electorate,
                "items": [{"projectId": p} for p in vs.projects],
            }
            created = await unchanged_answer(api, vs.staff.username, CREATE_VOTE, {"input": values})
            updated = await unchanged_answer(
                api, vs.staff.username, UPDATE_VOTE, {"id": vote["id"], "input": values}
            )
            for payload in (created, updated):
                assert (payload["code"], payload["field"]) == ("NOT_FOUND", "electorate"), payload
    residents = {
        "kind": "RESOLUTION",
        "title": "决议",
        "electorate": {"kind": "RESIDENTS", "gridIds": [gid("Grid", other.grid_id)]},
    }
    payload = await unchanged_answer(api, vs.staff.username, CREATE_VOTE, {"input": residents})
    assert (payload["code"], payload["field"]) == ("NOT_FOUND", "electorate")


async def test_marking_notifications_refuses_one_that_is_not_mine_here(
    api: Api, services: Services
) -> None:
    here = await fresh_street(services)
    there = await fresh_street(services)
    me = await add_member(services, here.street_id, Role.GRID_CHIEF)
    elsewhere = await add_member(services, there.street_id, Role.GRID_CHIEF)
    await send(services, here, [me], "本街道")
    await send(services, there, [elsewhere], "别的街道")
    with unscoped("test: the notifications' IDs"):
        from models.events import Notification

        mine = await Notification.get(user_id=me.id)
        foreign = await Notification.get(user_id=elsewhere.id)
    for ids in (
        [gid("Notification", foreign.id)],
        [gid("Notification", 9_000_000_000)],
        [gid("Notification", mine.id), gid("Notification", foreign.id)],
    ):
        payload = await unchanged_answer(api, me.username, MARK, {"ids": ids, "all": False})
        assert payload == {"__typename": "InputError", "code": "NOT_FOUND", "field": "ids"}
    with unscoped("test: still unread"):
        assert (await Notification.get(id=mine.id)).read_at is None
        assert (await Notification.get(id=foreign.id)).read_at is None


async def test_six_buildings_of_one_name_at_once_one_wins_five_are_refused(
    api: Api, services: Services
) -> None:
    street = await make_street(services, "oz")
    with unscoped("test set-up"):
        compound = await Compound.create(
            tenant_id=street.street_id, community_id=street.community_id, name="琴台小区"
        )
    token = await api.login(street.admin_username, street.admin_password)
    query = """mutation($i: CreateBuildingInput!) { createBuilding(input: $i) {
      __typename ... on UserError { code field } } }"""
    variables = {"i": {"compoundId": gid("Compound", compound.id), "name": "1 号楼"}}
    bodies = await asyncio.gather(*(api.gql(query, variables, token=token) for _ in range(6)))
    payloads = [body["data"]["createBuilding"] for body in bodies]
    assert all("errors" not in body for body in bodies), bodies
    wins = [p for p in payloads if p["__typename"] == "CreateBuildingSuccess"]
    assert len(wins) == 1, payloads
    assert sorted(p["code"] for p in payloads if p not in wins) == ["ALREADY_EXISTS"] * 5
    with unscoped("test: one building"):
        assert await Building.filter(compound_id=compound.id).count() == 1


async def test_a_result_edited_in_the_database_is_never_published(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=2, projects=1)
    vote = await open_vote(api, vs)
    for voter in vs.representatives:
        counted = await cast(
            api,
            voter,
            vote["id"],
            marks(*((item["id"], "YES") for item in vote["items"])),
            new_key(),
        )
        assert counted["__typename"] == "BallotCounted", counted
    assert (await step(api, vs, CLOSE, vote["id"]))["__typename"] == "VoteSuccess"
    with unscoped("test: someone edits the stored result"):
        row = await Vote.get(id=pk(vote["id"]))
        assert row.result is not None
        row.result["items"][0]["abstain"] = -1
        await Vote.filter(id=row.id).update(result=row.result)
    payload = await unchanged_answer(api, vs.staff.username, PUBLISH, {"id": vote["id"]})
    assert (payload["code"], payload["field"]) == ("RESULT_MISMATCH", "id")
    with unscoped("test: still closed"):
        assert (await Vote.get(id=row.id)).status is VoteStatus.CLOSED
