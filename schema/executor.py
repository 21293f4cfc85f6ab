"""How a document is executed: graphql-core's executor, with plain fields read in one step.

A board of 20 projects resolves about 260 fields; most are attributes of the row's type
(``title``, ``status``, ``budget``) with no resolver, no argument and no permission of their
own. graphql-core resolves each through the whole field machinery (resolve info, strawberry's
default resolver, awaitable checks, completion). A *plain field* (a leaf: scalar or enum, read
from an attribute) is read and coerced here directly; anything else, and any value that is not
ready (an awaitable, an exception, a null for a non-null field), goes the usual way, so errors
and their paths are exactly graphql-core's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.executor import FieldDetailsList
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

PlainField = tuple[str, Callable[[Any], Any], bool]
"""A plain field: the attribute it reads, its type's output coercion, whether it is non-null."""


def plain_fields(schema: GraphQLSchema) -> dict[tuple[str, str], PlainField]:
    """(type, field) → how to read it, for every field of the schema that is plain: strawberry
    resolves it by its default resolver (``_is_default``: no resolver, no permission, no field
    extension, no exception handler), it takes no argument, and its type is a leaf."""
    found: dict[tuple[str, str], PlainField] = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        for field_name, field in graphql_type.fields.items():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if (
                definition is None
                or field.args
                or not getattr(field.resolve, "_is_default", False)
                or not is_leaf_type(get_named_type(field.type))
            ):
                continue
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(inner, GraphQLLeafType) or not _reads_attribute(definition):
                continue
            found[(type_name, field_name)] = (
                definition.python_name,
                inner.coerce_output_value,
                isinstance(field.type, GraphQLNonNull),
            )
    return found


def _reads_attribute(definition: Any) -> bool:
    """strawberry's default resolver is ``getattr`` unless the schema's config changed it."""
    return definition.default_resolver is getattr


class Executor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor with plain fields read in one step (``plain_fields``).

    Built per schema by ``executor_for(schema)``; outside dev, refused variables are not
    answered with the names the schema has ("Did you mean 'RESIDENT'?").
    """

    plain: Mapping[tuple[str, str], PlainField] = {}
    hide: bool = False

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.hide:
            kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's loop over an object's fields, with its plain fields read in place
        (no ``Path``, no call) when their value is ready; the rest exactly as graphql-core."""
        if self._middleware():
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain, type_name = self.plain, parent_type.name
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        try:
            for response_name, field_details_list in grouped_field_set.items():
                found = plain.get((type_name, field_details_list[0].node.name.value))
                if found is not None:
                    value = _read(found, source_value, is_awaitable)
                    if value is not Undefined:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, type_name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        plain = self.plain.get((parent_type.name, field_details_list[0].node.name.value))
        if plain is not None and not self._middleware():
            value = _read(plain, source, self.is_awaitable)
            if value is not Undefined:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _middleware(self) -> bool:
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)


def _read(plain: PlainField, source: Any, is_awaitable: Callable[[Any], bool]) -> Any:
    """A plain field's coerced value, or ``Undefined`` when it must go the usual way (not
    ready, an error, a null where the type forbids one, a value its type refuses)."""
    attribute, coerce, non_null = plain
    try:
        value = getattr(source, attribute, Undefined)
    except Exception:  # a property that raises: the usual way reports it
        return Undefined
    if value is None:
        return Undefined if non_null else None
    if value is Undefined or isinstance(value, Exception) or is_awaitable(value):
        return Undefined
    try:
        coerced = coerce(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def executor_for(schema: GraphQLSchema, *, hide_suggestions: bool) -> type[Executor]:
    """The executor class of one built schema (its own table of plain fields)."""
    return type(
        "SchemaExecutor",
        (Executor,),
        {"plain": plain_fields(schema), "hide": hide_suggestions},
    )
