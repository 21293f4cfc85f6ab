"""The patrols' panel of the dashboard (定位巡防): patrols started in the period, their
distance, key-point check-ins and findings, and the coverage of the street's grids (the share
of their H3 cells some patrol passed through in the period; a district's dashboard leaves the
coverage out, it would draw every grid of every street). Counts only: no route, no walker."""

from __future__ import annotations

import h3
from tortoise.functions import Sum

from models.cases import GridBoundary
from models.columns import column
from models.patrols import Patrol, PatrolCell, PatrolCheckIn, PatrolFinding
from resolvers.panels import Figure, Panel, Scope, ScopeKind
from resolvers.patrols.track import CELL_RESOLUTION


async def patrols_panel(scope: Scope) -> Panel:
    since, until = scope.period.since, scope.period.until
    patrols = Patrol.filter(started_at__gte=since, started_at__lt=until)
    rows = await patrols.annotate(metres=Sum("distance_m")).values("metres")
    metres = float((rows[0]["metres"] if rows else 0) or 0)
    figures = [
        Figure("patrols", "巡防次数", await patrols.count(), "次"),
        Figure("distance", "巡防里程", round(metres / 1000, 1), "公里"),
        Figure(
            "checkIns",
            "点位打卡",
            await PatrolCheckIn.filter(at__gte=since, at__lt=until).count(),
            "次",
        ),
        Figure(
            "findings",
            "巡防发现",
            await PatrolFinding.filter(
                patrol__started_at__gte=since, patrol__started_at__lt=until
            ).count(),
            "件",
        ),
    ]
    if scope.kind is not ScopeKind.DISTRICT and scope.community_id is None:
        cells: set[str] = set()
        for geometry in await GridBoundary.all().values_list("geometry", flat=True):
            cells.update(h3.geo_to_cells(geometry, CELL_RESOLUTION))
        passed = set(
            await column(
                PatrolCell.filter(
                    day__gte=scope.period.first_day, day__lte=scope.period.last_day
                ).distinct(),
                "cell",
                str,
            )
        )
        covered = len(cells & passed)
        figures.append(
            Figure("coverage", "网格覆盖率", covered / len(cells) if cells else None, "%")
        )
    return Panel(key="patrols", title="定位巡防", figures=figures)
