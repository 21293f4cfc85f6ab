"""Views for mini-programs and big screens: the progress board (项目进度榜), the map
(民生实事图) and per-street totals. None of them carries personal data.

The board is a keyset-paginated ranking; everything a board row shows beyond the project row
(community, satisfaction, open opinions, milestones) comes from batch loaders that take all the
page's projects at once, so the board costs the same number of SQL statements for 20 rows as
for 100.
"""

from __future__ import annotations

import base64
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import geojson
from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from core.errors import ErrorCode, Refused
from core.ids import parse_key
from models.projects import (
    ZERO,
    Disbursement,
    Follow,
    Milestone,
    Opinion,
    Photo,
    Project,
    ProjectStatus,
    Publication,
    Rating,
)
from models.scoping import db_columns
from models.sql import Statement
from models.tenancy import Community
from resolvers.pagination import Page, PageKey, check_page_size, keyset_page, keyset_pages
from resolvers.projects.common import ACTIVE, Lateness, lateness_of, project_gid, today
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services

_CURSOR_PREFIX = "pb:"


class BoardOrder(StrEnum):
    PROGRESS = "PROGRESS"  # most advanced first, then the most urgent
    LATENESS = "LATENESS"  # the most urgent open milestone first, then the most advanced


# (field, descending) per order; ``id`` last makes every key unique.
_KEYS: dict[BoardOrder, tuple[tuple[str, bool], ...]] = {
    BoardOrder.PROGRESS: (("progress", True), ("next_due", False), ("id", False)),
    BoardOrder.LATENESS: (("next_due", False), ("progress", True), ("id", False)),
}


@dataclass(frozen=True)
class BoardFilter:
    statuses: Sequence[ProjectStatus] | None = None
    category: str | None = None
    community_id: int | None = None


@dataclass(frozen=True)
class BoardPage:
    items: list[Project]
    order: BoardOrder
    has_next_page: bool
    has_previous_page: bool
    total_count: int
    figures: dict[int, ProjectFigures] | None = None

    @property
    def cursors(self) -> list[str]:
        """Encoded when asked for: most boards are read without them."""
        return [encode_board_cursor(p, self.order) for p in self.items]


def _key(project: Project, order: BoardOrder) -> list[Any]:
    values = []
    for name, _ in _KEYS[order]:
        value = getattr(project, name)
        values.append(value.isoformat() if isinstance(value, date) else value)
    return values


