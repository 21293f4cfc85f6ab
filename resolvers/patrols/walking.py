"""定位巡防: start a patrol, send its GPS points in batches, check in at key points, record
findings (a finding can be reported as a case), stop it.

A batch is checked whole before anything is written: every coordinate within the globe,
every time with its zone, none in the future, each after the one before and after the
patrol's last point (a batch sent twice is refused, not stored twice). Then, in one
transaction holding the patrol's row (``FOR UPDATE``, so two batches of one patrol never
interleave), its points are written in one multi-row insert, the cells they passed through
marked for the day and the patrol's counters moved on, through ``models.sql`` with no model
object a point: on PostgreSQL the three in one statement (data-modifying ``WITH``), so a batch
is four round trips (``BEGIN``, the lock, the write, ``COMMIT``); on SQLite one each.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from core import validators
from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.cases import Case
from models.columns import max_length
from models.patrols import (
    KeyPoint,
    Patrol,
    PatrolCheckIn,
    PatrolFinding,
    PatrolPoint,
    PatrolState,
)
from models.sql import Statement
from models.tenancy import Grid
from resolvers.caller import Caller
from resolvers.cases import reporting
from resolvers.cases.geo import grid_of_point
from resolvers.events import changing
from resolvers.owned import NOT_FOUND, in_street, unusable
from resolvers.patrols.codes import PatrolCode
from resolvers.patrols.settings import PatrolSettings
from resolvers.patrols.track import Fix, Last, cell_of, metres, track

BAD = ErrorCode.BAD_USER_INPUT
CHUNK = 500  # rows of one multi-row INSERT
# The points of a batch in multi-row INSERTs (no model object per point), and the cells they
# passed that day, each once per street and day whoever marked it first.
_POINTS = Statement(
    'INSERT INTO "patrol_point" ("tenant_id", "patrol_id", "seq", "at", "longitude", '
    '"latitude", "flagged") VALUES (:street, :patrol, :seq, :at, :lon, :lat, :flagged)'
)
_CELLS = Statement(
    'INSERT INTO "patrol_cell" ("tenant_id", "cell", "day") VALUES (:street, :cell, :day) '
    'ON CONFLICT ("tenant_id", "cell", "day") DO NOTHING'
)
# The patrol's row, locked for the batch (SQLite has no row locks: its writers take turns).
_LOCKED = Statement('SELECT * FROM "patrol" WHERE "id" = :patrol AND "tenant_id" = :street')
_LOCKED_PG = Statement(_LOCKED.text + " FOR UPDATE")
_COUNTERS = (
    'UPDATE "patrol" SET "points" = :points, "flagged" = :flagged_total, '
    '"distance_m" = :distance, "last_at" = :last_at, "counted_at" = :counted_at, '
    '"last_longitude" = :last_longitude, "last_latitude" = :last_latitude '
    'WHERE "id" = :patrol AND "tenant_id" = :street'
)
_MOVED_ON = Statement(_COUNTERS)
# PostgreSQL: the points, the day's cells (a JSON array of [cell, day]) and the counters, one
# statement.
_WRITTEN_PG = Statement(
    'WITH "points" AS (INSERT INTO "patrol_point" ("tenant_id", "patrol_id", "seq", "at", '
    '"longitude", "latitude", "flagged") VALUES (:street, :patrol, :seq, :at, :lon, :lat, '
    ':flagged)), "cells" AS (INSERT INTO "patrol_cell" ("tenant_id", "cell", "day") '
    "SELECT :street, c ->> 0, CAST(c ->> 1 AS date) "
    "FROM jsonb_array_elements(CAST(:cells AS jsonb)) AS c "
    'ON CONFLICT ("tenant_id", "cell", "day") DO NOTHING) ' + _COUNTERS
)
_LAST_AT = Patrol._meta.fields_map["last_at"]
_COUNTED_AT = Patrol._meta.fields_map["counted_at"]
FIELD = "patrolId"
MAX_BATCH = 1000


def patrol_gid(patrol_id: int) -> str:
    return to_global_id("Patrol", patrol_id)


def check_location(
    longitude: float, latitude: float, field: str, latitude_field: str | None = None
) -> None:
    """Within the globe: longitude −180..180, latitude −90..90 (NaN is neither)."""
    if not -180 <= longitude <= 180:
        raise Refused(BAD, "patrol.location", field)
    if not -90 <= latitude <= 90:
        raise Refused(BAD, "patrol.location", latitude_field or field)


def fixes_of_track(raw: Any, field: str = "track") -> list[Fix]:
    """The compact form of a batch, ``[[time, longitude, latitude], …]``, as fixes: each an
    array of an ISO 8601 time with its zone and two numbers (the rest is checked with the
    batch by ``check_fixes``)."""
    if not isinstance(raw, list):
        raise Refused(BAD, "patrol.track_format", field)
    if len(raw) > MAX_BATCH:
        raise Refused(BAD, "patrol.batch_size", field, max=MAX_BATCH)
    fixes = []
    parse, finite = datetime.fromisoformat, math.isfinite
    for index, item in enumerate(raw):
        # Every point of a batch comes this way: the checks a good point passes first, each
        # refusal named by ``_refuse_item`` (which also parses what the fast checks let by).
        if type(item) is list and len(item) == 3:
            at, longitude, latitude = item
            if (
                type(at) is str
                and type(longitude) in _NUMBERS
                and type(latitude) in _NUMBERS
                and finite(longitude)
                and finite(latitude)
            ):
                try:
                    when = parse(at)
                except ValueError:
                    when = None
                if when is not None and when.utcoffset() is not None:
                    fixes.append(Fix(when, float(longitude), float(latitude)))
                    continue
        _refuse_item(item, f"{field}.{index}")
    return fixes


_NUMBERS = (int, float)  # as JSON gives them (a bool is neither)


def _refuse_item(item: Any, where: str) -> None:
    """Why one point of the compact form is refused."""
    if not isinstance(item, list) or len(item) != 3 or not isinstance(item[0], str):
        raise Refused(BAD, "patrol.track_format", where)
    at, longitude, latitude = item
    if not all(
        isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
        for n in (longitude, latitude)
    ):
        raise Refused(BAD, "patrol.track_format", where)
    try:
        when = datetime.fromisoformat(at)
    except ValueError as exc:
        raise Refused(BAD, "patrol.track_format", where) from exc
    if when.tzinfo is None or when.utcoffset() is None:
        raise Refused(BAD, "input.datetime_zone", where)
    raise Refused(BAD, "patrol.track_format", where)  # pragma: no cover - passed the fast checks


def _settings(caller: Caller) -> PatrolSettings:
    return caller.services.settings.section(PatrolSettings)


def check_fixes(caller: Caller, fixes: Sequence[Fix], after: Any, field: str = "points") -> None:
    """The whole batch, before anything is written (see the module's docstring)."""
    if not fixes:
        raise Refused(BAD, "patrol.no_points", field)
    if len(fixes) > MAX_BATCH:
        raise Refused(BAD, "patrol.batch_size", field, max=MAX_BATCH)
    latest = caller.services.clock.now() + timedelta(seconds=_settings(caller).patrol_clock_skew_s)
    previous = after
    try:  # the checks every good point passes, in one pass; a refusal is named below
        for fix in fixes:
            at = fix.at
            if not (
                -180 <= fix.longitude <= 180
                and -90 <= fix.latitude <= 90
                and at.utcoffset() is not None
                and validators.EARLIEST_INSTANT <= at <= validators.LATEST_INSTANT
                and at <= latest
                and (previous is None or at > previous)
            ):
                break
            previous = at
        else:
            return
    except OverflowError:  # an offset that carries a time past year 1 or 9999
        pass
    previous = after
    for index, fix in enumerate(fixes):
        where = f"{field}.{index}"
        check_location(fix.longitude, fix.latitude, f"{where}.longitude", f"{where}.latitude")
        validators.instant(fix.at, f"{where}.at")
        if fix.at > latest:
            raise Refused(PatrolCode.POINT_IN_FUTURE, "patrol.point_in_future", f"{where}.at")
        if previous is not None and fix.at <= previous:
            raise Refused(PatrolCode.POINTS_OUT_OF_ORDER, "patrol.out_of_order", f"{where}.at")
        previous = fix.at


async def own_patrol(caller: Caller, patrol_id: int, *, active: bool = True) -> Patrol:
    """The caller's patrol of the current street (active, unless told otherwise), its row
    locked until the transaction ends: one statement, no query building, since every batch of
    a walk comes this way."""
    conn = connections.get("default")
    locked = _LOCKED_PG if conn.capabilities.dialect == "postgres" else _LOCKED
    rows = await locked.fetch(conn, patrol=patrol_id)
    if not rows:
        raise unusable(FIELD, NOT_FOUND)
    patrol = Patrol._init_from_db(**rows[0])
    if patrol.walker_id != caller.user.id:
        raise Refused(PatrolCode.NOT_YOUR_PATROL, "patrol.not_yours", FIELD)
    if active and patrol.state is not PatrolState.ACTIVE:
        raise Refused(PatrolCode.PATROL_STOPPED, "patrol.stopped", FIELD)
    return patrol


async def start(caller: Caller) -> Patrol:
    """开始巡防: a new patrol of the caller (one at a time: an active one is stopped first)."""
    async with changing(caller.services, caller.user) as change:
        if await Patrol.filter(walker_id=caller.user.id, state=PatrolState.ACTIVE).exists():
            raise Refused(PatrolCode.PATROL_ACTIVE, "patrol.already_active", FIELD)
        patrol = await Patrol.create(walker_id=caller.user.id, started_at=change.at)
        await change.audit("patrol.started", patrol_gid(patrol.id), {})
    return patrol


async def add_points(
    caller: Caller, patrol_id: int, fixes: Sequence[Fix], field: str = "points"
) -> Patrol:
    """上传轨迹: a batch of GPS points, in order; those at an impossible speed are flagged."""
    services = caller.services
    async with changing(services, caller.user) as change:
        conn = change.conn
        patrol = await own_patrol(caller, patrol_id)
        skew = timedelta(seconds=_settings(caller).patrol_clock_skew_s)
        check_fixes(caller, fixes, patrol.last_at or patrol.started_at - skew, field)
        last = (
            Last(patrol.counted_at, patrol.last_longitude, patrol.last_latitude)
            if patrol.counted_at is not None
            and patrol.last_longitude is not None
            and patrol.last_latitude is not None
            else None
        )
        tracked = track(fixes, last, _settings(caller).patrol_max_speed_mps)
        at_column = PatrolPoint._meta.fields_map["at"]
        rows = [
            {
                "seq": patrol.points + index,
                "at": at_column.to_db_value(fix.at, PatrolPoint),
                "lon": fix.longitude,
                "lat": fix.latitude,
                "flagged": flagged,
            }
            for index, (fix, flagged) in enumerate(zip(fixes, tracked.flagged, strict=True))
        ]
        cells = sorted(
            {
                (cell_of(fix.longitude, fix.latitude), fix.at.astimezone(LOCAL_TZ).date())
                for fix, flagged in zip(fixes, tracked.flagged, strict=True)
                if not flagged
            }
        )
        patrol.points += len(fixes)
        patrol.flagged += sum(tracked.flagged)
        patrol.distance_m += tracked.distance_m
        patrol.last_at = fixes[-1].at
        if tracked.last is not None:
            patrol.counted_at = tracked.last.at
            patrol.last_longitude = tracked.last.longitude
            patrol.last_latitude = tracked.last.latitude
        counters = {
            "patrol": patrol.id,
            "points": patrol.points,
            "flagged_total": patrol.flagged,
            "distance": patrol.distance_m,
            "last_at": _LAST_AT.to_db_value(patrol.last_at, Patrol),
            "counted_at": _COUNTED_AT.to_db_value(patrol.counted_at, Patrol),
            "last_longitude": patrol.last_longitude,
            "last_latitude": patrol.last_latitude,
        }
        if conn.capabilities.dialect == "postgres" and len(rows) <= CHUNK:
            days = json.dumps([[c, d.isoformat()] for c, d in cells])
            await _WRITTEN_PG.run(conn, each=rows, cells=days, **counters)
            return patrol
        for start in range(0, len(rows), CHUNK):
            await _POINTS.run(conn, each=rows[start : start + CHUNK], patrol=patrol.id)
        for start in range(0, len(cells), CHUNK):
            chunk = cells[start : start + CHUNK]
            await _CELLS.run(conn, each=[{"cell": c, "day": d} for c, d in chunk])
        await _MOVED_ON.run(conn, **counters)
    return patrol


async def check_in(caller: Caller, patrol_id: int, key_point_id: int, here: Fix) -> PatrolCheckIn:
    """打卡: at a key point of the street; counts only within its radius (geodesic)."""
    check_location(here.longitude, here.latitude, "location")
    validators.instant(here.at, "at")
    skew = timedelta(seconds=_settings(caller).patrol_clock_skew_s)
    if here.at > caller.services.clock.now() + skew:
        raise Refused(PatrolCode.POINT_IN_FUTURE, "patrol.point_in_future", "at")
    async with changing(caller.services, caller.user) as change:
        patrol = await own_patrol(caller, patrol_id)
        if here.at < patrol.started_at - skew:
            raise Refused(PatrolCode.POINTS_OUT_OF_ORDER, "patrol.out_of_order", "at")
        point = await in_street(KeyPoint, key_point_id, "keyPointId")
        if not point.active:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "keyPointId")
        away = metres(point.longitude, point.latitude, here.longitude, here.latitude)
        if away > point.radius_m:
            raise Refused(
                PatrolCode.OUTSIDE_RADIUS,
                "patrol.outside_radius",
                "location",
                distance=round(away),
                radius=point.radius_m,
            )
        try:
            row = await PatrolCheckIn.create(
                patrol_id=patrol.id, key_point_id=point.id, at=here.at, distance_m=away
            )
        except IntegrityError as exc:
            raise Refused(ErrorCode.ALREADY_EXISTS, "patrol.checked_in", "keyPointId") from exc
        if point.last_checked_at is None or point.last_checked_at < here.at:
            point.last_checked_at = here.at
            await point.save(update_fields=["last_checked_at"])
        await change.audit(
            "patrol.checked_in",
            patrol_gid(patrol.id),
            {"keyPoint": point.id, "distanceM": round(away, 1)},
        )
    return row


