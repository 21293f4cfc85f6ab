"""The three reals on the map and a grid's summary (for its chief and the big screen)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from policies.capabilities.bases import BASES_MAP, HOUSE_MANAGE
from resolvers.bases import map as bases_map
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.permissions import Can, field, mutation
from schema.relay import decode_id, to_global_id


@strawberry.type(description="三实 of a grid: counts only.")
class GridBasesSummary:
    grid_id: strawberry.ID
    units: int
    rented_units: int
    residents: int
    tenants: int
    floating_people: int
    organisations: int
    open_cases: int


@strawberry.input(description="Where a building stands (WGS 84).")
class LocateBuildingInput:
    building_id: strawberry.ID
    longitude: float
    latitude: float


@strawberry.type
class LocateBuildingSuccess:
    building_id: strawberry.ID
    longitude: float
    latitude: float


LocateBuildingPayload = Annotated[
    LocateBuildingSuccess | InputError, strawberry.union("LocateBuildingPayload")
]


@strawberry.type
class BasesMapQuery:
    @field(
        replica=True,
        requires=Can(BASES_MAP),
        description="The three reals on the map: a GeoJSON FeatureCollection of the street's "
        "grids (their outline, if set, with counts of units, residents, tenants, floating "
        "people, organisations, open cases) and buildings (a Point once located, with the same "
        "counts but cases), or of one grid's when `gridId` is given. Counts only: no personal "
        "data.",
    )
    async def bases_map(self, info: Info, grid_id: strawberry.ID | None = None) -> JSON:
        caller(info)
        pk = decode_id(grid_id, "Grid", "gridId") if grid_id else None
        return JSON(await bases_map.bases_map(pk))

    @field(replica=True, requires=Can(BASES_MAP), description="三实 summary of one grid.")
    async def grid_bases_summary(self, info: Info, grid_id: strawberry.ID) -> GridBasesSummary:
        found = await bases_map.grid_summary(decode_id(grid_id, "Grid", "gridId"))
        return GridBasesSummary(
            grid_id=strawberry.ID(to_global_id("Grid", found.grid_id)),
            units=found.units,
            rented_units=found.rented_units,
            residents=found.residents,
            tenants=found.tenants,
            floating_people=found.floating_people,
            organisations=found.organisations,
            open_cases=found.open_cases,
        )


@strawberry.type
class BasesMapMutation:
    @mutation(requires=Can(HOUSE_MANAGE), description="Put a building on the map.")
    async def locate_building(
        self, info: Info, input: LocateBuildingInput
    ) -> LocateBuildingPayload:
        row = await bases_map.locate_building(
            caller(info),
            decode_id(input.building_id, "Building", "buildingId"),
            input.longitude,
            input.latitude,
        )
        return LocateBuildingSuccess(
            building_id=input.building_id, longitude=row.longitude, latitude=row.latitude
        )
