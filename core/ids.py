"""Opaque global IDs (Relay): ``base64("Type:pk")``. Events and the audit chain name their
subject with one, so they live here rather than in the schema.

A key read from a client (a global ID, a cursor) is a whole number its column can hold, or it
is refused before any statement sees it: ``INT_KEY_MAX`` for the ``INTEGER`` primary keys of
almost every table (PostgreSQL's ``integer``), ``BIGINT_KEY_MAX`` for the few ``BIGINT`` ones
(``BIGINT_TYPES``).
"""

from __future__ import annotations

import base64
import binascii

from core.errors import DomainError, ErrorCode

INT_KEY_MAX = 2**31 - 1
"""The largest key of an ``INTEGER`` primary key (PostgreSQL ``integer``)."""
BIGINT_KEY_MAX = 2**63 - 1
"""The largest key of a ``BIGINT`` primary key (PostgreSQL ``bigint``, SQLite's integers)."""
BIGINT_TYPES = frozenset({"Notification", "GroupMessage", "GroupPhoto"})
"""Global ID types whose rows have a ``BIGINT`` key (``models.events.Notification``,
``models.groups.GroupMessage`` and ``GroupPhoto``);
``tests/platform/test_inputs.py`` checks this against the models."""
_KEY_DIGITS = len(str(BIGINT_KEY_MAX))


def key_max(type_name: str) -> int:
    """The largest key a global ID of this type may carry."""
    return BIGINT_KEY_MAX if type_name in BIGINT_TYPES else INT_KEY_MAX


def parse_key(raw: str, largest: int = INT_KEY_MAX, *, smallest: int = 1) -> int:
    """A key (or a position) written as ASCII digits, from ``smallest`` to ``largest``;
    anything else is ``ValueError``, raised before ``int()`` reads thousands of digits or
    ``²``."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _KEY_DIGITS:
        raise ValueError(raw)
    value = int(raw)
    if not smallest <= value <= largest:
        raise ValueError(raw)
    return value


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int]:
    """The type and key a global ID names; ``INVALID_ID`` when it is not one, or its key is
    beyond what its type's column holds."""
    try:
        if len(global_id) > 200:
            raise ValueError(global_id[:20])
        raw = base64.urlsafe_b64decode(global_id.encode() + b"=" * (-len(global_id) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        if not type_name.isidentifier():
            raise ValueError(raw)
        return type_name, parse_key(pk, key_max(type_name))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise DomainError(ErrorCode.INVALID_ID) from exc