def encode_board_cursor(project: Project, order: BoardOrder) -> str:
    raw = _CURSOR_PREFIX + json.dumps([order.value, *_key(project, order)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_board_cursor(cursor: str, order: BoardOrder) -> list[Any]:
    try:
        if len(cursor) > 200:
            raise ValueError(cursor[:20])
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        name, *values = json.loads(raw[len(_CURSOR_PREFIX) :])
        keys = _KEYS[order]
        if name != order.value or len(values) != len(keys):
            raise ValueError(raw)
        parsed: list[Any] = []
        for (field, _), value in zip(keys, values, strict=True):
            parsed.append(
                date.fromisoformat(value)
                if field == "next_due"
                else parse_key(str(value), smallest=0)
            )
        return parsed
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_cursor", "after") from exc


class _Where:
    """The board's conditions with named parameters (``models.sql``): the filter, the cursor
    and the page size are values; the street (``:street``) is the scope's."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, name: str, value: Any) -> str:
        self.values[name] = value
        return f":{name}"

    def filtered(self, alias: str, board_filter: BoardFilter) -> str:
        """The filter's conditions on the table ``alias``, each starting with `` AND``."""
        where = []
        if board_filter.statuses:
            statuses = [ProjectStatus(s).value for s in board_filter.statuses]
            where.append(f"{alias}.status IN ({self.add('statuses', statuses)})")
        if board_filter.category:
            where.append(
                f"{alias}.category = {self.add('category', board_filter.category.strip())}"
            )
        if board_filter.community_id is not None:
            where.append(
                f"{alias}.community_id = {self.add('community', board_filter.community_id)}"
            )
        return "".join(f" AND {condition}" for condition in where)

    def after(self, order: BoardOrder, cursor: list[Any]) -> str:
        """Rows strictly after the cursor in the order's ranking."""
        keys = _KEYS[order]
        marks = [self.add(f"after_{i}", value) for i, value in enumerate(cursor)]
        alternatives = []
        for i, (name, desc) in enumerate(keys):
            terms = [f"p.{f} = {marks[j]}" for j, (f, _) in enumerate(keys[:i])]
            terms.append(f"p.{name} {'<' if desc else '>'} {marks[i]}")
            alternatives.append("(" + " AND ".join(terms) + ")")
        return "(" + " OR ".join(alternatives) + ")"


async def board(
    services: Services,
    board_filter: BoardFilter,
    order: BoardOrder,
    first: int | None,
    after: str | None,
) -> BoardPage:
    """One page of the progress board with its total, communities, satisfaction and opinion
    counts: one statement whatever the page size (and a count when the page is empty)."""
    size = check_page_size(first, services.settings.max_page_size)
    cursor = decode_board_cursor(after, order) if after else None
    params = _Where()
    project_fields, community_fields = db_columns(Project), db_columns(Community)
    columns = ", ".join(
        [f'p."{c}"' for c in project_fields] + [f'c."{c}" AS "c__{c}"' for c in community_fields]
    )
    filtered = params.filtered("q", board_filter)
    total = f"(SELECT count(*) FROM project q WHERE q.tenant_id = :street{filtered})"
    ratings = "FROM project_rating r WHERE r.project_id = p.id AND r.tenant_id = :street"
    opened = "FROM project_opinion o WHERE o.project_id = p.id AND o.tenant_id = :street"
    on = params.add("today", today(services))
    overdue = (
        f"{opened} AND ((o.replied_at IS NULL AND o.reply_due < {on}) "
        "OR (o.replied_at IS NOT NULL AND o.replied_late))"
    )
    where = f"p.tenant_id = :street{params.filtered('p', board_filter)}"
    if cursor is not None:
        where += f" AND {params.after(order, cursor)}"
    ordering = ", ".join(f"p.{f} {'DESC' if desc else 'ASC'}" for f, desc in _KEYS[order])
    statement = Statement(
        f'SELECT {columns}, {total} AS "f__total", (SELECT count(*) {ratings}) AS "f__ratings", '
        f'(SELECT sum(r.score) {ratings}) AS "f__score", '
        f'(SELECT count(*) {opened} AND o.replied_at IS NULL) AS "f__open", '
        f'(SELECT count(*) {overdue}) AS "f__overdue" '
        "FROM project p LEFT JOIN community c ON c.id = p.community_id "
        f"WHERE {where} ORDER BY {ordering} LIMIT {params.add('size', size + 1)}"
    )
    rows = await statement.fetch(**params.values)
    if rows:
        total_count = int(rows[0]["f__total"])
    else:  # an empty page carries no total
        counting = _Where()
        filtered = counting.filtered("q", board_filter)
        statement = Statement(
            f'SELECT count(*) AS "n" FROM project q WHERE q.tenant_id = :street{filtered}'
        )
        total_count = int((await statement.fetch(**counting.values))[0]["n"])
    projects: list[Project] = []
    figures: dict[int, ProjectFigures] = {}
    for row in rows[:size]:
        project = Project._init_from_db(**{c: row[c] for c in project_fields})
        community = None
        if row["c__id"] is not None:
            community = Community._init_from_db(**{c: row[f"c__{c}"] for c in community_fields})
        project.community = community  # as select_related sets it
        projects.append(project)
        figures[project.id] = ProjectFigures(
            community=community,
            satisfaction=Satisfaction(int(row["f__ratings"]), int(row["f__score"] or 0)),
            opinions=OpinionCounts(int(row["f__open"]), int(row["f__overdue"])),
        )
    return BoardPage(
        items=projects,
        order=order,
        has_next_page=len(rows) > size,
        has_previous_page=bool(after),
        total_count=total_count,
        figures=figures,
    )


# -- batch loaders (one statement for a whole page of projects) ------------------------------


@dataclass(frozen=True)
class Satisfaction:
    count: int
    total: int

    @property
    def average(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None


@dataclass(frozen=True)
class OpinionCounts:
    open: int = 0
    overdue: int = 0


async def load_satisfaction(project_ids: Sequence[int]) -> list[Satisfaction]:
    rows = (
        await Rating.filter(project_id__in=list(set(project_ids)))
        .annotate(n=Count("id"), total=Sum("score"))
        .group_by("project_id")
        .values("project_id", "n", "total")
    )
    found = {row["project_id"]: Satisfaction(int(row["n"]), int(row["total"] or 0)) for row in rows}
    return [found.get(pk, Satisfaction(0, 0)) for pk in project_ids]


# An opinion still waiting for a reply, or answered late: the only ones counted.
WaitingOpinion = tuple[int, Any, date, bool]  # project, replied_at, reply_due, replied_late


def count_opinions(on: date, rows: Sequence[WaitingOpinion]) -> OpinionCounts:
    open_ = overdue = 0
    for _, replied_at, due, late in rows:
        if replied_at is None:
            open_ += 1
            overdue += on > due
        elif late:
            overdue += 1
    return OpinionCounts(open_, overdue)


def _waiting() -> Any:
    published = Opinion.filter(publication=Publication.PUBLISHED)
    return published.filter(Q(replied_at=None) | Q(replied_late=True))


async def load_waiting_opinions(project_ids: Sequence[int]) -> list[list[WaitingOpinion]]:
    rows = await (
        _waiting()
        .filter(project_id__in=list(set(project_ids)))
        .values_list("project_id", "replied_at", "reply_due", "replied_late")
    )
    grouped: dict[int, list[WaitingOpinion]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return [grouped.get(pk, []) for pk in project_ids]


@dataclass(frozen=True)
class ProjectFigures:
    """What a board row shows beyond the project row, computed once per page."""

    community: Community | None
    satisfaction: Satisfaction
    opinions: OpinionCounts


async def page_figures(
    services: Services, projects: Sequence[Project]
) -> dict[int, ProjectFigures]:
    """Figures of a page of projects (fetched with ``select_related("community")``): two
    statements whatever the page size."""
    ids = [p.id for p in projects]
    satisfaction = await load_satisfaction(ids)
    waiting = await load_waiting_opinions(ids)
    on = today(services)
    return {
        p.id: ProjectFigures(
            community=p.community if p.community_id is not None else None,
            satisfaction=s,
            opinions=count_opinions(on, w),
        )
        for p, s, w in zip(projects, satisfaction, waiting, strict=True)
    }


async def load_milestones(project_ids: Sequence[int]) -> list[list[Milestone]]:
    rows = await Milestone.filter(project_id__in=list(set(project_ids))).order_by(
        "planned_date", "id"
    )
    grouped: dict[int, list[Milestone]] = defaultdict(list)
    for row in rows:
        grouped[row.project_id].append(row)
    return [grouped.get(pk, []) for pk in project_ids]


async def load_disbursement_pages(keys: Sequence[PageKey]) -> list[Page[Disbursement]]:
    """Payments of many projects, oldest first, a page each."""
    return await keyset_pages(Disbursement.all(), "project_id", keys)


async def load_rating_pages(keys: Sequence[PageKey]) -> list[Page[Rating]]:
    """Ratings of many projects, newest first, a page each."""
    return await keyset_pages(Rating.all(), "project_id", keys, newest_first=True)


async def load_follower_counts(project_ids: Sequence[int]) -> list[int]:
    rows = (
        await Follow.filter(project_id__in=list(set(project_ids)))
        .annotate(n=Count("id"))
        .group_by("project_id")
        .values("project_id", "n")
    )
    found = {row["project_id"]: int(row["n"]) for row in rows}
    return [found.get(pk, 0) for pk in project_ids]


async def load_update_photos(update_ids: Sequence[int]) -> list[list[Photo]]:
    """The photos of many progress reports, in upload order."""
    grouped: dict[int, list[Photo]] = defaultdict(list)
    for photo in await Photo.filter(update_id__in=list(set(update_ids))).order_by("id"):
        grouped[photo.update_id or 0].append(photo)
    return [grouped.get(pk, []) for pk in update_ids]


async def load_vouchers(disbursement_ids: Sequence[int]) -> list[Photo | None]:
    """The voucher photo of many payments (the first one given, if several)."""
    found: dict[int, Photo] = {}
    for photo in await Photo.filter(disbursement_id__in=list(set(disbursement_ids))).order_by(
        "-id"
    ):
        found[photo.disbursement_id or 0] = photo
    return [found.get(pk) for pk in disbursement_ids]


async def load_projects(project_ids: Sequence[int]) -> list[Project | None]:
    rows = {p.id: p for p in await Project.filter(id__in=list(set(project_ids)))}
    return [rows.get(pk) for pk in project_ids]


# -- the map -------------------------------------------------------------------------------


async def project_map(
    services: Services, statuses: Sequence[ProjectStatus] | None
) -> dict[str, Any]:
    """The street's located projects as one GeoJSON FeatureCollection (points, lon/lat)."""
    query = Project.filter(longitude__not_isnull=True, latitude__not_isnull=True)
    if statuses:
        query = query.filter(status__in=list(statuses))
    on = today(services)
    yellow = services.settings.section(ProjectSettings).project_yellow_days
    features: list[geojson.Feature | geojson.geometry.Geometry] = []
    for p in await query.order_by("id"):
        if p.longitude is None or p.latitude is None:  # the query keeps located ones only
            continue
        features.append(
            geojson.Feature(
                id=project_gid(p.id),
                geometry=geojson.Point((p.longitude, p.latitude)),
                properties={
                    "id": project_gid(p.id),
                    "title": p.title,
                    "category": p.category,
                    "status": p.status.value,
                    "progress": p.progress,
                    "lateness": lateness_of(p.status, p.next_due, on, yellow).value,
                    "address": p.address,
                },
            )
        )
    collection = geojson.FeatureCollection(features)
    if not collection.is_valid:  # a bug, not bad input: coordinates are checked on the way in
        raise ValueError(f"invalid GeoJSON: {collection.errors()}")
    return json.loads(geojson.dumps(collection))


# -- per-street totals ---------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    by_status: dict[ProjectStatus, int]
    budget: Decimal
    spent: Decimal
    over_budget: int
    active: int
    yellow: int
    red: int
    open_opinions: int
    overdue_opinions: int
    rating_count: int
    rating_total: int

    @property
    def on_time_share(self) -> float | None:
        return round((self.active - self.red) / self.active, 4) if self.active else None

    @property
    def average_satisfaction(self) -> float | None:
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else None


async def totals(services: Services) -> Totals:
    """Counts and sums of the street's projects (exact decimals), no personal data."""
    on = today(services)
    yellow_days = services.settings.section(ProjectSettings).project_yellow_days
    rows = await Project.all().values_list("status", "budget", "spent", "next_due")
    by_status: Counter[ProjectStatus] = Counter()
    budget = spent = ZERO
    over = active = yellow = red = 0
    for status, row_budget, row_spent, next_due in rows:
        status = ProjectStatus(status)
        by_status[status] += 1
        budget += Decimal(row_budget)
        spent += Decimal(row_spent)
        over += Decimal(row_spent) > Decimal(row_budget)
        if status in ACTIVE:
            active += 1
            lateness = lateness_of(status, next_due, on, yellow_days)
            yellow += lateness is Lateness.YELLOW
            red += lateness is Lateness.RED
    counts = count_opinions(
        on, await _waiting().values_list("project_id", "replied_at", "reply_due", "replied_late")
    )
    ratings = await Rating.all().annotate(n=Count("id"), total=Sum("score")).values("n", "total")
    rating_count = int(ratings[0]["n"] or 0) if ratings else 0
    rating_total = int(ratings[0]["total"] or 0) if ratings else 0
    return Totals(
        by_status={s: by_status.get(s, 0) for s in ProjectStatus},
        budget=budget,
        spent=spent,
        over_budget=over,
        active=active,
        yellow=yellow,
        red=red,
        open_opinions=counts.open,
        overdue_opinions=counts.overdue,
        rating_count=rating_count,
        rating_total=rating_total,
    )


async def street_projects(
    services: Services,
    statuses: Sequence[ProjectStatus] | None,
    first: int | None,
    after: str | None,
) -> Page[Project]:
    """The street's projects in the order they were proposed (a plain list for staff tools;
    the board ranks them)."""
    query = Project.filter(status__in=list(statuses)) if statuses else Project.all()
    query = query.select_related("community")  # for the page's figures (page_figures)
    return await keyset_page(query, first, after, services.settings.max_page_size)
