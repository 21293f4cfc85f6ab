"""Casting ballots through the API: refused input writes nothing, a ballot counts exactly once,
changes (where allowed) replace the ballot, and the rules decide the published outcome."""

from __future__ import annotations

import asyncio
import re

import pytest
from tortoise.exceptions import IntegrityError

from models.audit import AuditEntry
from models.events import OutboxEvent
from models.votes import Ballot, Elector
from resolvers.services import Services
from resolvers.votes.common import receipt_hash
from tenants.scoping import street_scope, unscoped
from tests.projects.support import call, data
from tests.support import Api, gid
from tests.votes.support import (
    BOARD,
    CANCEL,
    CHECK_RECEIPT,
    CLOSE,
    COUNTED,
    OPEN,
    PUBLISH,
    UPDATE_VOTE,
    VOTE,
    VoteStreet,
    ballot_input,
    cast,
    create_vote,
    entries_of,
    marks,
    new_key,
    open_vote,
    pk,
    step,
    stored_ballots,
    vote_street,
    written,
)

ROLL_CALL = """
query($id: ID!) { vote(id: $id) { rollCall { voter { id } choices } } }
"""


def refused(result: dict, code: str, field: str | None = None) -> None:
    assert result["__typename"] == "InputError", result
    assert result["code"] == code, result
    assert result["message"], result
    if field is not None:
        assert result["field"] == field, result


SECRET: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _server_key(services: Services) -> None:
    SECRET["key"] = services.settings.secret_key or ""


async def ballot_rows(vote_id: str) -> list[tuple[str, dict]]:
    """The stored ballots (sealed ones of an open secret vote opened with the server's key)."""
    return await stored_ballots(SECRET["key"], vote_id)


async def actions(street_id: int, vote_id: str) -> list[str]:
    with unscoped("test: the vote's audit trail"):
        return list(
            await AuditEntry.filter(tenant_id=street_id, subject=vote_id)
            .order_by("id")
            .values_list("action", flat=True)
        )


async def publish(api: Api, vs: VoteStreet, vote_id: str) -> None:
    for query, status in ((CLOSE, "CLOSED"), (PUBLISH, "PUBLISHED")):
        done = await step(api, vs, query, vote_id)
        assert done["__typename"] == "VoteSuccess" and done["vote"]["status"] == status, done


async def board_of(api: Api, vote_id: str) -> dict:
    body = await api.gql(BOARD, {"id": vote_id})
    assert "errors" not in body, body
    return body["data"]["voteBulletinBoard"]


def _acct(user_id: int) -> str:
    return gid("Account", user_id)


def lines(vote: dict) -> list[str]:
    return [item["id"] for item in vote["items"]]


# --- refused ballots: a typed error, nothing written ------------------------------------------


