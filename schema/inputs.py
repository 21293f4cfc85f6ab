"""Every argument bounded at the edge (输入边界), once for every domain.

``build_schema`` gives every field that takes arguments an ``InputBounds`` extension (the
schema's ``get_fields`` hook, so a new domain's fields get it with nothing to write). Before the
resolver runs, and after the field's permission check, it walks the arguments as converted
(input objects, lists, scalars) and refuses, naming the field (``"title"``, ``"items.label"``):

* text (``String``): a NUL character or a lone surrogate (``input.bad_characters``), more than
  its declared maximum length (``input.too_long``): ``text(Model, "column")`` on an input
  field, ``text_argument(...)`` on an argument, a ``after`` cursor by the Relay convention;
* a global ID (``ID``) that is not one (``INVALID_ID``): too long, or with such characters; its
  key's range is checked where it is decoded (``core.ids``);
* a ``DateTime`` without a time zone or outside 1900–2099, a ``Date`` outside 1900–2099
  (``core.validators.instant`` / ``day``);
* ``JSON`` nested deeper than ``JSON_MAX_DEPTH`` or holding unstorable text.

A mutation's payload shows the refusal as its ``InputError``; a query, as a GraphQL error
with ``extensions.code`` and ``extensions.field``. What a column holds beyond this (a code's
format, a money amount, a running total) stays with the domain's validators
(``core/validators.py``), which the CLI and the CSV import call too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.extensions.field_extension import (
    AsyncExtensionResolver,
    FieldExtension,
    SyncExtensionResolver,
)
from strawberry.scalars import JSON
from strawberry.types.arguments import StrawberryArgument, StrawberryArgumentAnnotation
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from models.columns import max_length

MAX_LENGTH = "gongzhi.max_length"
"""The metadata key of a text input's declared maximum length."""
DEFAULT_MAX_LENGTH = 1000
"""For a ``String`` input that declares none (``tests/platform/test_inputs.py`` lists them:
there should be none)."""
CURSOR_MAX_LENGTH = 200
ID_MAX_LENGTH = 100
SEARCH_MAX_LENGTH = 100
"""A search box's text."""
TYPED_NUMBER_MAX_LENGTH = 32
"""A number as typed (an ID-card number, a phone with spaces or +86), before it is
normalized into its column."""
MONTH_MAX_LENGTH = 7
"""``YYYY-MM``."""
MONEY_MAX_LENGTH = 16
"""An amount as typed (``999999999999.99``)."""
REASON_MAX_LENGTH = 1000
"""A reason given for a change, kept in the audit entry rather than a column."""
JSON_MAX_DEPTH = 20

Check = Callable[[Any, str], None]


def _bound(model: type[Model] | None, column: str | None, max: int | None) -> int:
    if model is not None and column is not None:
        return max_length(model, column)
    if max is None:
        raise TypeError("text(): give a model and its column, or max=")
    return max


def text(
    model: type[Model] | None = None,
    column: str | None = None,
    *,
    max: int | None = None,
    description: str | None = None,
    default: Any = UNSET,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """An input field of text, at most as long as the model's column
    (``name: str = text(Building, "name")``), or ``max=`` characters for text no column
    keeps (a password, a search). On a list of text (``default_factory=list``) it bounds
    each string."""
    metadata = {MAX_LENGTH: _bound(model, column, max)}
    if default_factory is not None:
        return strawberry.field(
            description=description, default_factory=default_factory, metadata=metadata
        )
    return strawberry.field(description=description, default=default, metadata=metadata)


def text_argument(
    model: type[Model] | None = None,
    column: str | None = None,
    *,
    max: int | None = None,
    description: str | None = None,
) -> StrawberryArgumentAnnotation:
    """The same for a field's argument: ``token: Annotated[str, text_argument(Card, "token")]``."""
    return strawberry.argument(
        description=description, metadata={MAX_LENGTH: _bound(model, column, max)}
    )


# -- the checks, built once per field when the schema is built ----------------------------


def _text(limit: int) -> Check:
    def check(value: Any, path: str) -> None:
        if isinstance(value, str):
            validators.characters(value, path)
            validators.length(value, path, limit)

    return check


def _global_id(value: Any, path: str) -> None:
    if isinstance(value, str) and (
        len(value) > ID_MAX_LENGTH or not value.isascii() or "\x00" in value
    ):
        raise DomainError(ErrorCode.INVALID_ID, field=path)


def _moment(value: Any, path: str) -> None:
    if isinstance(value, dt.datetime):
        validators.instant(value, path)


def _day(value: Any, path: str) -> None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        validators.day(value, path)


def _decimal(value: Any, path: str) -> None:
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= 10**15):
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_user_input", path)


