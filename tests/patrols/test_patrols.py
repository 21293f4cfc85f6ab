"""定位巡防 through the GraphQL API: a walk in batches with its distance and route, check-ins
within a key point's radius, findings that become cases, blind spots of a grid; and every
refusal of the issue (impossible speeds flagged, times out of order or in the future,
coordinates out of range, a check-in outside the radius), each changing nothing."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import FrozenClock
from models.cases import Case, CaseSource
from models.patrols import Patrol, PatrolCell, PatrolCheckIn, PatrolPoint
from resolvers.patrols.track import Fix, Last, track
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import INSIDE, CaseStreet, call, case_street, pk, run
from tests.patrols.support import CHECK_IN, FINDING, KEY_POINT, POINTS, START, STOP, walk
from tests.support import Api, gid

BLIND = """query($g: ID!, $p: PeriodInput!, $d: Int!) {
  patrolBlindSpots(gridId: $g, period: $p, uncheckedDays: $d) {
    gridId cells patrolled blind geojson uncheckedKeyPoints { name } } }"""


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """A spherical estimate, to check the geodesic figure independently (within 0.5 %)."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


async def started(api: Api, cs: CaseStreet, clock: FrozenClock) -> str:
    done = await run(api, cs, cs.resident, START, {})
    assert done["__typename"] == "PatrolSuccess", done
    clock.current += timedelta(hours=1)  # the walk happens in the hour after
    return done["patrol"]["id"]


async def stored(cs: CaseStreet) -> tuple[list, list, list]:
    with street_scope(cs.street.street_id):
        return (
            await PatrolPoint.all().order_by("id").values_list("seq", "flagged"),
            await Patrol.all().values_list("points", "flagged", "distance_m", "last_at"),
            await PatrolCell.all().order_by("id").values_list("cell", "day"),
        )


def test_a_jump_is_flagged_and_the_next_point_measured_from_the_last_counted() -> None:
    t0 = Last(at=datetime(2026, 6, 1, 1, 0, tzinfo=UTC), longitude=0.0, latitude=0.0)
    fixes = [
        Fix(t0.at + timedelta(seconds=10), 0.0001, 0.0),  # 11 m in 10 s
        Fix(t0.at + timedelta(seconds=11), 0.05, 0.0),  # 5.5 km in a second
        Fix(t0.at + timedelta(seconds=20), 0.0002, 0.0),  # back on the way
    ]
    done = track(fixes, t0, max_speed_mps=30)
    assert done.flagged == [False, True, False]
    assert done.distance_m == pytest.approx(haversine(0, 0, 0.0002, 0), rel=5e-3)
    assert done.last is not None and done.last.longitude == 0.0002


async def test_a_patrol_walked_in_batches_keeps_its_route_and_distance(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    patrol = await started(api, cs, monday)
    start = monday.current - timedelta(minutes=50)
    first = walk(start, 100)  # 114.1910 → 114.1919, 10 s apart
    last_at = start + timedelta(seconds=990)
    jump = {
        "at": (last_at + timedelta(seconds=1)).isoformat(),
        "longitude": 114.25,
        "latitude": 30.55,
    }
    onwards = walk(last_at + timedelta(seconds=10), 99, longitude=114.191 + 0.0100)
    for batch in (first, [jump, *onwards]):
        done = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "points": batch})
        assert done["__typename"] == "PatrolSuccess", done
    assert done["patrol"]["points"] == 200
    assert done["patrol"]["flagged"] == 1  # 5 km in a second: kept, not counted as distance
    span = haversine(114.191, 30.55, 114.191 + 0.0198, 30.55)  # about 1.9 km
    assert done["patrol"]["distanceM"] == pytest.approx(span, rel=5e-3)
    stopped = await run(api, cs, cs.resident, STOP, {"patrolId": patrol})
    assert stopped["patrol"]["state"] == "STOPPED"
    route = stopped["patrol"]["route"]
    assert route["geometry"]["type"] == "LineString"
    assert len(route["geometry"]["coordinates"]) == 199
    assert len(route["properties"]["times"]) == 199
    assert route["properties"]["flagged"]["coordinates"] == [[114.25, 30.55]]
    assert route["properties"]["times"][0] == first[0]["at"]
    late = await run(
        api, cs, cs.resident, POINTS, {"patrolId": patrol, "points": walk(monday.current, 1)}
    )
    assert late["code"] == "PATROL_STOPPED"


