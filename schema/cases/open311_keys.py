"""Open311 keys (开放接口密钥): a street admin issues one per outside system and revokes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models.cases_keys import Open311Key as KeyRow
from policies.capabilities.cases import CASE_CONFIGURE
from resolvers.cases import open311
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.permissions import Can, field, mutation
from schema.relay import decode_id


@strawberry.type(
    description="开放接口密钥: the key of one outside system (a 12345 hotline, a FixMyStreet-style "
    "app) that reports cases into the street through Open311 (`/open311/v2/`). Only its first "
    "characters are kept readable."
)
class Open311Key:
    id: strawberry.ID
    name: str = strawberry.field(description="The system; the source name of its cases.")
    hint: str = strawberry.field(description="The key's first characters, to tell keys apart.")
    created_at: datetime
    revoked_at: datetime | None
    active: bool

    @classmethod
    def from_model(cls, row: KeyRow) -> Open311Key:
        return cls(
            id=strawberry.ID(open311.key_gid(row.id)),
            name=row.name,
            hint=row.hint,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            active=row.revoked_at is None,
        )


@strawberry.input
class IssueOpen311KeyInput:
    name: str = text(KeyRow, "name", description="The outside system, e.g. `12345 热线`.")


@strawberry.input
class RevokeOpen311KeyInput:
    id: strawberry.ID


@strawberry.type
class Open311KeyIssued:
    key: Open311Key
    secret: str = strawberry.field(
        description="The key itself (the `api_key` of Open311 requests): shown this once, "
        "never again."
    )


@strawberry.type
class Open311KeyRevoked:
    key: Open311Key


IssueOpen311KeyPayload = Annotated[
    Open311KeyIssued | InputError, strawberry.union("IssueOpen311KeyPayload")
]
RevokeOpen311KeyPayload = Annotated[
    Open311KeyRevoked | InputError, strawberry.union("RevokeOpen311KeyPayload")
]


@strawberry.type
class Open311KeysQuery:
    @field(
        requires=Can(CASE_CONFIGURE),
        description="The street's Open311 keys, the newest first (revoked ones marked).",
    )
    async def open311_keys(self, info: Info) -> list[Open311Key]:
        return [Open311Key.from_model(row) for row in await open311.street_keys()]


@strawberry.type
class Open311KeysMutation:
    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Issue an Open311 key to one outside system: the key is returned once, "
        "only its hash is kept; the cases it reports carry the system's name as their source.",
    )
    async def issue_open311_key(
        self, info: Info, input: IssueOpen311KeyInput
    ) -> IssueOpen311KeyPayload:
        row, secret = await open311.issue_key(caller(info), input.name)
        return Open311KeyIssued(key=Open311Key.from_model(row), secret=secret)

    @mutation(
        requires=Can(CASE_CONFIGURE),
        description="Revoke an Open311 key: it reports nothing more (its cases stay).",
    )
    async def revoke_open311_key(
        self, info: Info, input: RevokeOpen311KeyInput
    ) -> RevokeOpen311KeyPayload:
        row = await open311.revoke_key(caller(info), decode_id(input.id, "Open311Key", "id"))
        return Open311KeyRevoked(key=Open311Key.from_model(row))
