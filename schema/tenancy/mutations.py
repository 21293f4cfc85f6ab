from __future__ import annotations

from typing import Annotated

import strawberry

from policies.capabilities.tenancy import PLACE_MANAGE, STREET_UPDATE, TENANT_CREATE
from resolvers import places
from schema.context import Info
from schema.errors import InputError
from schema.permissions import Can, mutation
from schema.relay import decode_id
from schema.tenancy.inputs import (
    CreateCommunityInput,
    CreateGridInput,
    CreateStreetInput,
    UpdateStreetInput,
)
from schema.tenancy.types import Community, Grid, Street
from tenants import registry


@strawberry.type
class CreateStreetSuccess:
    street: Street
    admin_username: str
    one_time_password: str = strawberry.field(
        description="The administrator's first password. Shown once, never stored."
    )


@strawberry.type
class UpdateStreetSuccess:
    street: Street


@strawberry.type
class CreateCommunitySuccess:
    community: Community


@strawberry.type
class CreateGridSuccess:
    grid: Grid


CreateStreetPayload = Annotated[
    CreateStreetSuccess | InputError, strawberry.union("CreateStreetPayload")
]
UpdateStreetPayload = Annotated[
    UpdateStreetSuccess | InputError, strawberry.union("UpdateStreetPayload")
]
CreateCommunityPayload = Annotated[
    CreateCommunitySuccess | InputError, strawberry.union("CreateCommunityPayload")
]
CreateGridPayload = Annotated[CreateGridSuccess | InputError, strawberry.union("CreateGridPayload")]


@strawberry.type
class TenancyMutation:
    @mutation(
        requires=Can(TENANT_CREATE),
        description="Create a street (tenant) with its first administrator (平台管理员).",
    )
    async def create_street(self, info: Info, input: CreateStreetInput) -> CreateStreetPayload:
        services = info.context.services

        created = await registry.create_street(
            services.passwords,
            hooks=services.street_hooks,
            code=input.code,
            name=input.name,
            district_code=input.district_code,
            admin_username=input.admin_username,
            create_district=input.create_district,
            actor_id=info.context.viewer.require_user().id,
            at=services.clock.now(),
        )
        services.relay.wake()
        await services.streets.changed([created.street.id])
        await services.authorizer.assignments_changed(
            [created.admin.id, *await registry.district_member_ids(created.street.district_id)]
        )
        return CreateStreetSuccess(
            street=Street.from_model(created.street),
            admin_username=created.admin.username,
            one_time_password=created.admin_password,
        )

    @mutation(requires=Can(STREET_UPDATE), description="Rename the current street.")
    async def update_street(self, info: Info, input: UpdateStreetInput) -> UpdateStreetPayload:
        context = info.context
        street = await places.rename_street(
            context.services,
            context.viewer.require_user(),
            context.viewer.require_street(),
            input.name,
        )
        return UpdateStreetSuccess(street=Street.from_model(street))

    @mutation(requires=Can(PLACE_MANAGE), description="Add a community (社区) to the street.")
    async def create_community(
        self, info: Info, input: CreateCommunityInput
    ) -> CreateCommunityPayload:
        context = info.context
        row = await places.create_community(
            context.services, context.viewer.require_user(), input.code, input.name
        )
        return CreateCommunitySuccess(community=Community.from_model(row))

    @mutation(requires=Can(PLACE_MANAGE), description="Add a grid (网格) to a community.")
    async def create_grid(self, info: Info, input: CreateGridInput) -> CreateGridPayload:
        community_id = decode_id(input.community_id, "Community", "communityId")
        context = info.context
        row = await places.create_grid(
            context.services,
            context.viewer.require_user(),
            community_id,
            input.code,
            input.name,
        )
        return CreateGridSuccess(grid=Grid.from_model(row))
