"""Walking a patrol and the street's key points: the writes."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import ErrorCode, Refused
from policies.capabilities.patrols import KEY_POINT_MANAGE, PATROL_WALK
from resolvers.patrols import walking
from resolvers.patrols.track import Fix
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.patrols.inputs import (
    CheckInInput,
    KeyPointInput,
    PatrolFindingInput,
    PatrolInput,
    PatrolPointsInput,
)
from schema.patrols.types import KeyPoint, Patrol, PatrolCheckIn, PatrolFinding
from schema.permissions import Can, mutation
from schema.relay import decode_id


@strawberry.type
class PatrolSuccess:
    patrol: Patrol


@strawberry.type
class PatrolCheckInSuccess:
    check_in: PatrolCheckIn


@strawberry.type
class PatrolFindingSuccess:
    finding: PatrolFinding


@strawberry.type
class KeyPointSuccess:
    key_point: KeyPoint


PatrolPayload = Annotated[PatrolSuccess | InputError, strawberry.union("PatrolPayload")]
PatrolCheckInPayload = Annotated[
    PatrolCheckInSuccess | InputError, strawberry.union("PatrolCheckInPayload")
]
PatrolFindingPayload = Annotated[
    PatrolFindingSuccess | InputError, strawberry.union("PatrolFindingPayload")
]
KeyPointPayload = Annotated[KeyPointSuccess | InputError, strawberry.union("KeyPointPayload")]


def _patrol(value: strawberry.ID) -> int:
    return decode_id(value, "Patrol", "patrolId")


def _done(row: object) -> PatrolSuccess:
    return PatrolSuccess(patrol=Patrol.from_model(row))  # type: ignore[arg-type]


@strawberry.type
class PatrolsMutation:
    @mutation(
        requires=Can(PATROL_WALK),
        description="开始巡防: start a patrol (one at a time, PATROL_ACTIVE otherwise).",
    )
    async def start_patrol(self, info: Info) -> PatrolPayload:
        return _done(await walking.start(caller(info)))

    @mutation(
        requires=Can(PATROL_WALK),
        description="上传轨迹: a batch of your patrol's GPS points, in time order, none in the "
        "future, each within the globe (POINTS_OUT_OF_ORDER, POINT_IN_FUTURE, BAD_USER_INPUT: "
        "the batch is refused whole). A point reached at an impossible speed is flagged, not "
        "counted as distance. `points` (typed) or `track` (compact), one of them.",
    )
    async def add_patrol_points(self, info: Info, input: PatrolPointsInput) -> PatrolPayload:
        if (input.points is None) == (input.track is None):
            raise Refused(ErrorCode.BAD_USER_INPUT, "patrol.points_or_track", "points")
        field = "points" if input.points is not None else "track"
        if input.points is not None:
            fixes = [Fix(p.at, p.longitude, p.latitude) for p in input.points]
        else:
            fixes = walking.fixes_of_track(input.track)
        patrol = _patrol(input.patrol_id)
        return _done(await walking.add_points(caller(info), patrol, fixes, field))

    @mutation(
        requires=Can(PATROL_WALK),
        description="打卡: check in at a key point; counts only within its radius "
        "(OUTSIDE_RADIUS), once per patrol.",
    )
    async def check_in_at_key_point(self, info: Info, input: CheckInInput) -> PatrolCheckInPayload:
        row = await walking.check_in(
            caller(info),
            _patrol(input.patrol_id),
            decode_id(input.key_point_id, "KeyPoint", "keyPointId"),
            Fix(input.at, input.location.longitude, input.location.latitude),
        )
        return PatrolCheckInSuccess(check_in=PatrolCheckIn.from_model(row))

    @mutation(
        requires=Can(PATROL_WALK),
        description="巡防发现: record what you noticed; with `reportCategoryId` it is reported "
        "as a case in the same step.",
    )
    async def record_patrol_finding(
        self, info: Info, input: PatrolFindingInput
    ) -> PatrolFindingPayload:
        category = (
            decode_id(input.report_category_id, "CaseCategory", "reportCategoryId")
            if input.report_category_id is not None
            else None
        )
        who = caller(info)
        here = Fix(who.services.clock.now(), input.location.longitude, input.location.latitude)
        row = await walking.record_finding(
            who, _patrol(input.patrol_id), input.note, here, category
        )
        return PatrolFindingSuccess(finding=PatrolFinding.from_model(row))

    @mutation(
        requires=Can(PATROL_WALK),
        description="结束巡防: stop your patrol; its route is kept as a GeoJSON LineString.",
    )
    async def stop_patrol(self, info: Info, input: PatrolInput) -> PatrolPayload:
        return _done(await walking.stop(caller(info), _patrol(input.patrol_id)))

    @mutation(
        requires=Can(KEY_POINT_MANAGE),
        description="巡防点位: add a place patrols check in at, with its radius.",
    )
    async def add_key_point(self, info: Info, input: KeyPointInput) -> KeyPointPayload:
        grid = decode_id(input.grid_id, "Grid", "gridId") if input.grid_id is not None else None
        row = await walking.add_key_point(
            caller(info),
            input.name,
            input.location.longitude,
            input.location.latitude,
            input.radius_m,
            grid,
        )
        return KeyPointSuccess(key_point=KeyPoint.from_model(row))
