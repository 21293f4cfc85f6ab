"""Reading the audit log (留痕): a record's trail, proofs, and any street's checkpoint."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import DomainError, ErrorCode
from models import audit as am
from models.tenancy import Street
from policies.capabilities.audit import AUDIT_READ
from resolvers.audit import log
from resolvers.audit.sequencer import audit_keys
from schema.audit.types import (
    AuditCheckpoint,
    AuditConsistencyProof,
    AuditEntry,
    AuditInclusion,
    StreetCheckpoint,
    inclusion,
)
from schema.context import Info
from schema.inputs import text_argument
from schema.permissions import Can, Public, field
from schema.relay import Connection, decode_id, from_global_id


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
        page = await log.audit_trail(info.context.services, str(subject), first, after)
        return Connection.from_page(page, AuditEntry.from_model)

    @field(
        requires=Can(AUDIT_READ),
        description="An entry's inclusion proof against the street's latest signed checkpoint "
        "(or the one of `treeSize`): AuditProofPending until a checkpoint includes it.",
    )
    async def audit_inclusion_proof(
        self, info: Info, entry: strawberry.ID, tree_size: int | None = None
    ) -> AuditInclusion:
        row = await am.AuditEntry.filter(id=decode_id(entry, "AuditEntry", "entry")).first()
        if row is None:
            raise DomainError(ErrorCode.NOT_FOUND, field="entry")
        return inclusion(await log.inclusion_at(row, tree_size))

    @field(
        requires=Can(AUDIT_READ),
        description="That the street's log of `to` entries extends its log of `from` entries. "
        "BAD_USER_INPUT when `from` > `to` or `to` is beyond the tree.",
    )
    async def audit_consistency_proof(
        self,
        info: Info,
        from_: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> AuditConsistencyProof:
        return AuditConsistencyProof.from_proof(await log.consistency_proof(from_, to))

    @field(
        requires=Public(),
        description="A street's latest signed checkpoint, for anyone (witnesses, residents): "
        "keep it, and any later rewrite of the street's history shows. NOT_FOUND for an "
        "unknown street.",
    )
    async def audit_checkpoint(
        self, info: Info, street: Annotated[str, text_argument(Street, "code")]
    ) -> StreetCheckpoint:
        try:
            found, checkpoint = await log.public_checkpoint(street)
        except LookupError:
            raise DomainError(ErrorCode.NOT_FOUND, field="street") from None
        keys = audit_keys(info.context.services)
        return StreetCheckpoint(
            street_code=found.code,
            origin=keys.origin(found.code),
            checkpoint=AuditCheckpoint.from_model(checkpoint) if checkpoint else None,
            verifier_keys=[v.text for v in keys.verifiers],
        )