async def test_voting_when_not_on_the_electorate(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    first = lines(vote)[0]
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    # A resident may cast ballots in general, but is not a representative.
    result = await cast(api, vs.resident, vote["id"], marks((first, "YES")), new_key())
    refused(result, "NOT_ON_ELECTORATE", "voteId")
    # Whatever the marks, someone not on the electorate hears that first: a shape error (a
    # score where an answer is due) is for voters only.
    result = await cast(api, vs.resident, vote["id"], [{"itemId": first, "score": 3}])
    refused(result, "NOT_ON_ELECTORATE", "voteId")
    # Congress staff run the vote; they are not on its electorate either.
    refused(await cast(api, vs.staff, vote["id"], marks((first, "YES"))), "NOT_ON_ELECTORATE")
    assert await written(sid, vote["id"]) == before
    seen = data(await call(api, vs.resident, VOTE, {"id": vote["id"]}), "vote")
    assert seen["myParticipation"] == {"onElectorate": False, "voted": False, "canChange": False}


async def test_voting_on_a_roster_one_is_not_on(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    roster = {"kind": "ROSTER", "accountIds": [_acct(vs.representatives[0].id)]}
    vote = await open_vote(api, vs, electorate=roster)
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    outsider = vs.representatives[1]  # a representative, but not named on the roster
    result = await cast(api, outsider, vote["id"], marks((lines(vote)[0], "YES")))
    refused(result, "NOT_ON_ELECTORATE")
    assert await written(sid, vote["id"]) == before


async def test_voting_before_the_vote_opens(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await create_vote(api, vs)  # a DRAFT
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    result = await cast(api, vs.representatives[0], vote["id"], marks((lines(vote)[0], "YES")))
    refused(result, "VOTE_NOT_OPEN", "voteId")
    # …whoever asks: being on no electorate yet, the vote's state decides.
    refused(await cast(api, vs.resident, vote["id"], []), "VOTE_NOT_OPEN")
    assert await written(sid, vote["id"]) == before
    assert before["electors"] == [] and before["turnout"] == 0


@pytest.mark.parametrize("ending", ["closed", "published", "cancelled"])
async def test_voting_after_the_vote_ended(api: Api, services: Services, ending: str) -> None:
    vs = await vote_street(api, services, representatives=3)
    vote = await open_vote(api, vs)
    first = lines(vote)[0]
    reps = vs.representatives
    counted = await cast(api, reps[0], vote["id"], marks((first, "YES")))
    assert counted["__typename"] == "BallotCounted", counted
    if ending == "cancelled":
        body = await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "议程调整"})
        assert data(body, "cancelVote")["__typename"] == "VoteSuccess"
    else:
        assert (await step(api, vs, CLOSE, vote["id"]))["__typename"] == "VoteSuccess"
        if ending == "published":
            assert (await step(api, vs, PUBLISH, vote["id"]))["__typename"] == "VoteSuccess"
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    for voter in reps:  # one who voted, those who did not
        result = await cast(api, voter, vote["id"], marks((first, "NO")), new_key())
        refused(result, "VOTE_CLOSED", "voteId")
    assert await written(sid, vote["id"]) == before
    assert before["turnout"] == 1


async def test_a_project_not_on_the_ballot(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, projects=3)
    vote = await open_vote(api, vs, items=[{"projectId": p} for p in vs.projects[:2]])
    other = await open_vote(api, vs, items=[{"projectId": vs.projects[2]}])
    first = lines(vote)[0]
    voter = vs.representatives[0]
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    # A candidate project of the street that this vote does not list…
    outside = marks((first, "YES"), (vs.projects[2], "YES"))
    refused(await cast(api, voter, vote["id"], outside, new_key()), "BAD_USER_INPUT", "choices[1]")
    # …a line of another vote…
    elsewhere = marks((lines(other)[0], "YES"))
    refused(await cast(api, voter, vote["id"], elsewhere), "BAD_USER_INPUT", "choices[0]")
    # …the same line marked twice, or with a score instead of an answer.
    twice = marks((first, "YES"), (vs.projects[0], "NO"))
    refused(await cast(api, voter, vote["id"], twice), "BAD_USER_INPUT", "choices[1]")
    scored = [{"itemId": first, "score": 3}]
    refused(await cast(api, voter, vote["id"], scored), "BAD_USER_INPUT", "choices[0]")
    assert await written(sid, vote["id"]) == before
    # The voter can still vote properly afterwards, naming lines by their projects.
    by_project = marks((vs.projects[0], "YES"), (vs.projects[1], "NO"))
    assert (await cast(api, voter, vote["id"], by_project))["__typename"] == "BallotCounted"
    [(_, choices)] = await ballot_rows(vote["id"])
    assert choices == {str(pk(lines(vote)[0])): "YES", str(pk(lines(vote)[1])): "NO"}


async def test_too_many_choices_in_an_approval_vote(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, projects=3)
    vote = await open_vote(api, vs, mode="APPROVAL", maxChoices=2)
    ticks = [{"itemId": item, "answer": "YES"} for item in lines(vote)]
    voter = vs.representatives[0]
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    result = await cast(api, voter, vote["id"], ticks, new_key())
    refused(result, "TOO_MANY_CHOICES", "choices")
    # In an approval vote a line is ticked, never voted against.
    against = marks((lines(vote)[0], "NO"))
    refused(await cast(api, voter, vote["id"], against), "BAD_USER_INPUT", "choices[0]")
    assert await written(sid, vote["id"]) == before
    # Two ticks are allowed (no answer given means a tick).
    two = [{"itemId": item} for item in lines(vote)[:2]]
    assert (await cast(api, voter, vote["id"], two))["__typename"] == "BallotCounted"
    [(_, choices)] = await ballot_rows(vote["id"])
    assert choices == {str(pk(item)): "YES" for item in lines(vote)[:2]}


async def test_a_bad_idempotency_key(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    result = await cast(api, vs.representatives[0], vote["id"], [], "short")
    refused(result, "BAD_USER_INPUT", "idempotencyKey")
    assert await written(sid, vote["id"]) == before


async def test_voting_twice_is_already_voted(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    first = lines(vote)[0]
    voter = vs.representatives[0]
    key = new_key()
    counted = await cast(api, voter, vote["id"], marks((first, "YES")), key)
    assert counted["__typename"] == "BallotCounted" and counted["replayed"] is False
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    attempts = [
        (marks((first, "NO")), new_key()),  # another ballot
        (marks((first, "YES")), new_key()),  # the same ballot, but a new submission
        (marks((first, "YES")), None),  # the same ballot without a key
        (marks((first, "NO")), key),  # another ballot under the first one's key
    ]
    for choices, attempt_key in attempts:
        result = await cast(api, voter, vote["id"], choices, attempt_key)
        refused(result, "ALREADY_VOTED", "voteId")
    # A previous receipt changes nothing where changes are not allowed.
    again = await cast(
        api, voter, vote["id"], marks((first, "NO")), previousReceipt=counted["receipt"]
    )
    refused(again, "ALREADY_VOTED")
    assert await written(sid, vote["id"]) == before
    assert before["turnout"] == 1 and before["stored"] == 1
    seen = data(await call(api, voter, VOTE, {"id": vote["id"]}), "vote")
    assert seen["myParticipation"] == {"onElectorate": True, "voted": True, "canChange": False}


# --- editing and publishing at the wrong time -----------------------------------------------


async def test_editing_a_vote_after_it_opened_is_an_invalid_transition(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    variables = {"id": vote["id"], "input": ballot_input(vs, title="改过的标题", items=[])}
    variables["input"]["items"] = [{"projectId": vs.projects[0]}]
    result = data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")
    refused(result, "INVALID_TRANSITION", "id")
    assert await written(sid, vote["id"]) == before
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert [item["id"] for item in seen["items"]] == lines(vote)  # still both lines
    # A draft, by contrast, can be edited.
    draft = await create_vote(api, vs)
    variables["id"] = draft["id"]
    edited = data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")
    assert edited["__typename"] == "VoteSuccess" and edited["vote"]["title"] == "改过的标题"
    assert len(edited["vote"]["items"]) == 1


@pytest.mark.parametrize("state", ["CLOSED", "PUBLISHED", "CANCELLED"])
async def test_editing_a_finished_vote_is_an_invalid_transition_whatever_the_input(
    api: Api, services: Services, state: str
) -> None:
    """Its passed projects are no longer candidates and its closing time may be past: the
    answer is still that a vote cannot be edited once opened, not a complaint about input."""
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    for voter in vs.representatives:
        paper = marks(*((line, "YES") for line in lines(vote)))
        assert (await cast(api, voter, vote["id"], paper))["__typename"] == "BallotCounted"
    if state == "CANCELLED":
        body = await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "议程调整"})
        assert data(body, "cancelVote")["__typename"] == "VoteSuccess"
    else:
        await step(api, vs, CLOSE, vote["id"])
        if state == "PUBLISHED":
            await step(api, vs, PUBLISH, vote["id"])
            assert set(await _statuses(api, vs, vote["id"])) == {"APPROVED"}
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    variables = {"id": vote["id"], "input": ballot_input(vs, title="改过的标题")}
    result = data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")
    refused(result, "INVALID_TRANSITION", "id")
    assert await written(sid, vote["id"]) == before


@pytest.mark.parametrize("state", ["DRAFT", "OPEN"])
async def test_publishing_before_closing_is_an_invalid_transition(
    api: Api, services: Services, state: str
) -> None:
    vs = await vote_street(api, services)
    vote = await (create_vote if state == "DRAFT" else open_vote)(api, vs)
    if state == "OPEN":
        first = lines(vote)[0]
        for voter in vs.representatives:
            assert (await cast(api, voter, vote["id"], marks((first, "YES"))))[
                "__typename"
            ] == "BallotCounted"
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    result = await step(api, vs, PUBLISH, vote["id"])
    refused(result, "INVALID_TRANSITION", "id")
    assert await written(sid, vote["id"]) == before
    seen = data(await call(api, vs.staff, VOTE, {"id": vote["id"]}), "vote")
    assert seen["status"] == state and seen["result"] is None
    statuses = {item["project"]["status"] for item in seen["items"]}
    assert statuses == {"CANDIDATE"}  # nothing approved by a refused publication


async def test_each_step_only_once(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    refused(await step(api, vs, OPEN, vote["id"]), "INVALID_TRANSITION")
    assert await written(sid, vote["id"]) == before
    await publish(api, vs, vote["id"])
    after = await written(sid, vote["id"])
    for query in (OPEN, CLOSE, PUBLISH):
        refused(await step(api, vs, query, vote["id"]), "INVALID_TRANSITION")
    body = await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "太晚了"})
    refused(data(body, "cancelVote"), "INVALID_TRANSITION")
    assert await written(sid, vote["id"]) == after


# --- exactly once --------------------------------------------------------------------------


async def test_a_retry_with_the_same_key_returns_the_first_receipt(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    choices = marks((lines(vote)[0], "YES"), (lines(vote)[1], "NO"))
    voter, key = vs.representatives[0], new_key()
    first = await cast(api, voter, vote["id"], choices, key)
    assert first["__typename"] == "BallotCounted" and first["replayed"] is False
    assert first["vote"]["turnout"] == 1
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", first["receipt"]), first  # 回执码
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    for _ in range(2):
        again = await cast(api, voter, vote["id"], choices, key)
        assert again["__typename"] == "BallotCounted", again
        assert again["receipt"] == first["receipt"]
        assert again["replayed"] is True and again["changed"] is False
    assert await written(sid, vote["id"]) == before  # the retry wrote nothing
    assert before["turnout"] == 1 and before["stored"] == 1


async def test_a_retry_after_closing_still_returns_the_receipt(
    api: Api, services: Services
) -> None:
    """The answer to a ballot sent just before closing was lost; the client retries after: the
    voter must learn that the ballot was counted, not that the vote is closed."""
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    choices = marks((lines(vote)[0], "YES"))
    voter, key = vs.representatives[0], new_key()
    first = await cast(api, voter, vote["id"], choices, key)
    await step(api, vs, CLOSE, vote["id"])
    before = await written(vs.street.street_id, vote["id"])
    again = await cast(api, voter, vote["id"], choices, key)
    assert await written(vs.street.street_id, vote["id"]) == before
    assert again["__typename"] == "BallotCounted", again
    assert again["receipt"] == first["receipt"] and again["replayed"] is True


async def test_the_database_holds_one_elector_row_per_voter(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    with street_scope(vs.street.street_id):
        elector = await Elector.get(vote_id=pk(vote["id"]), user_id=vs.representatives[0].id)
        with pytest.raises(IntegrityError):
            await Elector.create(vote_id=elector.vote_id, user_id=elector.user_id)
        with pytest.raises(IntegrityError):  # nor are two ballots under one receipt
            for _ in range(2):
                await Ballot.create(vote_id=elector.vote_id, receipt_hash="0" * 64, salt="s")
        await Ballot.filter(vote_id=elector.vote_id).delete()
        assert await Elector.filter(vote_id=elector.vote_id).count() == 3


async def test_concurrent_retries_count_one_ballot(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    choices = marks((lines(vote)[0], "YES"))
    voter, key = vs.representatives[0], new_key()
    await api.login(voter.username)
    results = await asyncio.gather(*(cast(api, voter, vote["id"], choices, key) for _ in range(4)))
    assert {r["__typename"] for r in results} == {"BallotCounted"}, results
    assert len({r["receipt"] for r in results}) == 1
    assert sorted(r["replayed"] for r in results) == [False, True, True, True]
    state = await written(vs.street.street_id, vote["id"])
    assert state["turnout"] == 1 and state["stored"] == 1
    [(hashed, _)] = await ballot_rows(vote["id"])  # sealed until the vote closes
    assert hashed == receipt_hash(results[0]["receipt"])
    assert sum(voted for _, voted, *_ in state["electors"]) == 1
    assert (await actions(vs.street.street_id, vote["id"])).count("vote.ballot_received") == 1


async def test_concurrent_different_ballots_count_one(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs)
    first = lines(vote)[0]
    voter = vs.representatives[0]
    await api.login(voter.username)
    answers = ["YES", "NO", "ABSTAIN"]
    results = await asyncio.gather(
        *(cast(api, voter, vote["id"], marks((first, a)), new_key()) for a in answers)
    )
    counted = [(a, r) for a, r in zip(answers, results, strict=True) if "receipt" in r]
    assert len(counted) == 1, results
    others = [r for r in results if "receipt" not in r]
    assert [r["code"] for r in others] == ["ALREADY_VOTED"] * 2
    answer, winner = counted[0]
    assert await ballot_rows(vote["id"]) == [
        (
            receipt_hash(winner["receipt"]),
            {str(pk(first)): answer, str(pk(lines(vote)[1])): "ABSTAIN"},
        )
    ]
    state = await written(vs.street.street_id, vote["id"])
    assert state["turnout"] == 1


async def test_concurrent_voters_are_each_counted_once(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=6)
    vote = await open_vote(api, vs)
    choices = marks((lines(vote)[0], "YES"))
    for voter in vs.representatives:
        await api.login(voter.username)
    results = await asyncio.gather(
        *(cast(api, v, vote["id"], choices, new_key()) for v in vs.representatives)
    )
    assert {r["__typename"] for r in results} == {"BallotCounted"}, results
    assert len({r["receipt"] for r in results}) == 6
    state = await written(vs.street.street_id, vote["id"])
    assert state["turnout"] == 6 and state["stored"] == 6
    assert all(voted for _, voted, *_ in state["electors"])
    await publish(api, vs, vote["id"])
    counted = data(await call(api, vs.staff, COUNTED, {"id": vote["id"]}), "vote")
    assert counted["countedResult"]["turnout"] == 6
    assert counted["countedResult"]["items"][0]["yes"] == 6


# --- changing a ballot (allowChanges) -------------------------------------------------------


async def test_a_named_ballot_can_be_changed_before_closing(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs, secret=False, allowChanges=True)
    first, second = lines(vote)
    voter = vs.representatives[0]
    old = await cast(api, voter, vote["id"], marks((first, "YES"), (second, "YES")), new_key())
    assert old["__typename"] == "BallotCounted"
    seen = data(await call(api, voter, VOTE, {"id": vote["id"]}), "vote")
    assert seen["myParticipation"] == {"onElectorate": True, "voted": True, "canChange": True}

    new = await cast(api, voter, vote["id"], marks((first, "NO")), new_key())
    assert new["__typename"] == "BallotCounted", new
    assert new["changed"] is True and new["replayed"] is False
    assert new["receipt"] != old["receipt"] and new["vote"]["turnout"] == 1
    expected = {str(pk(first)): "NO", str(pk(second)): "ABSTAIN"}
    assert await ballot_rows(vote["id"]) == [(receipt_hash(new["receipt"]), expected)]
    roll = data(await call(api, vs.staff, ROLL_CALL, {"id": vote["id"]}), "vote")["rollCall"]
    assert [(r["voter"]["id"], r["choices"]) for r in roll] == [
        (_acct(voter.id), {first: "NO", second: "ABSTAIN"})
    ]
    assert (await actions(vs.street.street_id, vote["id"]))[-2:] == [
        "vote.ballot_cast",
        "vote.ballot_changed",
    ]

    await publish(api, vs, vote["id"])
    board = await board_of(api, vote["id"])
    assert [e["receiptHash"] for e in entries_of(board)] == [receipt_hash(new["receipt"])]
    assert board["result"]["turnout"] == 1
    old_check = await api.gql(CHECK_RECEIPT, {"id": vote["id"], "receipt": old["receipt"]})
    assert old_check == {"data": {"checkVoteReceipt": None}}
    # After closing, a change is refused like any ballot.
    late = await cast(api, voter, vote["id"], marks((first, "YES")), new_key())
    refused(late, "VOTE_CLOSED")


async def test_a_secret_ballot_is_changed_with_its_previous_receipt(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs, allowChanges=True)  # secret by default
    first, _ = lines(vote)
    me, neighbour = vs.representatives[:2]
    old = await cast(api, me, vote["id"], marks((first, "YES")), new_key())
    theirs = await cast(api, neighbour, vote["id"], marks((first, "YES")), new_key())
    sid = vs.street.street_id
    before = await written(sid, vote["id"])

    # Without the receipt, or with someone else's, a secret ballot cannot be found: refused.
    refused(await cast(api, me, vote["id"], marks((first, "NO"))), "ALREADY_VOTED")
    stolen = await cast(
        api, me, vote["id"], marks((first, "NO")), previousReceipt=theirs["receipt"]
    )
    refused(stolen, "ALREADY_VOTED", "previousReceipt")
    assert await written(sid, vote["id"]) == before

    key = new_key()
    lowered = old["receipt"].lower().replace("-", "")  # as typed by hand
    new = await cast(api, me, vote["id"], marks((first, "NO")), key, previousReceipt=lowered)
    assert new["__typename"] == "BallotCounted", new
    assert new["changed"] is True and new["vote"]["turnout"] == 2
    hashes = {h for h, _ in await ballot_rows(vote["id"])}
    assert hashes == {receipt_hash(theirs["receipt"]), receipt_hash(new["receipt"])}
    # The same change sent again is a retry; the old receipt no longer opens anything.
    again = await cast(api, me, vote["id"], marks((first, "NO")), key, previousReceipt=lowered)
    assert again["receipt"] == new["receipt"] and again["replayed"] is True
    stale = await cast(
        api, me, vote["id"], marks((first, "ABSTAIN")), previousReceipt=old["receipt"]
    )
    refused(stale, "ALREADY_VOTED", "previousReceipt")
    state = await written(sid, vote["id"])
    assert state["turnout"] == 2 and state["stored"] == 2

    await publish(api, vs, vote["id"])
    board = await board_of(api, vote["id"])
    by_hash = {e["receiptHash"]: e["choices"][0]["answer"] for e in entries_of(board)}
    assert by_hash == {receipt_hash(theirs["receipt"]): "YES", receipt_hash(new["receipt"]): "NO"}
    items = {i["itemId"]: i for i in board["result"]["items"]}
    assert (items[first]["yes"], items[first]["no"]) == (1, 1)


async def test_a_late_retry_of_a_changed_named_ballot_does_not_undo_the_change(
    api: Api, services: Services
) -> None:
    """A voter changes their ballot; the first submission's request, retried late by the
    client (same idempotency key), must not count again over the change."""
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs, secret=False, allowChanges=True)
    first, second = lines(vote)
    voter = vs.representatives[0]
    original, original_key = marks((first, "YES")), new_key()
    assert (await cast(api, voter, vote["id"], original, original_key))["changed"] is False
    changed = await cast(api, voter, vote["id"], marks((first, "NO")), new_key())
    assert changed["changed"] is True
    sid = vs.street.street_id
    before = await written(sid, vote["id"])
    late = await cast(api, voter, vote["id"], original, original_key)
    assert not (late["__typename"] == "BallotCounted" and late["changed"]), late
    assert await written(sid, vote["id"]) == before
    assert [c for _, c in await ballot_rows(vote["id"])] == [
        {str(pk(first)): "NO", str(pk(second)): "ABSTAIN"}
    ]


# --- the rules, through publication --------------------------------------------------------


async def _statuses(api: Api, vs: VoteStreet, vote_id: str) -> list[str]:
    seen = data(await call(api, vs.staff, VOTE, {"id": vote_id}), "vote")
    return [item["project"]["status"] for item in seen["items"]]


async def test_ballots_cast_basis_passes_on_more_than_half_of_those_who_voted(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=4, projects=3)
    vote = await open_vote(api, vs, thresholdBasis="BALLOTS_CAST")
    assert vote["thresholdBasis"] == "BALLOTS_CAST" and vote["quorumPercent"] == 50
    a, b, c = lines(vote)
    papers = [
        marks((a, "YES"), (b, "YES"), (c, "YES")),
        marks((a, "YES"), (b, "NO"), (c, "ABSTAIN")),
        marks((a, "NO"), (b, "ABSTAIN")),
    ]  # the fourth representative does not vote
    for voter, paper in zip(vs.representatives, papers, strict=False):
        assert (await cast(api, voter, vote["id"], paper))["__typename"] == "BallotCounted"
    assert (await step(api, vs, CLOSE, vote["id"]))["vote"]["status"] == "CLOSED"
    assert await _statuses(api, vs, vote["id"]) == ["CANDIDATE"] * 3  # not before publication
    assert (await step(api, vs, PUBLISH, vote["id"]))["vote"]["status"] == "PUBLISHED"

    result = data(await call(api, vs.resident, VOTE, {"id": vote["id"]}), "vote")["result"]
    assert (result["electorateSize"], result["turnout"], result["quorumMet"]) == (4, 3, True)
    assert result["thresholdBasis"] == "BALLOTS_CAST"
    outcomes = [(i["yes"], i["no"], i["abstain"], i["outcome"]) for i in result["items"]]
    # a: 2 of the 3 ballots cast (though only half of the electorate of 4) passes;
    # b: 1 for, 1 against is a tie; c: 1 for of 3 fails.
    assert outcomes == [(2, 1, 0, "PASSED"), (1, 1, 1, "TIED"), (1, 0, 2, "FAILED")]
    assert await _statuses(api, vs, vote["id"]) == ["APPROVED", "CANDIDATE", "CANDIDATE"]


async def test_the_default_project_ballot_needs_more_than_half_of_the_electorate(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=4, projects=1)
    vote = await open_vote(api, vs)
    assert vote["thresholdBasis"] == "ELECTORATE"  # 全体代表过半数
    (a,) = lines(vote)
    for voter, answer in zip(vs.representatives, ["YES", "YES", "NO"], strict=False):
        assert (await cast(api, voter, vote["id"], marks((a, answer))))["receipt"]
    await publish(api, vs, vote["id"])
    result = data(await call(api, vs.resident, VOTE, {"id": vote["id"]}), "vote")["result"]
    # 2 of the 3 ballots cast, but exactly half of the electorate of 4: not passed.
    assert [(i["yes"], i["outcome"]) for i in result["items"]] == [(2, "FAILED")]
    assert await _statuses(api, vs, vote["id"]) == ["CANDIDATE"]


async def test_a_vote_without_quorum_is_published_and_approves_nothing(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=4, projects=2)
    vote = await open_vote(api, vs, quorumPercent=75)
    a, b = lines(vote)
    for voter in vs.representatives[:2]:  # 2 of 4: half, short of the 75% quorum
        paper = marks((a, "YES"), (b, "YES"))
        assert (await cast(api, voter, vote["id"], paper))["__typename"] == "BallotCounted"
    await publish(api, vs, vote["id"])
    result = data(await call(api, vs.resident, VOTE, {"id": vote["id"]}), "vote")["result"]
    assert (result["turnout"], result["quorumMet"]) == (2, False)
    assert [(i["yes"], i["outcome"]) for i in result["items"]] == [
        (2, "NO_QUORUM"),
        (2, "NO_QUORUM"),
    ]
    assert await _statuses(api, vs, vote["id"]) == ["CANDIDATE", "CANDIDATE"]
    board = await board_of(api, vote["id"])
    assert len(entries_of(board)) == 2 and board["result"]["quorumMet"] is False
    with unscoped("test: the published record"):
        published = await AuditEntry.get(subject=vote["id"], action="vote.published")
        events = await OutboxEvent.filter(
            tenant_id=vs.street.street_id, subject=vote["id"], type="vote.published"
        ).values_list("payload", flat=True)
    outcomes = {str(pk(a)): "NO_QUORUM", str(pk(b)): "NO_QUORUM"}
    assert published.change["outcomes"] == outcomes
    assert [e["outcomes"] for e in events] == [outcomes]
