"""The mechanism behind tenant scoping: a scope per task, and a manager that requires it.

Every model that belongs to a street derives from ``TenantModel``. Its manager adds
``tenant_id = <current street>`` to every query, and raises ``UnscopedQueryError`` when no scope
is active, so a query that forgets the street cannot run. Saving checks the row belongs to the
active street and that the scope allows writing (a district admin's scope does not).

A district roll-up (区级汇总) reads several streets at once in ``streets_scope(ids, reason)``:
queries are filtered to ``tenant_id IN (ids)`` and every write is refused. Request code enters a
scope through ``tenants.scoping``; the CLI, migrations and the background workers that serve
every street say ``unscoped()`` out loud. Hand-written SQL follows the same scopes through
``models.sql``, and on PostgreSQL the database holds every statement to them as well
(row-level security, ``models.row_security``, ``docs/rls.md``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.manager import Manager
from tortoise.models import Model, ModelMeta
from tortoise.queryset import QuerySet


class UnscopedQueryError(RuntimeError):
    """A tenant-owned model was queried without a street scope."""


class CrossTenantWriteError(RuntimeError):
    """A row was written into a street other than the active one, or in a read-only scope."""


@dataclass(frozen=True)
class StreetScope:
    street_id: int
    writable: bool = True


@dataclass(frozen=True)
class StreetsScope:
    """A read-only scope over several streets (区级汇总): reads see only these streets' rows,
    writes are refused."""

    street_ids: frozenset[int]
    reason: str


@dataclass(frozen=True)
class _Unscoped:
    reason: str


Scope = StreetScope | StreetsScope | _Unscoped

_scope: ContextVar[Scope | None] = ContextVar("gongzhi_street_scope", default=None)


def current_scope() -> Scope | None:
    return _scope.get()


def is_unscoped(scope: Scope | None) -> bool:
    """Is this ``unscoped()`` (across every street, said out loud)?"""
    return isinstance(scope, _Unscoped)


@contextlib.contextmanager
def street_scope(street_id: int, *, writable: bool = True) -> Iterator[StreetScope]:
    scope = StreetScope(street_id, writable)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def streets_scope(street_ids: Iterable[int], reason: str) -> Iterator[StreetsScope]:
    """Read several streets at once, and only them (a district roll-up, 区级汇总). Nothing can
    be written inside: every write raises ``CrossTenantWriteError``. Say why."""
    if not reason.strip():
        raise ValueError("say why several streets are read at once")
    scope = StreetsScope(frozenset(int(street_id) for street_id in street_ids), reason)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


READ_ONLY = "this scope is read-only (district accounts never write)"
READ_ONLY_STREETS = "a scope over several streets is read-only (区级汇总 never writes)"


@contextlib.contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Run across every street on purpose (CLI, demo loading, the workers that serve every
    street). Say why. Reading a known set of streets is ``streets_scope``."""
    token = _scope.set(_Unscoped(reason))
    try:
        yield
    finally:
        _scope.reset(token)


def require_writable(scope: Scope | None) -> None:
    """Refuse a write in a read-only scope (one street, or several)."""
    if isinstance(scope, StreetScope) and not scope.writable:
        raise CrossTenantWriteError(READ_ONLY)
    if isinstance(scope, StreetsScope):
        raise CrossTenantWriteError(READ_ONLY_STREETS)


def _require_writable() -> None:
    require_writable(_scope.get())


class TenantQuerySet(QuerySet):
    """Bulk writes obey the same rules as ``save``: only in a writable scope, only into the
    active street."""

    def update(self, **kwargs: Any) -> Any:
        _require_writable()
        scope = _scope.get()
        for key in ("tenant", "tenant_id"):
            if key in kwargs and isinstance(scope, StreetScope):
                raise CrossTenantWriteError("a row cannot be moved to another street")
        return super().update(**kwargs)

    def delete(self) -> Any:
        _require_writable()
        return super().delete()

    def bulk_create(self, objects: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        objects = list(objects)
        for obj in objects:
            obj._check_write()
        return super().bulk_create(objects, *args, **kwargs)

    def bulk_update(self, objects: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        objects = list(objects)
        for obj in objects:
            obj._check_write()
        return super().bulk_update(objects, *args, **kwargs)


def tenant_filter(model_name: str) -> dict[str, Any]:
    """The filter every read of a tenant-owned model gets: the active street, the streets of a
    multi-street scope, nothing inside ``unscoped()``, and ``UnscopedQueryError`` without any
    scope. Hand-written SQL gets the same from ``models.sql``."""
    scope = _scope.get()
    if isinstance(scope, StreetScope):
        return {"tenant_id": scope.street_id}
    if isinstance(scope, StreetsScope):
        return {"tenant_id__in": sorted(scope.street_ids)}
    if isinstance(scope, _Unscoped):
        return {}
    raise UnscopedQueryError(f"{model_name} is owned by a street: query it inside a street scope")


def db_columns(model: type[Model]) -> list[str]:
    """A model's column names, for hand-written SQL that builds rows with ``_init_from_db``."""
    found = _COLUMNS.get(model)
    if found is None:
        found = _COLUMNS[model] = sorted(model._meta.db_fields)
    return found


_COLUMNS: dict[type[Model], list[str]] = {}


class TenantManager(Manager):
    def get_queryset(self) -> QuerySet:
        queryset = TenantQuerySet(self._model)
        where = tenant_filter(self._model.__name__)
        return queryset.filter(**where) if where else queryset


class TenantModelMeta(ModelMeta):
    """Gives every concrete tenant-owned model its own ``TenantManager``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        cls = cast("type[Model]", super().__new__(mcs, name, bases, attrs))
        if not cls._meta.abstract:
            cls._meta.manager = TenantManager(cls)
        return cls


class TenantModel(Model, metaclass=TenantModelMeta):
    """A row that belongs to one street (the tenant)."""

    tenant_id: int

    class Meta:
        abstract = True

    def _check_write(self) -> None:
        scope = _scope.get()
        if isinstance(scope, _Unscoped):
            return
        if scope is None:
            raise UnscopedQueryError(f"{type(self).__name__} written outside a street scope")
        require_writable(scope)
        assert isinstance(scope, StreetScope)
        if getattr(self, "tenant_id", None) is None:
            self.tenant_id = scope.street_id
        elif self.tenant_id != scope.street_id:
            raise CrossTenantWriteError(
                f"{type(self).__name__} of street {self.tenant_id} "
                f"written in street {scope.street_id}"
            )

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        self._check_write()
        await super().save(using_db, update_fields, force_create, force_update)

    async def delete(self, using_db: BaseDBAsyncClient | None = None) -> None:
        self._check_write()
        await super().delete(using_db)


def tenant_field(related_name: str) -> fields.ForeignKeyRelation[Any]:
    """The ``tenant`` column every tenant-owned model declares first."""
    return fields.ForeignKeyField(
        "gongzhi.Street", related_name=related_name, on_delete=fields.RESTRICT, index=True
    )
