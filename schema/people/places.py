"""Compounds, buildings and staff per grid (小区、楼栋、网格人员)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import people as m
from models.accounts import User as UserRow
from models.people import Compound as CompoundRow
from models.tenancy import Community as CommunityRow
from models.tenancy import Grid as GridRow
from policies.capabilities.people import STAFF_ASSIGN
from policies.capabilities.tenancy import PLACE_MANAGE, PLACE_READ
from resolvers.people import places
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.permissions import Can, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id
from schema.tenancy.types import Community, Grid

GridDuty = m.GridDuty
strawberry.enum(
    GridDuty, name="GridDuty", description="CHIEF 网格长 (one per grid) · WORKER 网格员"
)


@strawberry.type(description="小区: a residential compound of a community.")
class Compound(Node):
    name: str
    community_id: strawberry.Private[int]

    @strawberry.field(description="The community (社区) of the compound.")
    async def community(self, info: Info) -> Community:
        row = await info.context.loaders.by_id(CommunityRow).load(self.community_id)
        assert row is not None
        return Community.from_model(row)

    @classmethod
    def from_model(cls, row: m.Compound) -> Compound:
        return cls(
            id=to_global_id("Compound", row.id), name=row.name, community_id=row.community_id
        )


@strawberry.type(description="楼栋: a building of a compound, served by one grid.")
class Building(Node):
    name: str
    compound_id: strawberry.Private[int]
    grid_id: strawberry.Private[int | None]

    @strawberry.field(description="The compound (小区).")
    async def compound(self, info: Info) -> Compound:
        row = await info.context.loaders.by_id(CompoundRow).load(self.compound_id)
        assert row is not None
        return Compound.from_model(row)

    @strawberry.field(description="The grid (网格) that serves the building.")
    async def grid(self, info: Info) -> Grid | None:
        if self.grid_id is None:
            return None
        row = await info.context.loaders.by_id(GridRow).load(self.grid_id)
        return Grid.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: m.Building) -> Building:
        return cls(
            id=to_global_id("Building", row.id),
            name=row.name,
            compound_id=row.compound_id,
            grid_id=row.grid_id,
        )


@strawberry.type(description="A staff member serving a grid (网格长 or 网格员).")
class GridAssignment(Node):
    duty: GridDuty
    grid_id: strawberry.Private[int]
    user_id: strawberry.Private[int]

    @strawberry.field
    async def grid(self, info: Info) -> Grid:
        row = await info.context.loaders.by_id(GridRow).load(self.grid_id)
        assert row is not None
        return Grid.from_model(row)

    @strawberry.field
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.user_id)
        assert row is not None
        return Account.from_model(row)

    @classmethod
    def from_model(cls, row: m.GridAssignment) -> GridAssignment:
        return cls(
            id=to_global_id("GridAssignment", row.id),
            duty=row.duty,
            grid_id=row.grid_id,
            user_id=row.user_id,
        )


@strawberry.type(description="A staff member serving a community (社区两委).")
class CommunityAssignment(Node):
    community_id: strawberry.Private[int]
    user_id: strawberry.Private[int]

    @strawberry.field
    async def community(self, info: Info) -> Community:
        row = await info.context.loaders.by_id(CommunityRow).load(self.community_id)
        assert row is not None
        return Community.from_model(row)

    @strawberry.field
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.user_id)
        assert row is not None
        return Account.from_model(row)

    @classmethod
    def from_model(cls, row: m.CommunityAssignment) -> CommunityAssignment:
        return cls(
            id=to_global_id("CommunityAssignment", row.id),
            community_id=row.community_id,
            user_id=row.user_id,
        )


@strawberry.input(description="A new compound (小区) in a community.")
class CreateCompoundInput:
    community_id: strawberry.ID
    name: str = text(m.Compound, "name")


@strawberry.input(description="A new building (楼栋) in a compound, optionally served by a grid.")
class CreateBuildingInput:
    compound_id: strawberry.ID
    name: str = text(m.Building, "name")
    grid_id: strawberry.ID | None = None


@strawberry.input(
    description="Assign a staff member to a grid as chief (网格长) or worker (网格员)."
)
class AssignGridStaffInput:
    grid_id: strawberry.ID
    account_id: strawberry.ID
    duty: GridDuty


@strawberry.input(description="Remove a staff member from a grid.")
class UnassignGridStaffInput:
    assignment_id: strawberry.ID


@strawberry.input(description="Assign a community staff member (社区两委) to a community.")
class AssignCommunityStaffInput:
    community_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.type
class CreateCompoundSuccess:
    compound: Compound


@strawberry.type
class CreateBuildingSuccess:
    building: Building


@strawberry.type
class GridStaffSuccess:
    assignment: GridAssignment


@strawberry.type
class CommunityStaffSuccess:
    assignment: CommunityAssignment


CreateCompoundPayload = Annotated[
    CreateCompoundSuccess | InputError, strawberry.union("CreateCompoundPayload")
]
CreateBuildingPayload = Annotated[
    CreateBuildingSuccess | InputError, strawberry.union("CreateBuildingPayload")
]
GridStaffPayload = Annotated[GridStaffSuccess | InputError, strawberry.union("GridStaffPayload")]
CommunityStaffPayload = Annotated[
    CommunityStaffSuccess | InputError, strawberry.union("CommunityStaffPayload")
]


@strawberry.type
class PlacesQuery:
    @field(requires=Can(PLACE_READ), description="Compounds (小区), optionally of a community.")
    async def compounds(
        self,
        info: Info,
        community_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Compound]:
        pk = decode_id(community_id, "Community", "communityId") if community_id else None
        page = await places.list_compounds(info.context.services, pk, first, after)
        return Connection.from_page(page, Compound.from_model)

    @field(requires=Can(PLACE_READ), description="Buildings (楼栋), optionally of a compound.")
    async def buildings(
        self,
        info: Info,
        compound_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Building]:
        pk = decode_id(compound_id, "Compound", "compoundId") if compound_id else None
        page = await places.list_buildings(info.context.services, pk, first, after)
        return Connection.from_page(page, Building.from_model)

    @field(
        requires=Can(PLACE_READ),
        description="The staff of a grid: its chief (网格长) and workers (网格员).",
    )
    async def grid_staff(self, info: Info, grid_id: strawberry.ID) -> list[GridAssignment]:
        pk = decode_id(grid_id, "Grid", "gridId")
        await places.grid_or_domain_error(pk)
        return [GridAssignment.from_model(row) for row in await places.grid_staff(pk)]


@strawberry.type
class PlacesMutation:
    @mutation(requires=Can(PLACE_MANAGE), description="Add a compound (小区) to a community.")
    async def create_compound(
        self, info: Info, input: CreateCompoundInput
    ) -> CreateCompoundPayload:
        community = decode_id(input.community_id, "Community", "communityId")
        row = await places.create_compound(caller(info), community, input.name)
        return CreateCompoundSuccess(compound=Compound.from_model(row))

    @mutation(requires=Can(PLACE_MANAGE), description="Add a building (楼栋) to a compound.")
    async def create_building(
        self, info: Info, input: CreateBuildingInput
    ) -> CreateBuildingPayload:
        compound = decode_id(input.compound_id, "Compound", "compoundId")
        grid = decode_id(input.grid_id, "Grid", "gridId") if input.grid_id else None
        row = await places.create_building(caller(info), compound, grid, input.name)
        return CreateBuildingSuccess(building=Building.from_model(row))

    @mutation(
        requires=Can(STAFF_ASSIGN),
        description="Assign a staff member to a grid: one grid chief (网格长) per grid, any "
        "number of grid workers (网格员). The account must hold the matching role.",
    )
    async def assign_grid_staff(self, info: Info, input: AssignGridStaffInput) -> GridStaffPayload:
        grid = decode_id(input.grid_id, "Grid", "gridId")
        user = decode_id(input.account_id, "Account", "accountId")
        row = await places.assign_to_grid(caller(info), grid, user, m.GridDuty(input.duty))
        return GridStaffSuccess(assignment=GridAssignment.from_model(row))

    @mutation(requires=Can(STAFF_ASSIGN), description="Remove a staff member from a grid.")
    async def unassign_grid_staff(
        self, info: Info, input: UnassignGridStaffInput
    ) -> GridStaffPayload:
        pk = decode_id(input.assignment_id, "GridAssignment", "assignmentId")
        row = await places.unassign_from_grid(caller(info), pk)
        return GridStaffSuccess(assignment=GridAssignment.from_model(row))

    @mutation(
        requires=Can(STAFF_ASSIGN),
        description="Assign a community staff member (社区两委) to a community.",
    )
    async def assign_community_staff(
        self, info: Info, input: AssignCommunityStaffInput
    ) -> CommunityStaffPayload:
        community = decode_id(input.community_id, "Community", "communityId")
        user = decode_id(input.account_id, "Account", "accountId")
        row = await places.assign_to_community(caller(info), community, user)
        return CommunityStaffSuccess(assignment=CommunityAssignment.from_model(row))