def _json(value: Any, path: str) -> None:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > JSON_MAX_DEPTH:
            raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_user_input", path)
        if isinstance(item, str):
            validators.characters(item, path)
        elif isinstance(item, dict):
            for key, inner in item.items():
                validators.characters(str(key), path)
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)


def _name(field: StrawberryField) -> str:
    return field.graphql_name or to_camel_case(field.python_name)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Plan:
    """How to check one argument's value, by its type (built once, recursively)."""

    def __init__(self) -> None:
        self._inputs: dict[type, Check] = {}

    def of(self, type_: Any, limit: int | None) -> Check | None:
        while isinstance(type_, StrawberryOptional | LazyType):
            type_ = type_.of_type if isinstance(type_, StrawberryOptional) else type_.resolve_type()
        if isinstance(type_, StrawberryList):
            inner = self.of(type_.of_type, limit)
            return None if inner is None else _each(inner)
        if type_ is str:
            return _text(DEFAULT_MAX_LENGTH if limit is None else limit)
        if type_ is strawberry.ID:
            return _global_id
        if type_ is dt.datetime:
            return _moment
        if type_ is dt.date:
            return _day
        if type_ is Decimal:
            return _decimal
        if type_ is JSON:
            return _json
        if isinstance(type_, type) and has_object_definition(type_):
            definition = type_.__strawberry_definition__
            if definition.is_input:
                return self._input(type_)
        return None  # Int, Float, Boolean, enums, uploads: graphql-core bounds them

    def _input(self, cls: type) -> Check:
        known = self._inputs.get(cls)
        if known is not None:
            return known
        fields: list[tuple[str, str, Check]] = []

        def check(value: Any, path: str) -> None:
            for python_name, name, inner in fields:
                found = getattr(value, python_name, None)
                if found is not None and found is not UNSET:
                    inner(found, _join(path, name))

        self._inputs[cls] = check  # before the fields: an input may contain itself
        for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]  # checked by the caller
            inner = self.of(f.type, f.metadata.get(MAX_LENGTH))
            if inner is not None:
                fields.append((f.python_name, _name(f), inner))
        return check


def _each(inner: Check) -> Check:
    def check(value: Any, path: str) -> None:
        for item in value if isinstance(value, list | tuple) else ():
            if item is not None:
                inner(item, path)

    return check


def _limit(argument: StrawberryArgument) -> int | None:
    declared: int | None = argument.metadata.get(MAX_LENGTH)
    if declared is None and argument.python_name == "after":
        return CURSOR_MAX_LENGTH
    return declared


class InputBounds(FieldExtension):
    """Checks a field's arguments before its resolver (see the module's docstring)."""

    def __init__(self) -> None:
        self.checks: list[tuple[str, str, Check]] = []

    def apply(self, field: StrawberryField) -> None:
        plan = _Plan()
        for argument in field.arguments:
            check = plan.of(argument.type, _limit(argument))
            if check is not None:
                # The argument named ``input`` is the mutation's: its fields are named alone.
                name = argument.graphql_name or to_camel_case(argument.python_name)
                self.checks.append((argument.python_name, "" if name == "input" else name, check))

    def _check(self, kwargs: dict[str, Any]) -> None:
        for python_name, name, check in self.checks:
            value = kwargs.get(python_name)
            if value is not None and value is not UNSET:
                check(value, name)

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Any, **kwargs: Any
    ) -> Any:
        self._check(kwargs)
        result = next_(source, info, **kwargs)
        if hasattr(result, "__aiter__"):  # a subscription's generator
            return result
        return await result


def bound_fields(fields: list[StrawberryField], *, is_input: bool) -> list[StrawberryField]:
    """The fields of an object type, each that takes arguments given ``InputBounds``, which
    runs inside its permission check (extensions listed later wrap those listed earlier).
    For ``Schema.get_fields``; calling it again changes nothing."""
    if is_input:
        return fields
    for field in fields:
        if field.arguments and not any(isinstance(e, InputBounds) for e in field.extensions):
            field.extensions = [InputBounds(), *field.extensions]
    return fields


def undeclared_texts(schema: strawberry.Schema) -> Iterator[str]:
    """Every ``String`` input (argument or input field) with no declared maximum length, as
    ``Type.field(argument)`` or ``Input.field``; cursors (``after``) are declared by name."""
    for name, concrete in sorted(schema.schema_converter.type_map.items()):
        definition = concrete.definition
        for field in getattr(definition, "fields", ()):
            if not isinstance(field, StrawberryField):
                continue
            if getattr(definition, "is_input", False):
                if _is_text(field.type) and MAX_LENGTH not in field.metadata:
                    yield f"{name}.{_name(field)}"
                continue
            for argument in field.arguments:
                if _is_text(argument.type) and _limit(argument) is None:
                    yield f"{name}.{_name(field)}({argument.python_name})"


def _is_text(type_: Any) -> bool:
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    return type_ is str
