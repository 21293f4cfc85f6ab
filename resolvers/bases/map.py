"""The three reals on the map (2.5维地图): one GeoJSON FeatureCollection for the street or one
grid, with counts only and no personal data.

A grid is a feature with its outline (the cases domain's grid boundary, or no geometry when it
has none) and its counts: residents, tenants, floating population, organisations, open cases.
A building is a Point feature (where it stands, once located) with the same counts but cases.
Nothing of a person is read: every figure is a grouped count."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.functions import Count

from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.bases import (
    BuildingLocation,
    DwellingUnit,
    FloatingPerson,
    Occupancy,
    OccupantKind,
    Organisation,
    UnitUse,
)
from models.cases import OPEN_STATES, Case, GridBoundary
from models.people import Building, Resident
from models.tenancy import Grid
from resolvers.bases.common import HOUSE_EVENTS, visible_building
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street

COUNTS = ("units", "residents", "tenants", "floatingPeople", "organisations")


async def _grouped(query: Any, key: str) -> Counter[int]:
    """``COUNT(*) … GROUP BY key`` as a counter (rows without the key left out)."""
    rows = await query.annotate(n=Count("id")).group_by(key).values(key, "n")
    return Counter({int(row[key]): int(row["n"]) for row in rows if row[key] is not None})


@dataclass(frozen=True)
class Tallies:
    by_grid: dict[str, Counter[int]]
    by_building: dict[str, Counter[int]]


def _fold(counts: Counter[int], into: dict[int, int | None]) -> Counter[int]:
    """Counts by unit (or building) summed up by the building (or grid) each belongs to."""
    found: Counter[int] = Counter()
    for key, n in counts.items():
        parent = into.get(key)
        if parent is not None:
            found[parent] += n
    return found


async def _tallies(grid_id: int | None) -> Tallies:
    """Grouped counts only: one statement per figure, whatever the street's size."""
    buildings = Building.all() if grid_id is None else Building.filter(grid_id=grid_id)
    building_grid: dict[int, int | None] = dict(await buildings.values_list("id", "grid_id"))
    in_buildings = Subquery(buildings.values("id"))
    units = DwellingUnit.filter(building_id__in=in_buildings)
    unit_building: dict[int, int | None] = dict(await units.values_list("id", "building_id"))
    tenants_by_unit = await _grouped(
        Occupancy.filter(kind=OccupantKind.TENANT, unit_id__in=Subquery(units.values("id"))),
        "unit_id",
    )
    floating_by_unit = await _grouped(
        FloatingPerson.filter(unit_id__in=Subquery(units.values("id"))), "unit_id"
    )
    floating_residents = Subquery(FloatingPerson.all().values("resident_id"))
    by_building = {
        "units": await _grouped(units, "building_id"),
        "residents": await _grouped(Resident.filter(building_id__in=in_buildings), "building_id"),
        "tenants": _fold(tenants_by_unit, unit_building),
        "floatingPeople": _fold(floating_by_unit, unit_building),
        "organisations": await _grouped(
            Organisation.filter(building_id__in=in_buildings), "building_id"
        ),
    }
    by_grid = {
        "units": _fold(by_building["units"], building_grid),
        "residents": await _grouped(Resident.all(), "grid_id"),
        "tenants": _fold(by_building["tenants"], building_grid),
        "floatingPeople": await _grouped(Resident.filter(id__in=floating_residents), "grid_id"),
        "organisations": await _grouped(Organisation.all(), "grid_id"),
        "openCases": await _grouped(Case.filter(state__in=list(OPEN_STATES)), "grid_id"),
    }
    return Tallies(by_grid, by_building)


async def bases_map(grid_id: int | None) -> dict[str, Any]:
    """The FeatureCollection of the street (``grid_id`` None) or of one grid (another
    street's is NOT_FOUND)."""
    if grid_id is not None:
        await in_street(Grid, grid_id, "gridId", "input.grid_not_found")
    grids = await (Grid.all() if grid_id is None else Grid.filter(id=grid_id)).order_by("id")
    outlines = dict(
        await GridBoundary.filter(grid_id__in=[g.id for g in grids] or [-1]).values_list(
            "grid_id", "geometry"
        )
    )
    buildings = await (
        Building.all() if grid_id is None else Building.filter(grid_id=grid_id)
    ).order_by("id")
    located = {
        row.building_id: row
        for row in await BuildingLocation.filter(building_id__in=[b.id for b in buildings] or [-1])
    }
    tallies = await _tallies(grid_id)
    features: list[dict[str, Any]] = []
    for grid in grids:
        features.append(
            {
                "type": "Feature",
                "id": to_global_id("Grid", grid.id),
                "geometry": outlines.get(grid.id),
                "properties": {
                    "kind": "grid",
                    "name": grid.name,
                    "code": grid.code,
                    **{key: tallies.by_grid[key][grid.id] for key in (*COUNTS, "openCases")},
                },
            }
        )
    for building in buildings:
        place = located.get(building.id)
        features.append(
            {
                "type": "Feature",
                "id": to_global_id("Building", building.id),
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]}
                if place
                else None,
                "properties": {
                    "kind": "building",
                    "name": building.name,
                    "grid": to_global_id("Grid", building.grid_id) if building.grid_id else None,
                    **{key: tallies.by_building[key][building.id] for key in COUNTS},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class GridSummary:
    """三实 of a grid, for its chief and the big screen."""

    grid_id: int
    units: int
    rented_units: int
    residents: int
    tenants: int
    floating_people: int
    organisations: int
    open_cases: int


async def grid_summary(grid_id: int) -> GridSummary:
    grid = await in_street(Grid, grid_id, "gridId", "input.grid_not_found")
    tallies = await _tallies(grid.id)
    buildings = Building.filter(grid_id=grid.id).values("id")
    rented = await DwellingUnit.filter(
        building_id__in=Subquery(buildings), use=UnitUse.RENTED
    ).count()
    return GridSummary(
        grid_id=grid.id,
        units=tallies.by_grid["units"][grid.id],
        rented_units=rented,
        residents=tallies.by_grid["residents"][grid.id],
        tenants=tallies.by_grid["tenants"][grid.id],
        floating_people=tallies.by_grid["floatingPeople"][grid.id],
        organisations=tallies.by_grid["organisations"][grid.id],
        open_cases=tallies.by_grid["openCases"][grid.id],
    )


async def locate_building(
    caller: Caller, building_id: int, longitude: float, latitude: float
) -> BuildingLocation:
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.point_range", "longitude")
    building = await visible_building(caller, building_id)
    try:
        async with changing(caller.services, caller.user) as change:
            row = await BuildingLocation.filter(building_id=building.id).first()
            if row is None:
                row = await BuildingLocation.create(
                    building_id=building.id, longitude=longitude, latitude=latitude
                )
            else:
                row.longitude, row.latitude = longitude, latitude
                await row.save(update_fields=["longitude", "latitude"])
            await change.record(
                "house.building_located",
                to_global_id("Building", building.id),
                {"longitude": longitude, "latitude": latitude},
                visibility=HOUSE_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.location_exists", "buildingId") from exc
    return row
