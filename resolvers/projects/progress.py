"""Milestones, progress and progress updates (里程碑、进度、进展).

Progress is derived from milestones (done weight over total weight) each time one is added or
completed, unless set by hand with a reason; the next milestone change derives it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core import validators
from core.errors import ErrorCode, Refused
from models.columns import max_length
from models.projects import (
    NO_DUE_DATE,
    Milestone,
    ProgressSource,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Publication,
)
from resolvers import publishing
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.projects.common import Snapshot, project_gid, require_project, today
from resolvers.projects.publication import PROGRESS_POST, posted_event
from resolvers.projects.uploads import UploadLike, staged
from resolvers.services import Services
from tenants.scoping import get_in_street

CLOSED = frozenset({ProjectStatus.ACCEPTED, ProjectStatus.REJECTED})
MAX_WEIGHT = 100


def check_open(project: Project) -> None:
    if project.status in CLOSED:
        raise Refused(
            ErrorCode.BAD_USER_INPUT, "project.not_active", "projectId", status=project.status.value
        )


async def derive(project: Project) -> None:
    """Recompute progress and the next due date from the project's milestones (unsaved)."""
    rows = await Milestone.filter(project_id=project.id).values_list(
        "weight", "done_date", "planned_date"
    )
    total = sum(weight for weight, _, _ in rows)
    done = sum(weight for weight, done_on, _ in rows if done_on is not None)
    project.progress = (100 * done) // total if total else 0
    project.progress_source = ProgressSource.MILESTONES
    project.progress_reason = ""
    open_dates = [planned for _, done_on, planned in rows if done_on is None]
    project.next_due = min(open_dates) if open_dates else NO_DUE_DATE


async def _save_progress(services: Services, change: Change, project: Project, **extra: object):
    project.updated_at = change.at
    await project.save(
        update_fields=["progress", "progress_source", "progress_reason", "next_due", "updated_at"]
    )
    await change.event(
        "project.progress_changed",
        project_gid(project.id),
        Snapshot(project).payload(services, **extra),
    )


async def add_milestone(
    caller: Caller,
    project_id: int,
    title: str,
    planned_date: date,
    weight: int,
) -> Milestone:
    services, actor = caller.services, caller.user
    title = validators.text(title, "title", max_length(Milestone, "title"))
    validators.in_range(weight, 1, MAX_WEIGHT, "weight", "project.range")
    async with changing(services, actor) as change:
        project = await require_project(project_id, for_update=True)
        check_open(project)
        if planned_date < project.planned_start:
            raise Refused(
                ErrorCode.BAD_USER_INPUT,
                "project.milestone_before_start",
                "plannedDate",
                start=project.planned_start.isoformat(),
            )
        milestone = await Milestone.create(
            project_id=project.id,
            title=title,
            planned_date=planned_date,
            weight=weight,
            created_at=change.at,
        )
        await derive(project)
        await change.audit(
            "project.milestone_added",
            project_gid(project.id),
            {
                "milestone": milestone.id,
                "title": title,
                "plannedDate": planned_date.isoformat(),
                "weight": weight,
            },
        )
        await _save_progress(services, change, project, milestone=milestone.id, kind="added")
    return milestone


async def complete_milestone(caller: Caller, milestone_id: int, done_on: date | None) -> Milestone:
    services, actor = caller.services, caller.user
    done_on = done_on or today(services)
    async with changing(services, actor) as change:
        milestone = await get_in_street(Milestone, milestone_id, for_update=True)
        project = await require_project(milestone.project_id, for_update=True)
        check_open(project)
        if milestone.done_date is not None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "project.milestone_done", "milestoneId")
        if done_on < project.planned_start:
            raise Refused(
                ErrorCode.BAD_USER_INPUT,
                "project.milestone_before_start",
                "doneDate",
                start=project.planned_start.isoformat(),
            )
        milestone.done_date = done_on
        await milestone.save(update_fields=["done_date"])
        await derive(project)
        await change.audit(
            "project.milestone_completed",
            project_gid(project.id),
            {"milestone": milestone.id, "doneDate": done_on.isoformat()},
        )
        await _save_progress(services, change, project, milestone=milestone.id, kind="completed")
    return milestone


async def set_progress(caller: Caller, project_id: int, percent: int, reason: str) -> Project:
    services, actor = caller.services, caller.user
    validators.in_range(percent, 0, 100, "percent", "project.range")
    if not reason.strip():
        raise Refused(ErrorCode.BAD_USER_INPUT, "project.reason_required", "reason")
    async with changing(services, actor) as change:
        project = await require_project(project_id, for_update=True)
        check_open(project)
        before = project.progress
        project.progress = percent
        project.progress_source = ProgressSource.MANUAL
        project.progress_reason = reason.strip()
        await change.audit(
            "project.progress_set",
            project_gid(project.id),
            {"from": before, "to": percent, "reason": project.progress_reason},
        )
        await _save_progress(services, change, project, kind="manual")
    return project


async def post_update(
    caller: Caller,
    project_id: int,
    body: str,
    photos: Sequence[UploadLike],
) -> ProgressUpdate:
    """A progress report with photos: files land on disk only once the rows are committed. It
    passes the street's review queue (``resolvers/projects/publication.py``) and is public at
    once or, matching the watch list, once approved."""
    services, actor = caller.services, caller.user
    body = validators.text(body, "body", max_length(ProgressUpdate, "body"))
    project = await require_project(project_id)
    check_open(project)
    async with staged(services, project.tenant_id, photos, "photos") as staging:
        async with changing(services, actor) as change:
            update = await ProgressUpdate.create(
                project_id=project.id, author_id=actor.id, body=body, created_at=change.at
            )
            for staged_file in staging.files:
                await staged_file.photo(
                    change.street_id, project.id, change.at, update_id=update.id
                ).save()
            await change.audit(
                "project.update_posted",
                project_gid(project.id),
                {
                    "update": update.id,
                    "body": body,
                    "photos": [f.sha256 for f in staging.files],
                },
            )
            about = publishing.About(matters=(project_gid(project.id),))
            if await publishing.submit(change, PROGRESS_POST, update.id, body, actor.id, about):
                await posted_event(change, update, len(staging.files))
            else:
                update.publication = Publication.IN_REVIEW
                await update.save(update_fields=["publication"])
        staging.commit()
    return update
