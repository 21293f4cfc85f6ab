"""Query limits (depth, aliases, tokens) checked once per distinct document.

Strawberry's limiters add validation rules built anew for every request, so a validation cache
keyed by the rules never hits and every request walks its document again. Here the rules are
built once per schema and the verdict (the parsed document and its validation errors) is kept
per query text in a bounded LRU: a board polled a thousand times is parsed and validated once.
The token limit is enforced by the parser, which only runs for a text not seen yet.

Between parsing and validating, the operation's cost (``schema/cost.py``) is counted against
the caller's budget for one request (refused: ``QUERY_TOO_COMPLEX``, not validated, not run)
and then spent from their budget of the minute (spent: ``TOO_MANY_ATTEMPTS`` with
``retryAfterSeconds``). A costly query or mutation waits for one of the worker's few slots
for costly work (``CostlyGate``), and is validated in a thread when its text is new.

Errors carry their code from where they arise, so nothing reads their message:

* validation errors leave here with ``extensions.code``: ``QUERY_TOO_COMPLEX`` from the depth
  and alias rules (validated in their own pass), ``GRAPHQL_VALIDATION_FAILED`` from the others
  (also when strawberry validated without a verdict: ``QueryLimits.on_validate``);
* a parse failure arrives as graphql-core's ``GraphQLSyntaxError`` for bad syntax and for the
  parser's limits alike; ``parse_failure_code`` tells them apart by where it was raised (see
  there).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

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
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.graphql import OperationType

from core.errors import ErrorCode
from core.i18n import translate
from policies.vocabulary import PLATFORM_DOMAIN, street_domain
from schema.cost import Budgets, CostRules, KnownCosts, OverBudget, document_cost

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


@dataclass
class _Parsed:
    document: DocumentNode
    verdicts: dict[Rules, Verdict] = field(default_factory=dict)
    costs: KnownCosts = field(default_factory=KnownCosts)


class DocumentVerdicts:
    """Parsed documents by query text, and their validation by rules; least recently used
    dropped. A document is parsed when it arrives and validated only once its cost is known to
    be within the caller's budget (``QueryLimits``)."""

    def __init__(
        self,
        *,
        max_depth: int,
        max_aliases: int,
        max_tokens: int,
        introspection: bool,
        hide_suggestions: bool = False,
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
        self.hide_suggestions = hide_suggestions
        self.maxsize = maxsize
        self._parsed: OrderedDict[str, _Parsed] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()  # texts seen once, by hash

    def __len__(self) -> int:
        return len(self._parsed)

    def parse(self, query: str) -> DocumentNode:
        """Raises the parser's GraphQLError (syntax, too many tokens); failures are not kept."""
        return self._entry(query).document

    def _entry(self, query: str) -> _Parsed:
        entry = self._parsed.get(query)
        if entry is not None:
            self._parsed.move_to_end(query)
            return entry
        entry = _Parsed(parse(query, max_tokens=self.max_tokens))
        # Kept from its second sighting on: a stream of documents each sent once (an attack
        # that varies its text) would otherwise fill the cache with parsed trees that live
        # long, and every full pass of the garbage collector walks them all (0.6 s stalls of
        # the event loop, measured by bench.abuse).
        key = hash(query)
        if key in self._seen:
            self._parsed[query] = entry
            if len(self._parsed) > self.maxsize:
                self._parsed.popitem(last=False)
        else:
            self._seen[key] = None
            if len(self._seen) > self.maxsize * 4:
                self._seen.popitem(last=False)
        return entry

    def cost(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        rules: CostRules,
        limit: int,
    ) -> int:
        """The operation's cost (``schema/cost.py``), counted once for a kept document and the
        values of the variables the count reads; raises ``OverBudget`` past ``limit``."""
        entry = self._parsed.get(query)
        if entry is None or entry.document is not document:
            return document_cost(schema, document, operation_name, variables, rules, limit)
        return entry.costs.cost(schema, document, operation_name, variables, rules, limit)

    def check(self, schema: GraphQLSchema, query: str, rules: Rules) -> Verdict:
        verdict = self.known(query, rules)
        if verdict is None:
            document = self.parse(query)
            verdict = self.keep(query, rules, document, self.validate(schema, document, rules))
        return verdict

    def known(self, query: str, rules: Rules) -> Verdict | None:
        entry = self._parsed.get(query)
        return entry.verdicts.get(rules) if entry is not None else None

    def keep(
        self, query: str, rules: Rules, document: DocumentNode, errors: tuple[GraphQLError, ...]
    ) -> Verdict:
        """The verdict on a parsed document, kept with it when the document is kept."""
        verdict = Verdict(document, errors)
        entry = self._parsed.get(query)
        if entry is not None and entry.document is document:
            entry.verdicts[rules] = verdict
        return verdict

    def validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> tuple[GraphQLError, ...]:
        """The limits' rules in a pass of their own, so each error leaves with its code
        (strawberry's own two rules, null and oneOf, run with the others)."""
        limits = tuple(rule for rule in rules if rule in self.too_complex)
        others = (
            *(rule for rule in rules if rule not in self.too_complex),
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        )
        hide = self.hide_suggestions
        errors = [
            with_code(e, ErrorCode.QUERY_TOO_COMPLEX)
            for e in (validate(schema, document, limits, hide_suggestions=hide) if limits else ())
        ]
        errors += [
            with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)
            for e in validate(schema, document, others, hide_suggestions=hide)
        ]
        return tuple(errors)


