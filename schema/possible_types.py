"""``possibleTypes`` for normalized client caches, from the built schema.

Apollo Client's ``InMemoryCache`` (and urql's Graphcache) cannot tell that an ``InputError`` is a
``UserError`` without this map: a fragment ``... on UserError { code field message }`` is then
dropped from the cached answer and a mutation's typed error arrives as ``{"__typename":
"InputError"}`` only. The committed copy is ``schema/possibleTypes.json``
(``gongzhi possible-types > schema/possibleTypes.json``).
"""

from __future__ import annotations

import json

from graphql import GraphQLInterfaceType, GraphQLSchema, GraphQLUnionType


def possible_types(graphql_schema: GraphQLSchema) -> dict[str, list[str]]:
    """Every interface and union of the schema, with the object types that may stand for it
    (可能类型), sorted so the file only changes when the schema does. Takes the built schema
    (``strawberry.Schema._schema``) or the SDL's (``graphql.build_schema(sdl)``)."""
    found: dict[str, list[str]] = {}
    for name, kind in sorted(graphql_schema.type_map.items()):
        if name.startswith("__") or not isinstance(kind, GraphQLInterfaceType | GraphQLUnionType):
            continue
        members = sorted(t.name for t in graphql_schema.get_possible_types(kind))
        if members:
            found[name] = members
    return found


def possible_types_json(graphql_schema: GraphQLSchema) -> str:
    return json.dumps(possible_types(graphql_schema), indent=2, ensure_ascii=False) + "\n"
