"""Request cost (请求成本): what a document would make the server do, counted before it runs.

* Each field selected counts 1.
* A connection (a field with a ``first`` argument whose type has ``edges``) counts 1 plus
  ``first`` times what is selected under its ``edges``: ``first`` as the request gives it,
  literally or by a variable; ``DEFAULT_PAGE_SIZE`` when it gives none; at most the page size
  the server allows. Its ``edges`` list is that page, not counted again; what is asked of the
  page itself (``totalCount``, ``pageInfo``) counts once. Edges selected inside a fragment on
  the connection count once too (an undercount: clients spread fragments on the node).
* Any other list of objects counts its children ``list_size`` times.
* A field written several times under one response name is counted each time, and every two
  fields of one name in a selection set count ``PAIR_COST`` (100) more: graphql-core merges
  their results, but validation compares every pair, which is the work (about 12 µs of CPU a
  pair here, and five objects in reference cycles left for the garbage collector: the same
  field written 400 times, 79,800 pairs, takes about a second to validate, as 400 aliases
  30 ms; 95 times, within a budget of 10 a pair, left 24,000 such objects a request, and the
  collector's full passes over them stopped the event loop for 0.2–0.6 s under bench.abuse).
  Pairs are counted among the fields selected on one type (``code`` on two members of a
  payload union is no pair). Legitimate documents hold a few at most (the same field from two
  fragments).
* Fragments are expanded where they are spread (the cost of each is read once and kept, so a
  fragment spread many times costs its reading once). Inline fragments on the members of a
  union are all counted (an upper bound).

The cost is counted on the parsed document, before it is validated, since validating is the
expensive part of a document that repeats a field. A document naming what the schema does not
have still gets a cost (an unknown field 1, its children as plain fields) and is refused by
validation afterwards.

``Budgets`` says how much a caller may spend per request (by their roles in the street: the
signed-out and residents least) and per minute (``core.ratelimit.Spending``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from core.settings import Settings
from models.accounts import Role

PAIR_COST = 100  # every two fields of one response name in a selection set
DEFAULT_PAGE_SIZE = 20  # resolvers.pagination.DEFAULT_PAGE_SIZE, the page a connection gives
LOW_ROLES = frozenset({Role.RESIDENT.value, Role.BUILDING_CHIEF.value})
"""Roles with the residents' budget: their clients are mini-programs asking small pages."""


Names = Counter[tuple[str | None, str]]
"""How often each response name is selected at one level, by the type it is selected on (the
members of a union are told apart: their fields are never compared in depth)."""


class OverBudget(Exception):
    """The count went past the limit; the walk stops there."""


@dataclass(frozen=True)
class CostRules:
    max_page_size: int
    list_size: int


def _is_list(field: GraphQLField) -> bool:
    kind = field.type
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


def _is_page(named: Any) -> bool:
    """A connection type (its ``edges`` are the page: counted by the connection's ``first``)."""
    return isinstance(named, GraphQLObjectType) and "edges" in named.fields


