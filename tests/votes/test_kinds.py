"""The kinds of vote and how they are drafted: resolutions, satisfaction ratings, approval
ballots, editing and cancelling drafts, every kind of electorate, and what createVote refuses.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.accounts import Membership, Role
from models.scoping import unscoped
from models.tenancy import Community, Grid
from models.votes import Vote
from resolvers.services import Services
from tests.people.support import add_resident
from tests.projects.support import ProjectStreet, call, create_project, data, move
from tests.support import Api, add_member, error_codes, gid, grant_membership, make_street
from tests.votes.support import (
    BOARD,
    CANCEL,
    CLOSE,
    CREATE_VOTE,
    OPEN,
    PUBLISH,
    UPDATE_VOTE,
    VOTE,
    VoteStreet,
    ballot_input,
    cast,
    counted_items,
    create_vote,
    inbox,
    new_key,
    open_vote,
    step,
    vote_street,
)

ELECTORATE = """
query($id: ID!) {
  vote(id: $id) {
    status
    electorate { kind size rosterSize communities { id } grids { id } }
    myParticipation { onElectorate voted }
  }
}
"""


async def create_raw(api: Api, vs: VoteStreet, **overrides: object) -> dict:
    """createVote's payload, whatever it is."""
    body = await call(api, vs.staff, CREATE_VOTE, {"input": ballot_input(vs, **overrides)})
    return data(body, "createVote")


async def refused(api: Api, vs: VoteStreet, query: str, vote_id: str) -> dict:
    result = await step(api, vs, query, vote_id)
    assert result["__typename"] == "InputError", result
    return result


async def vote_count(street_id: int) -> int:
    with unscoped("test check"):
        return await Vote.filter(tenant_id=street_id).count()


# --- RESOLUTION ---------------------------------------------------------------------------


async def test_a_resolution_puts_its_title_as_the_motion_and_passes_on_ballots_cast(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=5, projects=0)
    vote = await create_vote(api, vs, kind="RESOLUTION", title="关于设立社区议事日的决议", items=[])
    assert (vote["kind"], vote["mode"], vote["thresholdBasis"], vote["quorumPercent"]) == (
        "RESOLUTION",
        "YES_NO_ABSTAIN",
        "BALLOTS_CAST",
        50,
    )
    assert [item["label"] for item in vote["items"]] == ["关于设立社区议事日的决议"]
    assert vote["items"][0]["project"] is None

    # The motion may be worded apart from the title; it is one line, never two.
    own = await create_vote(api, vs, kind="RESOLUTION", items=[{"label": "同意设立议事日"}])
    assert [item["label"] for item in own["items"]] == ["同意设立议事日"]
    two = await create_raw(api, vs, kind="RESOLUTION", items=[{"label": "一"}, {"label": "二"}])
    assert (two["__typename"], two["code"], two["field"]) == (
        "InputError",
        "BAD_USER_INPUT",
        "items",
    )
    approval = await create_raw(api, vs, kind="RESOLUTION", items=[], mode="APPROVAL", maxChoices=1)
    assert (approval["code"], approval["field"]) == ("BAD_USER_INPUT", "mode")

    assert (await step(api, vs, OPEN, vote["id"]))["vote"]["electorate"]["size"] == 5
    motion = vote["items"][0]["id"]
    for voter, answer in zip(vs.representatives[:3], ("YES", "YES", "NO"), strict=True):
        counted = await cast(api, voter, vote["id"], [{"itemId": motion, "answer": answer}])
        assert counted["__typename"] == "BallotCounted", counted
    await step(api, vs, CLOSE, vote["id"])
    line = (await counted_items(api, vs, vote["id"]))[motion]
    # 2 of the 3 ballots cast is a majority of those who voted (though not of all five).
    assert (line["yes"], line["no"], line["abstain"], line["outcome"]) == (2, 1, 0, "PASSED")


async def test_a_resolution_on_the_whole_electorate_fails_without_its_majority(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=5, projects=0)
    vote = await open_vote(api, vs, kind="RESOLUTION", items=[], thresholdBasis="ELECTORATE")
    motion = vote["items"][0]["id"]
    for voter, answer in zip(vs.representatives[:3], ("YES", "YES", "NO"), strict=True):
        await cast(api, voter, vote["id"], [{"itemId": motion, "answer": answer}])
    await step(api, vs, CLOSE, vote["id"])
    assert (await counted_items(api, vs, vote["id"]))[motion]["outcome"] == "FAILED"


