"""Stable error codes and the two exceptions by which a failure reaches a client.

* ``DomainError``: denied access and requests that cannot be served at all (no token, wrong
  street, unknown ID). It becomes a GraphQL error whose ``extensions.code`` is its code; in a
  mutation, ``NOT_FOUND`` / ``INVALID_ID`` / ``BAD_USER_INPUT`` (``INPUT_CODES``) become the
  payload's ``InputError`` instead, like a refusal.
* ``Refused``: the one way to refuse an input (a name too long, a taken code, a vote not
  open). A mutation's payload shows it as ``InputError``; a query, as a GraphQL error.

Both are turned into what the client sees in one place each: ``schema/errors.py`` (the
payload's typed error, by the schema's exception handlers) and ``schema/extensions.py``
(GraphQL errors). The shared checks of typed input (``core/validators.py``) raise
``Refused``. A code is a member of ``ErrorCode`` (the platform's codes) or of a domain's own
``StrEnum`` (``resolvers/votes/codes.py``); the schema's ``ErrorCode`` enum joins them all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    # Who is calling, and for which street.
    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    INVALID_TOKEN = "INVALID_TOKEN"
    TENANT_REQUIRED = "TENANT_REQUIRED"
    TENANT_FORBIDDEN = "TENANT_FORBIDDEN"
    FORBIDDEN = "FORBIDDEN"
    # What was asked for.
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    REVOKED = "REVOKED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_UPLOAD = "INVALID_UPLOAD"
    NOT_A_MEMBER = "NOT_A_MEMBER"  # of a group chat or an interest circle (or removed from it)
    CALENDAR_RANGE = "CALENDAR_RANGE"  # a deadline past the years the holiday calendar knows
    # The request itself.
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


INPUT_CODES = frozenset({ErrorCode.NOT_FOUND, ErrorCode.INVALID_ID, ErrorCode.BAD_USER_INPUT})
"""The ``DomainError`` codes a mutation's payload shows as ``InputError`` (an ID given in
the input that names nothing the caller may see is a refused input there)."""


class DomainError(Exception):
    """A failure that ends the field: access denied, not found, no such street."""

    def __init__(
        self,
        code: StrEnum,
        message_key: str | None = None,
        *,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.message_key = message_key or f"error.{code.value.lower()}"
        self.field = field
        self.params = params
        super().__init__(f"{code.value}: {self.message_key}")


class Refused(Exception):
    """An input refused (输入被拒), raised by a resolver. Raised inside ``changing()`` it rolls
    the change back (its rows, audit entries and events), like any exception there.

    In a mutation whose payload union has ``InputError`` the schema turns it into that typed
    error (``TooManyAttempts`` for ``TOO_MANY_ATTEMPTS``); anywhere else it is a GraphQL error
    with ``extensions.code`` (and ``extensions.field``). ``code``, ``message_key`` and
    ``field`` are positional-only, so a message parameter may itself be named ``code``::

        raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
    """

    def __init__(
        self, code: StrEnum, message_key: str, field: str | None = None, /, **params: Any
    ) -> None:
        self.code = code
        self.message_key = message_key
        self.field = field
        self.params = params
        super().__init__(f"{code.value}: {message_key}")
