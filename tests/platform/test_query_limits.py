"""The limits' verdicts are kept per distinct document: the same text is parsed and validated
once, and a refused text stays refused however often it comes back."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from core.settings import Env, Settings
from gongzhi.platform import make_schema
from schema.limits import DocumentVerdicts
from tests.platform.test_bad_input import aliased, assert_refused, nested, post_as
from tests.support import Api


def _verdicts(**overrides: int) -> DocumentVerdicts:
    limits = {"max_depth": 3, "max_aliases": 2, "max_tokens": 50, **overrides}
    return DocumentVerdicts(**limits, introspection=False, maxsize=2)


def test_the_same_text_is_checked_once() -> None:
    schema = make_schema(Settings(env=Env.DEV))._schema
    verdicts = _verdicts()
    once = verdicts.check(schema, "{ me { username } }", verdicts.rules)
    assert len(verdicts) == 0  # a text seen once is not kept: it may never come back
    first = verdicts.check(schema, "{ me { username } }", verdicts.rules)
    again = verdicts.check(schema, "{ me { username } }", verdicts.rules)
    assert again is first and first.errors == once.errors == ()
    assert len(verdicts) == 1


def test_limits_are_part_of_the_verdict() -> None:
    schema = make_schema(Settings(env=Env.DEV))._schema
    verdicts = _verdicts()
    deep = nested(4)
    assert not verdicts.check(schema, nested(3), verdicts.rules).errors
    for _ in range(2):
        verdict = verdicts.check(schema, deep, verdicts.rules)
        assert any("depth" in e.message for e in verdict.errors)
    aliases = "{ a: me { username } b: me { username } c: me { username } }"
    assert verdicts.check(schema, aliases, verdicts.rules).errors
    introspection = "{ __schema { queryType { name } } }"
    assert verdicts.check(schema, introspection, verdicts.rules).errors


def test_the_token_limit_is_enforced_by_the_parser_and_failures_are_not_kept() -> None:
    schema = make_schema(Settings(env=Env.DEV))._schema
    verdicts = _verdicts(max_tokens=10)
    with pytest.raises(GraphQLError, match="tokens"):
        verdicts.check(schema, "{ " + "me { username } " * 10 + "}", verdicts.rules)
    assert len(verdicts) == 0


def test_the_cache_is_bounded() -> None:
    schema = make_schema(Settings(env=Env.DEV))._schema
    verdicts = _verdicts()
    for name in ("username", "displayName", "id"):
        for _ in range(2):
            verdicts.check(schema, f"{{ me {{ {name} }} }}", verdicts.rules)
    assert len(verdicts) == 2


async def test_a_refused_document_is_refused_every_time(api: Api, settings: Settings) -> None:
    for _ in range(3):
        assert_refused(
            await post_as(api, nested(settings.max_query_depth + 1)), "QUERY_TOO_COMPLEX"
        )
        assert_refused(await post_as(api, aliased(settings.max_aliases + 1)), "QUERY_TOO_COMPLEX")
    for _ in range(2):
        assert "errors" not in await post_as(api, nested(settings.max_query_depth))
