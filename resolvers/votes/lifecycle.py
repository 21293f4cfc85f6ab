"""Running a vote: DRAFT → OPEN → CLOSED → PUBLISHED, or CANCELLED (开始、截止、公布、取消).

Opening freezes the electorate (one ``Elector`` row per voter) and tells it through the inbox.
Closing counts the ballots and stores the result (seen by congress staff). Publishing makes it
public, records its digest in the audit chain, approves the projects that passed, and tells the
electorate. Each step locks the vote row, so a ballot racing a close either is counted or is
refused, never lost. ``scan_votes`` opens and closes votes by their times and sends the
closing-soon reminder, once each with any number of workers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from tortoise.expressions import Q, Subquery

from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.accounts import Membership, Role, User
from models.columns import column
from models.people import Resident
from models.projects import Project, ProjectStatus
from models.votes import (
    Ballot,
    Elector,
    ElectorateKind,
    SealedBallot,
    Vote,
    VoteItem,
    VoteKind,
    VoteStatus,
)
from policies.capabilities.votes import VOTE_CAST
from policies.vocabulary import street_domain
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic, each_in_street
from resolvers.projects.lifecycle import apply_status
from resolvers.services import Services
from resolvers.votes.codes import VoteCode
from resolvers.votes.common import (
    ballot_paper,
    digest,
    invalid_transition,
    lines_of,
    open_ballot,
    require_vote,
    rules_of,
    seal,
    vote_gid,
)
from resolvers.votes.settings import VoteSettings
from resolvers.votes.tally import Outcome, count
from tenants.scoping import unscoped

log = logging.getLogger(__name__)
CAST = VOTE_CAST
# A secret ballot in the audit chain, written at closing.
COUNTED = "vote.ballot_unsealed"


async def electorate_of(vote: Vote) -> list[int]:
    """The accounts on the vote's electorate, as of now (frozen at opening)."""
    kind, spec = vote.electorate_kind, vote.electorate_spec or {}
    if kind in (ElectorateKind.REPRESENTATIVES, ElectorateKind.DELIBERATORS):
        role = Role.REPRESENTATIVE if kind is ElectorateKind.REPRESENTATIVES else Role.DELIBERATOR
        users = await column(Membership.filter(role=role), "user_id", int)
    elif kind is ElectorateKind.RESIDENTS:
        # with an account that still holds a role in the street (a revoked one cannot vote)
        members = Subquery(Membership.all().values("user_id"))
        query = Resident.filter(user_id__not_isnull=True, user_id__in=members)
        communities, grids = spec.get("communities") or [], spec.get("grids") or []
        if communities and grids:
            query = query.filter(Q(community_id__in=communities) | Q(grid_id__in=grids))
        elif communities:
            query = query.filter(community_id__in=communities)
        elif grids:
            query = query.filter(grid_id__in=grids)
        users = await column(query, "user_id", int)
    else:  # a roster: those on it who are still members of the street
        wanted = spec.get("users") or []
        users = await column(Membership.filter(user_id__in=wanted), "user_id", int)
    return sorted({int(u) for u in users if u is not None})


async def _tell_electorate(change: Change, vote: Vote, kind: str, only_not_voted: bool) -> None:
    query = Elector.filter(vote_id=vote.id)
    if only_not_voted:
        query = query.filter(voted=False)
    users = await column(query, "user_id", int)
    if users:
        if vote.closes_at is not None:  # the streets' own time (北京时间), to the minute
            body = translate(f"{kind}_body", closes=local_minute(vote.closes_at))
        elif kind == "vote.opened":
            body = translate("vote.opened_body_unscheduled")
        else:
            body = translate(f"{kind}_body")
        await notify(
            change,
            users,
            kind,
            translate(f"{kind}_title", title=vote.title),
            body,
            vote_gid(vote.id),
        )


def local_minute(at: datetime) -> str:
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _status_event(vote: Vote, **extra: object) -> dict[str, object]:
    return {
        "vote": vote_gid(vote.id),
        "status": vote.status.value,
        "turnout": vote.turnout,
        "electorateSize": vote.electorate_size,
        **extra,
    }


async def open_vote(caller: Caller, vote_id: int) -> Vote:
    """Open a DRAFT now (开启): freeze the electorate and start taking ballots."""
    return await _open(caller.services, caller.user, vote_id)


