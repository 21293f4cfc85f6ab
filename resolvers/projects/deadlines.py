"""Deadline warnings (黄灯提醒、红灯告警): once each, with any number of workers.

A milestone of an approved or running project turns yellow when its planned date is within
``project_yellow_days`` of today, red once the date has passed undone. The handler and their
leader get a notification for each colour, once: a warning is claimed by raising the
milestone's ``warned_level`` with a conditional update (``… WHERE warned_level < level``), in
the same transaction as the notification, so of several workers scanning at once exactly one
sends it. ``scan_deadlines`` is what the scanner task runs; tests call it directly.
"""

from __future__ import annotations

from datetime import timedelta

from core.i18n import translate
from models.projects import Milestone, Project
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic, each_in_street
from resolvers.projects.common import ACTIVE, Snapshot, project_gid, today
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services
from tenants.scoping import unscoped

YELLOW = 1
RED = 2
LEVEL_NAMES = {YELLOW: "yellow", RED: "red"}


async def scan_deadlines(services: Services) -> int:
    """Send every warning that is due and not yet sent; returns how many this call sent."""
    on = today(services)
    horizon = on + timedelta(days=services.settings.section(ProjectSettings).project_yellow_days)
    with unscoped("the deadline scanner serves every street"):
        due = Milestone.filter(done_date=None, project__status__in=list(ACTIVE))
        # IDs only: the scan reads nothing a poison row could break (each step reads its row).
        red = await due.filter(planned_date__lt=on, warned_level__lt=RED).values_list(
            "id", "tenant_id"
        )
        yellow = await due.filter(
            planned_date__gte=on, planned_date__lte=horizon, warned_level__lt=YELLOW
        ).values_list("id", "tenant_id")
    sent = await each_in_street("red deadline", red, lambda mid: _warn(services, mid, RED))
    sent += await each_in_street(
        "yellow deadline", yellow, lambda mid: _warn(services, mid, YELLOW)
    )
    return sent


async def _warn(services: Services, milestone_id: int, level: int) -> int:
    async with changing(services, None) as change:
        claimed = await Milestone.filter(
            id=milestone_id, warned_level__lt=level, done_date=None
        ).update(warned_level=level)
        if not claimed:
            return 0  # another worker sent it, or the milestone was just completed
        milestone = await Milestone.get(id=milestone_id)
        project = await Project.get(id=milestone.project_id)
        name = LEVEL_NAMES[level]
        subject = project_gid(project.id)
        detail = {"milestone": milestone.id, "level": name.upper()}
        await change.audit("project.deadline_warned", subject, detail)
        await change.event(
            "project.deadline_warned", subject, Snapshot(project).payload(services, **detail)
        )
        recipients = [uid for uid in (project.handler_id, project.leader_id) if uid is not None]
        if recipients:
            await notify(
                change,
                recipients,
                f"deadline.{name}",
                translate(
                    "project.deadline_title",
                    project=project.title,
                    milestone=milestone.title,
                    level=translate(f"project.deadline_{name}"),
                ),
                translate("project.deadline_body", planned=milestone.planned_date.isoformat()),
                subject,
            )
    return 1


def deadline_scanner(services: Services) -> Periodic:
    """The background task of each worker that runs ``scan_deadlines``."""
    return Periodic(
        "deadline-scanner",
        lambda: scan_deadlines(services),
        services.settings.section(ProjectSettings).deadline_scan_seconds,
    )