# --- SATISFACTION -------------------------------------------------------------------------


async def satisfaction(api: Api, services: Services) -> tuple[VoteStreet, dict, list]:
    vs = await vote_street(api, services, representatives=2, projects=1)
    rated_rep = vs.representatives[1]
    voters = [vs.resident, vs.leader, vs.representatives[0]]
    vote = await create_vote(
        api,
        vs,
        kind="SATISFACTION",
        title="2026 年度满意度测评",
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", u.id) for u in voters]},
        items=[
            {"label": "城建办"},
            {"projectId": vs.projects[0], "subjectKind": "PROJECT"},
            {"subjectKind": "REPRESENTATIVE", "representativeId": gid("Account", rated_rep.id)},
        ],
    )
    return vs, vote, voters


async def test_satisfaction_rates_a_department_a_project_and_a_representative(
    api: Api, services: Services
) -> None:
    vs, vote, voters = await satisfaction(api, services)
    assert (vote["mode"], vote["quorumPercent"], vote["thresholdBasis"]) == (
        "RATING",
        0,
        "BALLOTS_CAST",
    )
    department, project, representative = (item["id"] for item in vote["items"])
    labels = [item["label"] for item in vote["items"]]
    assert labels == ["城建办", "候选项目 1", "测试用户"]  # the representative's display name
    assert vote["items"][1]["project"]["id"] == vs.projects[0]
    assert (await step(api, vs, OPEN, vote["id"]))["vote"]["electorate"]["size"] == 3

    scores = [(5, 3, 5), (4, 2, 5), (4, None, 5)]  # the last voter leaves the project unrated
    for voter, (d, p, r) in zip(voters, scores, strict=True):
        marks = [{"itemId": department, "score": d}, {"itemId": representative, "score": r}]
        if p is not None:
            marks.append({"itemId": project, "score": p})
        counted = await cast(api, voter, vote["id"], marks, new_key())
        assert counted["__typename"] == "BallotCounted", counted

    await step(api, vs, CLOSE, vote["id"])
    assert (await step(api, vs, PUBLISH, vote["id"]))["vote"]["status"] == "PUBLISHED"
    board = (await api.gql(BOARD, {"id": vote["id"]}))["data"]["voteBulletinBoard"]
    lines = {item["itemId"]: item for item in board["result"]["items"]}
    assert (lines[department]["averageScore"], lines[department]["ratings"]) == (
        "4.33",
        [0, 0, 0, 2, 1],
    )
    assert (lines[project]["averageScore"], lines[project]["ratingCount"]) == ("2.50", 2)
    assert (lines[representative]["averageScore"], lines[representative]["ratingCount"]) == (
        "5.00",
        3,
    )
    assert {line["outcome"] for line in lines.values()} == {"RATED"}
    assert board["result"]["turnout"] == 3
    # A rated project is not approved by a satisfaction vote.
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert seen["items"][1]["project"]["status"] == "CANDIDATE"


@pytest.mark.parametrize(
    ("mark", "code"),
    [
        ({}, "BAD_USER_INPUT"),  # no score
        ({"answer": "YES"}, "BAD_USER_INPUT"),  # an answer is not a score
        ({"score": 0}, "BAD_USER_INPUT"),
        ({"score": 6}, "BAD_USER_INPUT"),  # above scaleMax (5)
    ],
    ids=["missing", "answer", "zero", "above-scale"],
)
async def test_a_rating_without_a_score_in_range_is_refused(
    api: Api, services: Services, mark: dict, code: str
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=0)
    vote = await open_vote(
        api,
        vs,
        kind="SATISFACTION",
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", vs.resident.id)]},
        items=[{"label": "城建办"}, {"label": "民政办"}],
    )
    first, second = (item["id"] for item in vote["items"])
    marks = [{"itemId": first, "score": 4}, {"itemId": second, **mark}]
    result = await cast(api, vs.resident, vote["id"], marks)
    assert (result["__typename"], result["code"], result["field"]) == (
        "InputError",
        code,
        "choices[1]",
    )
    seen = data(await call(api, vs.resident, VOTE, {"id": vote["id"]}), "vote")
    assert seen["turnout"] == 0 and seen["myParticipation"]["voted"] is False
    # Nothing was written: the voter can still vote.
    ok = await cast(api, vs.resident, vote["id"], [{"itemId": first, "score": 4}])
    assert ok["__typename"] == "BallotCounted", ok


