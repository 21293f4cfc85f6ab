"""Reading a street's log: a record's trail, its checkpoints, inclusion and consistency proofs.

Proofs are read from the stored perfect subtrees (``AuditNode``): the nodes a proof needs are
known from its sizes alone (``core.tlog``), ``O(log n)`` of them, read in one statement.
An entry is proven against a signed checkpoint: until a checkpoint includes it (it is not
sequenced yet, or was sequenced after the last checkpoint), the answer is *pending*, not an
error.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from core import tlog
from core.errors import ErrorCode, Refused
from models.audit import (
    AuditCheckpoint,
    AuditEntry,
    AuditTree,
    entry_leaf,
    leaf_data,
    read_nodes,
)
from models.tenancy import Street
from resolvers.pagination import Page, keyset_page
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


async def audit_trail(
    services: Services, subject: str, first: int | None, after: str | None
) -> Page[AuditEntry]:
    """A record's history in the current street, oldest first."""
    return await keyset_page(
        AuditEntry.filter(subject=subject), first, after, services.settings.max_page_size
    )


async def stored_nodes(needed: list[tlog.Node]) -> dict[tlog.Node, bytes]:
    """The stored nodes asked for (in the current street), by (level, position)."""
    return await read_nodes(None, needed)


async def latest_checkpoint() -> AuditCheckpoint | None:
    """The current street's last signed checkpoint."""
    return await AuditCheckpoint.all().order_by("-size").first()


async def checkpoint_covering(sequence: int) -> AuditCheckpoint | None:
    """The first signed checkpoint of the current street that includes entry ``sequence``."""
    return await AuditCheckpoint.filter(size__gte=sequence).order_by("size").first()


async def public_checkpoint(street_code: str) -> tuple[Street, AuditCheckpoint | None]:
    """A street's latest checkpoint, for anyone (LookupError for an unknown street)."""
    with unscoped("a street's checkpoints are public"):
        street = await Street.filter(code=street_code.strip().lower()).first()
    if street is None:
        raise LookupError(street_code)
    with street_scope(street.id, writable=False):
        return street, await latest_checkpoint()


def leaf_text(entry: AuditEntry) -> str:
    """What the leaf hash is the hash of (after the 0x00 prefix), as text."""
    return leaf_data(
        street_id=entry.tenant_id,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        subject=entry.subject,
        digest=entry.digest,
    ).decode()


@dataclass(frozen=True)
class InclusionProof:
    """An entry's audit path to the root of a signed checkpoint."""

    entry: AuditEntry
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    hashes: list[bytes]
    checkpoint: AuditCheckpoint


@dataclass(frozen=True)
class Pending:
    """Not provable yet: the entry is not sequenced, or no signed checkpoint includes it."""

    entry: AuditEntry
    sequenced: bool


async def inclusion_proof(
    entry: AuditEntry, checkpoint: AuditCheckpoint | None = None
) -> InclusionProof | Pending:
    """The proof of an entry of the current street against ``checkpoint`` (the latest one
    when not given)."""
    if entry.sequence is None:
        return Pending(entry, False)
    checkpoint = checkpoint or await latest_checkpoint()
    if checkpoint is None or checkpoint.size < entry.sequence:
        return Pending(entry, True)
    index, size = entry.sequence - 1, checkpoint.size
    needed = tlog.nodes_of(tlog.inclusion_ranges(index, size))
    stored = await stored_nodes(needed)
    hashes = tlog.inclusion_proof(index, size, stored)
    return InclusionProof(entry, index, size, entry_leaf(entry), hashes, checkpoint)


async def inclusion_at(entry: AuditEntry, tree_size: int | None) -> InclusionProof | Pending:
    """As ``inclusion_proof``, against the stored checkpoint of ``tree_size`` when given
    (refused when there is none, or it cannot include the entry)."""
    if tree_size is None:
        return await inclusion_proof(entry)
    checkpoint = await AuditCheckpoint.filter(size=tree_size).first()
    if checkpoint is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "audit.no_checkpoint", "treeSize", size=tree_size)
    if entry.sequence is not None and entry.sequence > tree_size:
        raise Refused(
            ErrorCode.BAD_USER_INPUT, "audit.entry_after_checkpoint", "treeSize", size=tree_size
        )
    return await inclusion_proof(entry, checkpoint)


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    hashes: list[bytes]
    old_root: bytes
    new_root: bytes
    old_checkpoint: AuditCheckpoint | None
    new_checkpoint: AuditCheckpoint | None


async def consistency_proof(old: int, new: int) -> ConsistencyProof:
    """That the current street's tree of ``new`` entries extends its tree of ``old``; refused
    for ``old > new`` or a size beyond the tree."""
    if old < 0:
        raise Refused(ErrorCode.BAD_USER_INPUT, "audit.size_negative", "from")
    if old > new:
        raise Refused(ErrorCode.BAD_USER_INPUT, "audit.from_after_to", "from", old=old, new=new)
    tree = await AuditTree.all().first()
    size = tree.size if tree else 0
    if new > size:
        raise Refused(ErrorCode.BAD_USER_INPUT, "audit.beyond_tree", "to", size=size)
    ranges = tlog.consistency_ranges(old, new)
    needed = [*tlog.nodes_of(ranges), *tlog.root_nodes(old), *tlog.root_nodes(new)]
    stored = await stored_nodes(list(dict.fromkeys(needed)))
    checkpoints = {c.size: c for c in await AuditCheckpoint.filter(size__in=sorted({old, new}))}
    return ConsistencyProof(
        old,
        new,
        tlog.hashes_of(ranges, stored),
        tlog.fold([stored[n] for n in tlog.root_nodes(old)]),
        tlog.fold([stored[n] for n in tlog.root_nodes(new)]),
        checkpoints.get(old),
        checkpoints.get(new),
    )
