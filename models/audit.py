"""The audit chain (留痕): every change of a street, hash-chained entry by entry.

Each entry stores what changed and a digest of it, and hashes the previous entry's hash with
its own fields, so editing, deleting or reordering any row after the fact breaks the chain.
``AuditHead`` holds the last sequence and hash of each street: appending locks it, so two
changes of one street never take the same sequence.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient

from models.scoping import TenantModel, tenant_field
from models.sql import Statement
from models.tenancy import Street

GENESIS_HASH = "0" * 64


class AuditEntry(TenantModel):
    """One change in a street's chain."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("audit_entries")
    sequence = fields.BigIntField()
    at = fields.DatetimeField()
    actor_id = fields.IntField(null=True, description="The user who made the change, if any")
    action = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=120)
    change: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    digest = fields.CharField(max_length=64)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_entry"
        unique_together = (("tenant", "sequence"),)
        indexes = (("tenant_id", "subject"),)


_CHANGE = AuditEntry._meta.fields_map["change"]


class AuditHead(TenantModel):
    """The end of a street's chain: its last sequence and hash."""

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


# Appending is what every change of a street waits for (the head stays locked until the
# change commits), so it is written out in SQL (``models.sql``): one statement to lock and read
# the head, one to write the entry and move the head (two on SQLite, which writes one
# transaction at a time and has no FOR UPDATE). The street is named, not taken from the scope:
# a new street's first entries are written inside ``unscoped()``.
_HEAD = 'SELECT "id", "sequence", "hash" FROM "audit_head" WHERE "tenant_id" = :street'
_LOCK_HEAD = {"postgres": Statement(f"{_HEAD} FOR UPDATE"), "sqlite": Statement(_HEAD)}
_ENTRY_COLUMNS = (
    '"tenant_id", "sequence", "at", "actor_id", "action", "subject", "change", "digest", '
    '"prev_hash", "hash"'
)
_INSERT = (
    f'INSERT INTO "audit_entry" ({_ENTRY_COLUMNS}) VALUES (:street, :sequence, :at, :actor, '
    ':action, :subject, :change, :digest, :prev_hash, :hash) RETURNING "id"'
)
_WRITE_PG = Statement(
    f'WITH "entry" AS ({_INSERT}) '
    'UPDATE "audit_head" SET "sequence" = :sequence, "hash" = :hash FROM "entry" '
    'WHERE "audit_head"."id" = :head AND "audit_head"."tenant_id" = :street '
    'RETURNING "entry"."id"'
)
_INSERT_SQLITE = Statement(_INSERT)
_MOVE_HEAD_SQLITE = Statement(
    'UPDATE "audit_head" SET "sequence" = :sequence, "hash" = :hash '
    'WHERE "id" = :head AND "tenant_id" = :street'
)


async def _locked_head(street_id: int, conn: BaseDBAsyncClient) -> dict[str, Any]:
    """The street's chain head (id, sequence, hash), locked until the transaction ends."""
    statement = _LOCK_HEAD["postgres" if conn.capabilities.dialect == "postgres" else "sqlite"]
    rows = await statement.fetch(conn, street=street_id)
    if not rows:
        await AuditHead.bulk_create(
            [AuditHead(tenant_id=street_id)], ignore_conflicts=True, using_db=conn
        )
        rows = await statement.fetch(conn, street=street_id)
        assert rows
    return rows[0]


def _entry(
    *,
    street_id: int,
    sequence: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str,
    change: dict[str, Any],
    prev_hash: str,
) -> AuditEntry:
    """The entry that follows ``prev_hash`` in the street's chain (not saved)."""
    change = json.loads(canonical_json(change))  # exactly what a reload will give back
    digest = change_digest(change)
    return AuditEntry(
        tenant_id=street_id,
        sequence=sequence,
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        change=change,
        digest=digest,
        prev_hash=prev_hash,
        hash=entry_hash(
            street_id=street_id,
            sequence=sequence,
            at=at,
            actor_id=actor_id,
            action=action,
            subject=subject,
            digest=digest,
            prev_hash=prev_hash,
        ),
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
    """Append to the street's chain. Call inside the transaction of the change itself."""
    head = await _locked_head(street_id, conn)
    sequence = int(head["sequence"]) + 1
    entry = _entry(
        street_id=street_id,
        sequence=sequence,
        at=at.astimezone(UTC),
        actor_id=actor_id,
        action=action,
        subject=subject,
        change=change,
        prev_hash=head["hash"],
    )
    values = {
        "street": street_id,
        "sequence": sequence,
        "at": entry.at,
        "actor": actor_id,
        "action": action,
        "subject": subject,
        "change": _CHANGE.to_db_value(entry.change, AuditEntry),
        "digest": entry.digest,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }
    # Like saving through the ORM: only into the active street, in a writable scope.
    if conn.capabilities.dialect == "postgres":
        rows = await _WRITE_PG.fetch(conn, **values, head=head["id"])
    else:
        rows = await _INSERT_SQLITE.fetch(conn, **values)
        await _MOVE_HEAD_SQLITE.run(
            conn, sequence=sequence, hash=entry.hash, head=head["id"], street=street_id
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
    """Append many entries, in order, with one lock of the head and one multi-row insert
    (closing a vote records every one of its ballots). Each is ``(action, subject, change)``."""
    if not entries:
        return
    head = await _locked_head(street_id, conn)
    at = at.astimezone(UTC)
    sequence, prev_hash = int(head["sequence"]), str(head["hash"])
    rows = []
    for action, subject, change in entries:
        sequence += 1
        entry = _entry(
            street_id=street_id,
            sequence=sequence,
            at=at,
            actor_id=actor_id,
            action=action,
            subject=subject,
            change=change,
            prev_hash=prev_hash,
        )
        rows.append(entry)
        prev_hash = entry.hash
    rows[0]._check_write()
    await AuditEntry.bulk_create(rows, batch_size=500, using_db=conn)
    await AuditHead.filter(id=head["id"]).using_db(conn).update(sequence=sequence, hash=prev_hash)
