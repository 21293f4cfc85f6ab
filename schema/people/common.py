"""What every people module needs: the caller, and global IDs of the domain."""

from __future__ import annotations

from collections.abc import Sequence

from resolvers.people.access import Caller
from schema.context import Info
from schema.relay import decode_id


def caller(info: Info) -> Caller:
    context = info.context
    return Caller(context.services, context.viewer.require_user(), context.viewer.require_street())


def optional_id(global_id: str | None, type_name: str, field: str) -> int | None:
    return decode_id(global_id, type_name, field) if global_id else None


def ids(global_ids: Sequence[str] | None, type_name: str, field: str) -> list[int]:
    return [decode_id(g, type_name, field) for g in global_ids or ()]