async def test_satisfaction_on_a_ten_point_scale_and_its_subjects_checked(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=0)
    vote = await open_vote(
        api,
        vs,
        kind="SATISFACTION",
        scaleMax=10,
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", vs.resident.id)]},
        items=[{"label": "城管中队"}],
    )
    line = vote["items"][0]["id"]
    assert (await cast(api, vs.resident, vote["id"], [{"itemId": line, "score": 10}]))[
        "__typename"
    ] == "BallotCounted"

    not_a_rep = await create_raw(
        api,
        vs,
        kind="SATISFACTION",
        items=[{"subjectKind": "REPRESENTATIVE", "representativeId": gid("Account", vs.leader.id)}],
    )
    assert (not_a_rep["code"], not_a_rep["field"]) == ("NOT_FOUND", "items")
    for scale in (1, 11):
        bad = await create_raw(api, vs, kind="SATISFACTION", scaleMax=scale, items=[{"label": "x"}])
        assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "scaleMax")
    empty = await create_raw(api, vs, kind="SATISFACTION", items=[])
    assert (empty["code"], empty["field"]) == ("BAD_USER_INPUT", "items")


# --- APPROVAL project ballots, and marks by project --------------------------------------


async def test_an_approval_ballot_counts_ticks_up_to_max_choices(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=3, projects=3)
    vote = await open_vote(api, vs, mode="APPROVAL", maxChoices=2)
    p1, p2, p3 = (item["id"] for item in vote["items"])
    r1, r2, r3 = vs.representatives

    too_many = await cast(
        api, r1, vote["id"], [{"itemId": p, "answer": "YES"} for p in (p1, p2, p3)]
    )
    assert (too_many["__typename"], too_many["code"]) == ("InputError", "TOO_MANY_CHOICES")
    against = await cast(api, r1, vote["id"], [{"itemId": p1, "answer": "NO"}])
    assert (against["code"], against["field"]) == ("BAD_USER_INPUT", "choices[0]")

    for voter, ticks in ((r1, (p1, p2)), (r2, (p1,)), (r3, (p2, p3))):
        marks = [{"itemId": p} for p in ticks]  # a tick needs no answer
        counted = await cast(api, voter, vote["id"], marks)
        assert counted["__typename"] == "BallotCounted", counted
    await step(api, vs, CLOSE, vote["id"])
    lines = await counted_items(api, vs, vote["id"])
    assert [(lines[p]["yes"], lines[p]["abstain"], lines[p]["outcome"]) for p in (p1, p2, p3)] == [
        (2, 1, "PASSED"),
        (2, 1, "PASSED"),
        (1, 2, "FAILED"),
    ]
    await step(api, vs, PUBLISH, vote["id"])
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert [item["project"]["status"] for item in seen["items"]] == [
        "APPROVED",
        "APPROVED",
        "CANDIDATE",
    ]


@pytest.mark.parametrize("max_choices", [None, 0, 3])
async def test_an_approval_ballot_needs_max_choices_within_its_lines(
    api: Api, services: Services, max_choices: int | None
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=2)
    result = await create_raw(api, vs, mode="APPROVAL", maxChoices=max_choices)
    assert (result["__typename"], result["code"], result["field"]) == (
        "InputError",
        "BAD_USER_INPUT",
        "maxChoices",
    )


