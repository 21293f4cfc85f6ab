"""Figures of cases (民情数据) per grid, community, street and district, and the hot-spot map:
counts and rates only, never a case or a person (see ``resolvers/cases/figures.py``)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from core.errors import DomainError, ErrorCode, Refused
from models.columns import column
from models.tenancy import Community as CommunityRow
from models.tenancy import District as DistrictRow
from models.tenancy import Grid as GridRow
from models.tenancy import Street as StreetRow
from policies.capabilities.cases import CASE_COUNT
from policies.capabilities.tenancy import DISTRICT_READ
from resolvers.cases import figures as calc
from schema.context import Info
from schema.permissions import Can, field
from schema.relay import decode_id, to_global_id
from schema.tenancy.types import District
from tenants.scoping import get_in_street, streets_scope


@strawberry.enum(description="What case figures are of (统计单元).")
class CaseFigureUnit(Enum):
    GRID = "GRID"
    COMMUNITY = "COMMUNITY"
    STREET = "STREET"


_TYPE_NAMES = {
    calc.Unit.GRID: "Grid",
    calc.Unit.COMMUNITY: "Community",
    calc.Unit.STREET: "Street",
}

_ROWS: dict[calc.Unit, type[GridRow] | type[CommunityRow]] = {
    calc.Unit.GRID: GridRow,
    calc.Unit.COMMUNITY: CommunityRow,
}


@strawberry.type(description="A category among the most reported (热点类别), with its count.")
class CaseCategoryCount:
    code: str
    name: str
    count: int


@strawberry.type(
    description="The figures of the cases received in a period by one grid, community, street "
    "or district, as they stand now. Rates are shares from 0 to 1, none when there is nothing "
    "to divide by."
)
class CaseFigures:
    unit: CaseFigureUnit
    unit_id: strawberry.ID | None = strawberry.field(
        description="The grid, community or street (none for a district's total)."
    )
    name: str
    received: int = strawberry.field(description="Cases reported in the period (受理).")
    resolved: int = strawberry.field(description="Of them, resolved or closed (办结).")
    resolution_rate: float | None = strawberry.field(description="resolved / received (办结率).")
    resolved_at_source: int = strawberry.field(
        description="Resolved at the grid or the community (源头化解)."
    )
    resolved_at_source_rate: float | None = strawberry.field(
        description="resolvedAtSource / resolved (源头化解率)."
    )
    on_time: int = strawberry.field(
        description="Resolved within the deadline of the level that resolved them (按时办结)."
    )
    on_time_rate: float | None = strawberry.field(description="onTime / resolved (按时办结率).")
    average_handling_hours: float | None = strawberry.field(
        description="Mean hours from report to resolution, of the resolved ones (平均办理时长)."
    )
    rated: int = strawberry.field(description="Cases whose reporter rated the result.")
    satisfaction_rate: float | None = strawberry.field(
        description="Satisfied or basically satisfied, of the rated ones (满意率)."
    )
    open: int = strawberry.field(description="Still waiting to be signed for or in hand.")
    overdue: int = strawberry.field(description="Open past their current deadline (超期).")
    re_reported: int = strawberry.field(description="Reported a second or third time (二次上报).")
    hot_categories: list[CaseCategoryCount] = strawberry.field(
        description="The most reported categories, the most first (热点类别)."
    )

    @classmethod
    def of(cls, row: calc.Figures) -> CaseFigures:
        unit_id = None
        if row.unit_id is not None:
            unit_id = strawberry.ID(to_global_id(_TYPE_NAMES[row.unit], row.unit_id))
        return cls(
            unit=CaseFigureUnit(row.unit.value),
            unit_id=unit_id,
            name=row.name,
            received=row.received,
            resolved=row.resolved,
            resolution_rate=row.resolution_rate,
            resolved_at_source=row.at_source,
            resolved_at_source_rate=row.at_source_rate,
            on_time=row.on_time,
            on_time_rate=row.on_time_rate,
            average_handling_hours=row.average_handling_hours,
            rated=row.rated,
            satisfaction_rate=row.satisfaction_rate,
            open=row.open,
            overdue=row.overdue,
            re_reported=row.rereported,
            hot_categories=[
                CaseCategoryCount(code=c.code, name=c.name, count=c.count)
                for c in row.hot_categories
            ],
        )


@strawberry.type(description="区级汇总: a district's case figures, in total and street by street.")
class DistrictCaseFigures:
    district: District
    first_day: date
    last_day: date
    total: CaseFigures
    streets: list[CaseFigures]


def _period(info: Info, first_day: date | None, last_day: date | None) -> calc.Period:
    return calc.period_of(first_day, last_day, info.context.services.clock.now())


def _unit_ids(unit: calc.Unit, ids: list[strawberry.ID] | None) -> list[int] | None:
    if ids is None:
        return None
    return [decode_id(i, _TYPE_NAMES[unit], "ids") for i in ids]


_PERIOD = "From `firstDay` to `lastDay` (local dates, both included; by default the last 30 days)."


@strawberry.type
class CaseFiguresQuery:
    @field(
        replica=True,
        requires=Can(CASE_COUNT),
        description="Case figures (民情数据) of the cases received in a period: of the street "
        "(`unit: STREET`), or of each of its communities or grids (or of those in `ids`): "
        "received, resolved, resolved at source, on time, average handling time, satisfaction, "
        f"open, overdue, re-reported, and the `top` hot categories. {_PERIOD} "
        "Two SQL statements whatever the number of units. No case, no person.",
    )
    async def case_figures(
        self,
        info: Info,
        unit: CaseFigureUnit = CaseFigureUnit.STREET,
        ids: list[strawberry.ID] | None = None,
        first_day: date | None = None,
        last_day: date | None = None,
        top: int = calc.TOP_CATEGORIES,
    ) -> list[CaseFigures]:
        kind = calc.Unit(unit.value)
        unit_ids = _unit_ids(kind, ids)
        rows = await calc.figures_of(
            kind,
            _period(info, first_day, last_day),
            info.context.services.clock.now(),
            unit_ids,
            top=top,
        )
        if unit_ids is not None and {r.unit_id for r in rows} != set(unit_ids):
            raise DomainError(ErrorCode.NOT_FOUND, field="ids")
        return [CaseFigures.of(row) for row in rows]

    @field(
        replica=True,
        requires=Can(DISTRICT_READ),
        description="区级汇总: the case figures of every street of the current street's "
        f"district, in total and street by street, with the `top` hot categories. {_PERIOD} "
        "Three SQL statements whatever the number of streets. No case, no person.",
    )
    async def district_case_figures(
        self,
        info: Info,
        first_day: date | None = None,
        last_day: date | None = None,
        top: int = calc.TOP_CATEGORIES,
    ) -> DistrictCaseFigures:
        street = info.context.viewer.require_street()
        district = await DistrictRow.get(id=street.district_id)
        period = _period(info, first_day, last_day)
        now = info.context.services.clock.now()
        ids = await column(StreetRow.filter(district_id=district.id), "id", int)
        with streets_scope(ids, "a district's roll-up of case figures (区级汇总)"):
            streets = await calc.figures_of(calc.Unit.STREET, period, now, top=top)
            overall = await calc.hot_categories(None, period, top) if top else {}
        total = calc.total(streets, calc.Unit.STREET, None, district.name)
        total = calc.Figures(**{**total.__dict__, "hot_categories": overall.get(0, [])})
        return DistrictCaseFigures(
            district=District.from_model(district),
            first_day=period.first_day,
            last_day=period.last_day,
            total=CaseFigures.of(total),
            streets=[CaseFigures.of(row) for row in streets],
        )

    @field(
        replica=True,
        requires=Can(CASE_COUNT),
        description="热点图: where the cases received in a period were reported, counted per "
        "square cell of about `cellMetres` (50 to 5,000), as one GeoJSON FeatureCollection of "
        "points at the cells' centres with `count`, `open` and `overdue`, the busiest first (at "
        f"most 500); of the street, or of one community or grid (`unitId`). {_PERIOD} No case, "
        "no person.",
    )
    async def case_hot_spots(
        self,
        info: Info,
        first_day: date | None = None,
        last_day: date | None = None,
        cell_metres: int = calc.DEFAULT_CELL_METRES,
        unit: CaseFigureUnit = CaseFigureUnit.STREET,
        unit_id: strawberry.ID | None = None,
    ) -> JSON:
        kind = calc.Unit(unit.value)
        pk = None
        if kind is not calc.Unit.STREET:
            if unit_id is None:
                raise Refused(ErrorCode.BAD_USER_INPUT, "input.required", "unitId")
            pk = decode_id(unit_id, _TYPE_NAMES[kind], "unitId")
            await get_in_street(_ROWS[kind], pk)
        period = _period(info, first_day, last_day)
        return JSON(
            await calc.hot_spots(
                period,
                info.context.services.clock.now(),
                cell_metres,
                kind if pk is not None else None,
                pk,
            )
        )