async def record_finding(
    caller: Caller,
    patrol_id: int,
    note: str,
    here: Fix,
    report_category_id: int | None = None,
) -> PatrolFinding:
    """巡防发现: something noticed on the way; with a category it is reported as a case (巡查
    上报) in the same transaction."""
    note = validators.text(note, "note", max_length(PatrolFinding, "note"))
    check_location(here.longitude, here.latitude, "location")
    async with changing(caller.services, caller.user) as change:
        patrol = await own_patrol(caller, patrol_id)
        case: Case | None = None
        if report_category_id is not None:
            new = reporting.NewCase(
                title=note[: max_length(Case, "title")],
                description=note,
                category_id=report_category_id,
                longitude=here.longitude,
                latitude=here.latitude,
                grid_id=await grid_of_point(here.longitude, here.latitude),
            )
            case = await reporting.report_case(caller, new)
        row = await PatrolFinding.create(
            patrol_id=patrol.id,
            note=note,
            longitude=here.longitude,
            latitude=here.latitude,
            at=change.at,
            case_id=case.id if case else None,
        )
        await change.audit(
            "patrol.found", patrol_gid(patrol.id), {"finding": row.id, "case": row.case_id}
        )
    return row


async def route_of(patrol: Patrol) -> dict[str, Any]:
    """The route as a GeoJSON Feature: a LineString of the counted points, with their times,
    the distance and the flagged points (as a MultiPoint) in its properties."""
    if patrol.route is not None:
        return patrol.route
    rows = (
        await PatrolPoint.filter(patrol_id=patrol.id)
        .order_by("seq")
        .values_list("at", "longitude", "latitude", "flagged")
    )
    counted = [(at, lon, lat) for at, lon, lat, flagged in rows if not flagged]
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[lon, lat] for _, lon, lat in counted],
        },
        "properties": {
            "times": [at.isoformat() for at, _, _ in counted],
            "distanceM": round(patrol.distance_m, 1),
            "startedAt": patrol.started_at.isoformat(),
            "stoppedAt": patrol.stopped_at.isoformat() if patrol.stopped_at else None,
            "flagged": {
                "type": "MultiPoint",
                "coordinates": [[lon, lat] for _, lon, lat, flagged in rows if flagged],
            },
        },
    }


