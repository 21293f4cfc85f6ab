"""What every part of the projects domain shares: finding a project, lateness, snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.clock import local_date
from core.ids import to_global_id
from models.projects import NO_DUE_DATE, Project, ProjectStatus
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services
from tenants.scoping import get_in_street

# Lateness is only meaningful while the work is planned or under way.
ACTIVE = frozenset({ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS})


class Lateness(StrEnum):
    ON_TIME = "ON_TIME"
    YELLOW = "YELLOW"  # a milestone is due within the configured days (黄灯)
    RED = "RED"  # a milestone passed its planned date undone (红灯)


def project_gid(project_id: int) -> str:
    return to_global_id("Project", project_id)


def today(services: Services) -> date:
    return local_date(services.clock.now())


def lateness_of(status: ProjectStatus, next_due: date, on: date, yellow_days: int) -> Lateness:
    if status not in ACTIVE or next_due == NO_DUE_DATE:
        return Lateness.ON_TIME
    if next_due < on:
        return Lateness.RED
    if next_due <= on + timedelta(days=yellow_days):
        return Lateness.YELLOW
    return Lateness.ON_TIME


def project_lateness(services: Services, project: Project) -> Lateness:
    return lateness_of(
        project.status,
        project.next_due,
        today(services),
        services.settings.section(ProjectSettings).project_yellow_days,
    )


async def require_project(project_id: int, *, for_update: bool = False) -> Project:
    """A project of the current street, or NOT_FOUND (another street's ID included)."""
    return await get_in_street(Project, project_id, for_update=for_update)


@dataclass(frozen=True)
class Snapshot:
    """What live views show of a project after a change (no personal data)."""

    project: Project

    def payload(self, services: Services, **extra: object) -> dict[str, object]:
        p = self.project
        return {
            "project": project_gid(p.id),
            "title": p.title,
            "status": p.status.value,
            "progress": p.progress,
            "lateness": project_lateness(services, p).value,
            "budget": str(p.budget),
            "spent": str(p.spent),
            **extra,
        }
