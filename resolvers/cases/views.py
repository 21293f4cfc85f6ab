"""Reading cases: one case, the street's filtered list, the handler's queue, a case's timeline
and media, counts for big screens, the public map.

Every list starts from the caller's row rule (``RULES.rows``) and pages by keyset (newest
first), so a page of 20 or of 100 costs the same statements; what a case shows besides its own
columns (steps, media, ratings, assignments) loads for the whole page at once through the
request's DataLoaders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused
from models.cases import (
    OPEN_STATES,
    Case,
    CaseAssignment,
    CaseLevel,
    CaseMedia,
    CaseRating,
    CaseState,
    CaseStep,
    CaseWarning,
    Urgency,
)
from models.people import CommunityAssignment, GridAssignment
from policies.capabilities.cases import CASE_DISPATCH
from resolvers.caller import Caller
from resolvers.cases.access import my_department_ids, my_district_department_ids
from resolvers.cases.common import case_gid, level_name
from resolvers.cases.rows import RULES
from resolvers.pagination import Page, PageKey, keyset_page, keyset_pages
from resolvers.services import Services


@dataclass(frozen=True)
class CaseFilter:
    """The street list's filters (all optional, combined with AND)."""

    states: Sequence[CaseState] | None = None
    levels: Sequence[CaseLevel] | None = None
    category_id: int | None = None
    urgencies: Sequence[Urgency] | None = None
    grid_id: int | None = None
    overdue: bool | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    text: str | None = None


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def filtered(query: QuerySet[Case], f: CaseFilter, now: datetime) -> QuerySet[Case]:
    if f.states:
        query = query.filter(state__in=list(f.states))
    if f.levels:
        query = query.filter(level__in=[int(level) for level in f.levels])
    if f.category_id is not None:
        query = query.filter(category_id=f.category_id)
    if f.urgencies:
        query = query.filter(urgency__in=list(f.urgencies))
    if f.grid_id is not None:
        query = query.filter(grid_id=f.grid_id)
    if f.overdue is True:
        query = query.filter(overdue_q(now))
    elif f.overdue is False:
        query = query.filter(~overdue_q(now))
    if f.reported_from is not None and f.reported_to is not None:
        if f.reported_to < f.reported_from:
            raise Refused(ErrorCode.BAD_USER_INPUT, "case.dates_order", "reportedTo")
    if f.reported_from is not None:
        query = query.filter(reported_at__gte=_day_start(f.reported_from))
    if f.reported_to is not None:
        query = query.filter(reported_at__lt=_day_start(f.reported_to + timedelta(days=1)))
    text = (f.text or "").strip()
    if text:
        if len(text) > 100:
            raise Refused(ErrorCode.BAD_USER_INPUT, "input.too_long", "text", max=100)
        query = query.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(address__icontains=text)
        )
    return query


def overdue_q(now: datetime) -> Q:
    """Open past its deadline, or resolved after it."""
    return Q(state__in=list(OPEN_STATES), due_at__lt=now) | Q(resolved_late=True)


def is_overdue(case: Case, now: datetime) -> bool:
    return case.resolved_late or (case.state in OPEN_STATES and case.due_at < now)


async def street_cases(
    caller: Caller, f: CaseFilter, first: int | None, after: str | None
) -> Page[Case]:
    """The street's cases the caller reads, filtered, newest first."""
    services = caller.services
    query = filtered(RULES.rows(caller, Case.all()), f, services.clock.now())
    return await keyset_page(
        query, first, after, services.settings.max_page_size, newest_first=True
    )


class QueueKind(StrEnum):
    TO_SIGN = "TO_SIGN"  # 待签收
    IN_PROGRESS = "IN_PROGRESS"  # 办理中
    OVERDUE = "OVERDUE"  # 已超期
    ALL = "ALL"  # 全部待办


async def mine_to_handle(caller: Caller) -> Q:
    """The cases whose handling party the caller is part of now (or that they signed)."""
    user_id = caller.user.id
    grids = [g for (g,) in await GridAssignment.filter(user_id=user_id).values_list("grid_id")]
    communities = [
        c for (c,) in await CommunityAssignment.filter(user_id=user_id).values_list("community_id")
    ]
    departments = await my_department_ids(user_id)
    district = await my_district_department_ids(user_id)
    parts = [Q(handler_id=user_id), Q(leader_id=user_id)]
    if grids:
        parts.append(Q(level=CaseLevel.GRID, grid_id__in=grids))
    if communities:
        parts.append(Q(level=CaseLevel.COMMUNITY, community_id__in=communities))
    if caller.can(CASE_DISPATCH.resource, CASE_DISPATCH.action):
        parts.append(Q(level=CaseLevel.STREET, department_id=None, leader_id=None))
    if departments:
        parts.append(Q(level=CaseLevel.STREET, department_id__in=departments, leader_id=None))
    if district:
        parts.append(Q(level=CaseLevel.DISTRICT, district_department_id__in=district))
    return Q(*parts, join_type="OR")


