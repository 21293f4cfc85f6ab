"""The audit log (留痕): every change of a street, as the leaves of a verifiable log.

A change writes its ``AuditEntry`` (what changed, its digest, who, when) in its own transaction
and touches nothing shared: no head row, no lock. The sequencer (``resolvers.audit.sequencer``)
later gives committed entries their ``sequence`` (1, 2, 3… per street), appends their leaf
hashes to the street's Merkle tree (RFC 9162, ``core.tlog``; its perfect subtrees are
``AuditNode`` rows, its size and root ``AuditTree``) and signs checkpoints of it
(``AuditCheckpoint``, C2SP signed notes, ``core.notes``) with a key the database does not hold.
A checkpoint is also posted to the district's log of its streets' checkpoints
(``DistrictCheckpoint``) and written outside the database (the witness directory).

Entries written before the log were hash-chained one to the next (``prev_hash``, ``hash``,
``AuditHead``); they keep those fields and became the first leaves of their street's tree, in
their sequence order. ``entry_hash`` still checks them; new entries leave them empty.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core import tlog
from models.scoping import TenantModel, tenant_field
from models.sql import Statement
from models.tenancy import District, Street

GENESIS_HASH = "0" * 64


class AuditEntry(TenantModel):
    """One change of a street: pending until sequenced, then leaf ``sequence - 1`` of the
    street's tree."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_entries")
    sequence = fields.BigIntField(null=True, description="Its place in the log, once sequenced")
    at = fields.DatetimeField()
    actor_id = fields.IntField(null=True, description="The user who made the change, if any")
    action = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=120)
    change: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    digest = fields.CharField(max_length=64)
    prev_hash = fields.CharField(max_length=64, default="", description="Old chain only")
    hash = fields.CharField(max_length=64, default="", description="Old chain only")

    class Meta:
        table = "audit_entry"
        unique_together = (("tenant", "sequence"),)
        indexes = (("tenant_id", "subject"),)


_CHANGE = AuditEntry._meta.fields_map["change"]


class AuditHead(TenantModel):
    """The end of a street's old hash chain: its last sequence and hash (no longer moved)."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_heads")
    sequence = fields.BigIntField(default=0)
    hash = fields.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        table = "audit_head"
        unique_together = (("tenant",),)


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def change_digest(change: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(change)).hexdigest()


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    street_id: int,
    sequence: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    digest: str,
    prev_hash: str,
) -> str:
    fields_ = {
        "street": street_id,
        "sequence": sequence,
        "time": format_time(at),
        "actor": actor_id,
        "action": action,
        "subject": subject,
        "digest": digest,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(fields_)).hexdigest()


def expected_hash(entry: AuditEntry) -> str:
    """What an entry of the old chain hashes to."""
    assert entry.sequence is not None
    return entry_hash(
        street_id=entry.tenant_id,
        sequence=entry.sequence,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        subject=entry.subject,
        digest=entry.digest,
        prev_hash=entry.prev_hash,
    )


def leaf_data(
    *, street_id: int, at: datetime, actor_id: int | None, action: str, subject: str, digest: str
) -> bytes:
    """The bytes an entry is a leaf of: canonical JSON of who did what to which record when,
    and the digest of what changed (its place in the tree is its position, not its data)."""
    return leaf_bytes(street_id, format_time(at), actor_id, action, subject, digest)


def leaf_bytes(
    street_id: int, time: str, actor_id: int | None, action: str, subject: str, digest: str
) -> bytes:
    """``leaf_data`` with the time already written out (as an offline checker reads it)."""
    fields_ = {
        "street": street_id,
        "time": time,
        "actor": actor_id,
        "action": action,
        "subject": subject,
        "digest": digest,
    }
    return canonical_json(fields_)


def entry_leaf(entry: AuditEntry) -> bytes:
    """The RFC 9162 leaf hash of an entry."""
    return tlog.leaf_hash(
        leaf_data(
            street_id=entry.tenant_id,
            at=entry.at,
            actor_id=entry.actor_id,
            action=entry.action,
            subject=entry.subject,
            digest=entry.digest,
        )
    )


class AuditNode(TenantModel):
    """A perfect subtree of a street's tree: the hash of the ``2**level`` leaves from
    ``position * 2**level`` (level 0: one entry's leaf hash). Written by the sequencer only."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_nodes")
    level = fields.SmallIntField()
    position = fields.BigIntField()
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_node"
        unique_together = (("tenant", "level", "position"),)


class AuditTree(TenantModel):
    """A street's tree as the sequencer left it: its size and root, and the size of its last
    signed checkpoint. Only the sequencer reads or writes it: a change never waits for it."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_trees")
    size = fields.BigIntField(default=0)
    root = fields.CharField(max_length=64, default=tlog.EMPTY_ROOT.hex())
    checkpoint_size = fields.BigIntField(default=0)
    checkpoint_at = fields.DatetimeField(null=True)

    class Meta:
        table = "audit_tree"
        unique_together = (("tenant",),)


class AuditCheckpoint(TenantModel):
    """A signed checkpoint of a street's tree (a C2SP signed note): anyone may hold it, and a
    history rewritten afterwards no longer matches it."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_checkpoints")
    size = fields.BigIntField()
    root = fields.CharField(max_length=64)
    key_id = fields.CharField(max_length=8)
    note = fields.TextField()
    signed_at = fields.DatetimeField()
    witnessed_at = fields.DatetimeField(null=True, description="Written to the witness folder")

    class Meta:
        table = "audit_checkpoint"
        unique_together = (("tenant", "size"),)


