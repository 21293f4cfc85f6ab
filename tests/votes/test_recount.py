"""``gongzhi votes recount ID`` (复核), run as an operator would, on the test database: it counts
again from the stored ballots, checks each against the audit chain, and says by its exit code
whether the published result stands. ``gongzhi audit verify`` stays intact through a vote."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest

from models.audit import AuditEntry
from models.votes import Ballot, Vote, VoteItem
from resolvers.services import Services
from resolvers.votes.common import digest, lines_of, rules_of
from resolvers.votes.tally import count
from tenants.scoping import unscoped
from tests.audit.test_audit import run_verify
from tests.projects.support import call, data
from tests.support import Api, database_env, gid
from tests.votes.support import (
    CANCEL,
    CLOSE,
    PUBLISH,
    UPDATE_VOTE,
    VoteStreet,
    ballot_input,
    cast,
    create_vote,
    marks,
    new_key,
    open_vote,
    pk,
    step,
    vote_street,
)


async def run_recount(services: Services, vote_id: str) -> tuple[int, str]:
    env = {**os.environ, **database_env(services.settings)}
    env.pop("GONGZHI_REDIS_URL", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gongzhi.cli",
        "votes",
        "recount",
        vote_id,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def voted(api: Api, vs: VoteStreet, publish: bool = True, **overrides: Any) -> dict:
    """A vote of 3 representatives, all of whom voted; closed, and published unless told."""
    vote = await open_vote(api, vs, **overrides)
    first, second = (item["id"] for item in vote["items"])
    for voter, answers in zip(
        vs.representatives, [("YES", "NO"), ("YES", "ABSTAIN"), ("NO", "NO")], strict=True
    ):
        paper = marks((first, answers[0]), (second, answers[1]))
        result = await cast(api, voter, vote["id"], paper, new_key())
        assert result["__typename"] == "BallotCounted", result
    for query in (CLOSE, PUBLISH) if publish else (CLOSE,):
        assert (await step(api, vs, query, vote["id"]))["__typename"] == "VoteSuccess"
    return vote


async def ballots_of(vote_id: str) -> list[Ballot]:
    with unscoped("test: the stored ballots"):
        return await Ballot.filter(vote_id=pk(vote_id)).order_by("receipt_hash")


# --- a vote that stands ----------------------------------------------------------------------


async def test_a_published_vote_recounts_by_global_or_numeric_id(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    for name in (vote["id"], str(pk(vote["id"]))):
        code, out = await run_recount(services, name)
        assert code == 0, out
        assert "3 ballots counted of 3, quorum met" in out
        assert "候选项目 1: yes 2 no 1 abstain 0 -> PASSED [ok]" in out, "no average for yes/no"
        assert "avg" not in out
        assert "recount matches the stored result" in out
        assert "DIFFERS" not in out


async def test_a_closed_vote_not_yet_published_recounts(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs, publish=False)
    code, out = await run_recount(services, vote["id"])
    assert code == 0, out


@pytest.mark.parametrize(
    "overrides",
    [
        {"secret": False},  # a named vote: the chain holds each ballot's choices
        {"allowChanges": True},  # with a change: the withdrawn ballot is not counted
        {"mode": "APPROVAL", "maxChoices": 1},
        {"kind": "SATISFACTION", "items": [{"label": "城建办"}, {"label": "综治办"}]},
    ],
    ids=["named", "changed", "approval", "rating"],
)
async def test_every_kind_of_vote_recounts_exactly(
    api: Api, services: Services, overrides: dict
) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs, **overrides)
    first, second = (item["id"] for item in vote["items"])
    mode = "RATING" if overrides.get("kind") else overrides.get("mode", "YES_NO_ABSTAIN")
    papers = {
        "YES_NO_ABSTAIN": [marks((first, "YES")), marks((first, "NO"), (second, "YES"))],
        "APPROVAL": [[{"itemId": first}], [{"itemId": second}], []],
        "RATING": [
            [{"itemId": first, "score": 5}, {"itemId": second, "score": 2}],
            [{"itemId": first, "score": 4}],
            [{"itemId": first, "score": 4}, {"itemId": second, "score": 3}],
        ],
    }[mode]
    receipts = []
    for voter, paper in zip(vs.representatives, papers, strict=False):
        counted = await cast(api, voter, vote["id"], paper, new_key())
        assert counted["__typename"] == "BallotCounted", counted
        receipts.append(counted["receipt"])
    if overrides.get("allowChanges"):
        changed = await cast(
            api,
            vs.representatives[0],
            vote["id"],
            marks((first, "NO")),
            previousReceipt=receipts[0],
        )
        assert changed["changed"] is True, changed
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    code, out = await run_recount(services, vote["id"])
    assert code == 0, out
    if mode == "RATING":
        assert "城建办: yes 0 no 0 abstain 0 avg 4.33 -> RATED [ok]" in out


async def test_the_audit_chain_stays_intact_through_a_whole_vote(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services, projects=2)
    vote = await open_vote(api, vs, allowChanges=True)
    first, second = (item["id"] for item in vote["items"])
    receipts = []
    for voter in vs.representatives:
        counted = await cast(api, voter, vote["id"], marks((first, "YES")), new_key())
        receipts.append(counted["receipt"])
    changed = await cast(
        api, vs.representatives[0], vote["id"], marks((second, "NO")), previousReceipt=receipts[0]
    )
    assert changed["changed"] is True
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])  # which approves the first project
    draft = await create_vote(api, vs, items=[{"projectId": vs.projects[1]}])
    edited = ballot_input(vs, title="改过的标题", items=[{"projectId": vs.projects[1]}])
    variables = {"id": draft["id"], "input": edited}
    assert data(await call(api, vs.staff, UPDATE_VOTE, variables), "updateVote")["vote"]
    body = await call(api, vs.staff, CANCEL, {"id": draft["id"], "reason": "重复"})
    assert data(body, "cancelVote")["__typename"] == "VoteSuccess"

    code, out = await run_verify(services, vs.street.code)
    assert code == 0, out
    assert f"{vs.street.code}: intact" in out
    with unscoped("test: the votes' chain"):
        trail = AuditEntry.filter(tenant_id=vs.street.street_id)
        actions = (
            await trail.filter(subject=vote["id"])
            .order_by("sequence")
            .values_list("action", flat=True)
        )
        drafted = (
            await trail.filter(subject=draft["id"])
            .order_by("sequence")
            .values_list("action", flat=True)
        )
        approved = (
            await trail.filter(subject=vs.projects[0], action="project.status_changed")
            .order_by("sequence")
            .values_list("change", flat=True)
        )
    # A secret ballot enters the chain sealed when cast (a change replaces it), then by its
    # receipt hash and seal when the vote closes and its ballots are opened, all together.
    assert actions == ["vote.created", "vote.opened"] + ["vote.ballot_received"] * 4 + [
        "vote.ballot_unsealed"
    ] * 3 + ["vote.closed", "vote.published"]
    assert drafted == ["vote.created", "vote.updated", "vote.cancelled"]
    assert approved[-1]["to"] == "APPROVED"
    code, out = await run_recount(services, vote["id"])
    assert code == 0, out


# --- a vote tampered with --------------------------------------------------------------------


async def test_an_edited_ballot_is_found(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    victim = (await ballots_of(vote["id"]))[0]
    forged = {key: "YES" for key in victim.choices}
    assert forged != victim.choices
    with unscoped("tampering, as someone with database access might"):
        await Ballot.filter(id=victim.id).update(choices=forged)
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "RECOUNT DIFFERS" in out and "does not match the audit chain" in out
    assert "[DIFFERS]" in out
    # The audit chain itself is untouched: only the recount sees the ballot changed.
    verified, report = await run_verify(services, vs.street.code)
    assert verified == 0, report


async def test_ballots_swapped_without_changing_the_count_are_found(
    api: Api, services: Services
) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    one, other = [b for b in await ballots_of(vote["id"])][:2]
    assert one.choices != other.choices
    with unscoped("tampering"):
        await Ballot.filter(id=one.id).update(choices=other.choices)
        await Ballot.filter(id=other.id).update(choices=one.choices)
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "[DIFFERS]" not in out  # the totals are the same…
    assert out.count("does not match the audit chain") == 2  # …but not the ballots


async def test_a_deleted_ballot_is_found(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    with unscoped("tampering"):
        await Ballot.filter(id=(await ballots_of(vote["id"]))[0].id).delete()
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "2 ballots counted of 3" in out and "RECOUNT DIFFERS" in out


async def test_a_stuffed_ballot_is_found(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs, publish=False)
    model = (await ballots_of(vote["id"]))[0]
    with unscoped("tampering"):
        await Ballot.create(
            tenant_id=vs.street.street_id,
            vote_id=model.vote_id,
            receipt_hash="f" * 64,
            choices=model.choices,
            salt=model.salt,
        )
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "does not match the audit chain" in out


@pytest.mark.parametrize("with_digest", [False, True])
async def test_an_edited_stored_result_is_found(
    api: Api, services: Services, with_digest: bool
) -> None:
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    with unscoped("tampering"):
        row = await Vote.get(id=pk(vote["id"]))
        result = dict(row.result)
        result["items"] = [dict(item) for item in result["items"]]
        result["items"][1]["outcome"] = "PASSED"
        result["items"][1]["yes"] = 3
        fields = {"result": result}
        if with_digest:  # a careful forger recomputes the digest too
            fields["result_digest"] = digest(result)
        await Vote.filter(id=row.id).update(**fields)
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "RECOUNT DIFFERS" in out
    assert "候选项目 2: yes 0 no 2 abstain 1" in out and "[DIFFERS]" in out


@pytest.mark.parametrize("unpublished", [False, True], ids=["published", "set-back-to-closed"])
async def test_rules_edited_with_a_matching_result_are_found(
    api: Api, services: Services, unpublished: bool
) -> None:
    """A forger edits the vote's rules (a larger electorate, so that 2 for no longer passes)
    and stores the result those rules give, digest and all. The stored result then agrees with
    a recount, but it is not the result that was published: the audit chain says otherwise."""
    vs = await vote_street(api, services)
    vote = await voted(api, vs)
    with unscoped("tampering"):
        row = await Vote.get(id=pk(vote["id"]))
        row.electorate_size = 5
        items = await VoteItem.filter(vote_id=row.id).order_by("position")
        choices = await Ballot.filter(vote_id=row.id).values_list("choices", flat=True)
        forged = count(rules_of(row), lines_of(items), choices)
        assert forged["items"][0]["outcome"] == "FAILED"
        await Vote.filter(id=row.id).update(
            electorate_size=5, result=forged, result_digest=digest(forged)
        )
        if unpublished:  # and hides that it was ever published
            await Vote.filter(id=row.id).update(status="CLOSED", published_at=None)
    code, out = await run_recount(services, vote["id"])
    assert code == 1, out
    assert "RECOUNT DIFFERS" in out and "published" in out


# --- nothing to recount ----------------------------------------------------------------------


async def test_no_such_counted_vote_exits_2(api: Api, services: Services) -> None:
    vs = await vote_street(api, services)
    draft = await create_vote(api, vs)
    running = await open_vote(api, vs)
    cancelled = await open_vote(api, vs)
    body = await call(api, vs.staff, CANCEL, {"id": cancelled["id"], "reason": "议程调整"})
    assert data(body, "cancelVote")["__typename"] == "VoteSuccess"
    for name in (
        draft["id"],
        running["id"],  # not closed yet: no stored result to compare
        str(pk(running["id"])),
        cancelled["id"],
        gid("Vote", 999_999_999),
        "999999999",
        gid("Account", vs.staff.id),  # not a vote's ID
        "not-an-id",
    ):
        code, out = await run_recount(services, name)
        assert code == 2, (name, out)
        assert "no closed or published vote" in out
