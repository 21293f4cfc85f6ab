"""Stable error codes and the two ways a failure reaches a client.

* ``DomainError``: raised for denied access and for requests that cannot be served at all
  (no token, wrong street, unknown ID). It becomes a GraphQL error whose
  ``extensions.code`` is one of ``ErrorCode``.
A code is a member of ``ErrorCode`` (the platform's codes) or of a domain's own ``StrEnum``
(``resolvers/votes/codes.py``); the schema's ``ErrorCode`` enum joins them all.

* ``Problem``: returned, not raised, by a mutation whose input was refused. The schema turns it
  into a typed member of the mutation's payload union (``code``, ``field``, ``message``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
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
    # The request itself.
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


@dataclass(frozen=True)
class Problem:
    """An expected failure of a mutation: nothing was written."""

    code: StrEnum
    message_key: str
    field: str | None = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)


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


class ProblemError(Exception):
    """Raised inside a resolver to abort (and roll back) with a Problem for the payload."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message_key)


def problem(code: StrEnum, message_key: str, field: str | None = None, /, **params: Any) -> Problem:
    """A Problem. Positional-only, so a message parameter may itself be named ``code``."""
    return Problem(code=code, message_key=message_key, field=field, params=params)
