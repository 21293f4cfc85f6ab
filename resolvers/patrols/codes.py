"""Error codes of the patrols domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class PatrolCode(StrEnum):
    NOT_YOUR_PATROL = "NOT_YOUR_PATROL"
    """Only the one walking a patrol sends its points, checks in, records and stops it."""
    PATROL_STOPPED = "PATROL_STOPPED"
    """The patrol has stopped: nothing more is added to it."""
    PATROL_ACTIVE = "PATROL_ACTIVE"
    """The caller already walks a patrol: stop it before starting another."""
    POINTS_OUT_OF_ORDER = "POINTS_OUT_OF_ORDER"
    """A point's time is not after the one before it (or the patrol's last point)."""
    POINT_IN_FUTURE = "POINT_IN_FUTURE"
    """A point's time is later than now (beyond the allowed clock skew)."""
    OUTSIDE_RADIUS = "OUTSIDE_RADIUS"
    """The check-in is farther from the key point than its radius."""
    NO_OUTLINE = "NO_OUTLINE"
    """The grid has no outline on the map: its blind spots cannot be found."""
