"""Columns: one column of a query's rows, typed, and the length a text column holds.

Tortoise types a flat ``values_list`` as rows of tuples; ``column`` states what the column
holds (``await column(Membership.filter(user_id=u), "role", str)`` is a ``list[str]``).
``max_length(Model, "name")`` is how long a text column may be.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.validators import MaxLengthValidator

T = TypeVar("T")


async def column(query: QuerySet[Any], name: str, kind: type[T]) -> list[T]:
    """The values of field ``name`` in the rows of ``query``, in its order (``kind`` is what
    the field holds: ``int``, ``str``, ``dict``…; it is not checked at run time)."""
    return cast("list[T]", await query.values_list(name, flat=True))


def max_length(model: type[Model], name: str) -> int:
    """The most characters field ``name`` of ``model`` holds: a ``CharField``'s
    ``max_length``, or the ``MaxLengthValidator`` a ``TextField`` declares
    (``TextField(validators=[MaxLengthValidator(4000)])``). The one place a text's limit is
    written: the schema's inputs (``schema/inputs.py``) and the validators read it here."""
    field = model._meta.fields_map[name]
    declared = getattr(field, "max_length", None)
    if isinstance(declared, int):
        return declared
    for validator in field.validators:
        if isinstance(validator, MaxLengthValidator):
            return validator.max_length
    raise LookupError(f"{model.__name__}.{name} declares no maximum length")
