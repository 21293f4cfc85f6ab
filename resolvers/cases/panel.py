"""The cases panel of the dashboard (民情事项): the figures of ``resolvers.cases.figures`` for
the scope, and the latest cases by category, place and state (never their text or reporter)."""

from __future__ import annotations

from typing import Any

import geojson

from models.cases import Case, CaseState, GridBoundary
from resolvers.cases import figures as calc
from resolvers.panels import Figure, Item, Panel, Scope, ScopeKind

LATEST = 8
MAX_OUTLINES = 2000
_STATE = {
    CaseState.PENDING: "待签收",
    CaseState.HANDLING: "处理中",
    CaseState.RESOLVED: "已办结",
    CaseState.CLOSED: "已结案",
}


async def _map(scope: Scope) -> dict[str, Any]:
    """The scope's grid outlines (named) and the period's hot spots (counted per cell)."""
    outlines = GridBoundary.all()
    if scope.community_id is not None:
        outlines = outlines.filter(grid__community_id=scope.community_id)
    rows = await outlines.order_by("grid_id").limit(MAX_OUTLINES).values("geometry", "grid__name")
    unit = calc.Unit.COMMUNITY if scope.community_id is not None else None
    spots = await calc.hot_spots(scope.period, scope.now, unit=unit, unit_id=scope.community_id)
    features: list[Any] = [
        geojson.Feature(
            geometry=r["geometry"], properties={"kind": "outline", "name": r["grid__name"]}
        )
        for r in rows
    ]
    for spot in spots["features"]:
        features.append(
            geojson.Feature(
                geometry=spot["geometry"],
                properties={"kind": "spot", "count": spot["properties"]["count"]},
            )
        )
    return dict(geojson.FeatureCollection(features))


async def cases_panel(scope: Scope) -> Panel:
    if scope.kind is ScopeKind.COMMUNITY and scope.community_id is not None:
        rows = await calc.figures_of(
            calc.Unit.COMMUNITY, scope.period, scope.now, [scope.community_id], top=0
        )
        hot = await calc.hot_categories(
            calc.Unit.COMMUNITY, scope.period, calc.TOP_CATEGORIES, [scope.community_id]
        )
        categories = hot.get(scope.community_id, [])
    else:
        rows = await calc.figures_of(calc.Unit.STREET, scope.period, scope.now, top=0)
        categories = (await calc.hot_categories(None, scope.period, calc.TOP_CATEGORIES)).get(0, [])
    f = calc.total(rows, calc.Unit.STREET, None, "")
    latest = Case.filter(
        reported_at__gte=scope.period.since,
        reported_at__lt=scope.period.until,
        # The category is of the case's own street: named, so the join reads the categories of
        # these streets by their index rather than every street's (bench.scale).
        category__tenant_id__in=scope.street_ids,
    )
    if scope.community_id is not None:
        latest = latest.filter(community_id=scope.community_id)
    cases = (
        await latest.order_by("-reported_at", "-id")
        .limit(LATEST)
        .values("category__name", "grid__name", "community__name", "state", "reported_at")
    )
    return Panel(
        map=await _map(scope),
        key="cases",
        title="民情事项",
        figures=[
            Figure("received", "受理", f.received, "件"),
            Figure("resolved", "办结", f.resolved, "件"),
            Figure("resolutionRate", "办结率", f.resolution_rate, "%"),
            Figure("atSourceRate", "源头化解率", f.at_source_rate, "%"),
            Figure("onTimeRate", "按时办结率", f.on_time_rate, "%"),
            Figure("satisfactionRate", "满意率", f.satisfaction_rate, "%"),
            Figure("averageHandlingHours", "平均办理时长", f.average_handling_hours, "小时"),
            Figure("open", "在办", f.open, "件"),
            Figure("overdue", "超期", f.overdue, "件"),
            *(Figure(f"category:{c.code}", c.name, c.count, "件") for c in categories),
        ],
        items=[
            Item(
                title=str(c["category__name"]),
                detail=" · ".join(
                    part
                    for part in (
                        c["community__name"] or "",
                        c["grid__name"] or "",
                        _STATE[CaseState(c["state"])],
                    )
                    if part
                ),
                at=c["reported_at"],
            )
            for c in cases
        ],
    )
