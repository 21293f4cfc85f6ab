"""The audit domain (留痕): every change of a street, in a verifiable log."""

from __future__ import annotations

from collections.abc import Sequence

from models import audit as am
from policies.capabilities import audit as capabilities
from resolvers.audit.sequencer import AuditSequencer
from resolvers.audit.settings import AuditSettings
from resolvers.services import Services
from schema.audit.queries import AuditQuery
from schema.audit.types import AuditEntry
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can


async def _entry(info: Info, pk: int) -> AuditEntry | None:
    row = await am.AuditEntry.filter(id=pk).first()
    return AuditEntry.from_model(row) if row else None


def _tasks(services: Services) -> Sequence[Task]:
    return (AuditSequencer(services),)


DOMAIN = Domain(
    name="audit",
    description="The street's audit log (留痕): a Merkle tree with signed checkpoints.",
    models=("models.audit",),
    query=(AuditQuery,),
    nodes={"AuditEntry": NodeKind(Can(capabilities.AUDIT_READ), _entry)},
    capabilities=capabilities.CAPABILITIES,
    settings=AuditSettings,
    tasks=_tasks,
)
