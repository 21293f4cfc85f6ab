"""The typed errors of payload unions, and the one place a refusal becomes one.

A resolver refuses an input by raising ``core.errors.Refused``. On a field whose return union
has ``InputError`` (every mutation's payload, ``contactCard``) the schema's exception handlers
below turn it into that member, translated to the caller's language; so does a ``DomainError``
whose code is in ``INPUT_CODES`` (an ID of the input that names nothing the caller may see).
Other ``DomainError`` codes (``UNAUTHENTICATED``, ``FORBIDDEN``, ``TENANT_REQUIRED``…) are
declined and stay GraphQL errors, as do refusals on fields without ``InputError`` (queries).

A refusal raised inside ``changing()`` has rolled the change back before the handler sees it:
the payload never carries anything that was rolled back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField
from tortoise.exceptions import IntegrityError, OperationalError

from core.database import DATA_ERRORS, constraint_broken, data_error
from core.errors import INPUT_CODES, DomainError, ErrorCode, Refused
from core.i18n import translate
from schema.context import Info

if TYPE_CHECKING:  # the enum is made when the schema is built (schema/codes.py)
    from enum import StrEnum as SchemaErrorCode

bounds_log = logging.getLogger("gongzhi.bounds")
LAST_RESORT = "a data error reached the edge: an input has no bound for it (a bug)"
"""What ``last_resort`` logs (``gongzhi.bounds``, ERROR): the fuzz test fails on it."""


def constraint_refusal(exc: BaseException) -> Refused | None:
    """A constraint of the database that refused a row, as the refusal it means: a unique
    one is ``ALREADY_EXISTS`` (two requests found a name free; the second loses), a foreign
    key ``NOT_FOUND`` (what the ID named is gone, or never was). A resolver that catches it
    itself gives the more precise message (``input.name_taken``)."""
    broken = constraint_broken(exc)
    if broken == "unique":
        return Refused(ErrorCode.ALREADY_EXISTS, "error.already_exists")
    if broken == "foreign key":
        return Refused(ErrorCode.NOT_FOUND, "error.not_found")
    return None


def last_resort(exc: BaseException) -> bool:
    """Is ``exc`` a data error of the database (too long, out of range, not encodable)?
    Then it is answered as a refused input (``BAD_USER_INPUT``), nothing having been written
    (it rolled ``changing()`` back on its way), and logged as the bug it is: the input it
    came from should have been bounded (``schema/inputs.py``)."""
    found = data_error(exc)
    if found is None:
        return False
    bounds_log.error(LAST_RESORT, exc_info=found)
    return True


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


def input_error(refusal: Refused | DomainError, locale: str) -> InputError:
    message = translate(refusal.message_key, locale, **refusal.params)
    return InputError(code=refusal.code, field=refusal.field, message=message)


class RefusedInput(strawberry.ExceptionHandler):
    """Fields whose union has ``InputError``: a refusal (and a ``DomainError`` of
    ``INPUT_CODES``) is that member; any other ``DomainError`` is declined. As a last
    resort, a constraint the database enforced is its refusal (``constraint_refusal``) and a
    data error of the database ``BAD_USER_INPUT`` (``last_resort``)."""

    exception_type = (Refused, DomainError, IntegrityError, OperationalError, *DATA_ERRORS)
    error_type: Any = InputError

    def handle(
        self, exception: Exception, *, field: StrawberryField, info: Info
    ) -> UserError | None:
        if isinstance(exception, DomainError) and exception.code not in INPUT_CODES:
            return None
        if not isinstance(exception, Refused | DomainError):
            refusal = constraint_refusal(exception)
            if refusal is None:
                if not last_resort(exception):
                    return None
                refusal = Refused(ErrorCode.BAD_USER_INPUT, "error.bad_user_input")
            exception = refusal
        return input_error(exception, info.context.locale)


class RefusedTooOften(RefusedInput):
    """Fields whose union also has ``TooManyAttempts`` (``login``): ``TOO_MANY_ATTEMPTS`` is
    that member, with the seconds to wait; every other refusal as ``RefusedInput``."""

    error_type = TooManyAttempts

    def handle(
        self, exception: Exception, *, field: StrawberryField, info: Info
    ) -> UserError | None:
        if isinstance(exception, Refused) and exception.code is ErrorCode.TOO_MANY_ATTEMPTS:
            found = input_error(exception, info.context.locale)
            return TooManyAttempts(
                code=found.code,
                field=found.field,
                message=found.message,
                retry_after_seconds=int(exception.params.get("seconds", 0)),
            )
        return super().handle(exception, field=field, info=info)


EXCEPTION_HANDLERS = (RefusedTooOften(), RefusedInput())
"""For ``Schema(exception_handlers=...)``. A field takes the first handler whose error type
its union has, so the narrower (``TooManyAttempts``) comes first."""