async def test_a_project_ballot_may_be_marked_by_project_ids(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=3, projects=2)
    vote = await open_vote(api, vs)
    first, second = (item["id"] for item in vote["items"])
    by_project = dict(zip(vs.projects, (first, second), strict=True))
    r1, r2, r3 = vs.representatives

    for voter in (r1, r2):
        marks = [
            {"itemId": vs.projects[0], "answer": "YES"},
            {"itemId": vs.projects[1], "answer": "NO"},
        ]
        assert (await cast(api, voter, vote["id"], marks))["__typename"] == "BallotCounted"
    # The same line twice (by its item and by its project) is refused, and so is a project
    # that is not on the ballot.
    twice = [{"itemId": first, "answer": "YES"}, {"itemId": vs.projects[0], "answer": "NO"}]
    dup = await cast(api, r3, vote["id"], twice)
    assert (dup["code"], dup["field"]) == ("BAD_USER_INPUT", "choices[1]")
    ps = await project_street_of(services, vs)
    outsider = await create_project(api, ps, services, title="不在票上")
    missing = await cast(api, r3, vote["id"], [{"itemId": outsider, "answer": "YES"}])
    assert (missing["code"], missing["field"]) == ("BAD_USER_INPUT", "choices[0]")
    mixed = [{"itemId": vs.projects[0], "answer": "NO"}, {"itemId": second, "answer": "YES"}]
    assert (await cast(api, r3, vote["id"], mixed))["__typename"] == "BallotCounted"

    await step(api, vs, CLOSE, vote["id"])
    lines = await counted_items(api, vs, vote["id"])
    assert (lines[by_project[vs.projects[0]]]["yes"], lines[by_project[vs.projects[0]]]["no"]) == (
        2,
        1,
    )
    assert (lines[by_project[vs.projects[1]]]["yes"], lines[by_project[vs.projects[1]]]["no"]) == (
        1,
        2,
    )


async def project_street_of(services: Services, vs: VoteStreet) -> ProjectStreet:
    """The ProjectStreet view of a VoteStreet (to create and move projects as its leader)."""
    department = await add_member(services, vs.street.street_id, Role.STREET_DEPARTMENT)
    rep = vs.representatives[0]
    return ProjectStreet(
        vs.street, vs.leader, department, rep, rep, vs.resident, vs.resident, vs.display
    )


# --- editing and cancelling ---------------------------------------------------------------


async def test_a_draft_is_edited_by_replacing_its_contents(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=2, projects=3)
    vote = await create_vote(api, vs, items=[{"projectId": p} for p in vs.projects[:2]])
    old_items = [item["id"] for item in vote["items"]]

    variables = {
        "id": vote["id"],
        "input": ballot_input(vs, title="改后的票决", items=[{"projectId": vs.projects[2]}]),
    }
    updated = data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")
    assert updated["__typename"] == "VoteSuccess", updated
    assert updated["vote"]["title"] == "改后的票决"
    assert [item["label"] for item in updated["vote"]["items"]] == ["候选项目 3"]
    assert updated["vote"]["items"][0]["id"] not in old_items
    for item_id in old_items:  # the replaced lines are gone
        body = await call(
            api, vs.staff, "query($id: ID!) { node(id: $id) { id } }", {"id": item_id}
        )
        assert body["data"] is None and error_codes(body) == ["NOT_FOUND"], body

    # A refused edit changes nothing.
    bad = {"id": vote["id"], "input": ballot_input(vs, title="坏", items=[])}
    assert data(await call(api, vs.staff, UPDATE_VOTE, bad), "updateVote")["code"] == (
        "BAD_USER_INPUT"
    )
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert [item["label"] for item in seen["items"]] == ["候选项目 3"]

    await step(api, vs, OPEN, vote["id"])
    after_open = data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")
    assert (after_open["__typename"], after_open["code"]) == ("InputError", "INVALID_TRANSITION")


async def test_cancelling_a_draft(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=2, projects=1)
    vote = await create_vote(api, vs)
    no_reason = data(
        await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "  "}), "cancelVote"
    )
    assert (no_reason["code"], no_reason["field"]) == ("BAD_USER_INPUT", "reason")
    cancelled = data(
        await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "项目调整"}), "cancelVote"
    )
    assert cancelled["vote"] == {
        "id": vote["id"],
        "status": "CANCELLED",
        "cancelReason": "项目调整",
    }
    for query in (OPEN, CLOSE, PUBLISH):
        assert (await refused(api, vs, query, vote["id"]))["code"] == "INVALID_TRANSITION"
    again = data(await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "x"}), "cancelVote")
    assert again["code"] == "INVALID_TRANSITION"
    # A draft was never shown to the electorate: no one is told.
    for rep in vs.representatives:
        assert await inbox(api, rep, vote["id"]) == []


