"""Nothing a DISPLAY can read names a person: every root field of the schema a paired screen may
query (its capabilities, found from the schema's own field requirements), with every field
beneath it that it may read, is asked as the screen in a street full of names, phone numbers
and texts typed by residents, and no answer holds one of them; ``node(id:)`` on a resident, a
case or an account gives nothing."""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)

from core.ids import to_global_id
from gongzhi.platform import make_schema
from models.accounts import User
from policies.vocabulary import Capability, street_domain
from resolvers.services import Services
from schema.permissions import Can
from tests.cases.support import CaseStreet, reported
from tests.stats.support import paired_screen
from tests.support import Api, error_codes

DEPTH = 3
PERSONAL = ("张三", "李四", "王奶奶", "13912345678", "张三丰", "门口漏水了快来人")


def requirements(schema: Any) -> dict[tuple[str, str], list[Capability]]:
    """(GraphQL type, GraphQL field) → the capabilities its ``Can(...)`` requires."""
    found: dict[tuple[str, str], list[Capability]] = {}
    converter = schema.config.name_converter
    for type_name, concrete in schema.schema_converter.type_map.items():
        for field in getattr(concrete.definition, "fields", ()):
            caps = [
                r.capability
                for extension in field.extensions
                for r in getattr(extension, "permissions", ())
                if isinstance(r, Can)
            ]
            if caps:
                found[(type_name, converter.get_graphql_name(field))] = caps
    return found


def selection(gql: GraphQLSchema, kind: Any, depth: int, allowed: Any, seen: frozenset[str]) -> str:
    named = get_named_type(kind)
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        parts = ["__typename"]
        for member in gql.get_possible_types(named):
            inner = selection(gql, member, depth, allowed, seen)
            if inner:
                parts.append(f"... on {member.name} {{ {inner} }}")
        return " ".join(parts)
    if not isinstance(named, GraphQLObjectType):
        return ""
    parts = []
    for name, field in named.fields.items():
        if not allowed(named.name, name) or _needs_arguments(field):
            continue
        inner_type = get_named_type(field.type)
        if isinstance(inner_type, GraphQLObjectType | GraphQLUnionType | GraphQLInterfaceType):
            if depth <= 0 or inner_type.name in seen:
                continue
            inner = selection(gql, field.type, depth - 1, allowed, seen | {inner_type.name})
            if inner:
                parts.append(f"{name} {{ {inner} }}")
        else:
            parts.append(name)
    return " ".join(parts)


def _needs_arguments(field: GraphQLField) -> bool:
    """An argument that must be given (non-null, no default): an ID or a token to look up."""
    return any(
        isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        for arg in field.args.values()
    )


async def test_a_screen_reads_no_person_anywhere(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    case = await reported(
        api, cs, title="张三丰门口漏水了快来人", description="联系人张三丰 13912345678"
    )
    admin = await api.login(cs.street.admin_username, cs.street.admin_password)
    _, display = await paired_screen(api, admin, cs.tenant)
    screen_user = await User.filter(username__startswith="screen-").order_by("-id").first()
    assert screen_user is not None
    schema = make_schema(services.settings)
    gql: GraphQLSchema = schema._schema
    needs = requirements(schema)
    domain = street_domain(cs.street.street_id)

    def allowed(type_name: str, field_name: str) -> bool:
        return all(
            services.authorizer.can(screen_user.id, domain, cap)
            for cap in needs.get((type_name, field_name), [])
        )

    query_type = gql.query_type
    assert query_type is not None
    asked = []
    for name, field in query_type.fields.items():
        if not allowed(query_type.name, name) or _needs_arguments(field):
            continue
        named = get_named_type(field.type)
        inner = selection(gql, field.type, DEPTH, allowed, frozenset({named.name}))
        document = f"{{ {name} {{ {inner} }} }}" if inner else f"{{ {name} }}"
        if (
            isinstance(named, GraphQLObjectType | GraphQLUnionType | GraphQLInterfaceType)
            and not inner
        ):
            continue
        body = await api.gql(document, token=display)
        if error_codes(body) == ["QUERY_TOO_COMPLEX"]:
            inner = selection(gql, field.type, 1, allowed, frozenset({named.name}))
            body = await api.gql(f"{{ {name} {{ {inner} }} }}", token=display)
        assert "FORBIDDEN" not in error_codes(body), (name, body)
        text = json.dumps(body, ensure_ascii=False)
        for personal in PERSONAL:
            assert personal not in text, (name, personal, text[:500])
        asked.append(name)
    assert {"dashboard", "caseFigures", "caseHotSpots"} <= set(asked), asked
    for kind, pk in (("Resident", cs.resident_id), ("Account", cs.resident.id)):
        body = await api.gql(
            "query($id: ID!) { node(id: $id) { __typename } }",
            {"id": to_global_id(kind, pk)},
            token=display,
        )
        assert not (body.get("data") or {}).get("node"), body
    body = await api.gql(
        "query($id: ID!) { node(id: $id) { __typename } }", {"id": case["id"]}, token=display
    )
    assert not (body.get("data") or {}).get("node"), body
