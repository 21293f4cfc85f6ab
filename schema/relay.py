"""Relay conventions: opaque global IDs, the ``Node`` interface, keyset connections."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from core import ids
from core.errors import DomainError, ErrorCode
from core.ids import from_global_id


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(ids.to_global_id(type_name, pk))


def decode_id(global_id: str, expected_type: str, field: str | None = None) -> int:
    """The primary key inside a global ID of the expected type; anything else is not found."""
    try:
        type_name, pk = from_global_id(global_id)
    except DomainError as exc:
        raise DomainError(ErrorCode.INVALID_ID, field=field) from exc
    if type_name != expected_type:
        raise DomainError(ErrorCode.NOT_FOUND, field=field)
    return pk


@strawberry.interface(
    description="An object with an opaque global ID, unique across types (Relay)."
)
class Node:
    id: strawberry.ID


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


N = TypeVar("N")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Paged(Protocol[R_co]):
    """A page of rows and where it stands (``resolvers.pagination.Page``, the board's page)."""

    @property
    def items(self) -> Sequence[R_co]: ...
    @property
    def cursors(self) -> list[str]: ...
    @property
    def has_next_page(self) -> bool: ...
    @property
    def has_previous_page(self) -> bool: ...
    @property
    def total_count(self) -> int: ...


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type(description="A page of a list: at most 100 items, `first`/`after` keyset cursors.")
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(
        cls,
        page: Paged[R],
        convert: Callable[[R], N],
        info: strawberry.Info[Any, Any] | None = None,
    ) -> Connection[N]:
        """The page as a connection. With ``info``, its cursors are encoded only when the
        selection asks for them (``edges { cursor }`` or ``pageInfo``)."""
        cursors = page.cursors if info is None or asks_cursors(info) else [""] * len(page.items)
        return cls(
            edges=[
                Edge(cursor=c, node=convert(item))
                for c, item in zip(cursors, page.items, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=page.total_count,
        )


def _names(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection, with those of its inline fragments and named fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # InlineFragment, FragmentSpread: their fields count as the field's own
            yield from _names(selection.selections)


def asks_cursors(info: strawberry.Info[Any, Any]) -> bool:
    """Does the current connection field's selection ask for a cursor (``edges { cursor }``,
    or anything of ``pageInfo``)?"""
    for found in _names(info.selected_fields[0].selections):
        if found.name == "pageInfo":
            return True
        if found.name == "edges" and any(e.name == "cursor" for e in _names(found.selections)):
            return True
    return False


def selects(info: strawberry.Info[Any, Any], name: str) -> bool:
    """Does the current field's selection ask for ``name`` (directly, or inside an inline
    fragment or a named fragment)? For work a field does only when asked (a total count)."""
    return any(found.name == name for found in _names(info.selected_fields[0].selections))
