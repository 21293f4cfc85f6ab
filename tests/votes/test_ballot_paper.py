"""The ballot paper kept per process (``Services.kept(BallotPapers)``): answers stay what they were
when every ballot read the vote first, once the vote it was kept for closes or is cancelled."""

from __future__ import annotations

from models.accounts import Role
from models.votes import Ballot, SealedBallot, Vote, VoteStatus
from resolvers.services import Services
from resolvers.votes.papers import BallotPapers
from tenants.scoping import unscoped
from tests.projects.support import call
from tests.support import Api, add_member
from tests.votes.support import CANCEL, CLOSE, cast, new_key, open_vote, step, vote_street


def yes_to_all(vote: dict) -> list[dict]:
    return [{"itemId": item["id"], "answer": "YES"} for item in vote["items"]]


async def ballot_count(vote_id: str) -> int:
    from core.ids import from_global_id

    with unscoped("test: the ballots written"):
        vote_pk = from_global_id(vote_id)[1]
        return (
            await Ballot.filter(vote_id=vote_pk).count()
            + await SealedBallot.filter(vote_id=vote_pk).count()
        )


async def test_once_closed_every_kind_of_submission_is_refused_as_closed(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=4)
    vote = await open_vote(api, vs)
    first, second, third, _ = vs.representatives
    counted = await cast(api, first, vote["id"], yes_to_all(vote), new_key())
    assert counted["__typename"] == "BallotCounted"
    assert (await cast(api, second, vote["id"], yes_to_all(vote)))["__typename"] == (
        "BallotCounted"
    )
    street = vs.street.street_id
    assert services.kept(BallotPapers).get(street, int(_pk(vote["id"]))) is not None

    newcomer = await add_member(services, street, Role.REPRESENTATIVE)  # not on the electorate
    assert (await step(api, vs, CLOSE, vote["id"]))["vote"]["status"] == "CLOSED"
    # A new voter, a second ballot, and someone not on the electorate: all VOTE_CLOSED, as
    # when each request read the vote first, and nothing is written.
    for voter, key in ((third, new_key()), (second, new_key()), (newcomer, new_key())):
        refused = await cast(api, voter, vote["id"], yes_to_all(vote), key)
        assert refused["__typename"] == "InputError" and refused["code"] == "VOTE_CLOSED", refused
    assert await ballot_count(vote["id"]) == 2
    assert services.kept(BallotPapers).get(street, int(_pk(vote["id"]))) is None


async def test_a_cancelled_vote_refuses_ballots_it_had_kept_a_paper_for(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, representatives=2)
    vote = await open_vote(api, vs)
    voter, late = vs.representatives
    assert (await cast(api, voter, vote["id"], yes_to_all(vote)))["__typename"] == ("BallotCounted")
    body = await call(api, vs.staff, CANCEL, {"id": vote["id"], "reason": "议程调整"})
    assert body["data"]["cancelVote"]["__typename"] == "VoteSuccess"
    refused = await cast(api, late, vote["id"], yes_to_all(vote))
    assert refused["code"] == "VOTE_CLOSED", refused
    # A cancelled vote's sealed ballots are never counted: they are gone with it.
    assert await ballot_count(vote["id"]) == 0
    with unscoped("test: the vote row"):
        row = await Vote.get(id=_pk(vote["id"]))
    assert row.status is VoteStatus.CANCELLED and row.turnout == 1


async def test_the_answer_carries_the_turnout_read_with_it(api: Api, services: Services) -> None:
    vs = await vote_street(api, services, representatives=3)
    vote = await open_vote(api, vs)
    a, b, _ = vs.representatives
    key = new_key()
    first = await cast(api, a, vote["id"], yes_to_all(vote), key)
    assert first["vote"]["turnout"] == 1
    assert (await cast(api, b, vote["id"], yes_to_all(vote)))["vote"]["turnout"] == 2
    again = await cast(api, a, vote["id"], yes_to_all(vote), key)
    assert again["replayed"] is True and again["receipt"] == first["receipt"]
    assert again["vote"]["turnout"] == 2  # as it is now, not as it was kept


async def test_another_streets_vote_is_not_found_even_with_its_paper_kept(
    api: Api, services: Services
) -> None:
    here = await vote_street(api, services, representatives=1)
    there = await vote_street(api, services, representatives=1)
    vote = await open_vote(api, there)
    voter = there.representatives[0]
    assert (await cast(api, voter, vote["id"], yes_to_all(vote)))["__typename"] == ("BallotCounted")
    outsider = here.representatives[0]
    body = await call(
        api,
        outsider,
        """mutation($input: CastBallotInput!) { castBallot(input: $input) {
             __typename ... on UserError { code } } }""",
        {"input": {"voteId": vote["id"], "choices": yes_to_all(vote)}},
    )
    assert body["data"]["castBallot"] == {"__typename": "InputError", "code": "NOT_FOUND"}


def test_papers_are_kept_for_open_votes_only_and_the_fewest_recently_used_go_first() -> None:
    papers = BallotPapers(size=2)
    votes = [Vote(id=n, status=VoteStatus.OPEN) for n in (1, 2, 3)]
    draft = Vote(id=4, status=VoteStatus.DRAFT)
    assert papers.keep(7, draft, []).vote is draft and papers.get(7, 4) is None
    papers.keep(7, votes[0], [])
    papers.keep(7, votes[1], [])
    assert papers.get(7, 1) is not None  # 1 is now the most recently used
    papers.keep(7, votes[2], [])
    assert papers.get(7, 2) is None and papers.get(7, 1) is not None and len(papers) == 2
    assert papers.get(8, 1) is None  # by street and vote
    papers.forget(7, 1)
    assert papers.get(7, 1) is None
    copy = papers.keep(7, votes[0], []).vote_as_of(5, "CLOSED")
    assert (copy.turnout, copy.status) == (5, VoteStatus.CLOSED)
    assert (votes[0].turnout, votes[0].status) == (0, VoteStatus.OPEN)


def _pk(global_id: str) -> int:
    from core.ids import from_global_id

    return from_global_id(global_id)[1]
