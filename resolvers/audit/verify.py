"""Checking a street's log (``gongzhi audit verify``).

The tree is recomputed from the entries alone, in sequence order (``O(log n)`` memory), and
its root at each checkpoint's size compared with the signed one, for every checkpoint it can
find: those the platform stored, the district's log, the witness folder, and the files given.
A history rewritten after a checkpoint was signed — even with every hash the database holds
recomputed — no longer has that root, and the signature cannot be made again without the key.

Besides, each entry's change must match its digest, sequences must be dense (1, 2, 3…), and
the entries of the old hash chain must still chain (``prev_hash``/``hash``, its head).

The report names the first entry that differs: for a mismatching checkpoint, the search goes
down the signed tree, trusting a stored node only when it hashes to a trusted parent
(``core.tlog.first_difference``). If the stored tree was rewritten as well, it names the first
entry after the last checkpoint that still matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core import notes, tlog, validators
from models.audit import (
    GENESIS_HASH,
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditNode,
    AuditTree,
    DistrictCheckpoint,
    change_digest,
    entry_hash,
    leaf_data,
)
from models.tenancy import Street
from resolvers.audit.keys import AuditKeys
from resolvers.audit.settings import AuditSettings
from resolvers.audit.witness import witnessed
from tenants.scoping import street_scope, unscoped

PAGE = 5000


class BadCheckpoint(ValueError):
    """A checkpoint given to verify that cannot be used: unreadable, a bad signature, an
    unknown key, another street's origin. The CLI exits 2 with the reason."""


@dataclass(frozen=True)
class Found:
    """A signed checkpoint verify checks against, and where it came from."""

    source: str
    checkpoint: notes.Checkpoint


@dataclass
class ChainReport:
    street: Street
    entries: int
    pending: int = 0
    checkpoints: int = 0
    broken_sequence: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


def open_checkpoint(source: str, note: str, keys: AuditKeys) -> notes.Checkpoint:
    try:
        checkpoint, _ = notes.open_checkpoint(note, keys.verifiers)
    except notes.NoteError as exc:
        raise BadCheckpoint(f"{source}: {exc}") from exc
    return checkpoint


def read_checkpoint_file(path: Path, keys: AuditKeys) -> Found:
    """A checkpoint file given to verify (``BadCheckpoint`` naming why it cannot be used)."""
    try:
        note = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadCheckpoint(f"{path}: {exc}") from exc
    return Found(str(path), open_checkpoint(str(path), note, keys))


@dataclass
class _Problems:
    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, sequence: int, reason: str) -> None:
        self.found.append((sequence, reason))

    def first(self) -> tuple[int, str] | None:
        return min(self.found, key=lambda p: p[0]) if self.found else None


async def _stored(street: Street, keys: AuditKeys) -> tuple[list[Found], _Problems]:
    """The checkpoints the database holds for the street (its own, the district's log).
    One whose signature does not hold is itself a sign of tampering."""
    problems = _Problems()
    found = []
    rows = await AuditCheckpoint.all().order_by("size").values_list("size", "note")
    with unscoped("the district's log of its streets' checkpoints"):
        posted = await DistrictCheckpoint.filter(street_id=street.id).values_list("size", "note")
    origin = keys.origin(street.code)
    for where, items in (("stored", rows), ("district log", posted)):
        for size, note in items:
            try:
                checkpoint = open_checkpoint(f"{where} checkpoint {size}", note, keys)
            except BadCheckpoint as exc:
                problems.add(max(1, int(size)), str(exc))
                continue
            if checkpoint.origin != origin or checkpoint.size != size:
                problems.add(max(1, int(size)), f"{where} checkpoint {size} is not this log's")
                continue
            found.append(Found(f"{where} checkpoint {size}", checkpoint))
    return found, problems


def _witnessed(street: Street, keys: AuditKeys, folder: Path | None) -> list[Found]:
    if folder is None:
        return []
    return [
        Found(source, open_checkpoint(source, note, keys))
        for source, note in witnessed(folder, street.code)
    ]


