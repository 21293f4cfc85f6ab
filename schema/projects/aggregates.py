"""Aggregates for big screens and live events of projects: no personal data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from schema.projects.enums import ProjectStatus


@strawberry.type(description="How many projects have one status.")
class StatusCount:
    status: ProjectStatus
    count: int


@strawberry.type(description="Per-street totals of livelihood projects (一屏), no personal data.")
class ProjectTotals:
    by_status: list[StatusCount]
    budget: Decimal = strawberry.field(description="Sum of budgets.")
    spent: Decimal = strawberry.field(description="Sum of disbursements.")
    over_budget_count: int
    active_count: int = strawberry.field(description="Approved or running projects.")
    yellow_count: int
    red_count: int
    on_time_share: float | None = strawberry.field(
        description="Share of active projects that are not RED (0–1); none without active ones."
    )
    open_opinion_count: int
    overdue_opinion_count: int
    rating_count: int
    average_satisfaction: float | None


@strawberry.type(
    description="A change of a project, as pushed live: `cursor` is its place in the street's "
    "stream; pass the last one seen as `after` to resume."
)
class ProjectEvent:
    cursor: str
    type: str = strawberry.field(
        description="e.g. `project.progress_changed`, `project.disbursed`."
    )
    project_id: strawberry.ID
    occurred_at: datetime
    payload: strawberry.scalars.JSON = strawberry.field(
        description="Status, progress, lateness, budget and spent after the change, and what "
        "changed; never a person."
    )