def _is_connection(field: GraphQLField, named: GraphQLNamedType) -> bool:
    return "first" in field.args and _is_page(named)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any],
        rules: CostRules,
        limit: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults
        self.rules = rules
        self.limit = limit
        self._fragments: dict[str, tuple[int, Names]] = {}
        self._expanding: set[str] = set()
        self.read: set[str] = set()  # the variables whose values the count depends on

    def _check(self, cost: int) -> int:
        if cost > self.limit:
            raise OverBudget
        return cost

    def _first(self, node: FieldNode) -> int:
        value: Any = None
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            given = argument.value
            if isinstance(given, IntValueNode):
                value = int(given.value)
            elif isinstance(given, VariableNode):
                name = given.name.value
                self.read.add(name)
                value = self.variables.get(name, self.defaults.get(name))
        if not isinstance(value, int) or isinstance(value, bool):
            value = DEFAULT_PAGE_SIZE
        return max(1, min(value, self.rules.max_page_size))

    def _field_def(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if name == "__schema" and parent is self.schema.query_type:
            return SchemaMetaFieldDef
        if name == "__type" and parent is self.schema.query_type:
            return TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields is not None else None

    def selections(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        """The cost of a selection set: its fields, and ``PAIR_COST`` for every two fields it
        holds under one response name (fragments expanded), which validation compares."""
        if selection_set is None:
            return 0
        cost, names = self._level(selection_set, parent)
        pairs = sum(k * (k - 1) // 2 for k in names.values())
        return self._check(cost + PAIR_COST * pairs)

    def _level(self, selection_set: SelectionSetNode, parent: Any) -> tuple[int, Names]:
        total = 0
        names: Names = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
                names[getattr(parent, "name", None), (selection.alias or selection.name).value] += 1
            else:
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    kind = self.schema.get_type(condition.name.value) if condition else parent
                    cost, inner = self._level(selection.selection_set, kind)
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    cost, inner = self.fragment(selection.name.value)
                total += cost
                names.update(inner)
            self._check(total)
        return total, names

    def field(self, node: FieldNode, parent: Any) -> int:
        definition = self._field_def(parent, node.name.value)
        if definition is None:
            return 1 + self.selections(node.selection_set, None)
        named = get_named_type(definition.type)
        children = self.selections(node.selection_set, named)
        if _is_connection(definition, named):
            page = self._page(node.selection_set, named)
            return self._check(1 + (children - page) + self._first(node) * page)
        if _is_list(definition) and is_composite_type(named) and not _is_page(parent):
            return self._check(1 + self.rules.list_size * children)
        return 1 + children

    def _page(self, selection_set: SelectionSetNode | None, connection: Any) -> int:
        """What a connection's selection repeats for every row: its ``edges`` (or ``nodes``);
        the rest (``totalCount``, ``pageInfo``) is asked once per page."""
        if selection_set is None:
            return 0
        return sum(
            self.field(selection, connection)
            for selection in selection_set.selections
            if isinstance(selection, FieldNode) and selection.name.value in ("edges", "nodes")
        )

    def fragment(self, name: str) -> tuple[int, Names]:
        found = self._fragments.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self._expanding:  # unknown or a cycle: validation
            return 0, Counter()
        self._expanding.add(name)
        try:
            kind = self.schema.get_type(definition.type_condition.name.value)
            found = self._level(definition.selection_set, kind)
        finally:
            self._expanding.discard(name)
        self._fragments[name] = found
        return found


def _operations(document: DocumentNode, name: str | None) -> list[OperationDefinitionNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        named = [o for o in operations if o.name is not None and o.name.value == name]
        return named or operations
    return operations


def _root(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLObjectType | None:
    kind = operation.operation.value
    if kind == "mutation":
        return schema.mutation_type
    if kind == "subscription":
        return schema.subscription_type
    return schema.query_type


def _literal_default(value: Any) -> Any:
    return int(value.value) if isinstance(value, IntValueNode) else None


def document_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    rules: CostRules,
    limit: int,
) -> int:
    """The cost of the operation the request runs (the dearest one when it names none and
    the document has several). Raises ``OverBudget`` as soon as it passes ``limit``."""
    return counted_cost(schema, document, operation_name, variables, rules, limit)[0]


def counted_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    rules: CostRules,
    limit: int,
) -> tuple[int, frozenset[str]]:
    """``document_cost`` and the names of the variables it read (the pages' ``first``): the
    same document with the same values of those costs the same."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    worst = 0
    read: set[str] = set()
    for operation in _operations(document, operation_name):
        defaults = {
            v.variable.name.value: _literal_default(v.default_value)
            for v in operation.variable_definitions or ()
            if v.default_value is not None
        }
        walk = _Walk(schema, fragments, variables or {}, defaults, rules, limit)
        worst = max(worst, walk.selections(operation.selection_set, _root(schema, operation)))
        read |= walk.read
    return worst, frozenset(read)


MAX_COSTS_A_DOCUMENT = 64


class KnownCosts:
    """The costs counted for one document (kept beside its parse, ``schema/limits.py``): by
    operation and the values of the variables its count read. A cost over the limit a caller
    has is refused as the walk would have refused it (``OverBudget``); a walk that stopped at
    its limit, or read a variable that is not a plain value, is not kept."""

    def __init__(self) -> None:
        self._read: dict[str | None, frozenset[str]] = {}  # by operation: what its count reads
        self._costs: dict[tuple[str | None, tuple[Any, ...] | None], int] = {}

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        rules: CostRules,
        limit: int,
    ) -> int:
        read = self._read.get(operation_name)
        if read is not None:
            known = self._costs.get(_values_of(operation_name, read, variables))
            if known is not None:
                if known > limit:
                    raise OverBudget
                return known
        cost, read = counted_cost(schema, document, operation_name, variables, rules, limit)
        key = _values_of(operation_name, read, variables)
        if key[1] is not None and len(self._costs) < MAX_COSTS_A_DOCUMENT:
            self._read[operation_name] = read
            self._costs[key] = cost
        return cost


def _values_of(
    operation_name: str | None, read: frozenset[str], variables: Mapping[str, Any] | None
) -> tuple[str | None, tuple[Any, ...] | None]:
    """The operation and the values of the variables its count read (None for them when one
    is not a plain value)."""
    given = variables or {}
    values = tuple(given.get(name) for name in sorted(read))
    if not all(v is None or isinstance(v, int | str) for v in values):
        return operation_name, None
    return operation_name, values


@dataclass(frozen=True)
class Budgets:
    """What a caller may spend on one request, by who they are in the street."""

    anonymous: int
    resident: int
    staff: int
    per_minute: int
    rules: CostRules

    @classmethod
    def from_settings(cls, settings: Settings) -> Budgets:
        return cls(
            anonymous=settings.query_cost_anonymous,
            resident=settings.query_cost_resident,
            staff=settings.query_cost_staff,
            per_minute=settings.query_cost_per_minute,
            rules=CostRules(settings.max_page_size, settings.query_cost_list_size),
        )

    def per_request(self, signed_in: bool, roles: Iterable[str]) -> int:
        """Signed out: the least. Signed in: the staff's budget once any role is not a
        resident's, else the residents' (a signed-in account without a role in the street
        is counted as a resident)."""
        if not signed_in:
            return self.anonymous
        if any(role not in LOW_ROLES for role in roles):
            return self.staff
        return self.resident
