"""A street's rules for cases: what it starts with, its SLA table (时限) and closure levels.

A new street starts with the ten categories of the district platform, default settings, an SLA
row for every level × urgency and the closure levels "small matters stay in the grid, big ones
in the street" (``start_street``). A street without a row for some level × urgency (one made
before this domain) falls back to ``DEFAULT_DAYS``, so a deadline is always defined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core import workdays as calendar
from models.cases import (
    DEFAULT_CATEGORIES,
    Case,
    CaseCategory,
    CaseLevel,
    CaseSettings,
    ClosureRule,
    DeadlineRule,
    Urgency,
)
from models.sql import Statement
from models.tenancy import Street
from resolvers.demo import DemoStreetData
from tenants.scoping import street_scope

# (working days to sign, working days to resolve) by urgency, at every level: seed 002's
# five-day target for ordinary matters.
DEFAULT_DAYS: dict[Urgency, tuple[int, int]] = {
    Urgency.ORDINARY: (1, 5),
    Urgency.IMPORTANT: (1, 3),
    Urgency.URGENT: (1, 1),
}
# 小事不出网格，大事不出街道: the lowest level that may resolve a case of each urgency.
DEFAULT_LOWEST: dict[Urgency, CaseLevel] = {
    Urgency.ORDINARY: CaseLevel.GRID,
    Urgency.IMPORTANT: CaseLevel.COMMUNITY,
    Urgency.URGENT: CaseLevel.STREET,
}
DEFAULT_YELLOW_PERCENT = 80
DEFAULT_MAX_ROUNDS = 3


async def start_street(conn: BaseDBAsyncClient, street: Street) -> dict[str, Any]:
    """What a new street starts with in the cases domain (editable afterwards)."""
    await CaseCategory.bulk_create(
        [
            CaseCategory(tenant=street, code=code, name=name, kind=kind, sort_order=position)
            for position, (code, name, kind) in enumerate(DEFAULT_CATEGORIES, start=1)
        ],
        using_db=conn,
    )
    await CaseSettings.create(tenant=street, using_db=conn)
    await DeadlineRule.bulk_create(
        [
            DeadlineRule(
                tenant=street, level=level, urgency=urgency, sign_days=sign, resolve_days=resolve
            )
            for level in CaseLevel
            for urgency, (sign, resolve) in DEFAULT_DAYS.items()
        ],
        using_db=conn,
    )
    await ClosureRule.bulk_create(
        [
            ClosureRule(tenant=street, urgency=urgency, lowest_level=level)
            for urgency, level in DEFAULT_LOWEST.items()
        ],
        using_db=conn,
    )
    return {"caseCategories": [code for code, _, _ in DEFAULT_CATEGORIES]}


@dataclass(frozen=True)
class StreetRules:
    yellow_percent: int = DEFAULT_YELLOW_PERCENT
    require_grid: bool = False
    max_rounds: int = DEFAULT_MAX_ROUNDS


async def street_rules() -> StreetRules:
    """The current street's settings (the defaults when it has none)."""
    row = await CaseSettings.first()
    if row is None:
        return StreetRules()
    return StreetRules(row.yellow_percent, row.require_grid, row.max_rounds)


@dataclass(frozen=True)
class ReportRules:
    """What a new report of one category and urgency needs of the street's rules: its settings
    and the SLA rows of the levels a report may start at (grid, street)."""

    rules: StreetRules
    deadline_rows: tuple[tuple[int, int | None, int, int], ...]  # level, category, sign, resolve

    def days(self, level: CaseLevel, urgency: Urgency, category_id: int) -> tuple[int, int]:
        rows = [(c, sign, resolve) for lv, c, sign, resolve in self.deadline_rows if lv == level]
        return days_of(rows, urgency, category_id)


ENTRY_LEVELS = (CaseLevel.GRID, CaseLevel.STREET)
# An active category of the street with the street's settings and those SLA rows beside it: a
# report's first read, one statement.
_REPORT_RULES = Statement(
    'SELECT c."id", s."yellow_percent", s."require_grid", s."max_rounds", r."level", '
    'r."category_id" AS "rule_category", r."sign_days", r."resolve_days" '
    'FROM "case_category" c LEFT JOIN "case_settings" s ON s."tenant_id" = c."tenant_id" '
    'LEFT JOIN "case_deadline_rule" r ON r."tenant_id" = c."tenant_id" '
    'AND r."urgency" = :urgency AND r."level" IN (:levels) '
    'WHERE c."id" = :category AND c."tenant_id" = :street AND c."active" = :active'
)


