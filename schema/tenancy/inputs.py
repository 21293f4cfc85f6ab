from __future__ import annotations

import strawberry


@strawberry.input(description="A new street (tenant) and its first administrator.")
class CreateStreetInput:
    code: str = strawberry.field(description="Lower-case code, e.g. `wulidun`; used in X-Tenant.")
    name: str = strawberry.field(description="Display name, e.g. 五里墩街道.")
    district_code: str
    admin_username: str
    create_district: bool = strawberry.field(
        default=False, description="Create the district when it does not exist yet."
    )


@strawberry.input
class UpdateStreetInput:
    name: str


@strawberry.input
class CreateCommunityInput:
    code: str
    name: str


@strawberry.input
class CreateGridInput:
    community_id: strawberry.ID
    code: str
    name: str
