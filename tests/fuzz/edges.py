"""Requests at the edges of every argument, read from the schema (no list of fields to keep).

For each root field that takes arguments: a plain call (each required argument with an
ordinary value, IDs from the streets' real rows), then one call per argument (and per field
of its input objects, two levels down) with that one value replaced by an edge value of its
type: text too long, with a NUL or a lone surrogate; IDs beyond their column, of another
street, not IDs at all; the largest and smallest integers; times without a zone or in years
1 and 9999; impossible dates.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    get_named_type,
)


def raw_id(type_name: str, key: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode()


TEXT_EDGES = ("x" * 5000, "a\x00b", "\ud800", "b\udfff", "", "   ", "😀" * 50, "'\"\\;--")
INT_EDGES = (2**31 - 1, -(2**31), 0, -1)
FLOAT_EDGES = (1e308, -1e308, 0.0, 1e-320)
DATETIME_EDGES = (
    "2026-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2026-13-01T00:00:00Z",
)
DATE_EDGES = ("0001-01-01", "9999-12-31", "2026-02-30", "0000-00-00")
PLAIN = {
    "String": "测试",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2026-06-01T09:00:00+08:00",
    "Date": "2026-06-01",
}
# Text some arguments need in their own format for the plain call to reach the resolver.
FORMATTED = {
    "month": "2026-05",
    "budget": "1000.00",
    "amount": "10.00",
    "code": "fuzz-code",
    "username": "fuzz.user",
    "idNumber": "11010519491231002X",
    "phone": "13912345678",
}


@dataclass(frozen=True)
class Request:
    """One call: the document, its variables, and what it probes (for the report)."""

    field: str
    probe: str
    query: str
    variables: dict[str, Any]


class IdPool:
    """Real global IDs by type (the fuzzing street's, then another street's), and the type an
    argument's name suggests (``tagIds`` → Tag, ``successorId`` → Account)."""

    ACCOUNT_ARGUMENTS = ("account", "successor", "leaver", "representative", "handler", "leader")

    def __init__(self, own: dict[str, list[str]], foreign: dict[str, list[str]]) -> None:
        self.own = own
        self.foreign = foreign
        self.types = sorted(set(own) | set(foreign), key=len, reverse=True)

    def type_for(self, name: str, field: str) -> str | None:
        base = re.sub(r"Ids?$", "", name)
        if base.lower().startswith(self.ACCOUNT_ARGUMENTS):
            return "Account"
        for candidate in (base, field):
            for type_name in self.types:
                if type_name.lower() in candidate.lower():
                    return type_name
        return None

    def real(self, name: str, field: str) -> str:
        type_name = self.type_for(name, field)
        found = self.own.get(type_name or "") or next(iter(self.own.values()))
        return found[0]

    def edges(self, name: str, field: str) -> list[str]:
        type_name = self.type_for(name, field) or "Tag"
        foreign = self.foreign.get(type_name) or next(iter(self.foreign.values()))
        return [
            foreign[0],
            raw_id(type_name, 2**31),
            raw_id(type_name, 2**63),
            raw_id(type_name, 0),
            raw_id(type_name, "9" * 400),
            raw_id("Nothing", 1),
            "not an id",
            "\ud800",
        ]


def _unwrap(type_: GraphQLType) -> tuple[GraphQLType, bool]:
    required = isinstance(type_, GraphQLNonNull)
    return (type_.of_type if isinstance(type_, GraphQLNonNull) else type_), required