async def test_cancelling_an_open_vote_refuses_later_ballots_and_tells_the_electorate(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=3, projects=1)
    vote = await open_vote(api, vs)
    line = vote["items"][0]["id"]
    r1, r2, r3 = vs.representatives
    assert (await cast(api, r1, vote["id"], [{"itemId": line, "answer": "YES"}]))[
        "__typename"
    ] == "BallotCounted"

    body = await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "程序有误，重新组织"})
    assert data(body, "cancelVote")["vote"]["status"] == "CANCELLED"
    late = await cast(api, r2, vote["id"], [{"itemId": line, "answer": "NO"}])
    assert (late["__typename"], late["code"]) == ("InputError", "VOTE_CLOSED")
    for query in (CLOSE, PUBLISH, OPEN):
        assert (await refused(api, vs, query, vote["id"]))["code"] == "INVALID_TRANSITION"
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert (seen["status"], seen["turnout"], seen["result"]) == ("CANCELLED", 1, None)
    counted = await call(
        api, vs.staff, "query($id: ID!) { vote(id: $id) { countedResult { turnout } } }", vote
    )
    assert data(counted, "vote")["countedResult"] is None
    # Everyone on it is told, whether they had voted or not.
    for rep in (r1, r2, r3):
        assert await inbox(api, rep, vote["id"]) == ["vote.cancelled", "vote.opened"]
    assert await inbox(api, vs.resident, vote["id"]) == []
    board = await api.gql(BOARD, {"id": vote["id"]})
    assert board["data"] is None


# --- electorates --------------------------------------------------------------------------


async def electorate_of(api: Api, user: object, vote_id: str) -> dict:
    return data(await call(api, user, ELECTORATE, {"id": vote_id}), "vote")  # type: ignore[arg-type]


async def test_representatives_are_frozen_at_opening(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=3, projects=1)
    vote = await create_vote(api, vs)
    assert vote["electorate"] == {"kind": "REPRESENTATIVES", "size": 0}  # not frozen yet
    opened = await step(api, vs, OPEN, vote["id"])
    assert opened["vote"]["electorate"]["size"] == 3
    line = vote["items"][0]["id"]

    newcomer = await add_member(services, vs.street.street_id, Role.REPRESENTATIVE)
    late = await cast(api, newcomer, vote["id"], [{"itemId": line, "answer": "YES"}])
    assert (late["__typename"], late["code"]) == ("InputError", "NOT_ON_ELECTORATE")
    seen = await electorate_of(api, newcomer, vote["id"])
    assert seen["electorate"]["size"] == 3
    assert seen["myParticipation"] == {"onElectorate": False, "voted": False}
    assert await inbox(api, newcomer) == []  # not told of a vote they are not on
    not_a_rep = await cast(api, vs.resident, vote["id"], [{"itemId": line, "answer": "YES"}])
    assert not_a_rep["code"] == "NOT_ON_ELECTORATE"
    for rep in vs.representatives:
        assert (await electorate_of(api, rep, vote["id"]))["myParticipation"]["onElectorate"]
        assert await inbox(api, rep, vote["id"]) == ["vote.opened"]


async def test_deliberators_vote_and_representatives_do_not(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=1, projects=0)
    sid = vs.street.street_id
    deliberators = [await add_member(services, sid, Role.DELIBERATOR) for _ in range(2)]
    vote = await open_vote(
        api, vs, kind="RESOLUTION", items=[], electorate={"kind": "DELIBERATORS"}
    )
    motion = vote["items"][0]["id"]
    # project_street's own deliberator, and the two added here.
    assert (await electorate_of(api, vs.staff, vote["id"]))["electorate"]["size"] == 3
    ok = await cast(api, deliberators[0], vote["id"], [{"itemId": motion, "answer": "YES"}])
    assert ok["__typename"] == "BallotCounted", ok
    rep = await cast(api, vs.representatives[0], vote["id"], [{"itemId": motion, "answer": "NO"}])
    assert rep["code"] == "NOT_ON_ELECTORATE"
    later = await add_member(services, sid, Role.DELIBERATOR)
    assert (await cast(api, later, vote["id"], [{"itemId": motion, "answer": "NO"}]))[
        "code"
    ] == "NOT_ON_ELECTORATE"