async def _open(services: Services, actor: User | None, vote_id: int) -> Vote:
    """Freeze the electorate and start taking ballots, for a person or (actor None) the
    scheduler at the vote's opening time."""
    async with changing(services, actor) as change:
        vote = await require_vote(vote_id, for_update=True)
        if vote.status is not VoteStatus.DRAFT:
            raise invalid_transition(vote, VoteStatus.OPEN)
        if vote.closes_at is not None and vote.closes_at <= change.at:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.closes_in_past", "closesAt")
        items = await ballot_paper(vote.id)
        if vote.kind is VoteKind.PROJECT_BALLOT:
            ids = [item.project_id for item in items]
            candidates = await Project.filter(id__in=ids, status=ProjectStatus.CANDIDATE).count()
            if candidates != len(ids):
                raise Refused(ErrorCode.BAD_USER_INPUT, "vote.project_no_longer_candidate", "items")
        # Only accounts that can cast a ballot count (a big-screen account on a roster cannot).
        domain = street_domain(change.street_id)
        voters = [u for u in await electorate_of(vote) if services.authorizer.can(u, domain, CAST)]
        if not voters:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.empty_electorate", "electorate")
        await Elector.bulk_create(
            [Elector(tenant_id=change.street_id, vote_id=vote.id, user_id=u) for u in voters],
            batch_size=1000,
        )
        vote.status = VoteStatus.OPEN
        vote.opened_at = vote.updated_at = change.at
        vote.electorate_size = len(voters)
        await vote.save(update_fields=["status", "opened_at", "updated_at", "electorate_size"])
        subject = vote_gid(vote.id)
        await change.audit(
            "vote.opened",
            subject,
            {"electorateSize": len(voters), "electorateDigest": digest(voters)},
        )
        await change.event("vote.opened", subject, _status_event(vote))
        await _tell_electorate(change, vote, "vote.opened", only_not_voted=False)
    return vote


async def close_vote(caller: Caller, vote_id: int) -> Vote:
    """Close an OPEN vote now and count it (结束计票)."""
    return await _close(caller.services, caller.user, vote_id)


async def _close(services: Services, actor: User | None, vote_id: int) -> Vote:
    """Stop taking ballots and count them. The result is seen by staff until published."""
    async with changing(services, actor) as change:
        vote = await require_vote(vote_id, for_update=True)
        if vote.status is not VoteStatus.OPEN:
            raise invalid_transition(vote, VoteStatus.CLOSED)
        items = await ballot_paper(vote.id)
        if vote.secret:
            await unseal_ballots(change, vote)
        choices = await column(Ballot.filter(vote_id=vote.id), "choices", dict)
        result = count(rules_of(vote), lines_of(items), choices)
        vote.status = VoteStatus.CLOSED
        vote.closed_at = vote.updated_at = change.at
        vote.result = result
        vote.result_digest = digest(result)
        await vote.save(
            update_fields=["status", "closed_at", "updated_at", "result", "result_digest"]
        )
        subject = vote_gid(vote.id)
        await change.audit(
            "vote.closed",
            subject,
            {"turnout": result["turnout"], "electorateSize": vote.electorate_size},
        )
        await change.event("vote.closed", subject, _status_event(vote))
    return vote


async def unseal_ballots(change: Change, vote: Vote) -> None:
    """Open the secret ballots kept sealed while the vote ran, write them as ballots in
    receipt-hash order, and record each in the audit chain by its receipt hash and the seal
    of its contents (opened by the salt on the bulletin board). One transaction for all of
    them: nothing pairs a ballot with the transaction that marked its voter."""
    secret_key = change.services.settings.secret_key
    assert secret_key
    sealed = await column(SealedBallot.filter(vote_id=vote.id), "sealed", str)
    opened = sorted(
        (open_ballot(secret_key, change.street_id, vote.id, blob) for blob in sealed),
        key=lambda ballot: ballot.receipt_hash,
    )
    await Ballot.bulk_create(
        [
            Ballot(
                tenant_id=change.street_id,
                vote_id=vote.id,
                receipt_hash=b.receipt_hash,
                choices=b.choices,
                salt=b.salt,
            )
            for b in opened
        ],
        batch_size=500,
    )
    await SealedBallot.filter(vote_id=vote.id).delete()
    subject = vote_gid(vote.id)
    for ballot in opened:
        await change.audit(
            COUNTED,
            subject,
            {"receipt": ballot.receipt_hash, "seal": seal(ballot.salt, ballot.choices)},
        )


async def publish_vote(caller: Caller, vote_id: int) -> Vote:
    """Make the result and the bulletin board public; approve the projects that passed."""
    services, actor = caller.services, caller.user
    async with changing(services, actor) as change:
        vote = await require_vote(vote_id, for_update=True)
        if vote.status is not VoteStatus.CLOSED:
            raise invalid_transition(vote, VoteStatus.PUBLISHED)
        result = vote.result or {}
        if vote.result is None or digest(vote.result) != vote.result_digest:
            log.error("vote %s: stored result does not match its digest, not published", vote.id)
            raise Refused(VoteCode.RESULT_MISMATCH, "vote.result_mismatch", "id")
        vote.status = VoteStatus.PUBLISHED
        vote.published_at = vote.updated_at = change.at
        await vote.save(update_fields=["status", "published_at", "updated_at"])
        subject = vote_gid(vote.id)
        outcomes = {str(item["item"]): item["outcome"] for item in result.get("items", [])}
        await change.audit(
            "vote.published",
            subject,
            {
                "resultDigest": vote.result_digest,
                "turnout": result.get("turnout"),
                "outcomes": outcomes,
            },
        )
        await change.event("vote.published", subject, _status_event(vote, outcomes=outcomes))
        if vote.kind is VoteKind.PROJECT_BALLOT:
            await _approve_passed(change, vote, outcomes)
        await _tell_electorate(change, vote, "vote.published", only_not_voted=False)
    return vote


