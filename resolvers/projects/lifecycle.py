"""Creating projects and moving them through their lifecycle (立项 → 票决 → 实施 → 验收).

Each mutation has its own table of allowed transitions: leaders and administrators
(``project:manage``) steer the whole lifecycle; the department (``project:progress``) only
starts approved work and reports it complete. Anything else is ``INVALID_TRANSITION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core import validators
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.accounts import Membership, Role
from models.columns import column, max_length
from models.projects import Follow, Project, ProjectStatus, SourceKind
from models.tenancy import Community
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.projects.common import Snapshot, project_gid, require_project

S = ProjectStatus
MANAGE_TRANSITIONS: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    S.PROPOSED: frozenset({S.CANDIDATE, S.REJECTED}),
    S.CANDIDATE: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.IN_PROGRESS, S.SUSPENDED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.SUSPENDED}),
    S.COMPLETED: frozenset({S.ACCEPTED, S.IN_PROGRESS}),
    S.SUSPENDED: frozenset({S.IN_PROGRESS}),
}
PROGRESS_TRANSITIONS: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    S.APPROVED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.COMPLETED}),
}
# Going backwards or stopping is explained.
NEEDS_REASON = frozenset({(S.COMPLETED, S.IN_PROGRESS)}) | {
    (a, b) for a in S for b in (S.REJECTED, S.SUSPENDED)
}
STAFF_ROLES = frozenset(
    {Role.STREET_DEPARTMENT, Role.STREET_LEADER, Role.STREET_ADMIN, Role.STREET_REVIEWER}
)


@dataclass(frozen=True)
class NewProject:
    title: str
    description: str
    category: str
    department: str
    planned_start: date
    planned_end: date
    budget: str
    community_id: int | None = None
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    handler_id: int | None = None
    leader_id: int | None = None
    source_kind: SourceKind | None = None
    source_ref: str = ""


async def _staff(user_id: int | None, field: str) -> int | None:
    if user_id is None:
        return None
    if not await Membership.exists(user_id=user_id, role__in=list(STAFF_ROLES)):
        raise Refused(ErrorCode.NOT_FOUND, "project.user_not_staff", field)
    return user_id


def _check_location(lon: float | None, lat: float | None) -> None:
    if lon is None and lat is None:
        return
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Refused(ErrorCode.BAD_USER_INPUT, "project.location", "location")


async def _checked(new: NewProject) -> dict[str, Any]:
    """The project's own fields from a new or edited project, or a typed error."""
    title = validators.text(new.title, "title", max_length(Project, "title"))
    category = validators.text(new.category, "category", max_length(Project, "category"))
    department = validators.text(new.department, "department", max_length(Project, "department"))
    budget = validators.amount(new.budget, "budget")
    validators.in_order(new.planned_start, new.planned_end, "plannedEnd", "project.dates_order")
    _check_location(new.longitude, new.latitude)
    address = validators.text(
        new.address, "address", max_length(Project, "address"), required=False
    )
    if new.community_id is not None and not await Community.exists(id=new.community_id):
        raise Refused(ErrorCode.NOT_FOUND, "input.community_not_found", "communityId")
    return {
        "title": title,
        "description": new.description.strip(),
        "category": category,
        "community_id": new.community_id,
        "address": address,
        "longitude": new.longitude,
        "latitude": new.latitude,
        "department": department,
        "handler_id": await _staff(new.handler_id, "handlerId"),
        "leader_id": await _staff(new.leader_id, "leaderId"),
        "planned_start": new.planned_start,
        "planned_end": new.planned_end,
        "budget": budget,
    }