def too_complex(message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, **extensions}
    )


class CostlyGate:
    """Operations that cost at least ``threshold`` run ``slots`` at a time in this worker (the
    others wait their turn), and a new one is validated in a thread: the event loop keeps
    answering everyone else (``/healthz`` included) between their steps."""

    def __init__(self, threshold: int, slots: int) -> None:
        self.threshold = threshold
        self.slots = asyncio.Semaphore(max(1, slots))

    def is_costly(self, cost: int) -> bool:
        return cost >= self.threshold


class QueryLimits(SchemaExtension):
    """Parse through the cache; count the operation's cost against the caller's budgets
    (``schema/cost.py``); only then validate (with the depth, alias and introspection rules),
    through the cache as well.

    A text that does not parse is left to strawberry, which parses it again with the same
    token limit and reports the error the usual way."""

    def __init__(self, verdicts: DocumentVerdicts, budgets: Budgets, gate: CostlyGate) -> None:
        self.verdicts = verdicts
        self.budgets = budgets
        self.gate = gate
        self._parsed: DocumentNode | None = None
        self._holding = False

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.verdicts.max_tokens
        context.validation_rules = (*context.validation_rules, *self.verdicts.rules)
        try:
            yield
        finally:
            if self._holding:
                self._holding = False
                self.gate.slots.release()

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                self._parsed = self.verdicts.parse(context.query)
            except GraphQLError:
                self._parsed = None
            else:
                context.graphql_document = self._parsed
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if self._parsed is not None and context.graphql_document is self._parsed:
            refused, cost = await self._over_budget()
            if refused is not None:
                context.pre_execution_errors = [refused]
            else:
                context.pre_execution_errors = list(await self._verdict(cost))
        yield
        # Validated without a verdict (strawberry's own pass): every error is a validation
        # error. In place: the result holds this very list.
        errors = context.pre_execution_errors
        if errors:
            errors[:] = [with_code(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors]

    async def _verdict(self, cost: int) -> tuple[GraphQLError, ...]:
        """The validation errors (none: valid), through the cache; a costly query or mutation
        first waits for its slot, and a costly new document is validated in a thread."""
        context = self.execution_context
        query, rules = context.query, context.validation_rules
        assert query is not None and self._parsed is not None
        costly = self.gate.is_costly(cost)
        if costly and context.operation_type is not OperationType.SUBSCRIPTION:
            await self.gate.slots.acquire()
            self._holding = True
        verdict = self.verdicts.known(query, rules)
        if verdict is not None:
            return verdict.errors
        schema = context.schema._schema
        if costly:
            errors = await asyncio.to_thread(self.verdicts.validate, schema, self._parsed, rules)
        else:
            errors = self.verdicts.validate(schema, self._parsed, rules)
        return self.verdicts.keep(query, rules, self._parsed, errors).errors

    async def _over_budget(self) -> tuple[GraphQLError | None, int]:
        """The refusal when the operation costs more than the caller may spend on one request
        (QUERY_TOO_COMPLEX) or has left this minute (TOO_MANY_ATTEMPTS), and its cost."""
        context = self.execution_context
        request = context.context
        viewer, services = request.viewer, request.services
        user = viewer.user
        if (
            user is None
            and viewer.auth_error is not None
            and viewer.auth_error.code is not ErrorCode.UNAUTHENTICATED  # no token: a visitor
        ):
            # A token came and failed (expired, revoked): say so before anything else, so the
            # client renews it rather than reading "too complex" for an anonymous budget.
            failed = viewer.auth_error
            key = failed.message_key or f"error.{failed.code.value.lower()}"
            message = translate(key, request.locale)
            return GraphQLError(message, extensions={"code": failed.code.value}), 0
        roles: list[str] = []
        if user is not None:
            domain = street_domain(viewer.street.id) if viewer.street else PLATFORM_DOMAIN
            roles = services.authorizer.roles(user.id, domain)
        budget = self.budgets.per_request(user is not None, roles)
        assert self._parsed is not None
        try:
            cost = self.verdicts.cost(
                context.schema._schema,
                context.query or "",
                self._parsed,
                context.operation_name,
                context.variables,
                self.budgets.rules,
                budget,
            )
        except OverBudget:
            message = translate("error.query_too_costly", request.locale, budget=budget)
            return too_complex(message, budget=budget), budget + 1
        who = f"user:{user.id}" if user is not None else f"addr:{request.client_address}"
        spent, retry_after = await services.spending.spend(who, cost)
        if spent > self.budgets.per_minute:
            refused = GraphQLError(
                translate("error.query_budget_spent", request.locale, seconds=retry_after),
                extensions={
                    "code": ErrorCode.TOO_MANY_ATTEMPTS.value,
                    "retryAfterSeconds": retry_after,
                },
            )
            return refused, cost
        return None, cost