async def test_residents_by_community_or_grid_need_a_linked_account(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=0)
    sid = vs.street.street_id
    with unscoped("test set-up"):
        other = await Community.create(tenant_id=sid, code="c2", name="二社区")
        far_grid = await Grid.create(tenant_id=sid, community=other, code="g9", name="九格")
    here = await add_member(services, sid, Role.RESIDENT)
    there = await add_member(services, sid, Role.RESIDENT)
    await add_resident(services, sid, vs.street.grid_id, name="本社区居民", user=here)
    await add_resident(services, sid, far_grid.id, name="二社区居民", user=there)
    await add_resident(services, sid, vs.street.grid_id, name="没有账号的居民")
    # Linked once, then no longer a member of the street (their role was revoked): they could
    # not vote, so they are not counted in the electorate either (a role in another street
    # does not count).
    gone = await add_member(services, sid, Role.RESIDENT)
    await add_resident(services, sid, vs.street.grid_id, name="已迁出居民", user=gone)
    elsewhere = await make_street(services, "vt-away")
    await grant_membership(services, gone, elsewhere.street_id, Role.RESIDENT)
    with unscoped("test set-up"):
        await Membership.filter(tenant_id=sid, user_id=gone.id).delete()
    await services.authorizer.reload_users([gone.id])

    community = gid("Community", vs.street.community_id)
    grid = gid("Grid", far_grid.id)
    cases = [
        ({"communityIds": [community]}, {here.id}),
        ({"gridIds": [grid]}, {there.id}),
        ({"communityIds": [community], "gridIds": [grid]}, {here.id, there.id}),
        ({}, {here.id, there.id}),  # the whole street
    ]
    for spec, expected in cases:
        vote = await open_vote(
            api,
            vs,
            kind="RESOLUTION",
            items=[],
            quorumPercent=0,
            electorate={"kind": "RESIDENTS", **spec},
        )
        seen = await electorate_of(api, vs.staff, vote["id"])
        assert seen["electorate"]["size"] == len(expected), (spec, seen)
        assert [c["id"] for c in seen["electorate"]["communities"]] == spec.get("communityIds", [])
        assert [g["id"] for g in seen["electorate"]["grids"]] == spec.get("gridIds", [])
        motion = vote["items"][0]["id"]
        for user in (here, there):
            result = await cast(api, user, vote["id"], [{"itemId": motion, "answer": "YES"}])
            expected_type = "BallotCounted" if user.id in expected else "InputError"
            assert result["__typename"] == expected_type, (spec, user.id, result)
            if user.id not in expected:
                assert result["code"] == "NOT_ON_ELECTORATE"

    # A resident who links an account after opening is not on the vote.
    vote = await open_vote(
        api, vs, kind="RESOLUTION", items=[], electorate={"kind": "RESIDENTS", "gridIds": [grid]}
    )
    late = await add_member(services, sid, Role.RESIDENT)
    await add_resident(services, sid, far_grid.id, name="后来的居民", user=late)
    motion = vote["items"][0]["id"]
    result = await cast(api, late, vote["id"], [{"itemId": motion, "answer": "YES"}])
    assert result["code"] == "NOT_ON_ELECTORATE"


async def test_a_roster_names_its_voters(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=2, projects=0)
    roster = [vs.resident, vs.leader]
    vote = await open_vote(
        api,
        vs,
        kind="RESOLUTION",
        items=[],
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", u.id) for u in roster * 2]},
    )
    seen = await electorate_of(api, vs.staff, vote["id"])
    assert seen["electorate"]["kind"] == "ROSTER"
    assert (seen["electorate"]["size"], seen["electorate"]["rosterSize"]) == (2, 2)
    motion = vote["items"][0]["id"]
    for user in roster:
        assert (await cast(api, user, vote["id"], [{"itemId": motion, "answer": "YES"}]))[
            "__typename"
        ] == "BallotCounted"
    outside = await cast(
        api, vs.representatives[0], vote["id"], [{"itemId": motion, "answer": "NO"}]
    )
    assert outside["code"] == "NOT_ON_ELECTORATE"

    empty = await create_raw(api, vs, kind="RESOLUTION", items=[], electorate={"kind": "ROSTER"})
    assert (empty["code"], empty["field"]) == ("BAD_USER_INPUT", "electorate")
    stranger = await add_member(
        services, (await vote_street(api, services, 1, 0)).street.street_id, Role.RESIDENT
    )
    foreign = await create_raw(
        api,
        vs,
        kind="RESOLUTION",
        items=[],
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", stranger.id)]},
    )
    assert (foreign["code"], foreign["field"]) == ("NOT_FOUND", "electorate")


