from __future__ import annotations

import strawberry

from policies.capabilities.tenancy import DISTRICT_READ, PLACE_READ, STREET_READ, TENANT_READ
from resolvers import places
from schema.context import Info
from schema.permissions import Can, field
from schema.relay import Connection, decode_id
from schema.tenancy.types import Community, Grid, Street


@strawberry.type
class TenancyQuery:
    @field(requires=Can(STREET_READ), description="The current street (街道).")
    def street(self, info: Info) -> Street:
        return Street.from_model(info.context.viewer.require_street())

    @field(requires=Can(PLACE_READ), description="The street's communities (社区).")
    async def communities(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Community]:
        page = await places.list_communities(info.context.services, first, after)
        return Connection.from_page(page, Community.from_model)

    @field(
        requires=Can(PLACE_READ),
        description="The street's grids (网格), optionally of one community.",
    )
    async def grids(
        self,
        info: Info,
        community_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Grid]:
        pk = decode_id(community_id, "Community", "communityId") if community_id else None
        if pk is not None:
            await places.require_community(pk)
        page = await places.list_grids(info.context.services, pk, first, after)
        return Connection.from_page(page, Grid.from_model)

    @field(
        requires=Can(DISTRICT_READ),
        description="Every street of the current street's district (区级汇总).",
    )
    async def district_streets(self, info: Info) -> list[Street]:
        rows = await places.district_streets(info.context.viewer.require_street())
        return [Street.from_model(row) for row in rows]

    @field(requires=Can(TENANT_READ), description="Every street of the platform (平台).")
    async def all_streets(self, info: Info) -> list[Street]:
        return [Street.from_model(row) for row in await places.all_streets()]
