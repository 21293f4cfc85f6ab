"""Typed errors for mutation payloads, and the translation of a ``Problem`` into one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar, cast

import strawberry

from core.errors import DomainError, ErrorCode, Problem, ProblemError
from core.i18n import translate
from schema.context import Info

if TYPE_CHECKING:  # the enum is made when the schema is built (schema/codes.py)
    from enum import StrEnum as SchemaErrorCode


@strawberry.interface(
    description="An expected failure of a mutation: nothing was changed. "
    "`message` follows Accept-Language (zh-CN default, en)."
)
class UserError:
    code: Annotated[SchemaErrorCode, strawberry.lazy("schema.codes")]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(description="The input was refused (输入有误): see `field` and `message`.")
class InputError(UserError):
    pass


@strawberry.type(description="Too many failed attempts (尝试次数过多): wait before trying again.")
class TooManyAttempts(UserError):
    retry_after_seconds: int


def user_error(problem: Problem, locale: str) -> InputError | TooManyAttempts:
    message = translate(problem.message_key, locale, **problem.params)
    if problem.code is ErrorCode.TOO_MANY_ATTEMPTS:
        return TooManyAttempts(
            code=problem.code,
            field=problem.field,
            message=message,
            retry_after_seconds=int(problem.params.get("seconds", 0)),
        )
    return InputError(code=problem.code, field=problem.field, message=message)


def input_error(problem: Problem, locale: str) -> InputError:
    """``user_error`` for a payload that names no ``TooManyAttempts``: only sign-in refuses
    with TOO_MANY_ATTEMPTS, and its payload calls ``user_error``."""
    return cast(InputError, user_error(problem, locale))


T = TypeVar("T")


async def payload(info: Info, run: Callable[[], Awaitable[T]]) -> T | InputError:
    """Run a mutation body: a refused input becomes the payload's typed error.

    Access errors (``FORBIDDEN``, ``UNAUTHENTICATED``…) stay GraphQL errors.
    """
    try:
        return await run()
    except ProblemError as exc:
        return input_error(exc.problem, info.context.locale)
    except DomainError as exc:
        if exc.code not in INPUT_CODES:
            raise
        found = Problem(exc.code, exc.message_key, exc.field, exc.params)
        return input_error(found, info.context.locale)


INPUT_CODES = frozenset({ErrorCode.NOT_FOUND, ErrorCode.INVALID_ID, ErrorCode.BAD_USER_INPUT})