async def test_an_empty_electorate_cannot_open(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=1, projects=0)
    vote = await create_vote(
        api,
        vs,
        kind="RESOLUTION",
        items=[],
        electorate={"kind": "RESIDENTS", "gridIds": [gid("Grid", vs.street.grid_id)]},
    )
    result = await refused(api, vs, OPEN, vote["id"])
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", "electorate")
    seen = await electorate_of(api, vs.staff, vote["id"])
    assert (seen["status"], seen["electorate"]["size"]) == ("DRAFT", 0)


# --- what createVote refuses --------------------------------------------------------------


async def test_create_vote_refuses_bad_drafts_and_writes_nothing(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=2)
    ps = await project_street_of(services, vs)
    proposed = await create_project(api, ps, services, title="还在提出")
    running = await create_project(api, ps, services, title="已经通过")
    await move(api, ps, running, "CANDIDATE", "APPROVED")
    now = services.clock.now()
    cases = [
        ({"items": [{"projectId": proposed}]}, "BAD_USER_INPUT", "items"),
        ({"items": [{"projectId": running}]}, "BAD_USER_INPUT", "items"),
        ({"items": [{"projectId": vs.projects[0]}] * 2}, "BAD_USER_INPUT", "items"),
        ({"items": [{"label": "无项目"}]}, "BAD_USER_INPUT", "items"),
        ({"items": []}, "BAD_USER_INPUT", "items"),
        ({"closesAt": (now - timedelta(minutes=1)).isoformat()}, "BAD_USER_INPUT", "closesAt"),
        ({"closesAt": now.isoformat()}, "BAD_USER_INPUT", "closesAt"),
        (
            {
                "opensAt": (now + timedelta(days=2)).isoformat(),
                "closesAt": (now + timedelta(days=1)).isoformat(),
            },
            "BAD_USER_INPUT",
            "closesAt",
        ),
        (
            {
                "opensAt": (now + timedelta(days=1)).isoformat(),
                "closesAt": (now + timedelta(days=1)).isoformat(),
            },
            "BAD_USER_INPUT",
            "closesAt",
        ),
        ({"quorumPercent": 101}, "BAD_USER_INPUT", "quorumPercent"),
        ({"quorumPercent": -1}, "BAD_USER_INPUT", "quorumPercent"),
        ({"mode": "APPROVAL"}, "BAD_USER_INPUT", "maxChoices"),
        ({"mode": "RATING"}, "BAD_USER_INPUT", "mode"),
        ({"title": "   "}, "BAD_USER_INPUT", "title"),
    ]
    before = await vote_count(vs.street.street_id)
    for overrides, code, field in cases:
        result = await create_raw(api, vs, **overrides)
        assert (result["__typename"], result["code"], result["field"]) == (
            "InputError",
            code,
            field,
        ), (overrides, result)
        assert result["message"]
    assert await vote_count(vs.street.street_id) == before
    # The edges of what is allowed are allowed.
    for quorum in (0, 100):
        assert (await create_raw(api, vs, quorumPercent=quorum))["__typename"] == "VoteSuccess"


async def test_a_project_that_stopped_being_a_candidate_keeps_the_vote_from_opening(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=2)
    vote = await create_vote(api, vs)
    await move(api, await project_street_of(services, vs), vs.projects[1], "APPROVED")
    result = await refused(api, vs, OPEN, vote["id"])
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", "items")


async def test_accounts_that_cannot_vote_are_left_out_of_the_electorate(
    api: Api, services: Services
) -> None:
    """A big-screen account named on a roster could never cast: it does not count toward the
    electorate's size (nor, so, toward the quorum)."""
    vs = await vote_street(api, services, representatives=1, projects=0)
    roster = [vs.resident, vs.display]
    vote = await open_vote(
        api,
        vs,
        kind="RESOLUTION",
        items=[],
        electorate={"kind": "ROSTER", "accountIds": [gid("Account", u.id) for u in roster]},
    )
    seen = await electorate_of(api, vs.staff, vote["id"])
    assert (seen["electorate"]["size"], seen["electorate"]["rosterSize"]) == (1, 2)
