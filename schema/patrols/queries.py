"""Reading patrols, key points and the blind spots of a grid."""

from __future__ import annotations

import strawberry

from models.patrols import PatrolState as PatrolStateRow
from models.tenancy import Grid as GridRow
from policies.capabilities.patrols import KEY_POINT_READ, PATROL_MONITOR, PATROL_WALK
from resolvers.patrols import blind_spots, views
from schema.caller import caller
from schema.context import Info
from schema.patrols.inputs import PeriodInput
from schema.patrols.types import BlindSpots, KeyPoint, Patrol, PatrolState
from schema.permissions import Can, field
from schema.relay import Connection, decode_id
from tenants.scoping import get_in_street


@strawberry.type
class PatrolsQuery:
    @field(requires=Can(PATROL_WALK), description="我的巡防: your patrols, newest first.")
    async def my_patrols(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Patrol]:
        page = await views.my_patrols(caller(info), first, after)
        return Connection.from_page(page, Patrol.from_model)

    @field(
        requires=Can(PATROL_MONITOR),
        description="The street's patrols (walking now, or stopped), newest first.",
    )
    async def patrols(
        self,
        info: Info,
        state: PatrolState | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Patrol]:
        wanted = PatrolStateRow(state) if state is not None else None
        page = await views.street_patrols(caller(info), wanted, first, after)
        return Connection.from_page(page, Patrol.from_model)

    @field(
        requires=Can(KEY_POINT_READ),
        description="巡防点位: the street's key points (of one grid), in the order added.",
    )
    async def key_points(
        self,
        info: Info,
        grid_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[KeyPoint]:
        grid = None
        if grid_id is not None:
            grid = decode_id(grid_id, "Grid", "gridId")
            await get_in_street(GridRow, grid)
        page = await views.key_points(caller(info), grid, first, after)
        return Connection.from_page(page, KeyPoint.from_model)

    @field(
        requires=Can(PATROL_MONITOR),
        description="巡防盲区: a grid's H3 cells no patrol passed through in the period, as "
        "GeoJSON and counts, with its key points not checked in `uncheckedDays` days.",
    )
    async def patrol_blind_spots(
        self, info: Info, grid_id: strawberry.ID, period: PeriodInput, unchecked_days: int = 7
    ) -> BlindSpots:
        found = await blind_spots.blind_spots(
            caller(info),
            decode_id(grid_id, "Grid", "gridId"),
            period.start,
            period.end,
            unchecked_days,
        )
        return BlindSpots.from_spots(found)
