"""An entry of a street's audit chain (留痕)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import audit as am
from models.accounts import User as UserRow
from schema.accounts.types import Account
from schema.context import Info


@strawberry.type(
    description="An entry of the street's audit chain (留痕): one change, hash-chained to the "
    "previous entry so that no record can be altered or removed unnoticed."
)
class AuditEntry:
    sequence: int = strawberry.field(description="Its place in the street's chain: 1, 2, 3…")
    at: datetime
    action: str = strawberry.field(description="What was done, e.g. `role.granted`.")
    subject: strawberry.ID
    change: JSON = strawberry.field(description="What changed.")
    digest: str = strawberry.field(description="sha256 of the change.")
    prev_hash: str
    hash: str
    actor_pk: strawberry.Private[int | None]

    @strawberry.field(description="The account that made the change, if any.")
    async def actor(self, info: Info) -> Account | None:
        if self.actor_pk is None:
            return None
        row = await info.context.loaders.by_id(UserRow).load(self.actor_pk)
        return Account.from_model(row) if row else None

    @classmethod
    def from_model(cls, row: am.AuditEntry) -> AuditEntry:
        return cls(
            sequence=row.sequence,
            at=row.at,
            action=row.action,
            subject=strawberry.ID(row.subject),
            change=JSON(row.change),
            digest=row.digest,
            prev_hash=row.prev_hash,
            hash=row.hash,
            actor_pk=row.actor_id,
        )