async def verify_street(
    street: Street, keys: AuditKeys, given: Sequence[Found] = (), folder: Path | None = None
) -> ChainReport:
    with street_scope(street.id, writable=False):
        stored, problems = await _stored(street, keys)
        checkpoints = [*stored, *_witnessed(street, keys, folder), *given]
        by_size: dict[int, list[Found]] = {}
        for item in checkpoints:
            by_size.setdefault(item.checkpoint.size, []).append(item)
        sizes = sorted(by_size)
        report = ChainReport(street, 0, checkpoints=len(checkpoints))
        leaves = bytearray()
        compact = tlog.Compact()
        matched: set[int] = set()  # sizes of checkpoints that matched
        mismatched: list[tuple[int, bytes, str]] = []
        legacy_open, prev_hash, legacy_count = True, GENESIS_HASH, 0
        count, next_size, gap = 0, 0, False

        def compare() -> None:  # the checkpoints of the size the recomputed tree has now
            nonlocal next_size
            while next_size < len(sizes) and sizes[next_size] == count:
                root = compact.root()
                for item in by_size[count]:
                    if item.checkpoint.root == root:
                        matched.add(count)
                    else:
                        mismatched.append((count, item.checkpoint.root, item.source))
                next_size += 1

        compare()
        while not gap:
            page = (
                await AuditEntry.filter(sequence__gt=count)
                .order_by("sequence")
                .limit(PAGE)
                .values_list(
                    "sequence",
                    "at",
                    "actor_id",
                    "action",
                    "subject",
                    "change",
                    "digest",
                    "prev_hash",
                    "hash",
                )
            )
            for sequence, at, actor, action, subject, change, digest, prev, hashed in page:
                if sequence != count + 1:
                    problems.add(count + 1, "entry is missing")
                    gap = True
                    break
                if change_digest(change) != digest:
                    problems.add(sequence, "its change does not match its digest")
                if hashed:  # an entry of the old hash chain
                    expected = entry_hash(
                        street_id=street.id,
                        sequence=sequence,
                        at=at,
                        actor_id=actor,
                        action=action,
                        subject=subject,
                        digest=digest,
                        prev_hash=prev,
                    )
                    if not legacy_open:
                        problems.add(sequence, "an old-chain entry after the log began")
                    elif prev != prev_hash:
                        problems.add(sequence, "does not follow the previous entry")
                    elif expected != hashed:
                        problems.add(sequence, "its content does not match its hash")
                    prev_hash, legacy_count = hashed, sequence
                else:
                    legacy_open = False
                leaf = tlog.leaf_hash(
                    leaf_data(
                        street_id=street.id,
                        at=at,
                        actor_id=actor,
                        action=action,
                        subject=subject,
                        digest=digest,
                    )
                )
                leaves += leaf
                compact.append(leaf)
                count = sequence
                compare()
            if len(page) < PAGE:
                break
        report.entries = count
        report.pending = await AuditEntry.filter(sequence=None).count()
        for size in sizes[next_size:]:
            sources = ", ".join(item.source for item in by_size[size])
            problems.add(count + 1, f"entry is missing (the checkpoint of size {size}: {sources})")
        if mismatched and mismatched[0][0] == 0:
            problems.add(1, f"the checkpoint of size 0 ({mismatched[0][2]}) is not of an empty log")
        elif mismatched:
            size, root, source = mismatched[0]
            start, end = await _locate(leaves, size, root)
            if end - start == 1:
                problems.add(start + 1, f"differs from what the checkpoint of size {size} signed")
            else:
                below = max((m for m in matched if m < size), default=0)
                first = max(start, below) + 1
                problems.add(
                    first,
                    f"entries {first}..{size} do not match the checkpoint of size {size} "
                    f"({source}), and the stored tree was rewritten too",
                )
        await _check_heads(street, count, compact, legacy_count, prev_hash, problems)
    broken = problems.first()
    if broken is not None:
        report.broken_sequence, report.reason = broken
    return report


async def _locate(leaves: bytearray, size: int, root: bytes) -> tuple[int, int]:
    hashes = [bytes(leaves[i : i + 32]) for i in range(0, 32 * size, 32)]
    cache: dict[tlog.Node, bytes | None] = {}

    def recomputed(start: int, end: int) -> bytes:
        return tlog.subtree_hash(hashes, start, end)

    needed: list[tlog.Node] = []

    def claimed(node: tlog.Node) -> bytes | None:
        if node not in cache:
            needed.append(node)
            return None
        return cache[node]

    # Nodes are read as the search asks for them: a few per level.
    while True:
        needed.clear()
        where = tlog.first_difference(size, root, claimed, recomputed)
        if not needed:
            return where
        for level, position in needed:
            row = await AuditNode.filter(level=level, position=position).first()
            cache[(level, position)] = bytes.fromhex(row.hash) if row else None


async def _check_heads(
    street: Street,
    count: int,
    compact: tlog.Compact,
    legacy_count: int,
    legacy_hash: str,
    problems: _Problems,
) -> None:
    """The stored tree head and the old chain's head must agree with the entries."""
    tree = await AuditTree.all().first()
    if tree is not None and tree.size > count:
        problems.add(count + 1, "entry is missing (the tree holds more)")
    elif tree is not None and tree.size == count and bytes.fromhex(tree.root) != compact.root():
        problems.add(max(1, count), "the stored tree does not match its entries")
    head = await AuditHead.filter(tenant_id=street.id).first()
    if head is not None and head.sequence:
        if head.sequence > legacy_count:
            problems.add(legacy_count + 1, "entry is missing (the old chain's head is ahead)")
        elif head.sequence < legacy_count or head.hash != legacy_hash:
            problems.add(head.sequence or 1, "the chain's head does not match its last entry")


async def verify(
    keys: AuditKeys,
    settings: AuditSettings,
    street_code: str | None = None,
    files: Sequence[Path] = (),
) -> list[ChainReport]:
    """Check every street's log (or one street's) against every checkpoint there is; raises
    LookupError for an unknown code, BadCheckpoint for a checkpoint file that cannot be used."""
    given = [read_checkpoint_file(path, keys) for path in files]
    with unscoped("checking the audit log of every street"):
        query = Street.all().order_by("code")
        if street_code is not None:
            code = street_code.strip().lower()
            if not validators.CODE_RE.match(code):  # no street has it: not even a lookup
                raise LookupError(street_code)
            query = query.filter(code=code)
        streets = await query
    if street_code is not None and not streets:
        raise LookupError(street_code)
    by_origin = {keys.origin(s.code): s for s in streets}
    for item in given:
        if item.checkpoint.origin not in by_origin:
            raise BadCheckpoint(
                f"{item.source}: the origin {item.checkpoint.origin!r} is not "
                + (f"street {street_code}'s" if street_code else "a street's of this platform")
            )
    reports = []
    for street in streets:
        mine = [g for g in given if g.checkpoint.origin == keys.origin(street.code)]
        reports.append(await verify_street(street, keys, mine, settings.audit_witness_dir))
    return reports