async def report_rules(category_id: int, urgency: Urgency) -> ReportRules | None:
    """The rules a new report follows (``ReportRules``) when ``category_id`` is one of the
    street's active categories, else None."""
    rows = await _REPORT_RULES.fetch(
        category=category_id,
        urgency=urgency.value,
        levels=[level.value for level in ENTRY_LEVELS],
        active=True,
    )
    if not rows:
        return None
    first = rows[0]
    settings = (
        StreetRules()
        if first["yellow_percent"] is None
        else StreetRules(
            int(first["yellow_percent"]), bool(first["require_grid"]), int(first["max_rounds"])
        )
    )
    deadline_rows = tuple(
        (int(r["level"]), r["rule_category"], int(r["sign_days"]), int(r["resolve_days"]))
        for r in rows
        if r["level"] is not None
    )
    return ReportRules(settings, deadline_rows)


async def days_for(level: CaseLevel, urgency: Urgency, category_id: int) -> tuple[int, int]:
    """(sign, resolve) working days: the category's own row, else the level × urgency row."""
    rows = await DeadlineRule.filter(level=level, urgency=urgency).values_list(
        "category_id", "sign_days", "resolve_days"
    )
    return days_of(rows, urgency, category_id)


def days_of(
    rows: Iterable[tuple[int | None, int, int]], urgency: Urgency, category_id: int
) -> tuple[int, int]:
    """``days_for`` over the level × urgency rows already read, as (category, sign, resolve)."""
    general = None
    for category, sign, resolve in rows:
        if category == category_id:
            return sign, resolve
        if category is None:
            general = (sign, resolve)
    return general or DEFAULT_DAYS[urgency]


async def lowest_level(urgency: Urgency, category_id: int) -> CaseLevel:
    """The lowest level that may resolve such a case: the most specific rule wins (category
    and urgency, then category, then urgency); GRID when no rule says otherwise."""
    rows = await ClosureRule.filter().values_list("urgency", "category_id", "lowest_level")
    best: tuple[int, CaseLevel] | None = None
    for rule_urgency, rule_category, level in rows:
        if rule_urgency not in (None, urgency) or rule_category not in (None, category_id):
            continue
        rank = (2 if rule_category is not None else 0) + (1 if rule_urgency is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, CaseLevel(level))
    return best[1] if best else CaseLevel.GRID


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: datetime
    due_at: datetime
    yellow_at: datetime


def plan(at: datetime, days: tuple[int, int], yellow_percent: int) -> Deadlines:
    """The deadlines of a stint that starts at ``at`` (pure: tests read it directly)."""
    sign, resolve = days
    due = calendar.deadline(at, resolve)
    return Deadlines(
        sign_due_at=calendar.deadline(at, sign),
        due_at=due,
        yellow_at=calendar.share_of(at, due, yellow_percent),
    )


async def new_stint(
    case: Case,
    level: CaseLevel,
    at: datetime,
    rules: StreetRules | None = None,
    days: tuple[int, int] | None = None,
) -> Deadlines:
    """Start a new handling stint of ``case`` at ``level`` (unsaved): new deadlines, the warning
    counter back to none. Raises ``CALENDAR_RANGE`` beyond the holiday calendar. ``rules`` and
    ``days``: the street's settings and the stint's SLA when the caller has read them already
    (read once per request)."""
    if rules is None:
        rules = await street_rules()
    if days is None:
        days = await days_for(level, case.urgency, case.category_id)
    found = plan(at, days, rules.yellow_percent)
    case.level = level
    case.arrived_at = at
    case.signed_at = None
    case.sign_due_at = found.sign_due_at
    case.due_at = found.due_at
    case.yellow_at = found.yellow_at
    case.warned_level = 0
    case.stint = (case.stint or 0) + 1
    return found


async def ensure_street_rules(street: Street) -> None:
    """Give a street made before this domain (or by the demo, which makes streets without the
    new-street hooks) what a new street starts with; nothing when it has it. Idempotent."""
    if await CaseSettings.filter(tenant_id=street.id).exists():
        return
    async with in_transaction() as conn:
        await start_street(conn, street)


async def load_case_rules_demo(data: DemoStreetData) -> None:
    """The cases domain's part of a demo street: its starting rules (categories, SLA table,
    closure levels, settings)."""
    with street_scope(data.street.id):
        await ensure_street_rules(data.street)