async def test_bad_points_are_refused_whole_and_change_nothing(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    patrol = await started(api, cs, monday)
    start = monday.current - timedelta(minutes=30)
    ok = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "points": walk(start, 5)})
    assert ok["__typename"] == "PatrolSuccess"
    before = await stored(cs)
    later = start + timedelta(minutes=5)
    swapped = walk(later, 3)
    swapped[1], swapped[2] = swapped[2], swapped[1]
    future = walk(monday.current + timedelta(minutes=10), 1)
    cases = {
        "resent": (walk(start, 5), "POINTS_OUT_OF_ORDER", "points.0.at"),
        "swapped": (swapped, "POINTS_OUT_OF_ORDER", "points.2.at"),
        "future": (walk(later, 2) + future, "POINT_IN_FUTURE", "points.2.at"),
        "longitude": (
            [{**walk(later, 1)[0], "longitude": 181.0}],
            "BAD_USER_INPUT",
            "points.0.longitude",
        ),
        "latitude": (
            [{**walk(later, 1)[0], "latitude": -90.5}],
            "BAD_USER_INPUT",
            "points.0.latitude",
        ),
        "no zone": (
            [{**walk(later, 1)[0], "at": "2026-06-01T09:30:00"}],
            "BAD_USER_INPUT",
            None,
        ),
    }
    for name, (points, code, field) in cases.items():
        body = await call(
            api, cs, cs.resident, POINTS, {"input": {"patrolId": patrol, "points": points}}
        )
        payload = body["data"]["addPatrolPoints"] if body.get("data") else None
        if payload is None:  # refused by the DateTime scalar before the resolver
            assert "BAD_USER_INPUT" in str(body), (name, body)
            continue
        assert payload["code"] == code, (name, payload)
        if field:
            assert payload["field"] == field, (name, payload)
        assert await stored(cs) == before, name


async def test_only_the_walker_adds_to_a_patrol(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    patrol = await started(api, cs, monday)
    points = walk(monday.current - timedelta(minutes=5), 2)
    refused = await run(api, cs, cs.resident2, POINTS, {"patrolId": patrol, "points": points})
    assert (refused["code"], refused["field"]) == ("NOT_YOUR_PATROL", "patrolId")
    again = await run(api, cs, cs.resident, START, {})
    assert again["code"] == "PATROL_ACTIVE"


async def test_another_streets_patrol_is_not_found(
    api: Api, cs: CaseStreet, services: Services, monday: FrozenClock
) -> None:
    other = await case_street(services, "pt-other")
    theirs = await started(api, other, monday)
    before = await stored(other)
    points = walk(monday.current - timedelta(minutes=5), 3)
    refused = await run(api, cs, cs.resident, POINTS, {"patrolId": theirs, "points": points})
    assert (refused["code"], refused["field"]) == ("NOT_FOUND", "patrolId")
    assert await stored(other) == before


async def test_a_check_in_counts_only_inside_the_radius(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    added = await run(
        api, cs, cs.admin, KEY_POINT, {"name": "社区东门", "location": INSIDE, "radiusM": 50}
    )
    assert added["keyPoint"]["gridId"] == gid("Grid", cs.street.grid_id)  # from the outline
    point = added["keyPoint"]["id"]
    patrol = await started(api, cs, monday)
    far = {"longitude": INSIDE["longitude"] + 0.002, "latitude": INSIDE["latitude"]}  # ~190 m
    values = {"patrolId": patrol, "keyPointId": point, "at": monday.current.isoformat()}
    refused = await run(api, cs, cs.resident, CHECK_IN, {**values, "location": far})
    assert (refused["code"], refused["field"]) == ("OUTSIDE_RADIUS", "location"), refused
    with street_scope(cs.street.street_id):
        assert await PatrolCheckIn.all().count() == 0
    near = {"longitude": INSIDE["longitude"] + 0.0003, "latitude": INSIDE["latitude"]}  # ~29 m
    done = await run(api, cs, cs.resident, CHECK_IN, {**values, "location": near})
    assert done["__typename"] == "PatrolCheckInSuccess", done
    assert done["checkIn"]["distanceM"] == pytest.approx(
        haversine(INSIDE["longitude"], INSIDE["latitude"], near["longitude"], near["latitude"]),
        rel=5e-3,
    )
    twice = await run(api, cs, cs.resident, CHECK_IN, {**values, "location": near})
    assert twice["code"] == "ALREADY_EXISTS"
    bad = await run(
        api, cs, cs.resident, CHECK_IN, {**values, "location": {"longitude": 200, "latitude": 0}}
    )
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "location")
    ahead = (monday.current + timedelta(hours=1)).isoformat()
    future = await run(api, cs, cs.resident, CHECK_IN, {**values, "at": ahead, "location": near})
    assert (future["code"], future["field"]) == ("POINT_IN_FUTURE", "at")


async def test_a_finding_becomes_a_case(api: Api, cs: CaseStreet, monday: FrozenClock) -> None:
    patrol = await started(api, cs, monday)
    done = await run(
        api,
        cs,
        cs.resident,
        FINDING,
        {
            "patrolId": patrol,
            "note": "井盖缺失",
            "location": INSIDE,
            "reportCategoryId": gid("CaseCategory", cs.category_id),
        },
    )
    assert done["__typename"] == "PatrolFindingSuccess", done
    with street_scope(cs.street.street_id):
        case = await Case.get(id=pk(done["finding"]["caseId"]))
    assert case.title == "井盖缺失" and case.grid_id == cs.street.grid_id
    assert case.source is CaseSource.RESIDENT_APP and case.reporter_id == cs.resident.id
    plain = await run(
        api, cs, cs.resident, FINDING, {"patrolId": patrol, "note": "一切正常", "location": INSIDE}
    )
    assert plain["finding"]["caseId"] is None


async def test_blind_spots_of_a_grid_over_a_period(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    for name in ("东门", "西门"):
        await run(api, cs, cs.admin, KEY_POINT, {"name": name, "location": INSIDE, "radiusM": 50})
    patrol = await started(api, cs, monday)
    # across the grid from west to east (114.19 → 114.21) at 30.55
    points = walk(monday.current - timedelta(minutes=50), 200, step_deg=0.0001, seconds=10)
    await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "points": points})
    with street_scope(cs.street.street_id):
        first_point = await Patrol.get(id=pk(patrol))
    assert first_point.points == 200
    values = {"patrolId": patrol, "at": monday.current.isoformat(), "location": INSIDE}
    key_points = await call(api, cs, cs.leader, "{ keyPoints { edges { node { id name } } } }", {})
    east = key_points["data"]["keyPoints"]["edges"][0]["node"]["id"]
    await run(api, cs, cs.resident, CHECK_IN, {**values, "keyPointId": east})
    june = {"start": "2026-06-01", "end": "2026-06-30"}
    body = await call(
        api, cs, cs.leader, BLIND, {"g": gid("Grid", cs.street.grid_id), "p": june, "d": 7}
    )
    spots = body["data"]["patrolBlindSpots"]
    assert spots["cells"] > 100 and 0 < spots["patrolled"] < spots["cells"]
    assert spots["blind"] == spots["cells"] - spots["patrolled"]
    assert len(spots["geojson"]["features"]) == spots["blind"]
    assert spots["geojson"]["features"][0]["geometry"]["type"] == "Polygon"
    assert [p["name"] for p in spots["uncheckedKeyPoints"]] == ["西门"]
    may = {"start": "2026-05-01", "end": "2026-05-31"}
    body = await call(
        api, cs, cs.leader, BLIND, {"g": gid("Grid", cs.street.grid_id), "p": may, "d": 7}
    )
    assert body["data"]["patrolBlindSpots"]["patrolled"] == 0
    no_outline = await call(
        api, cs, cs.leader, BLIND, {"g": gid("Grid", cs.grid2_id), "p": june, "d": 7}
    )
    assert no_outline["errors"][0]["extensions"]["code"] == "NO_OUTLINE"
    backwards = {"start": "2026-06-30", "end": "2026-06-01"}
    body = await call(
        api, cs, cs.leader, BLIND, {"g": gid("Grid", cs.street.grid_id), "p": backwards, "d": 7}
    )
    assert body["errors"][0]["extensions"]["field"] == "to"


