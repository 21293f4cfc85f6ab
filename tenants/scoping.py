"""The tenant-scoped query layer.

* Inside a request, everything runs in ``street_scope(street_id)``: queries on tenant-owned
  models (``models.scoping.TenantModel``) are filtered to that street, and writes into any other
  street are refused. District accounts get a read-only scope.
* A district roll-up (区级汇总) reads several streets at once in ``streets_scope(ids, "why")``:
  queries are filtered to those streets, and every write is refused.
* Outside a request (CLI, demo loading, workers serving every street), code says
  ``unscoped("why")``.
* ``get_in_street`` is how a resolver turns an ID from a client into a row: another street's ID
  is simply not found.
"""

from __future__ import annotations

from typing import TypeVar

from core.errors import DomainError, ErrorCode
from models.scoping import (
    CrossTenantWriteError,
    StreetScope,
    StreetsScope,
    TenantModel,
    UnscopedQueryError,
    current_scope,
    street_scope,
    streets_scope,
    unscoped,
)

M = TypeVar("M", bound=TenantModel)


async def get_in_street(model: type[M], pk: int, *, for_update: bool = False) -> M:
    """The row with this ID in the current street, or ``NOT_FOUND``."""
    query = model.filter(id=pk)
    if for_update:
        query = query.select_for_update()
    row = await query.first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND)
    return row


def current_street_id() -> int:
    scope = current_scope()
    if not isinstance(scope, StreetScope):
        raise UnscopedQueryError("no street scope is active")
    return scope.street_id


__all__ = [
    "CrossTenantWriteError",
    "StreetScope",
    "StreetsScope",
    "TenantModel",
    "UnscopedQueryError",
    "current_street_id",
    "get_in_street",
    "street_scope",
    "streets_scope",
    "unscoped",
]