async def create_project(caller: Caller, new: NewProject) -> Project:
    """A PROPOSED project; with a source it keeps the link to the matter it was promoted from."""
    services, actor = caller.services, caller.user
    checked = await _checked(new)
    if new.source_kind is not None:
        validators.text(new.source_ref, "source.reference", max_length(Project, "source_ref"))
    now = services.clock.now()
    async with changing(services, actor) as change:
        project = await Project.create(
            **checked,
            source_kind=new.source_kind,
            source_ref=new.source_ref.strip() if new.source_kind else "",
            created_at=now,
            updated_at=now,
        )
        source = (
            {"kind": new.source_kind.value, "reference": project.source_ref}
            if new.source_kind
            else None
        )
        await change.audit(
            "project.created",
            project_gid(project.id),
            {"title": project.title, "budget": str(project.budget), "source": source},
        )
        await change.event(
            "project.created", project_gid(project.id), Snapshot(project).payload(services)
        )
    return project


# Once representatives have voted on a project, changing it is explained (调整说明).
EXPLAINED_FROM = frozenset({S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.SUSPENDED})
NOT_EDITABLE = frozenset({S.ACCEPTED, S.REJECTED})


def _plain(value: object) -> object:
    return str(value) if value is not None and not isinstance(value, int | float | str) else value


async def update_project(caller: Caller, project_id: int, new: NewProject, reason: str) -> Project:
    """Edit a project's details (title, department, dates, budget, people, place). After the
    vote, a reason is required; accepted or rejected projects are closed records."""
    services, actor = caller.services, caller.user
    checked = await _checked(new)
    reason = reason.strip()
    async with changing(services, actor) as change:
        project = await require_project(project_id, for_update=True)
        if project.status in NOT_EDITABLE:
            raise Refused(
                ErrorCode.INVALID_TRANSITION,
                "project.not_editable",
                "projectId",
                status=project.status.value,
            )
        if project.status in EXPLAINED_FROM and not reason:
            raise Refused(ErrorCode.BAD_USER_INPUT, "project.reason_required", "reason")
        changed = {
            name: [_plain(getattr(project, name)), _plain(value)]
            for name, value in checked.items()
            if getattr(project, name) != value
        }
        if not changed:
            return project
        project.update_from_dict({**checked, "updated_at": change.at})
        await project.save(update_fields=[*checked, "updated_at"])
        subject = project_gid(project.id)
        await change.audit("project.updated", subject, {"changed": changed, "reason": reason})
        await change.event(
            "project.updated",
            subject,
            Snapshot(project).payload(services, changed=sorted(changed)),
        )
    return project


async def change_status(
    caller: Caller,
    project_id: int,
    to: ProjectStatus,
    reason: str,
    allowed: dict[ProjectStatus, frozenset[ProjectStatus]],
) -> Project:
    """Move a project along one allowed transition of the caller's table, recorded."""
    services, actor = caller.services, caller.user
    reason = reason.strip()
    async with changing(services, actor) as change:
        project = await require_project(project_id, for_update=True)
        before = project.status
        if to not in allowed.get(before, frozenset()):
            raise Refused(
                ErrorCode.INVALID_TRANSITION,
                "project.invalid_transition",
                "to",
                from_status=before.value,
                to_status=to.value,
            )
        if (before, to) in NEEDS_REASON and not reason:
            raise Refused(ErrorCode.BAD_USER_INPUT, "project.reason_required", "reason")
        await apply_status(change, project, to, reason)
    return project


async def apply_status(change: Change, project: Project, to: ProjectStatus, reason: str) -> None:
    """Record a checked move of a locked project within ``change``, and tell its followers.
    A vote's publication calls this for every project it approved."""
    services = change.services
    before = project.status
    project.status = to
    project.updated_at = change.at
    await project.save(update_fields=["status", "updated_at"])
    subject = project_gid(project.id)
    await change.audit(
        "project.status_changed",
        subject,
        {"from": before.value, "to": to.value, "reason": reason},
    )
    await change.event(
        "project.status_changed",
        subject,
        Snapshot(project).payload(services, previousStatus=before.value),
    )
    followers = await column(Follow.filter(project_id=project.id), "user_id", int)
    if followers:
        await notify(
            change,
            followers,
            "project.status",
            translate("project.status_title", project=project.title, status=to.value),
            reason,
            subject,
        )
