"""The audit domain (留痕): every change of a street, hash-chained."""

from __future__ import annotations

from policies.capabilities import audit as capabilities
from schema.audit.queries import AuditQuery
from schema.domain import Domain

DOMAIN = Domain(
    name="audit",
    description="The street's audit chain (留痕).",
    models=("models.audit",),
    query=(AuditQuery,),
    capabilities=capabilities.CAPABILITIES,
)
