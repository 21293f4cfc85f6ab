"""Which answers may be kept (``resolvers/responses.py`` keeps them), declared on the field.

A query's answer may be kept for everyone of the same street, roles and language when every
field it selects is one of:

* a field declared ``cacheable`` (``field(..., cacheable=True)``, or ``metadata=KEPT`` on a
  plain ``strawberry.field``): its answer depends on the street, the caller's roles and its
  arguments only, never on who the person is (no row rule of the person's own, no "my …");
* a field strawberry reads from its parent's attribute (no resolver): it is what the parent's
  resolver already made;
* ``__typename``.

The root fields must be declared: a root field without resolver does not exist. Anything
else (``me``, a resident's own cases, introspection, a mutation) is computed every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    parse,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionResult

from policies.vocabulary import PLATFORM_DOMAIN, street_domain
from schema.context import Context
from schema.permissions import CACHEABLE

KEPT = {CACHEABLE: True}
"""``strawberry.field(metadata=KEPT)``: this field's answer may be kept (see the module)."""
MAX_VERDICTS = 2_000


def keepable_fields(schema: GraphQLSchema) -> frozenset[tuple[str, str]]:
    """(type, field) of every field whose answer may be kept: declared, or read from the
    parent's attribute by strawberry's default resolver."""
    found = set()
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if definition is None:
                continue
            declared = bool((definition.metadata or {}).get(CACHEABLE))
            if declared or (getattr(field.resolve, "_is_default", False) and not field.args):
                found.add((type_name, field_name))
    return frozenset(found)


class KeptDocuments:
    """The verdict on each distinct document of one schema: may its answer be kept?"""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.keepable = keepable_fields(schema)
        self._verdicts: dict[tuple[str, str | None], bool] = {}

    def may_keep(self, query: str, operation_name: str | None) -> bool:
        key = (query, operation_name)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._judge(query, operation_name)
            if len(self._verdicts) >= MAX_VERDICTS:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _judge(self, query: str, operation_name: str | None) -> bool:
        try:
            document = parse(query)
        except GraphQLError:
            return False
        operation = _operation(document, operation_name)
        root = self.schema.query_type
        if operation is None or operation.operation is not OperationType.QUERY or root is None:
            return False
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        return self._selection_keepable(operation.selection_set, [root], fragments, set())

    def _selection_keepable(
        self,
        selection_set: SelectionSetNode,
        parents: list[GraphQLObjectType],
        fragments: dict[str, FragmentDefinitionNode],
        spread: set[str],
    ) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not self._field_keepable(selection, parents, fragments, spread):
                    return False
            elif isinstance(selection, InlineFragmentNode):
                narrowed = self._narrow(parents, selection.type_condition)
                if not self._selection_keepable(
                    selection.selection_set, narrowed, fragments, spread
                ):
                    return False
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in spread:
                    return False
                narrowed = self._narrow(parents, fragment.type_condition)
                inner = spread | {name}
                if not self._selection_keepable(fragment.selection_set, narrowed, fragments, inner):
                    return False
        return True

    def _field_keepable(
        self,
        node: FieldNode,
        parents: list[GraphQLObjectType],
        fragments: dict[str, FragmentDefinitionNode],
        spread: set[str],
    ) -> bool:
        name = node.name.value
        if name == "__typename":
            return True
        if name.startswith("__"):
            return False  # introspection
        children: list[GraphQLObjectType] = []
        for parent in parents:
            field = parent.fields.get(name)
            if field is None or (parent.name, name) not in self.keepable:
                return False
            if node.selection_set is not None:
                children.extend(self._concrete(get_named_type(field.type)))
        if node.selection_set is None:
            return True
        return self._selection_keepable(node.selection_set, children, fragments, spread)

    def _concrete(self, named: Any) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        if is_abstract_type(named):
            return list(self.schema.get_possible_types(named))
        return []

    def _narrow(self, parents: list[GraphQLObjectType], condition: Any) -> list[GraphQLObjectType]:
        if condition is None:
            return parents
        named = self.schema.get_type(condition.name.value)
        possible = {t.name for t in self._concrete(named)}
        return [p for p in parents if p.name in possible]


def _operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def answer_key(
    context: Context, query: str, operation_name: str | None, variables: Any
) -> str | None:
    """The document, its variables, the caller's roles (street and platform) and language:
    who else may be given this answer in the same street."""
    viewer, authorizer = context.viewer, context.services.authorizer
    roles: list[str] = []
    if viewer.user is not None and viewer.street is not None:
        roles = sorted(authorizer.roles(viewer.user.id, street_domain(viewer.street.id)))
        roles += [
            "platform:" + r for r in sorted(authorizer.roles(viewer.user.id, PLATFORM_DOMAIN))
        ]
    try:
        material = orjson.dumps(
            [query, operation_name, variables or {}, roles, context.locale, viewer.user is None],
            option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        )
    except TypeError:  # not JSON orjson writes (a lone surrogate): not kept, answered as usual
        return None
    return hashlib.sha256(material).hexdigest()


async def answered(
    documents: KeptDocuments,
    context: Context,
    request: Any,
    compute: Callable[[], Awaitable[Any]],
) -> Any:
    """The kept answer of this request if there is one; otherwise ``compute()``'s, kept when
    the document may be and it has no error."""
    cache, viewer = context.services.responses, context.viewer
    query, name = getattr(request, "query", None), getattr(request, "operation_name", None)
    if (
        not cache.enabled
        or viewer.street is None
        or viewer.auth_error
        or not isinstance(query, str)
        or not documents.may_keep(query, name)
    ):
        return await compute()
    street_id = viewer.street.id
    key = answer_key(context, query, name, getattr(request, "variables", None))
    if key is None:
        return await compute()
    kept, stamp = await cache.lookup(street_id, key)
    if kept is not None:
        return ExecutionResult(data=kept, errors=None)
    result = await compute()
    if isinstance(result, ExecutionResult) and not result.errors and result.data is not None:
        await cache.keep(street_id, key, result.data, stamp)
    return result
