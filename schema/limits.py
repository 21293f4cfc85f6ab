"""Query limits (depth, aliases, tokens) checked once per distinct document.

Strawberry's limiters add validation rules built anew for every request, so a validation cache
keyed by the rules never hits and every request walks its document again. Here the rules are
built once per schema and the verdict (the parsed document and its validation errors) is kept
per query text in a bounded LRU: a board polled a thousand times is parsed and validated once.
The token limit is enforced by the parser, which only runs for a text not seen yet.

Errors carry their code from where they arise, so nothing reads their message:

* validation errors leave here with ``extensions.code``: ``QUERY_TOO_COMPLEX`` from the depth
  and alias rules (validated in their own pass), ``GRAPHQL_VALIDATION_FAILED`` from the others
  (also when strawberry validated without a verdict: ``QueryLimits.on_validate``);
* a parse failure arrives as graphql-core's ``GraphQLSyntaxError`` for bad syntax and for the
  parser's limits alike; ``parse_failure_code`` tells them apart by where it was raised (see
  there).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Lexer,
    parse,
    validate,
)
from graphql.language import parser as graphql_parser
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

from core.errors import ErrorCode

Rules = tuple[type[ASTValidationRule], ...]

# The three places graphql-core's parser gives up on a limit rather than on the syntax: the
# token count (``Parser.advance_lexer``), the comment budget while skipping comments
# (``Lexer.lookahead``), and nesting too deep for the recursion (``parse``). A syntax error is
# raised deeper (``expect_token``, ``read_next_token``, ``read_string``…). Checked against
# graphql-core 3.3; a parser that moves its limits elsewhere makes them PARSE_FAILED, not worse.
_PARSER_LIMITS = frozenset(
    {
        graphql_parser.Parser.advance_lexer.__code__,
        Lexer.lookahead.__code__,
        graphql_parser.parse.__code__,
    }
)


def parse_failure_code(error: GraphQLSyntaxError) -> ErrorCode:
    """``QUERY_TOO_COMPLEX`` when the parser stopped on a limit, else ``GRAPHQL_PARSE_FAILED``:
    told by the function that raised the error (the innermost frame of its traceback)."""
    tb = error.__traceback__
    if tb is None:
        return ErrorCode.GRAPHQL_PARSE_FAILED
    while tb.tb_next is not None:
        tb = tb.tb_next
    if tb.tb_frame.f_code in _PARSER_LIMITS:
        return ErrorCode.QUERY_TOO_COMPLEX
    return ErrorCode.GRAPHQL_PARSE_FAILED


def with_code(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    """The error with ``code`` in its extensions (an error that has a code keeps it)."""
    if (error.extensions or {}).get("code"):
        return error
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code.value},
    )


@dataclass(frozen=True)
class Verdict:
    document: DocumentNode
    errors: tuple[GraphQLError, ...]


class DocumentVerdicts:
    """Parsed and validated documents by (query text, rules), least recently used dropped."""

    def __init__(
        self,
        *,
        max_depth: int,
        max_aliases: int,
        max_tokens: int,
        introspection: bool,
        maxsize: int = 512,
    ) -> None:
        # The limiters' rule classes, built once: the same classes for every request.
        self.too_complex: Rules = (
            *QueryDepthLimiter(max_depth=max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        )
        rules: list[type[ASTValidationRule]] = list(self.too_complex)
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules: Rules = tuple(rules)
        self.max_tokens = max_tokens
        self.maxsize = maxsize
        self._verdicts: OrderedDict[tuple[str, Rules], Verdict] = OrderedDict()

    def __len__(self) -> int:
        return len(self._verdicts)

    def parse(self, query: str) -> DocumentNode:
        """Raises the parser's GraphQLError (syntax, too many tokens); failures are not kept."""
        return parse(query, max_tokens=self.max_tokens)

    def check(self, schema: GraphQLSchema, query: str, rules: Rules) -> Verdict:
        key = (query, rules)
        verdict = self._verdicts.get(key)
        if verdict is not None:
            self._verdicts.move_to_end(key)
            return verdict
        document = self.parse(query)
        verdict = Verdict(document, self._validate(schema, document, rules))
        self._verdicts[key] = verdict
        if len(self._verdicts) > self.maxsize:
            self._verdicts.popitem(last=False)
        return verdict

    def _validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> tuple[GraphQLError, ...]:
        """The limits' rules in a pass of their own, so each error leaves with its code."""
        limits = tuple(rule for rule in rules if rule in self.too_complex)
        others = tuple(rule for rule in rules if rule not in self.too_complex)
        errors = [
            with_code(e, ErrorCode.QUERY_TOO_COMPLEX)
            for e in (validate(schema, document, limits) if limits else ())
        ]
        errors += [
            with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)
            for e in validate_document(schema, document, others)
        ]
        return tuple(errors)


class QueryLimits(SchemaExtension):
    """Parse and validate (with the depth, alias and introspection rules) through the cache.

    A text that does not parse is left to strawberry, which parses it again with the same
    token limit and reports the error the usual way."""

    def __init__(self, verdicts: DocumentVerdicts) -> None:
        self.verdicts = verdicts
        self._verdict: Verdict | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.verdicts.max_tokens
        context.validation_rules = (*context.validation_rules, *self.verdicts.rules)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                self._verdict = self.verdicts.check(
                    context.schema._schema, context.query, context.validation_rules
                )
            except GraphQLError:
                self._verdict = None
            else:
                context.graphql_document = self._verdict.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self._verdict is not None and context.graphql_document is self._verdict.document:
            context.pre_execution_errors = list(self._verdict.errors)
        yield
        # Validated without a verdict (strawberry's own pass): every error is a validation
        # error. In place: the result holds this very list.
        errors = context.pre_execution_errors
        if errors:
            errors[:] = [with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors]
