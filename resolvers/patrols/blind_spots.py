"""巡防盲区: the parts of a grid no patrol passed through in a period, and its key points not
checked for some days.

The grid's outline (网格边界, set with the cases domain) is covered with H3 cells of
resolution 10 (cells whose centre lies inside it); a cell counts as patrolled when some
patrol's counted point fell in it on a day of the period (``PatrolCell``, marked as the points
arrive). What is left is the blind spot: a GeoJSON FeatureCollection of its hexagons for the
map, and the counts for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import h3

from core import validators
from core.errors import ErrorCode, Refused
from models.cases import GridBoundary
from models.columns import column
from models.patrols import KeyPoint, PatrolCell
from models.tenancy import Grid
from resolvers.caller import Caller
from resolvers.owned import in_street
from resolvers.patrols.codes import PatrolCode
from resolvers.patrols.track import CELL_RESOLUTION

MAX_DAYS = 366
MAX_UNCHECKED_DAYS = 365


@dataclass(frozen=True)
class BlindSpots:
    grid_id: int
    cells: int
    patrolled: int
    geojson: dict[str, Any]
    unchecked: list[KeyPoint]

    @property
    def blind(self) -> int:
        return self.cells - self.patrolled


def hexagon(cell: str) -> dict[str, Any]:
    """One H3 cell as a GeoJSON Feature (a closed Polygon ring, longitude first)."""
    ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"cell": cell},
    }


def period(start: date, end: date) -> tuple[date, date]:
    """From ``start`` to ``end`` inclusive, at most a year."""
    validators.day(start, "from")
    validators.day(end, "to")
    if end < start:
        raise Refused(ErrorCode.BAD_USER_INPUT, "patrol.period_order", "to")
    if (end - start).days + 1 > MAX_DAYS:
        raise Refused(ErrorCode.BAD_USER_INPUT, "patrol.period_long", "to", max=MAX_DAYS)
    return start, end


async def blind_spots(
    caller: Caller, grid_id: int, start: date, end: date, unchecked_days: int = 7
) -> BlindSpots:
    """The grid's blind spots from ``start`` to ``end`` (inclusive, Beijing days), and its
    active key points not checked in the last ``unchecked_days`` days."""
    start, end = period(start, end)
    days = validators.in_range(
        unchecked_days, 1, MAX_UNCHECKED_DAYS, "uncheckedDays", "input.number_range"
    )
    await in_street(Grid, grid_id, "gridId")
    boundary = await GridBoundary.filter(grid_id=grid_id).first()
    if boundary is None:
        raise Refused(PatrolCode.NO_OUTLINE, "patrol.no_outline", "gridId")
    cells = sorted(h3.geo_to_cells(boundary.geometry, CELL_RESOLUTION))
    passed: set[str] = set()
    chunk = 500
    for index in range(0, len(cells), chunk):
        query = PatrolCell.filter(
            cell__in=cells[index : index + chunk], day__gte=start, day__lte=end
        ).distinct()
        passed.update(await column(query, "cell", str))
    blind = [cell for cell in cells if cell not in passed]
    since = caller.services.clock.now() - timedelta(days=days)
    unchecked = [
        point
        for point in await KeyPoint.filter(grid_id=grid_id, active=True).order_by("id")
        if point.last_checked_at is None or point.last_checked_at < since
    ]
    return BlindSpots(
        grid_id=grid_id,
        cells=len(cells),
        patrolled=len(passed),
        geojson={"type": "FeatureCollection", "features": [hexagon(c) for c in blind]},
        unchecked=unchecked,
    )
