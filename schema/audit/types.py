"""The audit log's types (留痕): entries, signed checkpoints, inclusion and consistency proofs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from models import audit as am
from models.accounts import User as UserRow
from resolvers.audit import log
from schema.accounts.types import Account
from schema.context import Info
from schema.relay import Node, to_global_id


@strawberry.enum(description="Where an entry stands in its street's log.")
class AuditEntryStatus(Enum):
    PENDING = "PENDING"
    SEQUENCED = "SEQUENCED"


@strawberry.type(
    description="An entry of the street's audit log (留痕): one change. Once sequenced it is a "
    "leaf of the street's Merkle tree (RFC 9162), whose signed checkpoints anyone may hold: no "
    "record can then be altered or removed without every checkpoint since showing it."
)
class AuditEntry(Node):
    status: AuditEntryStatus = strawberry.field(
        description="PENDING until the sequencer gives it its place (within about a second)."
    )
    sequence: int | None = strawberry.field(
        description="Its place in the street's log, 1, 2, 3… (leaf index + 1); null while pending."
    )
    at: datetime
    action: str = strawberry.field(description="What was done, e.g. `role.granted`.")
    subject: strawberry.ID
    change: JSON = strawberry.field(description="What changed.")
    digest: str = strawberry.field(description="sha256 of the change (canonical JSON), hex.")
    leaf: str = strawberry.field(
        description="The leaf's data: canonical JSON of street, time, actor, action, subject "
        "and digest. Its leaf hash is SHA-256(0x00 || these bytes)."
    )
    prev_hash: str = strawberry.field(
        description="The old hash chain (entries written before the log): the previous "
        "entry's hash; empty for later entries."
    )
    hash: str = strawberry.field(description="The old hash chain's hash; empty for later entries.")
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
            id=to_global_id("AuditEntry", row.id),
            status=AuditEntryStatus.PENDING if row.sequence is None else AuditEntryStatus.SEQUENCED,
            sequence=row.sequence,
            at=row.at,
            action=row.action,
            subject=strawberry.ID(row.subject),
            change=JSON(row.change),
            digest=row.digest,
            leaf=log.leaf_text(row),
            prev_hash=row.prev_hash,
            hash=row.hash,
            actor_pk=row.actor_id,
        )


@strawberry.type(
    description="A signed checkpoint of a street's log: its size and root hash, signed with "
    "the platform's key, as a C2SP signed note (tlog-checkpoint). Keep one: any later rewrite "
    "of the history before it no longer matches it."
)
class AuditCheckpoint:
    size: int = strawberry.field(description="How many entries the tree held.")
    root_hash: str = strawberry.field(description="The tree's root hash, base64.")
    key_id: str = strawberry.field(description="The signing key's ID, hex.")
    signed_at: datetime
    note: str = strawberry.field(
        description="The signed note exactly as signed: origin line, size, root hash, a blank "
        "line and the signature (readable by Go's note package and other tlog tooling)."
    )

    @classmethod
    def from_model(cls, row: am.AuditCheckpoint) -> AuditCheckpoint:
        return cls(
            size=row.size,
            root_hash=log.b64(bytes.fromhex(row.root)),
            key_id=row.key_id,
            signed_at=row.signed_at,
            note=row.note,
        )


@strawberry.type(description="A street's latest signed checkpoint and the keys to check it.")
class StreetCheckpoint:
    street_code: str
    origin: str = strawberry.field(description="The origin line of the street's checkpoints.")
    checkpoint: AuditCheckpoint | None = strawberry.field(
        description="Null while the street's log holds no entry yet."
    )
    verifier_keys: list[str] = strawberry.field(
        description="The verifier keys (`name+keyid+base64`) its checkpoints are signed with, "
        "the current one first. Take them from a source you trust, not only from here."
    )


@strawberry.type(
    description="The audit path of an entry to the root of a signed checkpoint (RFC 9162 "
    "§2.1.3): hash the leaf with it in order and you reach the checkpoint's root."
)
class AuditInclusionProof:
    entry: AuditEntry
    leaf_index: int = strawberry.field(description="The entry's leaf index (sequence − 1).")
    tree_size: int
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 || leaf), base64.")
    hashes: list[str] = strawberry.field(description="The audit path, base64, leaf upwards.")
    checkpoint: AuditCheckpoint

    @classmethod
    def from_proof(cls, proof: log.InclusionProof) -> AuditInclusionProof:
        return cls(
            entry=AuditEntry.from_model(proof.entry),
            leaf_index=proof.leaf_index,
            tree_size=proof.tree_size,
            leaf_hash=log.b64(proof.leaf_hash),
            hashes=[log.b64(h) for h in proof.hashes],
            checkpoint=AuditCheckpoint.from_model(proof.checkpoint),
        )


@strawberry.type(
    description="Not provable yet: the entry is not sequenced, or sequenced after the last "
    "signed checkpoint. Ask again in a second or two."
)
class AuditProofPending:
    entry: AuditEntry
    sequenced: bool


AuditInclusion = Annotated[
    AuditInclusionProof | AuditProofPending, strawberry.union("AuditInclusion")
]


def inclusion(found: log.InclusionProof | log.Pending) -> AuditInclusionProof | AuditProofPending:
    if isinstance(found, log.Pending):
        return AuditProofPending(
            entry=AuditEntry.from_model(found.entry), sequenced=found.sequenced
        )
    return AuditInclusionProof.from_proof(found)


@strawberry.type(
    description="That the street's tree of `toSize` entries extends its tree of `fromSize` "
    "(RFC 9162 §2.1.4): nothing before `fromSize` was changed, removed or reordered."
)
class AuditConsistencyProof:
    from_size: int
    to_size: int
    from_root: str = strawberry.field(description="base64")
    to_root: str = strawberry.field(description="base64")
    hashes: list[str] = strawberry.field(description="The proof, base64.")
    from_checkpoint: AuditCheckpoint | None = strawberry.field(
        description="The signed checkpoint of that size, if one was signed."
    )
    to_checkpoint: AuditCheckpoint | None

    @classmethod
    def from_proof(cls, proof: log.ConsistencyProof) -> AuditConsistencyProof:
        old, new = proof.old_checkpoint, proof.new_checkpoint
        return cls(
            from_size=proof.old_size,
            to_size=proof.new_size,
            from_root=log.b64(proof.old_root),
            to_root=log.b64(proof.new_root),
            hashes=[log.b64(h) for h in proof.hashes],
            from_checkpoint=AuditCheckpoint.from_model(old) if old else None,
            to_checkpoint=AuditCheckpoint.from_model(new) if new else None,
        )