class DistrictCheckpoint(Model):
    """区级见证: the district's own log of its streets' checkpoints, one row per checkpoint a
    street posted, in the order received (a district reads every street of its own)."""

    id = fields.BigIntField(primary_key=True)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "gongzhi.District", related_name="audit_checkpoints", on_delete=fields.RESTRICT
    )
    street: fields.ForeignKeyRelation[Street] = fields.ForeignKeyField(
        "gongzhi.Street", related_name="district_checkpoints", on_delete=fields.RESTRICT
    )
    size = fields.BigIntField()
    note = fields.TextField()
    received_at = fields.DatetimeField()

    district_id: int
    street_id: int

    class Meta:
        table = "district_checkpoint"
        indexes = (("street_id", "size"),)


# Appending is what every change of a street does, so it is one INSERT written out in SQL
# (``models.sql``), and touches no shared row: the entry is pending (no sequence) until the
# sequencer takes it. The street is named, not taken from the scope: a new street's first
# entry is written inside ``unscoped()``.
_ENTRY_COLUMNS = (
    '"tenant_id", "at", "actor_id", "action", "subject", "change", "digest", "prev_hash", "hash"'
)
_INSERT = Statement(
    f'INSERT INTO "audit_entry" ({_ENTRY_COLUMNS}) VALUES (:street, :at, :actor, '
    ":action, :subject, :change, :digest, '', '') RETURNING \"id\""
)


def _entry(
    *,
    street_id: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    change: dict[str, Any],
) -> AuditEntry:
    """A pending entry (not saved)."""
    change = json.loads(canonical_json(change))  # exactly what a reload will give back
    return AuditEntry(
        tenant_id=street_id,
        at=at.astimezone(UTC),
        actor_id=actor_id,
        action=action,
        subject=subject,
        change=change,
        digest=change_digest(change),
    )


async def append_entry(
    conn: BaseDBAsyncClient,
    *,
    street_id: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    change: dict[str, Any],
) -> AuditEntry:
    """Write a pending entry of the street's log. Call inside the transaction of the change
    itself: it is sequenced once that commits, and never if it rolls back."""
    entry = _entry(
        street_id=street_id,
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        change=change,
    )
    # Like saving through the ORM: only into the active street, in a writable scope.
    rows = await _INSERT.fetch(
        conn,
        street=street_id,
        at=entry.at,
        actor=actor_id,
        action=action,
        subject=subject,
        change=_CHANGE.to_db_value(entry.change, AuditEntry),
        digest=entry.digest,
    )
    entry.id = rows[0]["id"]
    entry._saved_in_db = True
    return entry


async def append_entries(
    conn: BaseDBAsyncClient,
    *,
    street_id: int,
    at: datetime,
    actor_id: int | None,
    entries: list[tuple[str, str, dict[str, Any]]],
) -> None:
    """Write many pending entries, in order, with one multi-row insert (closing a vote records
    every one of its ballots). Each is ``(action, subject, change)``."""
    if not entries:
        return
    rows = [
        _entry(
            street_id=street_id,
            at=at,
            actor_id=actor_id,
            action=action,
            subject=subject,
            change=change,
        )
        for action, subject, change in entries
    ]
    rows[0]._check_write()
    await AuditEntry.bulk_create(rows, batch_size=500, using_db=conn)


# The sequencer's and the proofs' statements: nodes written many rows at a time, and read
# by (level, position) pairs, a few per level.
_WRITE_NODES = Statement(
    'INSERT INTO "audit_node" ("tenant_id", "level", "position", "hash") '
    "VALUES (:street, :level, :position, :hash)"
)
_READ_NODES: dict[int, Statement] = {}
NODE_ROWS = 1000


async def write_nodes(
    conn: BaseDBAsyncClient, street_id: int, nodes: dict[tlog.Node, bytes]
) -> None:
    rows = [{"level": lv, "position": p, "hash": h.hex()} for (lv, p), h in nodes.items()]
    for start in range(0, len(rows), NODE_ROWS):
        await _WRITE_NODES.run(conn, street=street_id, each=rows[start : start + NODE_ROWS])


async def read_nodes(
    conn: BaseDBAsyncClient | None, wanted: list[tlog.Node]
) -> dict[tlog.Node, bytes]:
    """The stored nodes asked for, of the street in scope (those that exist)."""
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return {}
    statement = _READ_NODES.get(len(wanted))
    if statement is None:
        pairs = " OR ".join(f'("level" = :l{i} AND "position" = :p{i})' for i in range(len(wanted)))
        statement = _READ_NODES[len(wanted)] = Statement(
            'SELECT "level", "position", "hash" FROM "audit_node" '
            f'WHERE "tenant_id" = :street AND ({pairs})'
        )
    params: dict[str, Any] = {}
    for i, (level, position) in enumerate(wanted):
        params[f"l{i}"], params[f"p{i}"] = level, position
    rows = await statement.fetch(conn, **params)
    return {(r["level"], r["position"]): bytes.fromhex(r["hash"]) for r in rows}
