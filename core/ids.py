"""Opaque global IDs (Relay): ``base64("Type:pk")``. Events and the audit chain name their
subject with one, so they live here rather than in the schema."""

from __future__ import annotations

import base64
import binascii

from core.errors import DomainError, ErrorCode


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(global_id.encode() + b"=" * (-len(global_id) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        if not type_name or not pk.isdigit():
            raise ValueError(raw)
        return type_name, int(pk)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise DomainError(ErrorCode.INVALID_ID) from exc
