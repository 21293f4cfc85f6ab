"""Drafting a vote (草拟): its kind, rules, ballot paper, electorate and schedule.

A vote can be edited only while it is a DRAFT. ``save_draft`` checks the whole draft and writes
it in one change (creating, or replacing an existing draft's fields and items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from core import validators
from core.errors import ErrorCode, Refused
from models.accounts import Membership, Role, User
from models.columns import max_length
from models.projects import Project, ProjectStatus
from models.tenancy import Community, Grid
from models.votes import (
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    Vote,
    VoteItem,
    VoteKind,
    VoteStatus,
)
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import all_in_street, members, unusable
from resolvers.services import Services
from resolvers.votes.common import EDITABLE, invalid_transition, require_vote, vote_gid

MAX_ITEMS = 100
MAX_ROSTER = 20_000

LABEL = max_length(VoteItem, "label")  # a line of the ballot paper


@dataclass(frozen=True)
class ItemDraft:
    label: str = ""
    project_id: int | None = None
    subject_kind: SubjectKind | None = None
    representative_id: int | None = None


@dataclass(frozen=True)
class ElectorateDraft:
    kind: ElectorateKind
    community_ids: list[int] = field(default_factory=list)
    grid_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class VoteDraft:
    kind: VoteKind
    title: str
    electorate: ElectorateDraft
    items: list[ItemDraft] = field(default_factory=list)
    description: str = ""
    secret: bool = True
    allow_changes: bool = False
    mode: BallotMode | None = None
    max_choices: int | None = None
    scale_max: int = 5
    quorum_percent: int | None = None
    threshold_basis: ThresholdBasis | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None


# What a kind of vote is, unless the draft says otherwise.
DEFAULT_MODE = {
    VoteKind.PROJECT_BALLOT: BallotMode.YES_NO_ABSTAIN,
    VoteKind.RESOLUTION: BallotMode.YES_NO_ABSTAIN,
    VoteKind.SATISFACTION: BallotMode.RATING,
}
ALLOWED_MODES = {
    VoteKind.PROJECT_BALLOT: frozenset({BallotMode.YES_NO_ABSTAIN, BallotMode.APPROVAL}),
    VoteKind.RESOLUTION: frozenset({BallotMode.YES_NO_ABSTAIN}),
    VoteKind.SATISFACTION: frozenset({BallotMode.RATING}),
}
DEFAULT_BASIS = {
    VoteKind.PROJECT_BALLOT: ThresholdBasis.ELECTORATE,  # 全体代表过半数
    VoteKind.RESOLUTION: ThresholdBasis.BALLOTS_CAST,
    VoteKind.SATISFACTION: ThresholdBasis.BALLOTS_CAST,
}
DEFAULT_QUORUM = {VoteKind.PROJECT_BALLOT: 50, VoteKind.RESOLUTION: 50, VoteKind.SATISFACTION: 0}


@dataclass(frozen=True)
class CheckedItem:
    label: str
    subject_kind: SubjectKind
    project_id: int | None
    representative_id: int | None


async def _project_items(items: list[ItemDraft]) -> list[CheckedItem]:
    ids = [item.project_id for item in items if item.project_id is not None]
    if len(ids) != len(items):
        raise Refused(ErrorCode.BAD_USER_INPUT, "vote.project_required", "items")
    if len(set(ids)) != len(ids):
        raise Refused(ErrorCode.BAD_USER_INPUT, "vote.duplicate_item", "items")
    found = {p.id: p for p in await Project.filter(id__in=ids)}
    checked = []
    for pid in ids:
        project = found.get(pid)
        if project is None:
            raise Refused(ErrorCode.NOT_FOUND, "vote.project_not_found", "items")
        if project.status is not ProjectStatus.CANDIDATE:
            raise Refused(
                ErrorCode.BAD_USER_INPUT, "vote.project_not_candidate", "items", title=project.title
            )
        checked.append(CheckedItem(project.title, SubjectKind.PROJECT, project.id, None))
    return checked


async def _rating_items(items: list[ItemDraft]) -> list[CheckedItem]:
    checked = []
    for item in items:
        kind = item.subject_kind or (
            SubjectKind.PROJECT if item.project_id is not None else SubjectKind.DEPARTMENT
        )
        if kind is SubjectKind.PROJECT:
            project = await Project.filter(id=item.project_id or 0).first()
            if project is None:
                raise Refused(ErrorCode.NOT_FOUND, "vote.project_not_found", "items")
            checked.append(CheckedItem(project.title, kind, project.id, None))
        elif kind is SubjectKind.REPRESENTATIVE:
            membership = await Membership.filter(
                user_id=item.representative_id or 0, role=Role.REPRESENTATIVE
            ).first()
            if membership is None:
                raise Refused(ErrorCode.NOT_FOUND, "vote.representative_not_found", "items")
            user = await User.get(id=membership.user_id)
            label = item.label.strip() or user.display_name or user.username
            checked.append(CheckedItem(validators.text(label, "items", LABEL), kind, None, user.id))
        else:
            checked.append(
                CheckedItem(validators.text(item.label, "items", LABEL), kind, None, None)
            )
    return checked


async def _check_items(draft: VoteDraft) -> list[CheckedItem]:
    if draft.kind is VoteKind.RESOLUTION:
        if len(draft.items) > 1:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.one_motion", "items")
        label = draft.items[0].label if draft.items else draft.title
        return [CheckedItem(validators.text(label, "items", LABEL), SubjectKind.MOTION, None, None)]
    if not draft.items:
        raise Refused(ErrorCode.BAD_USER_INPUT, "vote.no_items", "items")
    if len(draft.items) > MAX_ITEMS:
        raise Refused(ErrorCode.BAD_USER_INPUT, "vote.too_many_items", "items", max=MAX_ITEMS)
    if draft.kind is VoteKind.PROJECT_BALLOT:
        return await _project_items(draft.items)
    return await _rating_items(draft.items)


async def _check_electorate(electorate: ElectorateDraft) -> dict[str, list[int]]:
    """Every ID the electorate names is of this street and of use to its kind: places for
    RESIDENTS, accounts for ROSTER; any other is refused like an unknown one."""
    kind = electorate.kind
    if kind is not ElectorateKind.RESIDENTS and (electorate.community_ids or electorate.grid_ids):
        raise unusable("electorate", "vote.places_unused", kind=kind.value)
    if kind is not ElectorateKind.ROSTER and electorate.user_ids:
        raise unusable("electorate", "vote.accounts_unused", kind=kind.value)
    if kind is ElectorateKind.RESIDENTS:
        communities = sorted(set(electorate.community_ids))
        grids = sorted(set(electorate.grid_ids))
        await all_in_street(Community, communities, "electorate", "input.community_not_found")
        await all_in_street(Grid, grids, "electorate", "vote.grid_not_found")
        return {"communities": communities, "grids": grids}
    if kind is ElectorateKind.ROSTER:
        users = sorted(set(electorate.user_ids))
        if not users:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.empty_roster", "electorate")
        if len(users) > MAX_ROSTER:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.roster_too_long", "electorate")
        await members(users, "electorate", "vote.not_a_member")
        return {"users": users}
    return {}


class _Checked(TypedDict):
    """A checked draft: the vote's own fields, and its ballot paper."""

    fields: dict[str, Any]
    items: list[CheckedItem]


