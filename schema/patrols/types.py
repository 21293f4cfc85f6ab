"""Patrols, key points and blind spots as the schema shows them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import patrols as m
from resolvers.patrols import walking
from resolvers.patrols.blind_spots import BlindSpots as BlindSpotsRow
from schema.context import Info
from schema.projects.types import Location
from schema.relay import Node, to_global_id

strawberry.enum(m.PatrolState, name="PatrolState", description="ACTIVE 巡防中 · STOPPED 已结束.")
PatrolState = m.PatrolState


@strawberry.type(description="巡防点位: a place of the street patrols check in at.")
class KeyPoint(Node):
    name: str
    location: Location
    radius_m: int = strawberry.field(description="A check-in counts within this many metres.")
    grid_id: strawberry.ID | None
    last_checked_at: datetime | None

    @classmethod
    def from_model(cls, row: m.KeyPoint) -> KeyPoint:
        return cls(
            id=to_global_id("KeyPoint", row.id),
            name=row.name,
            location=Location(longitude=row.longitude, latitude=row.latitude),
            radius_m=row.radius_m,
            grid_id=strawberry.ID(to_global_id("Grid", row.grid_id)) if row.grid_id else None,
            last_checked_at=row.last_checked_at,
        )


@strawberry.type(description="定位巡防: one patrol walked, its counted distance and its route.")
class Patrol(Node):
    state: PatrolState
    started_at: datetime
    stopped_at: datetime | None
    points: int = strawberry.field(description="GPS points received.")
    flagged: int = strawberry.field(
        description="Points reached at an impossible speed: kept, not counted as distance."
    )
    distance_m: float = strawberry.field(description="Geodesic distance of the counted points.")
    row: strawberry.Private[m.Patrol]

    @classmethod
    def from_model(cls, row: m.Patrol) -> Patrol:
        return cls(
            id=to_global_id("Patrol", row.id),
            state=m.PatrolState(row.state),
            started_at=row.started_at,
            stopped_at=row.stopped_at,
            points=row.points,
            flagged=row.flagged,
            distance_m=round(row.distance_m, 1),
            row=row,
        )

    @strawberry.field(
        description="The route: a GeoJSON Feature of a LineString of the counted points, with "
        "`times`, `distanceM` and the `flagged` points (a MultiPoint) in its properties."
    )
    async def route(self, info: Info) -> JSON:
        return JSON(await walking.route_of(self.row))


@strawberry.type(description="打卡: a check-in at a key point.")
class PatrolCheckIn:
    key_point_id: strawberry.ID
    at: datetime
    distance_m: float = strawberry.field(description="Geodesic distance from the key point.")

    @classmethod
    def from_model(cls, row: m.PatrolCheckIn) -> PatrolCheckIn:
        return cls(
            key_point_id=strawberry.ID(to_global_id("KeyPoint", row.key_point_id)),
            at=row.at,
            distance_m=round(row.distance_m, 1),
        )


@strawberry.type(description="巡防发现: something a patrol noticed (a case when reported).")
class PatrolFinding:
    note: str
    location: Location
    at: datetime
    case_id: strawberry.ID | None

    @classmethod
    def from_model(cls, row: m.PatrolFinding) -> PatrolFinding:
        return cls(
            note=row.note,
            location=Location(longitude=row.longitude, latitude=row.latitude),
            at=row.at,
            case_id=strawberry.ID(to_global_id("Case", row.case_id)) if row.case_id else None,
        )


@strawberry.type(description="巡防盲区: the cells of a grid no patrol passed in a period.")
class BlindSpots:
    grid_id: strawberry.ID
    cells: int = strawberry.field(description="H3 cells (resolution 10) covering the grid.")
    patrolled: int = strawberry.field(description="Cells some patrol passed through.")
    blind: int = strawberry.field(description="Cells no patrol passed through.")
    geojson: JSON = strawberry.field(
        description="The blind cells as a GeoJSON FeatureCollection of hexagons."
    )
    unchecked_key_points: list[KeyPoint] = strawberry.field(
        description="The grid's key points not checked in the days asked."
    )

    @classmethod
    def from_spots(cls, row: BlindSpotsRow) -> BlindSpots:
        return cls(
            grid_id=strawberry.ID(to_global_id("Grid", row.grid_id)),
            cells=row.cells,
            patrolled=row.patrolled,
            blind=row.blind,
            geojson=JSON(row.geojson),
            unchecked_key_points=[KeyPoint.from_model(p) for p in row.unchecked],
        )