async def test_the_compact_track_is_the_same_batch(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    patrol = await started(api, cs, monday)
    points = walk(monday.current - timedelta(minutes=30), 10)
    track = [[p["at"], p["longitude"], p["latitude"]] for p in points]
    done = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "track": track})
    assert done["__typename"] == "PatrolSuccess", done
    assert done["patrol"]["points"] == 10
    assert done["patrol"]["distanceM"] == pytest.approx(
        haversine(114.191, 30.55, 114.1919, 30.55), rel=5e-3
    )
    before = await stored(cs)
    later = walk(monday.current - timedelta(minutes=20), 3)
    bad = {
        "not a list": ({"at": 1}, "track"),
        "short": ([[later[0]["at"], 114.2]], "track.0"),
        "text number": ([[later[0]["at"], "114.2", 30.5]], "track.0"),
        "boolean": ([[later[0]["at"], True, 30.5]], "track.0"),
        "bad time": ([["yesterday", 114.2, 30.5]], "track.0"),
        "no zone": ([["2026-06-01T09:30:00", 114.2, 30.5]], "track.0"),
        "out of range": ([[later[0]["at"], 114.2, 91.0]], "track.0.latitude"),
        "resent": (track, "track.0.at"),
    }
    for name, (value, field) in bad.items():
        refused = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol, "track": value})
        assert (refused["__typename"], refused["field"]) == ("InputError", field), (name, refused)
        assert await stored(cs) == before, name
    both = await run(
        api, cs, cs.resident, POINTS, {"patrolId": patrol, "track": track, "points": later}
    )
    assert (both["code"], both["field"]) == ("BAD_USER_INPUT", "points")
    neither = await run(api, cs, cs.resident, POINTS, {"patrolId": patrol})
    assert neither["code"] == "BAD_USER_INPUT"
