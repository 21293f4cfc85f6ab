"""Figures of cases (民情数据) per grid, community, street and district: no case, no person.

The figures are those of the cases *received* in a period (reported from one local date to
another, both included), as they stand now:

* ``received`` (受理), ``resolved`` (办结: resolved or closed) and the resolution rate;
* ``resolved at source`` (源头化解: resolved at the grid or the community) and its share of
  the resolved ones;
* ``on time`` (按时办结: resolved within the deadline of the level that resolved them) and its
  share of the resolved ones; the average handling time, from report to resolution;
* the satisfaction rate (满意率: satisfied or basically satisfied, of the rated ones);
* ``open``, ``overdue`` (open past the current deadline) and ``re-reported`` (二次上报 or more);
* the hot categories (热点类别: the most reported), and a hot-spot map (热点图: the located
  cases counted per map cell, as GeoJSON points at the cells' centres).

Everything is aggregated in SQL, one statement per kind of answer whatever the number of units:
one for the figures of every grid (or community, or street) asked, one for their hot categories,
one for the map. A district roll-up (区级汇总) reads its streets in ``streets_scope``: the
district's figures are the sums of its streets' (every figure is a sum, every rate a quotient
of sums).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import geojson
from tortoise import connections

from core.clock import local_date
from core.periods import Period
from core.validators import in_order, in_range
from models.cases import Case, CaseLevel, CaseState
from models.sql import Statement

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
TOP_CATEGORIES = 5
MAX_TOP = 20
DEFAULT_CELL_METRES = 200
METRES_PER_DEGREE = 111_320.0  # of latitude; the cells are as many degrees wide as high
MAX_CELLS = 500

_DONE = (CaseState.RESOLVED.value, CaseState.CLOSED.value)
_OPEN = (CaseState.PENDING.value, CaseState.HANDLING.value)
_AT_SOURCE = (CaseLevel.GRID.value, CaseLevel.COMMUNITY.value)
_CONTENT = ("SATISFIED", "BASICALLY_SATISFIED")


class Unit(StrEnum):
    """What the figures are of (统计单元)."""

    GRID = "GRID"  # 网格
    COMMUNITY = "COMMUNITY"  # 社区
    STREET = "STREET"  # 街道 (a district's figures are its streets')


# The unit's own table, how its rows name their street, and the case column that names it.
_UNITS: dict[Unit, tuple[str, str, str]] = {
    Unit.GRID: ("grid", "tenant_id", "grid_id"),
    Unit.COMMUNITY: ("community", "tenant_id", "community_id"),
    Unit.STREET: ("street", "id", "tenant_id"),
}


def period_of(first_day: date | None, last_day: date | None, now: datetime) -> Period:
    """The period asked: by default the last 30 days up to today (local dates); at most three
    years."""
    last = last_day or local_date(now)
    first = first_day or last - timedelta(days=DEFAULT_DAYS - 1)
    in_order(first, last, "lastDay", "case_figures.period_order")
    in_range((last - first).days + 1, 1, MAX_DAYS, "lastDay", "case_figures.period_too_long")
    return Period(first, last)


@dataclass(frozen=True)
class Figures:
    """The figures of one unit (a grid, a community, a street, or a district's sum)."""

    unit: Unit
    unit_id: int | None
    name: str = ""
    received: int = 0
    resolved: int = 0
    at_source: int = 0
    on_time: int = 0
    handling_seconds: float = 0.0
    rated: int = 0
    content: int = 0
    open: int = 0
    overdue: int = 0
    rereported: int = 0
    hot_categories: list[CategoryCount] = field(default_factory=list)

    @property
    def resolution_rate(self) -> float | None:
        return _share(self.resolved, self.received)

    @property
    def at_source_rate(self) -> float | None:
        return _share(self.at_source, self.resolved)

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.content, self.rated)

    @property
    def average_handling_hours(self) -> float | None:
        return round(self.handling_seconds / self.resolved / 3600, 1) if self.resolved else None


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    count: int


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_SUMS = ("received", "resolved", "at_source", "on_time", "rated", "content", "open", "overdue")


