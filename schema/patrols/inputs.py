"""Inputs of the patrols domain."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from models import patrols as m
from schema.inputs import text
from schema.projects.inputs import LocationInput


@strawberry.input(description="One GPS point: when (with its zone) and where (WGS 84).")
class GpsPointInput:
    at: datetime
    longitude: float
    latitude: float


@strawberry.input(description="上传轨迹: a batch of points of your patrol, oldest first.")
class PatrolPointsInput:
    patrol_id: strawberry.ID
    points: list[GpsPointInput] | None = strawberry.field(
        default=None, description="At most 1000, in time order (or `track`, not both)."
    )
    track: strawberry.scalars.JSON | None = strawberry.field(
        default=None,
        description="The same points, compact, as an app buffers them: "
        '`[["2026-06-01T09:00:05+08:00", 114.2001, 30.5502], …]` (time with its zone, '
        "longitude, latitude), at most 1000, in time order (or `points`, not both).",
    )


@strawberry.input(description="打卡: where you are, at a key point.")
class CheckInInput:
    patrol_id: strawberry.ID
    key_point_id: strawberry.ID
    location: LocationInput
    at: datetime


@strawberry.input(description="巡防发现: what you noticed (a case too, given a category).")
class PatrolFindingInput:
    patrol_id: strawberry.ID
    note: str = text(m.PatrolFinding, "note")
    location: LocationInput
    report_category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Report it as a case of this category (巡查上报)."
    )


@strawberry.input
class PatrolInput:
    patrol_id: strawberry.ID


@strawberry.input(description="巡防点位: a place patrols check in at.")
class KeyPointInput:
    name: str = text(m.KeyPoint, "name")
    location: LocationInput
    radius_m: int = strawberry.field(description="Metres, 5 to 2000.")
    grid_id: strawberry.ID | None = strawberry.field(
        default=None, description="Its grid; found from the grids' outlines when left out."
    )


@strawberry.input(description="A period of days (Beijing time), both included.")
class PeriodInput:
    start: date
    end: date