async def _checked(services: Services, draft: VoteDraft) -> _Checked:
    title = validators.text(draft.title, "title", max_length(Vote, "title"))
    mode = draft.mode or DEFAULT_MODE[draft.kind]
    if mode not in ALLOWED_MODES[draft.kind]:
        raise Refused(ErrorCode.BAD_USER_INPUT, "vote.mode", "mode", kind=draft.kind.value)
    items = await _check_items(draft)
    max_choices = None
    if mode is BallotMode.APPROVAL:
        if draft.max_choices is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "vote.max_choices_required", "maxChoices")
        max_choices = validators.in_range(
            draft.max_choices, 1, len(items), "maxChoices", "project.range"
        )
    scale_max = validators.in_range(draft.scale_max, 2, 10, "scaleMax", "project.range")
    quorum = draft.quorum_percent
    if quorum is None:
        quorum = DEFAULT_QUORUM[draft.kind]
    quorum = validators.in_range(quorum, 0, 100, "quorumPercent", "project.range")
    now = services.clock.now()
    if draft.closes_at is not None:
        validators.in_order(
            now, draft.closes_at, "closesAt", "vote.closes_in_past", same_allowed=False
        )
        if draft.opens_at is not None:
            validators.in_order(
                draft.opens_at,
                draft.closes_at,
                "closesAt",
                "vote.schedule_order",
                same_allowed=False,
            )
    spec = await _check_electorate(draft.electorate)
    return {
        "fields": {
            "kind": draft.kind,
            "title": title,
            "description": draft.description.strip(),
            "mode": mode,
            "secret": draft.secret,
            "allow_changes": draft.allow_changes,
            "max_choices": max_choices,
            "scale_max": scale_max,
            "quorum_percent": quorum,
            "threshold_basis": draft.threshold_basis or DEFAULT_BASIS[draft.kind],
            "electorate_kind": draft.electorate.kind,
            "electorate_spec": spec,
            "opens_at": draft.opens_at,
            "closes_at": draft.closes_at,
        },
        "items": items,
    }


