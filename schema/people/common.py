"""What every people module needs: the caller, and global IDs of the domain."""

from __future__ import annotations

from collections.abc import Sequence

from schema.relay import decode_id


def optional_id(global_id: str | None, type_name: str, field: str) -> int | None:
    return decode_id(global_id, type_name, field) if global_id else None


def ids(global_ids: Sequence[str] | None, type_name: str, field: str) -> list[int]:
    return [decode_id(g, type_name, field) for g in global_ids or ()]
