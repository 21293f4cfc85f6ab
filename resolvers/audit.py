"""Reading and checking the audit chain (留痕).

``verify_street`` walks a street's chain from the first entry and reports the first one that is
not what was appended: a row edited (its digest or hash no longer matches), deleted (a sequence
is missing, or the head is ahead of the last row) or reordered (a hash no longer follows the
previous one).
"""

from __future__ import annotations

from dataclasses import dataclass

from core import validators
from models.audit import GENESIS_HASH, AuditEntry, AuditHead, change_digest, expected_hash
from models.tenancy import Street
from resolvers.pagination import Page, keyset_page
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped

PAGE = 1000


@dataclass(frozen=True)
class ChainReport:
    street: Street
    entries: int
    broken_sequence: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None


async def audit_trail(
    services: Services, subject: str, first: int | None, after: str | None
) -> Page[AuditEntry]:
    """A record's history in the current street, oldest first."""
    return await keyset_page(
        AuditEntry.filter(subject=subject), first, after, services.settings.max_page_size
    )


async def verify_street(street: Street) -> ChainReport:
    def broken(sequence: int, reason: str, count: int) -> ChainReport:
        return ChainReport(street, count, sequence, reason)

    expected = 1
    prev_hash = GENESIS_HASH
    with street_scope(street.id, writable=False):
        while True:
            page = await AuditEntry.filter(sequence__gte=expected).order_by("sequence").limit(PAGE)
            for entry in page:
                if entry.sequence != expected:
                    return broken(expected, "entry is missing", expected - 1)
                if entry.prev_hash != prev_hash:
                    return broken(expected, "does not follow the previous entry", expected - 1)
                if change_digest(entry.change) != entry.digest:
                    return broken(expected, "its change does not match its digest", expected - 1)
                if expected_hash(entry) != entry.hash:
                    return broken(expected, "its content does not match its hash", expected - 1)
                prev_hash = entry.hash
                expected += 1
            if len(page) < PAGE:
                break
        head = await AuditHead.filter(tenant_id=street.id).first()
        lower = await AuditEntry.filter(sequence__lt=1).exists()
    count = expected - 1
    if lower:
        return broken(0, "an entry has a sequence below 1", count)
    if head is not None and (head.sequence != count or head.hash != prev_hash):
        if head.sequence > count:
            return broken(count + 1, "entry is missing", count)
        return broken(count, "the chain's head does not match its last entry", count)
    if head is None and count:
        return broken(1, "the chain has no head", count)
    return ChainReport(street, count)


async def verify(street_code: str | None = None) -> list[ChainReport]:
    """Check every street's chain (or one street's); raises LookupError for an unknown code."""
    with unscoped("checking the audit chain of every street"):
        query = Street.all().order_by("code")
        if street_code is not None:
            code = street_code.strip().lower()
            if not validators.CODE_RE.match(code):  # no street has it: not even a lookup
                raise LookupError(street_code)
            query = query.filter(code=code)
        streets = await query
    if street_code is not None and not streets:
        raise LookupError(street_code)
    return [await verify_street(street) for street in streets]
