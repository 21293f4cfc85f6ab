"""The dashboard's types (一屏统览): panels of figures and lists, never a person."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from resolvers import panels
from resolvers.stats import dashboard as calc


@strawberry.enum(description="What a dashboard covers (统计范围).")
class DashboardScopeKind(Enum):
    STREET = "STREET"
    COMMUNITY = "COMMUNITY"
    DISTRICT = "DISTRICT"


@strawberry.enum(
    description="The dashboard's period: today, this week (from Monday), this "
    "month, or a range of local dates (`firstDay` to `lastDay`, at most 366 days)."
)
class DashboardPeriod(Enum):
    TODAY = "TODAY"
    THIS_WEEK = "THIS_WEEK"
    THIS_MONTH = "THIS_MONTH"
    RANGE = "RANGE"


@strawberry.input(
    description="The scope of a dashboard: the street, one of its communities, "
    "or the district (district accounts only)."
)
class DashboardScope:
    kind: DashboardScopeKind = DashboardScopeKind.STREET
    community_id: strawberry.ID | None = None


@strawberry.type(
    description="One number of a panel: a count (`unit` 件, 人…), a rate from 0 to "
    "1 (`unit` `%`; null when there is nothing to divide by), or hours."
)
class DashboardFigure:
    key: str
    label: str
    value: float | None
    unit: str

    @classmethod
    def of(cls, f: panels.Figure) -> DashboardFigure:
        return cls(key=f.key, label=f.label, value=f.value, unit=f.unit)


@strawberry.type(description="One line of a panel's list: what and where, never who.")
class DashboardItem:
    title: str
    detail: str
    at: datetime | None


@strawberry.type(
    description="A domain's panel (民情事项, 小区协商铃…): its figures and its "
    "latest items. In an update, only what changed."
)
class DashboardPanel:
    key: str
    title: str
    figures: list[DashboardFigure]
    items: list[DashboardItem]
    map: JSON | None = strawberry.field(
        description="Its place on the map, when it has one: a GeoJSON FeatureCollection of "
        "named outlines (`kind` `outline`: the grids) and counted points (`kind` `spot`: the "
        "hot spots). In an update, only when it changed."
    )

    @classmethod
    def of(cls, p: panels.Panel) -> DashboardPanel:
        return cls(
            key=p.key,
            title=p.title,
            figures=[DashboardFigure.of(f) for f in p.figures],
            items=[DashboardItem(title=i.title, detail=i.detail, at=i.at) for i in p.items],
            map=JSON(p.map) if p.map is not None else None,
        )


@strawberry.type(description="一屏统览: every domain's panel for one scope and period.")
class Dashboard:
    kind: DashboardScopeKind
    name: str = strawberry.field(description="The street's, community's or district's name.")
    first_day: date
    last_day: date
    panels: list[DashboardPanel]

    @classmethod
    def of(cls, d: calc.Dashboard) -> Dashboard:
        return cls(
            kind=DashboardScopeKind(d.kind.value),
            name=d.name,
            first_day=d.period.first_day,
            last_day=d.period.last_day,
            panels=[DashboardPanel.of(p) for p in d.panels],
        )
