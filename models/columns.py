"""One column of a query's rows, typed: ``values_list(name, flat=True)`` as the list it is.

Tortoise types a flat ``values_list`` as rows of tuples; ``column`` states what the column
holds (``await column(Membership.filter(user_id=u), "role", str)`` is a ``list[str]``).
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from tortoise.queryset import QuerySet

T = TypeVar("T")


async def column(query: QuerySet[Any], name: str, kind: type[T]) -> list[T]:
    """The values of field ``name`` in the rows of ``query``, in its order (``kind`` is what
    the field holds: ``int``, ``str``, ``dict``…; it is not checked at run time)."""
    return cast("list[T]", await query.values_list(name, flat=True))