async def stop(caller: Caller, patrol_id: int) -> Patrol:
    """结束巡防: the patrol stops and its route is kept."""
    async with changing(caller.services, caller.user) as change:
        patrol = await own_patrol(caller, patrol_id)
        patrol.state = PatrolState.STOPPED
        patrol.stopped_at = change.at
        patrol.route = await route_of(patrol)
        await patrol.save(update_fields=["state", "stopped_at", "route"])
        await change.record(
            "patrol.stopped",
            patrol_gid(patrol.id),
            {
                "points": patrol.points,
                "flagged": patrol.flagged,
                "distanceM": round(patrol.distance_m, 1),
            },
        )
    return patrol


async def add_key_point(
    caller: Caller,
    name: str,
    longitude: float,
    latitude: float,
    radius_m: int,
    grid_id: int | None,
) -> KeyPoint:
    """巡防点位: a place patrols check in at (its grid given, or found from the outlines)."""
    name = validators.text(name, "name", max_length(KeyPoint, "name"))
    check_location(longitude, latitude, "location")
    radius = validators.in_range(radius_m, 5, 2000, "radiusM", "input.number_range")
    async with changing(caller.services, caller.user) as change:
        if grid_id is not None:
            await in_street(Grid, grid_id, "gridId")
        else:
            grid_id = await grid_of_point(longitude, latitude)
        row = await KeyPoint.create(
            name=name,
            longitude=longitude,
            latitude=latitude,
            radius_m=radius,
            grid_id=grid_id,
            created_at=change.at,
        )
        await change.audit(
            "patrol.key_point_added",
            to_global_id("KeyPoint", row.id),
            {"name": name, "radiusM": radius, "grid": grid_id},
        )
    return row
