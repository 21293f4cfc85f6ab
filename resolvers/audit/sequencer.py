"""The sequencer: committed audit entries become the next leaves of their street's tree.

A change writes its entry without a sequence and without touching anything shared, so the
changes of one street never wait for each other. Afterwards, one street at a time, the
sequencer (a background task of every worker, woken after each commit that wrote an entry,
and polling):

1. takes the street's lock: a PostgreSQL advisory lock per street for the transaction
   (``pg_try_advisory_xact_lock``: a busy street is left to the worker holding it), so any
   number of workers grow one tree; on SQLite, which writes one transaction at a time, the
   transaction itself is the lock;
2. reads the tree's size and its frontier (the nodes its root is folded from), and the oldest
   pending entries, in the order they were written;
3. gives them the next sequences, writes the new perfect nodes and moves the tree's size and
   root with a conditional update (``… WHERE size = <as read>``): a second sequencer could
   never move it twice;
4. signs a checkpoint once ``audit_checkpoint_entries`` entries or ``audit_checkpoint_seconds``
   have passed since the last one, and posts it to the district's log in the same
   transaction; once committed, writes it to the witness folder.

Entries of the old hash chain (sequenced when written) are taken first, in their sequence
order: they become the first leaves of their street's tree.

``sequence_now(services)`` does all of it at once, waiting for busy streets and signing a
checkpoint of every street that grew: tests call it instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Max
from tortoise.transactions import in_transaction

from core import notes, tlog
from models.audit import (
    AuditCheckpoint,
    AuditEntry,
    AuditTree,
    DistrictCheckpoint,
    leaf_data,
    read_nodes,
    write_nodes,
)
from models.sql import Statement
from models.tenancy import Street
from resolvers.audit.keys import AuditKeys, load_keys
from resolvers.audit.settings import AuditSettings
from resolvers.audit.witness import witness
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped

log = logging.getLogger(__name__)

BATCH = 2000
_LOCK_CLASS = 0x677A_6175  # "gzau": the advisory locks of the sequencer, one per street
_TRY_LOCK = Statement("SELECT pg_try_advisory_xact_lock(:lock, :street) AS locked")
_LOCK = Statement("SELECT pg_advisory_xact_lock(:lock, :street) IS NULL AS locked")
# The pending entries taken, in the order they were written, get the next sequences.
_ASSIGN = Statement(
    'UPDATE "audit_entry" SET "sequence" = "ranked"."sequence" FROM ('
    'SELECT "id", :base + row_number() OVER (ORDER BY "id") AS "sequence" FROM "audit_entry" '
    'WHERE "tenant_id" = :street AND "sequence" IS NULL AND "id" IN (:ids)) AS "ranked" '
    'WHERE "audit_entry"."id" = "ranked"."id" AND "audit_entry"."tenant_id" = :street'
)


class SequencingHalted(RuntimeError):
    """A street's stored history cannot be grown (an entry of the old chain is missing)."""


@dataclass
class AuditState:
    """Per-process state of the audit log (``services.kept(AuditState)``)."""

    keys: AuditKeys | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    streets: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (code, district)
    adopted: bool = False


def audit_keys(services: Services) -> AuditKeys:
    state = services.kept(AuditState)
    if state.keys is None:
        state.keys = load_keys(services.settings)
    return state.keys


def wake_sequencer(services: Services) -> None:
    """Call after committing a change that wrote audit entries."""
    services.kept(AuditState).wake.set()


async def _street(services: Services, street_id: int) -> tuple[str, int]:
    known = services.kept(AuditState).streets
    if street_id not in known:
        street = await Street.get(id=street_id)
        known[street_id] = (street.code, street.district_id)
    return known[street_id]


@dataclass(frozen=True)
class Grown:
    """What one sequencing step did to a street's tree."""

    sequenced: int
    size: int
    checkpoint: AuditCheckpoint | None = None


