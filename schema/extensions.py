"""Schema extensions: the street scope of an operation, and errors with stable codes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from core.errors import DomainError, ErrorCode
from core.i18n import translate
from models.scoping import CrossTenantWriteError
from tenants.scoping import street_scope

log = logging.getLogger("gongzhi.graphql")

_LIMIT_MARKERS = (
    "exceeds maximum operation depth",
    "maximum number of aliases",
    "max tokens",
    "too many tokens",
    "query depth",
    "aliases found",  # strawberry MaxAliasesLimiter: "31 aliases found. Allowed: 30"
    "parsing aborted",  # graphql-core max_tokens: "Document contains more than N tokens…"
)


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


def _classify(error: GraphQLError) -> tuple[StrEnum, str | None]:
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code, original.message_key
    if isinstance(original, CrossTenantWriteError):
        return ErrorCode.FORBIDDEN, "error.district_read_only"
    if isinstance(original, GraphQLError) and not error.path:
        original = None  # graphql-core wraps variable coercion failures: classified by message
    if original is not None:
        # Strawberry wraps argument coercion failures; anything else is a bug.
        if type(original).__name__ in {"ValueError", "TypeError"} and not error.path:
            return ErrorCode.BAD_USER_INPUT, None
        return ErrorCode.INTERNAL_SERVER_ERROR, "error.internal_server_error"
    message = error.message.lower()
    if any(marker in message for marker in _LIMIT_MARKERS):
        return ErrorCode.QUERY_TOO_COMPLEX, None
    if message.startswith("syntax error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED, None
    if message.startswith("variable ") or "got invalid value" in message:
        return ErrorCode.BAD_USER_INPUT, None
    return ErrorCode.GRAPHQL_VALIDATION_FAILED, None


def format_error(error: GraphQLError, locale: str, mask_unexpected: bool) -> GraphQLError:
    """Give every error a stable ``extensions.code``; translate ours; hide internals."""
    code, message_key = _classify(error)
    original = error.original_error
    extensions = dict(error.extensions or {})
    extensions["code"] = code.value
    message = error.message
    if isinstance(original, DomainError):
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
