"""The schema, composed once from every domain's queries, mutations and subscriptions
(``Domain.query`` / ``mutation`` / ``subscription``), in the order of the domain list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from core.settings import Settings
from policies.vocabulary import Capability
from schema.cost import Budgets
from schema.domain import Domain, node_kinds, vocabulary
from schema.errors import EXCEPTION_HANDLERS, InputError, TooManyAttempts
from schema.executor import executor_for
from schema.extensions import ErrorCodeExtension, StreetScopeExtension
from schema.inputs import bound_fields
from schema.limits import CostlyGate, DocumentVerdicts, QueryLimits
from schema.node import node_query
from schema.permissions import Can


def _root(name: str, description: str, parts: Sequence[type]) -> type | None:
    """One root type whose fields are those of every domain's ``parts``, in the domains'
    order (none when no domain has any)."""
    if not parts:
        return None
    return _root_type(name, description, parts)


def _root_type(name: str, description: str, parts: Sequence[type]) -> type:
    return strawberry.type(type(name, tuple(parts), {}), description=description)


class GongzhiSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (denied, not found, bad input) are answers, not incidents; the
        # ErrorCodeExtension logs the unexpected ones.
        return None

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        """Every field that takes arguments checks them at the edge (``schema/inputs.py``)."""
        return bound_fields(super().get_fields(type_definition), is_input=type_definition.is_input)


def build_schema(settings: Settings, domains: Sequence[Domain]) -> strawberry.Schema:
    """The schema of these domains (``schema.domains.DOMAINS`` in the app)."""
    # Factories: a fresh extension per request. The limits' rules and the verdicts on each
    # distinct document are built once here and shared by every request of this schema.
    mask = not settings.is_dev
    verdicts = DocumentVerdicts(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        introspection=settings.introspection_enabled,
        hide_suggestions=not settings.is_dev,
    )
    budgets = Budgets.from_settings(settings)
    gate = CostlyGate(settings.query_cost_costly, settings.max_costly_operations)
    extensions: list[Any] = [
        lambda: QueryLimits(verdicts, budgets, gate),
        StreetScopeExtension,
        lambda: ErrorCodeExtension(mask_unexpected=mask),
    ]
    query = _root_type(
        "Query",
        "Everything one can read. Each field says what it requires.",
        [node_query(node_kinds(domains)), *(q for d in domains for q in d.query)],
    )
    mutation = _root(
        "Mutation",
        "Everything one can change. Each returns a payload union.",
        [m for d in domains for m in d.mutation],
    )
    subscription = _root(
        "Subscription",
        "Live updates over graphql-transport-ws on the same path.",
        [s for d in domains for s in d.subscription],
    )
    schema = GongzhiSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=[InputError, TooManyAttempts, *(x for d in domains for x in d.types)],
        extensions=extensions,
        exception_handlers=EXCEPTION_HANDLERS,
        config=StrawberryConfig(auto_camel_case=True),
    )
    # Outside dev, refused variables are not answered with the names the schema has ("Did
    # you mean 'RESIDENT'?"): the schema is not told to whoever probes it.
    schema.execution_context_class = executor_for(schema._schema, hide_suggestions=mask)
    undeclared = sorted(
        f"{type_name}.{field_name}: {capability}"
        for type_name, field_name, capability in declared_capabilities(schema)
        if capability not in vocabulary(domains)
    )
    if undeclared:
        raise ValueError(f"fields require capabilities no domain declares: {undeclared}")
    return schema


def declared_capabilities(schema: strawberry.Schema) -> list[tuple[str, str, Capability]]:
    """(type, field, capability) for every field of the schema guarded by ``Can(...)``."""
    found = []
    for type_name, concrete in schema.schema_converter.type_map.items():
        definition = concrete.definition
        for strawberry_field in getattr(definition, "fields", ()):
            for extension in strawberry_field.extensions:
                for requirement in getattr(extension, "permissions", ()):
                    if isinstance(requirement, Can):
                        found.append((type_name, strawberry_field.name, requirement.capability))
    return found