async def _locked(conn: BaseDBAsyncClient, street_id: int, wait: bool) -> bool:
    if conn.capabilities.dialect != "postgres":
        return True  # SQLite: this transaction holds the database's one write lock
    statement = _LOCK if wait else _TRY_LOCK
    rows = await statement.fetch(conn, lock=_LOCK_CLASS, street=street_id)
    return bool(rows[0]["locked"]) or wait


async def _tree(conn: BaseDBAsyncClient, street_id: int) -> AuditTree:
    tree = await AuditTree.filter(tenant_id=street_id).using_db(conn).first()
    if tree is None:
        await AuditTree.bulk_create(
            [AuditTree(tenant_id=street_id)], ignore_conflicts=True, using_db=conn
        )
        tree = await AuditTree.filter(tenant_id=street_id).using_db(conn).get()
    return tree


_COLUMNS = ("id", "sequence", "at", "actor_id", "action", "subject", "digest")


Row = tuple[int, int | None, datetime, int | None, str, str, str]


async def _next_entries(
    conn: BaseDBAsyncClient, street_id: int, size: int
) -> tuple[list[Row], bool]:
    """The entries to append next: old-chain entries not in the tree yet (in their sequence
    order, which must follow on), else the oldest pending ones. And whether they are pending."""
    legacy = (
        await AuditEntry.filter(sequence__gt=size)
        .order_by("sequence")
        .limit(BATCH)
        .using_db(conn)
        .values_list(*_COLUMNS)
    )
    if legacy:
        taken: list[Row] = []
        for row in legacy:
            if row[1] != size + len(taken) + 1:
                break
            taken.append(row)
        if not taken:
            raise SequencingHalted(f"street {street_id}: entry {size + 1} of its chain is missing")
        return taken, False
    pending = (
        await AuditEntry.filter(sequence=None)
        .order_by("id")
        .limit(BATCH)
        .using_db(conn)
        .values_list(*_COLUMNS)
    )
    return list(pending), True


def _due(services: Services, tree: AuditTree, size: int, now: datetime, force: bool) -> bool:
    if size <= tree.checkpoint_size:
        return False
    if force or tree.checkpoint_at is None:
        return True
    settings = services.settings.section(AuditSettings)
    if size - tree.checkpoint_size >= settings.audit_checkpoint_entries:
        return True
    return now - tree.checkpoint_at >= timedelta(seconds=settings.audit_checkpoint_seconds)


async def sequence_street(
    services: Services, street_id: int, *, wait: bool = False, force: bool = False
) -> Grown:
    """One step for one street: up to ``BATCH`` entries appended, a checkpoint if due."""
    keys = audit_keys(services)
    code, district_id = await _street(services, street_id)
    now = services.clock.now()
    with street_scope(street_id):
        async with in_transaction() as conn:
            if not await _locked(conn, street_id, wait):
                return Grown(0, -1)  # another worker is growing this street's tree
            tree = await _tree(conn, street_id)
            size = tree.size
            entries, pending = await _next_entries(conn, street_id, size)
            root = bytes.fromhex(tree.root)
            if entries:
                frontier = await read_nodes(conn, tlog.frontier_nodes(size))
                leaves = [
                    tlog.leaf_hash(
                        leaf_data(
                            street_id=street_id,
                            at=at,
                            actor_id=actor,
                            action=action,
                            subject=subject,
                            digest=digest,
                        )
                    )
                    for _, _, at, actor, action, subject, digest in entries
                ]
                new, root = tlog.extend(size, frontier, leaves)
                await write_nodes(conn, street_id, new)
                if pending:
                    ids = [row[0] for row in entries]
                    changed, _ = await _ASSIGN.run(conn, base=size, ids=ids)
                    if changed != len(ids):
                        raise RuntimeError("pending entries changed while being sequenced")
                moved = (
                    await AuditTree.filter(id=tree.id, size=size)
                    .using_db(conn)
                    .update(size=size + len(entries), root=root.hex())
                )
                if not moved:
                    raise RuntimeError("the tree moved while being grown")
                size += len(entries)
            checkpoint = None
            if _due(services, tree, size, now, force):
                checkpoint = await _sign(conn, keys, tree, code, district_id, size, root, now)
    if checkpoint is not None:
        await witness(services, code, checkpoint)
    return Grown(len(entries), size, checkpoint)


