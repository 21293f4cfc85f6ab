"""The pure part of a patrol's track: geodesic distances, the speed check, the H3 cells.

Distances are geodesic on the WGS 84 ellipsoid (PROJ's geodesic, Karney's algorithm, through
pyproj). A point
reached from the last counted one faster than the street's limit is *flagged*: kept, shown,
never counted as distance, and the next point is measured from the last counted one again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import h3
from pyproj import Geod

_WGS84 = Geod(ellps="WGS84")
CELL_RESOLUTION = 10  # H3 resolution 10: cells of about 15,000 m², edges of about 66 m


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The geodesic distance between two points (longitude, latitude), in metres."""
    _, _, distance = _WGS84.inv(lon1, lat1, lon2, lat2)
    return float(distance)


def cell_of(longitude: float, latitude: float) -> str:
    return str(h3.latlng_to_cell(latitude, longitude, CELL_RESOLUTION))


@dataclass(frozen=True)
class Fix:
    """One GPS point as sent."""

    at: datetime
    longitude: float
    latitude: float


@dataclass(frozen=True)
class Last:
    """The last counted point of a patrol (where the next batch continues from)."""

    at: datetime
    longitude: float
    latitude: float


@dataclass(frozen=True)
class Tracked:
    flagged: list[bool]
    distance_m: float
    last: Last | None


def track(fixes: Sequence[Fix], last: Last | None, max_speed_mps: float) -> Tracked:
    """Which points are flagged and how far the counted ones went, continuing from ``last``.
    The fixes are in order already (checked by the caller)."""
    flagged: list[bool] = []
    distance = 0.0
    for fix in fixes:
        if last is None:
            flagged.append(False)
            last = Last(fix.at, fix.longitude, fix.latitude)
            continue
        step = metres(last.longitude, last.latitude, fix.longitude, fix.latitude)
        seconds = (fix.at - last.at).total_seconds()
        if seconds <= 0 or step / seconds > max_speed_mps:
            flagged.append(True)
            continue
        flagged.append(False)
        distance += step
        last = Last(fix.at, fix.longitude, fix.latitude)
    return Tracked(flagged, distance, last)
