"""``node(id:)``: any object by its global ID, inside the current street only.

The kinds of object come from the domains (``Domain.nodes``); ``node_query(kinds)`` makes the
root field for them once, when the schema is built.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.errors import DomainError, ErrorCode
from schema.context import Info
from schema.domain import NodeKind
from schema.permissions import Requirement, field
from schema.relay import Node, from_global_id


class CanReadNode(Requirement):
    """What reading the kind of object the ID names requires (``Domain.nodes``)."""

    def __init__(self, kinds: dict[str, NodeKind]) -> None:
        self.kinds = kinds

    def describe(self) -> str:
        listed = ", ".join(
            f"{name}: `{getattr(kind.requires, 'capability', kind.requires.describe())}`"
            for name, kind in self.kinds.items()
        )
        return f"Requires, by the kind of object: {listed}."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        type_name, _ = from_global_id(str(kwargs["id"]))
        kind = self.kinds.get(type_name)
        if kind is None:
            raise DomainError(ErrorCode.INVALID_ID)
        return bool(kind.requires.has_permission(source, info))


def node_query(kinds: dict[str, NodeKind]) -> type:
    """The root ``node`` field over these kinds of object."""

    async def find_node(info: Info, id: strawberry.ID) -> Node:
        type_name, pk = from_global_id(id)
        found = await kinds[type_name].fetch(info, pk)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND)
        return found

    @strawberry.type
    class NodeQuery:
        node: Node = field(
            requires=CanReadNode(kinds),
            description="Any object by its global ID (Relay), in the current street.",
            resolver=find_node,
        )

    return NodeQuery