def _summary(vote: Vote, items: list[CheckedItem]) -> dict[str, object]:
    return {
        "kind": vote.kind.value,
        "title": vote.title,
        "mode": vote.mode.value,
        "secret": vote.secret,
        "allowChanges": vote.allow_changes,
        "quorumPercent": vote.quorum_percent,
        "thresholdBasis": vote.threshold_basis.value,
        "electorate": {"kind": vote.electorate_kind.value, **vote.electorate_spec},
        "items": [item.label for item in items],
        "opensAt": vote.opens_at.isoformat() if vote.opens_at else None,
        "closesAt": vote.closes_at.isoformat() if vote.closes_at else None,
    }


async def save_draft(caller: Caller, draft: VoteDraft, vote_id: int | None = None) -> Vote:
    """Create a DRAFT vote, or (with ``vote_id``) replace a draft's contents."""
    services, actor = caller.services, caller.user
    if vote_id is not None:  # once opened, the answer is INVALID_TRANSITION whatever the input
        current = await require_vote(vote_id)
        if current.status not in EDITABLE:
            raise invalid_transition(current, VoteStatus.DRAFT)
    checked = await _checked(services, draft)
    fields_ = checked["fields"]
    items = checked["items"]
    async with changing(services, actor) as change:
        if vote_id is None:
            vote = await Vote.create(
                **fields_, created_by_id=actor.id, created_at=change.at, updated_at=change.at
            )
            action = "vote.created"
        else:
            vote = await require_vote(vote_id, for_update=True)
            if vote.status not in EDITABLE:
                raise invalid_transition(vote, VoteStatus.DRAFT)
            vote.update_from_dict({**fields_, "updated_at": change.at})
            await vote.save()
            await VoteItem.filter(vote_id=vote.id).delete()
            action = "vote.updated"
        await VoteItem.bulk_create(
            [
                VoteItem(
                    tenant_id=change.street_id,
                    vote_id=vote.id,
                    position=position,
                    label=item.label,
                    subject_kind=item.subject_kind,
                    project_id=item.project_id,
                    representative_id=item.representative_id,
                )
                for position, item in enumerate(items, start=1)
            ]
        )
        summary = _summary(vote, items)
        await change.audit(action, vote_gid(vote.id), summary)
        await change.event(
            action, vote_gid(vote.id), {"vote": vote_gid(vote.id), "status": "DRAFT"}
        )
    return vote