async def _approve_passed(change: Change, vote: Vote, outcomes: dict[str, str]) -> None:
    passed = [int(item) for item, outcome in outcomes.items() if outcome == Outcome.PASSED]
    if not passed:
        return
    project_ids = await column(VoteItem.filter(id__in=passed), "project_id", int)
    reason = translate("vote.approved_reason", title=vote.title)
    projects = await Project.filter(id__in=list(project_ids)).select_for_update().order_by("id")
    for project in projects:
        if project.status is ProjectStatus.CANDIDATE:  # not moved by hand in the meantime
            await apply_status(change, project, ProjectStatus.APPROVED, reason)


async def cancel_vote(caller: Caller, vote_id: int, reason: str) -> Vote:
    services, actor = caller.services, caller.user
    reason = reason.strip()
    if not reason:
        raise Refused(ErrorCode.BAD_USER_INPUT, "input.required", "reason")
    async with changing(services, actor) as change:
        vote = await require_vote(vote_id, for_update=True)
        if vote.status not in (VoteStatus.DRAFT, VoteStatus.OPEN):
            raise invalid_transition(vote, VoteStatus.CANCELLED)
        was_open = vote.status is VoteStatus.OPEN
        vote.status = VoteStatus.CANCELLED
        vote.cancelled_at = vote.updated_at = change.at
        vote.cancel_reason = reason
        await vote.save(update_fields=["status", "cancelled_at", "updated_at", "cancel_reason"])
        subject = vote_gid(vote.id)
        await SealedBallot.filter(vote_id=vote.id).delete()  # never to be counted
        await change.audit("vote.cancelled", subject, {"reason": reason, "wasOpen": was_open})
        await change.event("vote.cancelled", subject, _status_event(vote))
        if was_open:
            await _tell_electorate(change, vote, "vote.cancelled", only_not_voted=False)
    return vote


async def remind_closing(services: Services, vote_id: int) -> int:
    """截止提醒: tell those who have not voted yet, once (claimed by a conditional update)."""
    async with changing(services, None) as change:
        claimed = await Vote.filter(
            id=vote_id, status=VoteStatus.OPEN, closing_reminded=False
        ).update(closing_reminded=True)
        if not claimed:
            return 0
        vote = await Vote.get(id=vote_id)
        await change.event("vote.closing_soon", vote_gid(vote.id), _status_event(vote))
        await _tell_electorate(change, vote, "vote.closing_soon", only_not_voted=True)
    return 1


async def scan_votes(services: Services) -> int:
    """Open, remind and close every vote whose time has come; returns how many steps it took.
    Of several workers scanning at once, each step is taken once (the others find it done)."""
    now = services.clock.now()
    soon = now + timedelta(
        minutes=services.settings.section(VoteSettings).vote_closing_soon_minutes
    )
    with unscoped("the vote scheduler serves every street"):
        # A draft whose closing time has passed is left for its staff to reschedule.
        to_open = await Vote.filter(
            Q(closes_at=None) | Q(closes_at__gt=now), status=VoteStatus.DRAFT, opens_at__lte=now
        ).values_list("id", "tenant_id")
        to_close = await Vote.filter(status=VoteStatus.OPEN, closes_at__lte=now).values_list(
            "id", "tenant_id"
        )
        to_remind = await Vote.filter(
            status=VoteStatus.OPEN, closes_at__lte=soon, closes_at__gt=now, closing_reminded=False
        ).values_list("id", "tenant_id")
    steps = await each_in_street("open vote", to_open, _scheduled(services, _open))
    steps += await each_in_street("close vote", to_close, _scheduled(services, _close))
    steps += await each_in_street(
        "remind vote", to_remind, lambda vote_id: remind_closing(services, vote_id)
    )
    return steps


def _scheduled(
    services: Services, action: Callable[[Services, User | None, int], Awaitable[Vote]]
) -> Callable[[int], Awaitable[int]]:
    """A step of the scheduler on one vote: 1 when taken; 0 when another worker took it or
    it cannot be taken (logged). Anything else it raises is the boundary's to log."""

    async def step(vote_id: int) -> int:
        try:
            await action(services, None, vote_id)
        except Refused as refusal:
            if refusal.code is not ErrorCode.INVALID_TRANSITION:
                log.warning("vote %s: %s", vote_id, refusal.message_key)
            return 0
        return 1

    return step


def vote_scheduler(services: Services) -> Periodic:
    """The background task of each worker that runs ``scan_votes``."""
    return Periodic(
        "vote-scheduler",
        lambda: scan_votes(services),
        services.settings.section(VoteSettings).vote_scan_seconds,
    )
