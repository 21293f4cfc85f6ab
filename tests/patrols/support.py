"""Helpers for the patrols tests: GraphQL calls, a walk of points, and one row of every patrols
model for the isolation test."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.accounts import Role
from models.cases import CaseCategory
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.patrols import walking
from resolvers.patrols.track import Fix
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import StreetFixture, add_member

PATROL_FIELDS = "id state points flagged distanceM startedAt stoppedAt"


def payload_mutation(name: str, input_type: str | None, success: str, fields: str) -> str:
    head = f"mutation($input: {input_type}!)" if input_type else "mutation"
    argument = "(input: $input)" if input_type else ""
    return (
        f"{head} {{ {name}{argument} {{ __typename "
        f"... on {success} {{ {fields} }} "
        "... on UserError { code field message } } }"
    )


START = payload_mutation("startPatrol", None, "PatrolSuccess", f"patrol {{ {PATROL_FIELDS} }}")
POINTS = payload_mutation(
    "addPatrolPoints", "PatrolPointsInput", "PatrolSuccess", f"patrol {{ {PATROL_FIELDS} }}"
)
STOP = payload_mutation(
    "stopPatrol", "PatrolInput", "PatrolSuccess", f"patrol {{ {PATROL_FIELDS} route }}"
)
CHECK_IN = payload_mutation(
    "checkInAtKeyPoint", "CheckInInput", "PatrolCheckInSuccess", "checkIn { keyPointId distanceM }"
)
FINDING = payload_mutation(
    "recordPatrolFinding", "PatrolFindingInput", "PatrolFindingSuccess", "finding { note caseId }"
)
KEY_POINT = payload_mutation(
    "addKeyPoint", "KeyPointInput", "KeyPointSuccess", "keyPoint { id name radiusM gridId }"
)


def walk(
    start: datetime,
    n: int,
    *,
    longitude: float = 114.191,
    latitude: float = 30.55,
    step_deg: float = 0.0001,
    seconds: float = 10.0,
) -> list[dict[str, Any]]:
    """``n`` points walking east from (longitude, latitude), ``seconds`` apart: 0.0001° of
    longitude at 30.55° N is about 9.6 m, a walker's pace at 10 s."""
    return [
        {
            "at": (start + timedelta(seconds=seconds * i)).isoformat(),
            "longitude": round(longitude + step_deg * i, 7),
            "latitude": latitude,
        }
        for i in range(n)
    ]


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every patrols model of a street, one row at least, through its operations: a key
    point, a patrol with points (and their cells), a check-in, a finding, stopped."""
    walker = await add_member(services, fixture.street_id, Role.GRID_CHIEF)
    admin = await add_member(services, fixture.street_id, Role.STREET_ADMIN)
    with street_scope(fixture.street_id):
        street = await Street.get(id=fixture.street_id)
        as_admin = Caller(services, admin, street)
        as_walker = Caller(services, walker, street)
        point = await walking.add_key_point(
            as_admin, f"点位{index}", 114.2, 30.55, 50, fixture.grid_id
        )
        patrol = await walking.start(as_walker)
        now = services.clock.now()
        fixes = [Fix(now + timedelta(seconds=i), 114.2 + 0.00001 * i, 30.55) for i in range(3)]
        await walking.add_points(as_walker, patrol.id, fixes)
        await walking.check_in(as_walker, patrol.id, point.id, Fix(now, 114.2, 30.55))
        category = await CaseCategory.get(code="city")
        await walking.record_finding(
            as_walker, patrol.id, "路灯不亮", Fix(now, 114.2, 30.55), category.id
        )
        await walking.stop(as_walker, patrol.id)
