"""Grids on the map (网格边界): a grid's outline as GeoJSON, and the grid of a point.

Outlines are GeoJSON Polygons or MultiPolygons in WGS 84 (longitude, latitude), checked with
shapely when set (valid, non-empty). Finding the grid of a point reads the outlines whose
bounding box holds the point (one indexed query), then asks shapely which one covers it (a
point on a shared border goes to the grid with the smaller id, so the answer is stable).
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import Point, shape

from core.errors import ErrorCode, Refused
from models.cases import GridBoundary

BAD = ErrorCode.BAD_USER_INPUT
SHAPES = ("Polygon", "MultiPolygon")


def check_point(longitude: float | None, latitude: float | None, field: str = "location") -> None:
    """Both or neither, each within the globe's range."""
    if longitude is None and latitude is None:
        return
    if (
        longitude is None
        or latitude is None
        or not (-180 <= longitude <= 180 and -90 <= latitude <= 90)
    ):
        raise Refused(BAD, "case.location", field)


def outline(geometry: Any, field: str = "geometry") -> tuple[dict[str, Any], tuple[float, ...]]:
    """A checked outline and its bounding box (min lon, min lat, max lon, max lat)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in SHAPES:
        raise Refused(BAD, "case.boundary_shape", field)
    try:
        found = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise Refused(BAD, "case.boundary_shape", field) from exc
    if found.is_empty or not found.is_valid:
        raise Refused(BAD, "case.boundary_invalid", field)
    min_x, min_y, max_x, max_y = found.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise Refused(BAD, "case.location", field)
    return shapely.geometry.mapping(found), (min_x, min_y, max_x, max_y)


async def grid_of_point(longitude: float, latitude: float) -> int | None:
    """The grid of the current street whose outline covers the point, if any."""
    found = await grid_place_of_point(longitude, latitude)
    return found[0] if found is not None else None


async def grid_place_of_point(longitude: float, latitude: float) -> tuple[int, int] | None:
    """The grid whose outline covers the point and its community, read in the same statement
    (``(grid id, community id)``), if any."""
    candidates = (
        await GridBoundary.filter(
            min_longitude__lte=longitude,
            max_longitude__gte=longitude,
            min_latitude__lte=latitude,
            max_latitude__gte=latitude,
        )
        .order_by("grid_id")
        .values_list("grid_id", "geometry", "grid__community_id")
    )
    point = Point(longitude, latitude)
    for grid_id, geometry, community_id in candidates:
        if shape(geometry).covers(point):
            return int(grid_id), int(community_id)
    return None


async def streets_have_outlines() -> bool:
    return await GridBoundary.exists()
