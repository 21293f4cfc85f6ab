"""A project ballot from draft to publication, through the API as its users would run it."""

from __future__ import annotations

from bench.sqlcount import count_statements
from resolvers.services import Services
from tests.projects.support import call, data
from tests.support import Api
from tests.votes.support import (
    BOARD,
    CHECK_RECEIPT,
    CLOSE,
    COUNTED,
    PUBLISH,
    VOTE,
    cast,
    entries_of,
    new_key,
    open_vote,
    step,
    vote_street,
)

PAGE = """query($id: ID!, $first: Int, $after: String) { voteBulletinBoard(id: $id) {
  entries(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { receiptHash } } } } }"""
HASHES = """query($id: ID!, $first: Int, $after: String) { voteBulletinBoard(id: $id) {
  entries(first: $first, after: $after) { edges { node { receiptHash } } } } }"""


async def board_page(api: Api, vote_id: str, first: int, after: str | None) -> dict:
    body = await api.gql(PAGE, {"id": vote_id, "first": first, "after": after})
    return body["data"]["voteBulletinBoard"]["entries"]


async def test_project_ballot_from_opening_to_publication(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=3, projects=2)
    vote = await open_vote(api, vs)
    vote_id = vote["id"]
    first, second = (item["id"] for item in vote["items"])
    reps = vs.representatives

    receipts = []
    for voter, answers in zip(
        reps, [("YES", "NO"), ("YES", "YES"), ("NO", "ABSTAIN")], strict=True
    ):
        marks = [{"itemId": first, "answer": answers[0]}, {"itemId": second, "answer": answers[1]}]
        counted = await cast(api, voter, vote_id, marks, new_key())
        assert counted["__typename"] == "BallotCounted", counted
        receipts.append(counted["receipt"])

    seen = data(await call(api, reps[0], VOTE, {"id": vote_id}), "vote")
    assert seen["turnout"] == 3 and seen["electorate"]["size"] == 3
    assert seen["result"] is None  # secret: hidden until published
    assert seen["myParticipation"] == {"onElectorate": True, "voted": True, "canChange": False}

    assert (await step(api, vs, CLOSE, vote_id))["vote"]["status"] == "CLOSED"
    counted = data(await call(api, vs.staff, COUNTED, {"id": vote_id}), "vote")["countedResult"]
    by_item = {item["itemId"]: item for item in counted["items"]}
    # 全体代表过半数: 2 of 3 is more than half of the electorate.
    assert (by_item[first]["yes"], by_item[first]["no"], by_item[first]["outcome"]) == (
        2,
        1,
        "PASSED",
    )
    # One for, one against, one abstention: a tie is an outcome, and it does not pass.
    assert by_item[second]["outcome"] == "TIED"

    assert (await step(api, vs, PUBLISH, vote_id))["vote"]["status"] == "PUBLISHED"
    published = data(await call(api, reps[0], VOTE, {"id": vote_id}), "vote")
    statuses = {item["id"]: item["project"]["status"] for item in published["items"]}
    assert statuses == {first: "APPROVED", second: "CANDIDATE"}

    board = (await api.gql(BOARD, {"id": vote_id}))["data"]["voteBulletinBoard"]
    assert len(entries_of(board)) == 3
    # A page at a time, in receipt-hash order, for anyone counting again.
    paged = [await board_page(api, vote_id, 2, None)]
    paged.append(await board_page(api, vote_id, 2, paged[0]["pageInfo"]["endCursor"]))
    assert [len(p["edges"]) for p in paged] == [2, 1] and paged[0]["totalCount"] == 3
    assert (paged[0]["pageInfo"]["hasNextPage"], paged[1]["pageInfo"]["hasNextPage"]) == (
        True,
        False,
    )
    hashes = [edge["node"]["receiptHash"] for page in paged for edge in page["edges"]]
    assert hashes == sorted(hashes) == [entry["receiptHash"] for entry in entries_of(board)]
    # No N+1: a page of one and a page of three cost the same statements.
    statements = []
    for size in (1, 3):
        with count_statements() as counter:
            page = await board_page(api, vote_id, size, None)
        assert len(page["edges"]) == size
        statements.append(counter.count)
    assert 0 < statements[0] == statements[1], statements
    for size, after in ((101, None), (2, "not-a-receipt-hash"), (-1, None)):
        refused = await api.gql(HASHES, {"id": vote_id, "first": size, "after": after})
        assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    mine = (await api.gql(CHECK_RECEIPT, {"id": vote_id, "receipt": receipts[2]}))["data"]
    answers = {c["itemId"]: c["answer"] for c in mine["checkVoteReceipt"]["choices"]}
    assert answers == {first: "NO", second: "ABSTAIN"}
