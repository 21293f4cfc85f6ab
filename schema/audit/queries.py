"""Reading a record's audit trail (留痕)."""

from __future__ import annotations

import strawberry

from policies.capabilities.audit import AUDIT_READ
from resolvers import audit
from schema.audit.types import AuditEntry
from schema.context import Info
from schema.permissions import Can, field
from schema.relay import Connection, from_global_id


@strawberry.type
class AuditQuery:
    @field(
        requires=Can(AUDIT_READ),
        description="The audit trail (留痕) of one record of the current street, oldest first.",
    )
    async def audit_trail(
        self, info: Info, subject: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEntry]:
        from_global_id(subject)  # a malformed ID is INVALID_ID, not an empty trail
        page = await audit.audit_trail(info.context.services, str(subject), first, after)
        return Connection.from_page(page, AuditEntry.from_model)
