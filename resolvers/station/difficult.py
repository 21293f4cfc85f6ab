"""The difficult-matters list (办理疑难清单): suggestions, cases and projects marked difficult
by congress staff, on one list with their age, owner and last action, and a monthly roll-up
to the street's leaders.

A matter's *age* counts from when it arrived (a suggestion received, a case reported, a
project created); its *owner* is who must act (the representative addressed, the case's
handler, the project's responsible department); its *last action* is the newest entry of the
street's audit trail about it. The monthly roll-up is sent once per street and month, whatever
the number of workers: its ``DifficultRollUp`` row is unique per street and month, written in
the same transaction as the notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from core import validators
from core.clock import local_date
from core.errors import ErrorCode, Refused
from core.i18n import translate
from core.ids import to_global_id
from models.accounts import Membership, Role, User
from models.audit import AuditEntry
from models.cases import Case
from models.columns import column, max_length
from models.outreach import Delegate
from models.projects import Project
from models.scoping import unscoped
from models.station import DifficultMatter, DifficultRollUp, MatterKind, Suggestion
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic, each_in_street
from resolvers.services import Services

TYPE_NAMES = {
    MatterKind.SUGGESTION: "Suggestion",
    MatterKind.CASE: "Case",
    MatterKind.PROJECT: "Project",
}
MODELS: dict[MatterKind, type[Suggestion] | type[Case] | type[Project]] = {
    MatterKind.SUGGESTION: Suggestion,
    MatterKind.CASE: Case,
    MatterKind.PROJECT: Project,
}


def subject_gid(kind: MatterKind, pk: int) -> str:
    return to_global_id(TYPE_NAMES[kind], pk)


async def mark(caller: Caller, kind: MatterKind, subject_id: int, note: str) -> DifficultMatter:
    """Put a matter of the street on the list (marking it again is not an error)."""
    note = validators.text(note, "note", max_length(DifficultMatter, "note"), required=False)
    model = MODELS[kind]
    if not await model.filter(id=subject_id).exists():
        raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "subjectId")
    found = await DifficultMatter.filter(kind=kind, subject_id=subject_id).first()
    if found is not None:
        return found
    try:
        async with changing(caller.services, caller.user) as change:
            row = await DifficultMatter.create(
                tenant_id=change.street_id,
                kind=kind,
                subject_id=subject_id,
                note=note,
                marked_by_id=caller.user.id,
                marked_at=change.at,
            )
            await change.record(
                "difficult.marked",
                subject_gid(kind, subject_id),
                {"kind": kind.value, "note": note},
            )
    except IntegrityError:
        row = await DifficultMatter.get(kind=kind, subject_id=subject_id)
    return row


async def resolve(caller: Caller, pk: int) -> DifficultMatter:
    async with changing(caller.services, caller.user) as change:
        row = await DifficultMatter.filter(id=pk).select_for_update().first()
        if row is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "id")
        if row.resolved_at is None:
            row.resolved_at = change.at
            await row.save(update_fields=["resolved_at"])
            await change.record("difficult.resolved", subject_gid(row.kind, row.subject_id), {})
    return row


def listed(open_only: bool) -> QuerySet[DifficultMatter]:
    query = DifficultMatter.all()
    return query.filter(resolved_at=None) if open_only else query


@dataclass(frozen=True)
class MatterView:
    """A listed matter as shown: its title, since when, who owns it, its last action."""

    title: str
    since: datetime
    owner: str
    last_action: str
    last_action_at: datetime | None


class Marked(Protocol):
    """A matter put on a list: a difficult matter, or a key matter (重点事, ``watch.py``)."""

    kind: MatterKind
    subject_id: int
    marked_at: datetime


async def views_of(matters: Sequence[Marked]) -> list[MatterView]:
    """Each matter's view (a batch for the loader: a few statements per kind, whatever the
    number of matters)."""
    ids: dict[MatterKind, list[int]] = {kind: [] for kind in MatterKind}
    for row in matters:
        ids[row.kind].append(row.subject_id)
    found: dict[tuple[MatterKind, int], tuple[str, datetime, str]] = {}
    suggestions = await Suggestion.filter(id__in=ids[MatterKind.SUGGESTION])
    names = {
        d.id: d.name
        for d in await Delegate.filter(id__in=list({s.delegate_id for s in suggestions}))
    }
    for s in suggestions:
        found[MatterKind.SUGGESTION, s.id] = (
            s.text[:50],
            s.received_at,
            names.get(s.delegate_id, ""),
        )
    cases = await Case.filter(id__in=ids[MatterKind.CASE])
    users = {
        u.id: u.display_name or u.username
        for u in await User.filter(id__in=list({c.handler_id for c in cases if c.handler_id}))
    }
    for c in cases:
        owner = users.get(c.handler_id, "") if c.handler_id else ""
        found[MatterKind.CASE, c.id] = (c.title, c.reported_at, owner)
    for p in await Project.filter(id__in=ids[MatterKind.PROJECT]):
        found[MatterKind.PROJECT, p.id] = (p.title, p.created_at, p.department)
    subjects = [subject_gid(row.kind, row.subject_id) for row in matters]
    latest: dict[str, tuple[str, datetime]] = {}
    for subject, action, at in (
        await AuditEntry.filter(subject__in=subjects)
        .order_by("at", "id")
        .values_list("subject", "action", "at")
    ):
        latest[str(subject)] = (str(action), at)
    views = []
    for row, subject in zip(matters, subjects, strict=True):
        title, since, owner = found.get((row.kind, row.subject_id), ("", row.marked_at, ""))
        action, at = latest.get(subject, ("", None))
        views.append(MatterView(title, since, owner, action, at))
    return views


# -- the monthly roll-up ----------------------------------------------------------------------


def month_of(at: datetime) -> str:
    return local_date(at).strftime("%Y-%m")


async def roll_up_street(services: Services, street_id: int) -> int:
    """This month's roll-up for the current street, once (1 when this call sent it)."""
    month = month_of(services.clock.now())
    if await DifficultRollUp.exists(month=month):
        return 0
    try:
        async with changing(services, None) as change:
            open_count = await DifficultMatter.filter(resolved_at=None).count()
            await DifficultRollUp.create(
                tenant_id=change.street_id, month=month, open_count=open_count, sent_at=change.at
            )
            leaders = await column(
                Membership.filter(role=Role.STREET_LEADER).distinct(), "user_id", int
            )
            await change.audit(
                "difficult.rolled_up",
                f"Street:{change.street_id}",
                {"month": month, "open": open_count},
            )
            await notify(
                change,
                leaders,
                "difficult.roll_up",
                translate("station.roll_up_title", month=month),
                translate("station.roll_up_body", open=open_count),
            )
    except IntegrityError:
        return 0  # another worker sent it
    return 1


async def roll_up(services: Services) -> int:
    """The month's roll-up of every street with difficult matters open, street by street,
    each in its own boundary."""
    with unscoped("the monthly roll-up serves every street"):
        open_matters = DifficultMatter.filter(resolved_at=None).distinct()
        streets = sorted(set(await column(open_matters, "tenant_id", int)))
    return await each_in_street(
        "difficult roll-up",
        [(sid, sid) for sid in streets],
        lambda sid: roll_up_street(services, sid),
    )


def roll_up_task(services: Services, seconds: float) -> Periodic:
    return Periodic("station-difficult-roll-up", lambda: roll_up(services), seconds)
