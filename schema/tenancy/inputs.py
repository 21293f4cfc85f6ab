from __future__ import annotations

import strawberry

from models.accounts import User
from models.tenancy import Community, District, Grid, Street
from schema.inputs import text


@strawberry.input(description="A new street (tenant) and its first administrator.")
class CreateStreetInput:
    code: str = text(
        Street, "code", description="Lower-case code, e.g. `wulidun`; used in X-Tenant."
    )
    name: str = text(Street, "name", description="Display name, e.g. 五里墩街道.")
    district_code: str = text(District, "code")
    admin_username: str = text(User, "username")
    create_district: bool = strawberry.field(
        default=False, description="Create the district when it does not exist yet."
    )


@strawberry.input
class UpdateStreetInput:
    name: str = text(Street, "name")


@strawberry.input
class CreateCommunityInput:
    code: str = text(Community, "code")
    name: str = text(Community, "name")


@strawberry.input
class CreateGridInput:
    community_id: strawberry.ID
    code: str = text(Grid, "code")
    name: str = text(Grid, "name")
