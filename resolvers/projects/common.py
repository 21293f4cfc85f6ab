"""What every part of the projects domain shares: finding a project, checking input, lateness."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from core.clock import local_date
from core.errors import ErrorCode, ProblemError, problem
from core.ids import to_global_id
from models.projects import NO_DUE_DATE, Project, ProjectStatus
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services
from tenants.registry import check_name
from tenants.scoping import get_in_street

MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
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


def fail(code: StrEnum, key: str, field: str | None = None, **params: object) -> ProblemError:
    return ProblemError(problem(code, key, field, **params))


def check_text(value: str, field: str, max_length: int = 200) -> str:
    if found := check_name(value, field, max_length):
        raise ProblemError(found)
    return value.strip()


def parse_amount(raw: str, field: str) -> Decimal:
    """A positive amount of money with at most two decimals; anything else is refused."""
    text = (raw or "").strip()
    try:
        if not _AMOUNT_RE.match(text):
            raise InvalidOperation(text)
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise fail(ErrorCode.BAD_USER_INPUT, "project.amount_format", field) from exc
    if amount <= 0 or amount > MAX_AMOUNT:
        raise fail(ErrorCode.BAD_USER_INPUT, "project.amount_format", field)
    return amount


def check_range(value: int, low: int, high: int, field: str) -> int:
    if not low <= value <= high:
        raise fail(ErrorCode.BAD_USER_INPUT, "project.range", field, min=low, max=high)
    return value


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