async def queue(
    caller: Caller,
    kind: QueueKind,
    urgencies: Sequence[Urgency] | None,
    first: int | None,
    after: str | None,
) -> Page[Case]:
    """The handler's queue (我的待办): to sign, in progress, overdue, by urgency."""
    services = caller.services
    now = services.clock.now()
    async with in_transaction():  # its reads: one row scope (PostgreSQL) for them all
        query = RULES.rows(caller, Case.filter(state__in=list(OPEN_STATES))).filter(
            await mine_to_handle(caller)
        )
        if kind is QueueKind.TO_SIGN:
            query = query.filter(state=CaseState.PENDING)
        elif kind is QueueKind.IN_PROGRESS:
            query = query.filter(state=CaseState.HANDLING)
        elif kind is QueueKind.OVERDUE:
            query = query.filter(due_at__lt=now)
        if urgencies:
            query = query.filter(urgency__in=list(urgencies))
        return await keyset_page(
            query, first, after, services.settings.max_page_size, newest_first=True
        )


async def desk_queue(
    caller: Caller, urgencies: Sequence[Urgency] | None, first: int | None, after: str | None
) -> Page[Case]:
    """值班台: every open case of the street, newest first (the desk watches them all)."""
    services = caller.services
    query = Case.filter(state__in=list(OPEN_STATES))
    if urgencies:
        query = query.filter(urgency__in=list(urgencies))
    return await keyset_page(
        query, first, after, services.settings.max_page_size, newest_first=True
    )


# -- what a case shows, for a page of cases at once ------------------------------------------


async def load_step_pages(keys: Sequence[PageKey]) -> list[Page[CaseStep]]:
    """Timelines of many cases, oldest first, a page each."""
    return await keyset_pages(CaseStep.all(), "case_id", keys)


async def _grouped(query: QuerySet[Any], ids: Sequence[int]) -> list[list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await query.filter(case_id__in=list(ids)).order_by("id"):
        grouped[row.case_id].append(row)
    return [grouped.get(pk, []) for pk in ids]


async def load_media(ids: Sequence[int]) -> list[list[CaseMedia]]:
    return await _grouped(CaseMedia.all(), ids)


async def load_ratings(ids: Sequence[int]) -> list[list[CaseRating]]:
    return await _grouped(CaseRating.all(), ids)


async def load_assignments(ids: Sequence[int]) -> list[list[CaseAssignment]]:
    return await _grouped(CaseAssignment.all(), ids)


async def load_warnings(ids: Sequence[int]) -> list[list[CaseWarning]]:
    return await _grouped(CaseWarning.all(), ids)


# -- counts and the public map -----------------------------------------------------------------


async def counts(services: Services) -> dict[tuple[CaseState, int], int]:
    """How many cases of the street are in each state and level (no case, no person)."""
    rows = (
        await Case.all()
        .annotate(n=Count("id"))
        .group_by("state", "level")
        .values_list("state", "level", "n")
    )
    return {(CaseState(state), int(level)): int(n) for state, level, n in rows}


async def overdue_count(services: Services) -> int:
    return await Case.filter(state__in=list(OPEN_STATES), due_at__lt=services.clock.now()).count()


MAP_LIMIT = 1000


async def public_map(services: Services) -> dict[str, Any]:
    """The cases marked public with a point, newest first (at most 1,000), as one GeoJSON
    FeatureCollection: no reporter, no contact, no description."""
    rows = (
        await Case.filter(public=True, longitude__not_isnull=True, latitude__not_isnull=True)
        .order_by("-id")
        .limit(MAP_LIMIT)
        .values_list(
            "id",
            "title",
            "category__name",
            "state",
            "level",
            "reported_at",
            "longitude",
            "latitude",
        )
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": case_gid(pk),
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "title": title,
                    "category": category,
                    "state": str(state),
                    "level": level_name(level),
                    "reportedOn": reported.astimezone(LOCAL_TZ).date().isoformat(),
                },
            }
            for pk, title, category, state, level, reported, lon, lat in rows
        ],
    }
