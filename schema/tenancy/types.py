"""Districts, streets, communities, grids (区、街道、社区、网格)."""

from __future__ import annotations

import strawberry

from models import tenancy as m
from models.tenancy import Community as CommunityRow
from models.tenancy import District as DistrictRow
from resolvers import places
from resolvers.pagination import page_key
from schema.context import Info
from schema.relay import Connection, Node, to_global_id


@strawberry.type(description="区: a city district; its streets are tenants of the platform.")
class District:
    code: str
    name: str

    @classmethod
    def from_model(cls, row: m.District) -> District:
        return cls(code=row.code, name=row.name)


@strawberry.type(description="街道: a street, the tenant. Every record belongs to one.")
class Street(Node):
    code: str
    name: str
    district_id: strawberry.Private[int]

    @strawberry.field(description="The district the street belongs to.")
    async def district(self, info: Info) -> District:
        row = await info.context.loaders.by_id(DistrictRow).load(self.district_id)
        assert row is not None
        return District.from_model(row)

    @classmethod
    def from_model(cls, row: m.Street) -> Street:
        return cls(
            id=to_global_id("Street", row.id),
            code=row.code,
            name=row.name,
            district_id=row.district_id,
        )


@strawberry.type(description="社区: a community of the street.")
class Community(Node):
    code: str
    name: str
    pk: strawberry.Private[int]

    @strawberry.field(description="The community's grids (网格).")
    async def grids(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Grid]:
        key = page_key(self.pk, first, after, info.context.services.settings.max_page_size)
        page = await info.context.loaders.of(places.load_grid_pages).load(key)
        return Connection.from_page(page, Grid.from_model)

    @classmethod
    def from_model(cls, row: m.Community) -> Community:
        return cls(id=to_global_id("Community", row.id), code=row.code, name=row.name, pk=row.id)


@strawberry.type(description="网格: the smallest unit of service, inside one community.")
class Grid(Node):
    code: str
    name: str
    community_id: strawberry.Private[int]

    @strawberry.field(description="The community the grid belongs to.")
    async def community(self, info: Info) -> Community:
        row = await info.context.loaders.by_id(CommunityRow).load(self.community_id)
        assert row is not None
        return Community.from_model(row)

    @classmethod
    def from_model(cls, row: m.Grid) -> Grid:
        return cls(
            id=to_global_id("Grid", row.id),
            code=row.code,
            name=row.name,
            community_id=row.community_id,
        )