def total(figures: Sequence[Figures], unit: Unit, unit_id: int | None, name: str) -> Figures:
    """The sum of several units' figures (a district's, of its streets')."""
    sums = {key: sum(getattr(f, key) for f in figures) for key in (*_SUMS, "rereported")}
    return Figures(
        unit,
        unit_id,
        name,
        handling_seconds=sum(f.handling_seconds for f in figures),
        **sums,
    )


def _seconds(dialect: str) -> str:
    """Seconds from report to resolution, in the dialect's own date arithmetic."""
    if dialect == "postgres":
        return 'EXTRACT(EPOCH FROM (c."resolved_at" - c."reported_at"))'
    return '(julianday(c."resolved_at") - julianday(c."reported_at")) * 86400.0'


def _when(condition: str, value: str = "1") -> str:
    return f"coalesce(sum(CASE WHEN {condition} THEN {value} ELSE 0 END), 0)"


def _figures_statement(unit: Unit, dialect: str, some: bool) -> Statement:
    table, street_column, case_column = _UNITS[unit]
    done = 'c."state" IN (:done)'
    open_ = 'c."state" IN (:open)'
    chosen = ' AND u."id" IN (:units)' if some else ""
    return Statement(
        f'SELECT u."id" AS "unit", u."name" AS "name", count(c."id") AS "received", '
        f'{_when(done)} AS "resolved", '
        f'{_when(done + " AND c.resolved_level IN (:source)")} AS "at_source", '
        f'{_when(done + " AND NOT c.resolved_late")} AS "on_time", '
        f'{_when(done, _seconds(dialect))} AS "handling_seconds", '
        f'{_when("c.satisfaction IS NOT NULL")} AS "rated", '
        f'{_when("c.satisfaction IN (:content)")} AS "content", '
        f'{_when(open_)} AS "open", '
        f'{_when(open_ + " AND c.due_at < :now")} AS "overdue", '
        f'{_when("c.round > 1")} AS "rereported" '
        f'FROM "{table}" u LEFT JOIN "cases" c ON c."{case_column}" = u."id" '
        'AND c."tenant_id" IN (:streets) AND c."reported_at" >= :since '
        'AND c."reported_at" < :until '
        f'WHERE u."{street_column}" IN (:streets){chosen} '
        'GROUP BY u."id", u."name" ORDER BY u."id"'
    )


def _hot_statement(unit: Unit | None, some: bool) -> Statement:
    """The top categories of each unit (or, without a unit, of all the streets in scope
    together, by category code)."""
    column = f'c."{_UNITS[unit][2]}"' if unit is not None else None
    chosen = f" AND {column} IN (:units)" if some and column else ""
    if column and not some:
        chosen = f" AND {column} IS NOT NULL"  # a case at the desk is in no grid
    by_unit = f"PARTITION BY {column} " if column else ""
    return Statement(
        'SELECT "unit", "code", "name", "n" FROM ('
        f'SELECT {column or "0"} AS "unit", k."code" AS "code", min(k."name") AS "name", '
        'count(*) AS "n", '
        f'row_number() OVER ({by_unit}ORDER BY count(*) DESC, k."code") AS "rank" '
        'FROM "cases" c JOIN "case_category" k ON k."id" = c."category_id" '
        # The category is the case's own street's: named, so the categories are read by their
        # street's index, not every street's categories scanned for the join (bench.scale).
        'AND k."tenant_id" IN (:streets) '
        'WHERE c."tenant_id" IN (:streets) AND c."reported_at" >= :since '
        f'AND c."reported_at" < :until{chosen} '
        f'GROUP BY {column + ", " if column else ""}k."code") ranked '
        'WHERE "rank" <= :top ORDER BY "unit", "rank"'
    )


def _instant(at: datetime) -> Any:
    """A datetime as the ORM writes it (text on SQLite), so comparisons match stored values."""
    return Case._meta.fields_map["reported_at"].to_db_value(at, Case)


def _dialect() -> str:
    return str(connections.get("default").capabilities.dialect)