class Edges:
    def __init__(self, schema: GraphQLSchema, ids: IdPool) -> None:
        self.schema = schema
        self.ids = ids

    # -- plain values -------------------------------------------------------------------

    def plain(self, type_: GraphQLType, name: str, field: str, depth: int = 0) -> Any:
        inner, _ = _unwrap(type_)
        if isinstance(inner, GraphQLList):
            value = self.plain(inner.of_type, name, field, depth + 1)
            return [] if value is None else [value]
        if isinstance(inner, GraphQLEnumType):
            return next(iter(inner.values))
        if isinstance(inner, GraphQLInputObjectType):
            if depth > 3:
                return None
            return {
                key: self.plain(f.type, key, field, depth + 1)
                for key, f in inner.fields.items()
                if isinstance(f.type, GraphQLNonNull)
            }
        assert isinstance(inner, GraphQLScalarType)
        if inner.name == "ID":
            return self.ids.real(name, field)
        if inner.name == "String":
            return FORMATTED.get(name, PLAIN["String"])
        return PLAIN.get(inner.name)

    # -- the edge values of one leaf ---------------------------------------------------

    def edges(self, type_: GraphQLType, name: str, field: str) -> list[Any]:
        inner = get_named_type(type_)
        wrapped, _ = _unwrap(type_)
        in_list = isinstance(wrapped, GraphQLList)
        values: list[Any]
        if not isinstance(inner, GraphQLScalarType):
            return []
        if inner.name == "ID":
            values = self.ids.edges(name, field)
        elif inner.name == "String":
            values = list(TEXT_EDGES)
        elif inner.name == "Int":
            values = list(INT_EDGES)
        elif inner.name == "Float":
            values = list(FLOAT_EDGES)
        elif inner.name == "DateTime":
            values = list(DATETIME_EDGES)
        elif inner.name == "Date":
            values = list(DATE_EDGES)
        else:  # Boolean, Upload: nothing at their edges
            return []
        return [[v] for v in values] if in_list else values

    def leaves(
        self, type_: GraphQLType, path: tuple[str, ...], depth: int = 0
    ) -> Iterator[tuple[tuple[str, ...], GraphQLType]]:
        inner = get_named_type(type_)
        if isinstance(inner, GraphQLInputObjectType):
            if depth >= 2:
                return
            for key, f in inner.fields.items():
                yield from self.leaves(f.type, (*path, key), depth + 1)
        else:
            yield path, type_

    # -- requests ------------------------------------------------------------------------

    def document(self, operation: str, name: str, field: GraphQLField) -> str:
        definitions = ", ".join(
            f"${arg}: {print_type_ref(a.type)}" for arg, a in field.args.items()
        )
        arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
        selection = ""
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            selection = " { __typename }"
        return f"{operation}({definitions}) {{ {name}({arguments}){selection} }}"

    def requests(self, operation: str, root: GraphQLObjectType) -> Iterator[Request]:
        for name, field in sorted(root.fields.items()):
            if not field.args:
                continue
            query = self.document(operation, name, field)
            base = {
                arg: self.plain(a.type, arg, name)
                for arg, a in field.args.items()
                if isinstance(a.type, GraphQLNonNull)
            }
            yield Request(name, "plain", query, base)
            for arg, a in field.args.items():
                for path, leaf in self.leaves(a.type, (arg,)):
                    for value in self.edges(leaf, path[-1], name):
                        variables = _with(base, path, value, field.args, self)
                        yield Request(name, ".".join(path), query, variables)

    def all(self) -> list[Request]:
        found: list[Request] = []
        for operation, root in (
            ("query", self.schema.query_type),
            ("mutation", self.schema.mutation_type),
        ):
            if root is not None:
                found.extend(self.requests(operation, root))
        return found


def _with(
    base: dict[str, Any],
    path: Sequence[str],
    value: Any,
    args: dict[str, GraphQLArgument],
    edges: Edges,
) -> dict[str, Any]:
    """``base`` with the value at ``path`` replaced; an input object on the way that ``base``
    leaves out is filled in with its required fields."""
    head, *rest = path
    return {**base, head: _set(base.get(head), args[head].type, rest, value, edges, head)}


def _set(
    current: Any, type_: GraphQLType, path: Sequence[str], value: Any, edges: Edges, name: str
) -> Any:
    if not path:
        return value
    inner, _ = _unwrap(type_)
    if isinstance(inner, GraphQLList):
        first = current[0] if isinstance(current, list) and current else None
        return [_set(first, inner.of_type, path, value, edges, name)]
    assert isinstance(inner, GraphQLInputObjectType)
    if current is None:
        current = edges.plain(GraphQLNonNull(inner), name, "")
    head, *rest = path
    return {
        **current,
        head: _set(current.get(head), inner.fields[head].type, rest, value, edges, head),
    }


def print_type_ref(type_: GraphQLType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return f"{print_type_ref(type_.of_type)}!"
    if isinstance(type_, GraphQLList):
        return f"[{print_type_ref(type_.of_type)}]"
    return type_.name  # type: ignore[attr-defined]


__all__ = ["Edges", "IdPool", "Request", "raw_id"]
