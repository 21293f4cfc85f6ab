"""Schema extensions: the street scope of an operation, and errors with stable codes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, VariableDefinitionNode
from strawberry.extensions import SchemaExtension

from core.errors import DomainError, ErrorCode, Refused
from core.i18n import translate
from models.scoping import CrossTenantWriteError
from schema.errors import constraint_refusal, last_resort
from schema.limits import parse_failure_code
from tenants.scoping import street_scope

log = logging.getLogger("gongzhi.graphql")


class StreetScopeExtension(SchemaExtension):
    """Every resolver of an operation runs inside the caller's street scope (read-only for
    district accounts). Without a street, tenant-owned models cannot be queried at all."""

    def on_execute(self) -> Iterator[None]:
        viewer = self.execution_context.context.viewer
        if viewer.street is None:
            yield
            return
        with street_scope(viewer.street.id, writable=viewer.writable):
            yield


def _names_a_variable(error: GraphQLError) -> bool:
    """graphql-core's variable coercion errors (a missing, null or ill-typed variable, a
    scalar that refused its value) point at the variable's definition in the document."""
    return any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ())


def _classify(error: GraphQLError) -> tuple[StrEnum, str | None]:
    """The code of an error that does not carry one yet, by its type and origin (never by its
    message). Validation errors and the limits' errors carry theirs from ``schema/limits.py``.

    * ours: ``DomainError`` / ``Refused`` (their code), a write outside the street (FORBIDDEN);
    * ``GraphQLSyntaxError``: the parser's (``parse_failure_code``: a limit or bad syntax);
    * not at a field (no ``path``) and naming a variable, or wrapping a ``ValueError`` /
      ``TypeError`` (a scalar refusing its value): the variables were refused, BAD_USER_INPUT;
    * not at a field, from graphql-core itself (no original error, or a ``GraphQLError``: an
      unknown operation name…): the request does not fit the schema, GRAPHQL_VALIDATION_FAILED;
    * a data error of the database (too long, out of range, not encodable) is a missing
      bound: BAD_USER_INPUT as a last resort (``schema.errors.last_resort`` logs it);
    * anything else (at a field, or another exception) is a bug: INTERNAL_SERVER_ERROR.
    """
    original = error.original_error
    if isinstance(original, DomainError | Refused):
        return original.code, original.message_key
    if isinstance(original, CrossTenantWriteError):
        return ErrorCode.FORBIDDEN, "error.district_read_only"
    if isinstance(error, GraphQLSyntaxError):
        return parse_failure_code(error), None
    if not error.path:
        if _names_a_variable(error) or type(original) in (ValueError, TypeError):
            return ErrorCode.BAD_USER_INPUT, None
        if original is None or isinstance(original, GraphQLError):
            return ErrorCode.GRAPHQL_VALIDATION_FAILED, None
    if original is not None and (refusal := constraint_refusal(original)) is not None:
        return refusal.code, refusal.message_key
    if original is not None and last_resort(original):
        return ErrorCode.BAD_USER_INPUT, "error.bad_user_input"
    return ErrorCode.INTERNAL_SERVER_ERROR, "error.internal_server_error"


def format_error(error: GraphQLError, locale: str, mask_unexpected: bool) -> GraphQLError:
    """Give every error a stable ``extensions.code``; translate ours; hide internals."""
    code, message_key = _classify(error)
    original = error.original_error
    extensions = dict(error.extensions or {})
    extensions["code"] = code.value
    message = error.message
    if isinstance(original, DomainError | Refused):
        message = translate(original.message_key, locale, **original.params)
        if original.field:
            extensions["field"] = original.field
    elif code is ErrorCode.INTERNAL_SERVER_ERROR:
        log.error("unexpected error in %s", error.path, exc_info=original)
        if mask_unexpected:
            message = translate("error.internal_server_error", locale)
    elif message_key:
        message = translate(message_key, locale)
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorCodeExtension(SchemaExtension):
    def __init__(self, *, mask_unexpected: bool) -> None:
        self.mask_unexpected = mask_unexpected

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        self._format(result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result a subscription sends gets the same stable codes."""
        if getattr(result, "errors", None):
            self._format(result)
        yield

    def _format(self, result: Any) -> None:
        context = self.execution_context.context
        locale = getattr(context, "locale", "zh-CN")
        result.errors = [
            e if (e.extensions or {}).get("code") else format_error(e, locale, self.mask_unexpected)
            for e in result.errors
        ]