async def figures_of(
    unit: Unit,
    period: Period,
    now: datetime,
    unit_ids: Sequence[int] | None = None,
    *,
    top: int = TOP_CATEGORIES,
) -> list[Figures]:
    """The figures of every unit of that kind in scope (its street, or a district's streets),
    or of the ``unit_ids`` among them, with their hot categories: two statements."""
    in_range(top, 0, MAX_TOP, "top", "case_figures.top_range")
    some = unit_ids is not None
    window = {"since": _instant(period.since), "until": _instant(period.until)}
    chosen: dict[str, Any] = {"units": list(unit_ids or ())} if some else {}
    rows = await _figures_statement(unit, _dialect(), some).fetch(
        done=list(_DONE),
        open=list(_OPEN),
        source=list(_AT_SOURCE),
        content=list(_CONTENT),
        now=_instant(now),
        **window,
        **chosen,
    )
    hot = await hot_categories(unit, period, top, unit_ids) if top and rows else {}
    return [
        Figures(
            unit,
            int(row["unit"]),
            str(row["name"]),
            received=int(row["received"]),
            resolved=int(row["resolved"]),
            at_source=int(row["at_source"]),
            on_time=int(row["on_time"]),
            handling_seconds=float(row["handling_seconds"] or 0),
            rated=int(row["rated"]),
            content=int(row["content"]),
            open=int(row["open"]),
            overdue=int(row["overdue"]),
            rereported=int(row["rereported"]),
            hot_categories=hot.get(int(row["unit"]), []),
        )
        for row in rows
    ]


async def hot_categories(
    unit: Unit | None, period: Period, top: int, unit_ids: Sequence[int] | None = None
) -> dict[int, list[CategoryCount]]:
    """The ``top`` most reported categories per unit (key 0 without a unit: of everything in
    scope together), most reported first: one statement."""
    some = unit_ids is not None
    chosen: dict[str, Any] = {"units": list(unit_ids or ())} if some else {}
    rows = await _hot_statement(unit, some).fetch(
        since=_instant(period.since), until=_instant(period.until), top=top, **chosen
    )
    found: dict[int, list[CategoryCount]] = defaultdict(list)
    for row in rows:
        found[int(row["unit"])].append(
            CategoryCount(str(row["code"]), str(row["name"]), int(row["n"]))
        )
    return dict(found)


def _hot_spot_statement(unit: Unit | None) -> Statement:
    chosen = f' AND c."{_UNITS[unit][2]}" = :unit' if unit is not None else ""
    cell_x, cell_y = 'round(c."longitude" / :cell)', 'round(c."latitude" / :cell)'
    return Statement(
        f'SELECT {cell_x} AS "x", {cell_y} AS "y", count(*) AS "n", '
        f'{_when("c.state IN (:open)")} AS "open", '
        f'{_when("c.state IN (:open) AND c.due_at < :now")} AS "overdue" '
        'FROM "cases" c WHERE c."tenant_id" IN (:streets) AND c."reported_at" >= :since '
        'AND c."reported_at" < :until AND c."longitude" IS NOT NULL '
        f'AND c."latitude" IS NOT NULL{chosen} '
        f"GROUP BY {cell_x}, {cell_y} "
        "ORDER BY count(*) DESC, 1, 2 LIMIT :cells"
    )


async def hot_spots(
    period: Period,
    now: datetime,
    cell_metres: int = DEFAULT_CELL_METRES,
    unit: Unit | None = None,
    unit_id: int | None = None,
) -> dict[str, Any]:
    """热点图: the located cases of the period counted per square cell of about
    ``cell_metres``, as a GeoJSON FeatureCollection of points at the cells' centres (``count``,
    ``open``, ``overdue``), the busiest first (at most 500 cells): one statement."""
    in_range(cell_metres, 50, 5000, "cellMetres", "case_figures.cell_range")
    cell = cell_metres / METRES_PER_DEGREE
    params: dict[str, Any] = {"unit": unit_id} if unit is not None else {}
    rows = await _hot_spot_statement(unit).fetch(
        cell=cell,
        open=list(_OPEN),
        now=_instant(now),
        since=_instant(period.since),
        until=_instant(period.until),
        cells=MAX_CELLS,
        **params,
    )
    features: list[Any] = [
        geojson.Feature(
            geometry=geojson.Point((round(row["x"] * cell, 6), round(row["y"] * cell, 6))),
            properties={
                "count": int(row["n"]),
                "open": int(row["open"]),
                "overdue": int(row["overdue"]),
            },
        )
        for row in rows
    ]
    collection = geojson.FeatureCollection(
        features, properties={"cellMetres": cell_metres, "firstDay": period.first_day.isoformat()}
    )
    return dict(collection)