async def _sign(
    conn: BaseDBAsyncClient,
    keys: AuditKeys,
    tree: AuditTree,
    code: str,
    district_id: int,
    size: int,
    root: bytes,
    now: datetime,
) -> AuditCheckpoint:
    text = notes.Checkpoint(keys.origin(code), size, root).text
    checkpoint = AuditCheckpoint(
        tenant_id=tree.tenant_id,
        size=size,
        root=root.hex(),
        key_id=keys.signing.key_id.hex(),
        note=keys.signing.sign(text),
        signed_at=now,
    )
    await checkpoint.save(using_db=conn)
    await DistrictCheckpoint.create(
        district_id=district_id,
        street_id=tree.tenant_id,
        size=size,
        note=checkpoint.note,
        received_at=now,
        using_db=conn,
    )
    await (
        AuditTree.filter(id=tree.id).using_db(conn).update(checkpoint_size=size, checkpoint_at=now)
    )
    return checkpoint


async def _streets_to_do(services: Services, force: bool) -> list[int]:
    state = services.kept(AuditState)
    found: set[int] = set()
    with unscoped("the sequencer serves every street"):
        if not state.adopted:  # entries of the old chain, not yet in a tree (once per process)
            sizes = dict(await AuditTree.all().values_list("tenant_id", "size"))
            tops = (
                await AuditEntry.filter(sequence__not_isnull=True)
                .annotate(top=Max("sequence"))
                .group_by("tenant_id")
                .values_list("tenant_id", "top")
            )
            found.update(sid for sid, top in tops if top and top > sizes.get(sid, 0))
            state.adopted = True
        pending = await AuditEntry.filter(sequence=None).distinct().values_list("tenant_id")
        found.update(sid for (sid,) in pending)
        now = services.clock.now()
        settings = services.settings.section(AuditSettings)
        for tree in await AuditTree.filter(size__gt=0):
            if tree.size > tree.checkpoint_size and (
                force
                or tree.checkpoint_at is None
                or now - tree.checkpoint_at >= timedelta(seconds=settings.audit_checkpoint_seconds)
            ):
                found.add(tree.tenant_id)
    return sorted(found)


async def sequence_round(services: Services, *, wait: bool = False, force: bool = False) -> int:
    """Every street with pending entries or a checkpoint due, once; returns how many entries
    were sequenced."""
    total = 0
    for street_id in await _streets_to_do(services, force):
        try:
            while True:
                grown = await sequence_street(services, street_id, wait=wait, force=force)
                total += grown.sequenced
                if grown.sequenced < BATCH:
                    break
        except SequencingHalted as halted:
            log.error("audit sequencer: %s (run `gongzhi audit verify`)", halted)
    return total


async def sequence_now(services: Services) -> int:
    """Sequence everything committed so far and sign a checkpoint of every street that grew
    (tests, the CLI): waits for a street another worker is sequencing."""
    total = 0
    while sequenced := await sequence_round(services, wait=True, force=True):
        total += sequenced
    return total


class AuditSequencer:
    """The background task of each worker: woken after each commit that wrote an entry (then
    waiting ``audit_sequence_delay_ms`` for more), and polling."""

    def __init__(self, services: Services) -> None:
        self.services = services
        audit_keys(services)  # no signing key in production: the server does not start
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="audit-sequencer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        settings = self.services.settings.section(AuditSettings)
        wake = self.services.kept(AuditState).wake
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=settings.audit_poll_seconds)
                await asyncio.sleep(settings.audit_sequence_delay_ms / 1000)
            wake.clear()
            try:
                await sequence_round(self.services)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: try again soon
                log.warning("audit sequencer: %s: %s", type(exc).__name__, exc)
