"""Query limits (depth, aliases, tokens) checked once per distinct document.

Strawberry's limiters add validation rules built anew for every request, so a validation cache
keyed by the rules never hits and every request walks its document again. Here the rules are
built once per schema and the verdict (the parsed document and its validation errors) is kept
per query text in a bounded LRU: a board polled a thousand times is parsed and validated once.
The token limit is enforced by the parser, which only runs for a text not seen yet.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

Rules = tuple[type[ASTValidationRule], ...]


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
        rules: list[type[ASTValidationRule]] = [
            *QueryDepthLimiter(max_depth=max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        ]
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
        verdict = Verdict(document, tuple(validate_document(schema, document, rules)))
        self._verdicts[key] = verdict
        if len(self._verdicts) > self.maxsize:
            self._verdicts.popitem(last=False)
        return verdict


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
