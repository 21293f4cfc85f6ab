"""Tortoise's asyncpg client, with every statement in the row scope of the code that runs it.

PostgreSQL's row-level security (行级安全, ``docs/rls.md``) shows a statement the rows of a
street-owned table only when its transaction says whose rows they are, in three settings:

* ``app.tenant_id``: one street (a request, a scanner's step in one street);
* ``app.tenant_ids``: the streets of a district roll-up (区级汇总), read only;
* ``app.scope = 'platform'``: work across every street, said out loud (``unscoped("why")``).

Nothing set, nothing seen. This client sets them from what ``RowScopes`` (given in the
connection's settings by ``core.database``) says of the running code, always with
``set_config(..., true)``: local to the transaction, so a connection goes back to the pool (or
pgbouncer gives the server connection to someone else) with nothing left on it.

* Inside a transaction (``in_transaction()``, so ``changing()``): the scope active when it
  begins goes with its ``BEGIN``, in the same round trip (``BEGIN; SELECT set_config(...)``,
  the simple protocol); again, one ``SELECT set_config(...)``, before a statement over a
  street-owned table only when the scope has changed since (a street's first records written
  inside ``unscoped()``). A transaction begun with no scope sets it before its first such
  statement. A rolled-back savepoint takes its settings with it, so the next statement sets
  them again.
* Outside a transaction (the ORM's plain reads), a statement over a street-owned table runs in
  a transaction of its own on the connection it is given: ``BEGIN; SELECT set_config(...)``
  (one round trip), the statement, ``COMMIT``. A statement over no street-owned table, or with
  no scope active, runs as it is.

``RowScopes.guards`` says which statements touch street-owned tables (by their names in the
text). One it misses sees no row and writes none: the mistake shows, it does not leak.

**The read replica** (``GONGZHI_READ_DATABASE_URL``, ``core/reads.py``): the app's client is
given the replica's credentials and keeps a second client of this same class on it. Inside
``lagging_reads()``, a statement outside a transaction is sent there, scoped the same way (the
replica is a physical copy: the same roles, tables and policies, and ``set_config`` works in a
read-only transaction). Transactions stay on the primary. A replica that cannot be reached,
refuses the connection or cancels the statement raises ``ReplicaUnavailable``, and is not
asked again for ``REPLICA_RETRY_SECONDS``.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any, Protocol

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    NestedTransactionContext,
    PoolConnectionWrapper,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.backends.base_postgres.client import translate_exceptions
from tortoise.exceptions import DBConnectionError

from core.reads import ReplicaUnavailable, reads_may_lag

TENANT_ID = "app.tenant_id"
TENANT_IDS = "app.tenant_ids"
SCOPE = "app.scope"
PLATFORM = "platform"

RowSetting = tuple[str, str, str]
"""The values of ``app.tenant_id``, ``app.tenant_ids`` and ``app.scope``."""

NO_SCOPE: RowSetting = ("", "", "")

_SAFE = (re.compile(r"\d*"), re.compile(r"(\d+(,\d+)*)?"), re.compile(f"({PLATFORM})?"))


class RowScopes(Protocol):
    """What the code running a statement may see (``models.row_security``)."""

    def guards(self, sql: str) -> bool:
        """Does this statement read or write a street-owned table?"""
        ...

    def active(self) -> RowSetting:
        """The settings of the active scope (``NO_SCOPE`` without one)."""
        ...


@functools.lru_cache(maxsize=256)
def set_config(setting: RowSetting) -> str:
    """The one statement that gives a transaction these settings."""
    for value, safe in zip(setting, _SAFE, strict=True):
        if not safe.fullmatch(value):
            raise ValueError(f"not a row setting: {setting!r}")
    calls = ", ".join(
        f"set_config('{name}', '{value}', true)"
        for name, value in zip((TENANT_ID, TENANT_IDS, SCOPE), setting, strict=True)
    )
    return f"SELECT {calls}"


class ScopedConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg is untyped
    """asyncpg's connection, whose next ``BEGIN`` can carry a statement of the simple protocol
    with it (the transaction's row settings): one round trip, not two. asyncpg's own
    transaction object still begins, commits and rolls back, and knows its state."""

    _begin_with: str | None = None

    async def begin_with(self, transaction: Any, statement: str) -> None:
        """Start asyncpg's ``transaction`` (a top-level one, on this connection), its
        ``BEGIN`` followed by ``statement``."""
        self._begin_with = statement
        try:
            await transaction.start()
        finally:
            self._begin_with = None

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        statement = self._begin_with
        if statement is not None and not args and query == "BEGIN;":
            self._begin_with = None
            query = f"BEGIN; {statement}"
        status: str = await super().execute(query, *args, **kwargs)
        return status


class _Applied:
    """What the current transaction of one connection has been given (None: not known)."""

    __slots__ = ("setting",)

    def __init__(self) -> None:
        self.setting: RowSetting | None = None


class _Scoped:
    """An asyncpg connection whose statements first get the row scope they need."""

    __slots__ = ("_applied", "_connection", "_scopes", "began")

    def __init__(self, connection: Any, scopes: RowScopes, applied: _Applied) -> None:
        self._connection = connection
        self._scopes = scopes
        self._applied = applied
        self.began = False  # this wrapper began a transaction of its own for the statement

    async def _scope(self, sql: str) -> None:
        scopes = self._scopes
        if not scopes.guards(sql):
            return
        setting = scopes.active()
        applied = self._applied
        if self._connection.is_in_transaction():
            if applied.setting != setting:
                await self._connection.execute(set_config(setting))
                applied.setting = setting
        elif setting != NO_SCOPE:
            await self._connection.execute("BEGIN; " + set_config(setting))
            applied.setting = setting
            self.began = True

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._scope(query)
        return await self._connection.execute(query, *args, **kwargs)

    async def executemany(self, query: str, args: Any, **kwargs: Any) -> Any:
        await self._scope(query)
        return await self._connection.executemany(query, args, **kwargs)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._scope(query)
        return await self._connection.fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._scope(query)
        return await self._connection.fetchrow(query, *args, **kwargs)

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        await self._scope(query)
        return await self._connection.fetchval(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class _ScopedPoolConnection(PoolConnectionWrapper[Any]):
    """A connection from the pool for one statement outside a transaction; ends the
    transaction the statement was given for its scope, if it was."""

    __slots__ = ("scoped",)

    def __init__(self, client: PostgresClient) -> None:
        super().__init__(client, client._pool_init_lock)
        self.scoped: _Scoped | None = None

    async def __aenter__(self) -> Any:
        connection = await super().__aenter__()
        assert isinstance(self.client, PostgresClient)
        self.scoped = _Scoped(connection, self.client.row_scopes, _Applied())
        return self.scoped

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            if self.scoped is not None and self.scoped.began:
                # On an error the pool's release rolls back whatever is still open.
                await self.scoped._connection.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            await super().__aexit__(exc_type, exc_val, exc_tb)


class _ScopedTransactionConnection:
    """The transaction's connection, locked as Tortoise's ``ConnectionWrapper`` does, its
    statements scoped with what the transaction has been given so far."""

    __slots__ = ("_transaction",)

    def __init__(self, transaction: _ScopedTransaction) -> None:
        self._transaction = transaction

    async def __aenter__(self) -> _Scoped:
        transaction = self._transaction
        await transaction._lock.acquire()
        return _Scoped(transaction._connection, transaction.row_scopes, transaction.applied)

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self._transaction._lock.release()


class _ScopedTransaction(TransactionWrapper):
    row_scopes: RowScopes
    applied: _Applied

    def __init__(self, connection: PostgresClient | _ScopedTransaction) -> None:
        super().__init__(connection)
        self.row_scopes = connection.row_scopes
        # A savepoint shares its transaction's settings.
        outer = connection if isinstance(connection, _ScopedTransaction) else None
        self.applied = outer.applied if outer is not None else _Applied()

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(_ScopedTransaction(self))

    def acquire_connection(self) -> Any:
        return _ScopedTransactionConnection(self)

    @translate_exceptions
    async def begin(self) -> None:
        """Begin, with the active scope's settings in the same round trip (a savepoint, or a
        transaction begun with no scope, sets them before its first statement that needs
        them)."""
        setting = self.row_scopes.active()
        begin_with = getattr(self._connection, "begin_with", None)
        if setting == NO_SCOPE or begin_with is None or self._connection.is_in_transaction():
            await super().begin()
            return
        self.transaction = self._connection.transaction()
        await begin_with(self.transaction, set_config(setting))
        self.applied.setting = setting

    async def rollback(self) -> None:
        try:
            await super().rollback()
        finally:
            self.applied.setting = None  # a savepoint's settings went with it


class _NoScopes:
    """Without ``row_scopes`` (a client made by hand): no statement is scoped."""

    def guards(self, sql: str) -> bool:
        return False

    def active(self) -> RowSetting:
        return NO_SCOPE


REPLICA_RETRY_SECONDS = 5.0
"""After the replica failed, reads go to the primary this long before it is tried again."""

REPLICA_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable
    TimeoutError,
    DBConnectionError,  # Tortoise's: no such database
    asyncpg.PostgresConnectionError,  # class 08
    asyncpg.InterfaceError,  # the connection went away under asyncpg
    asyncpg.exceptions.OperatorInterventionError,  # class 57: starting up, shutting down
    asyncpg.exceptions.InvalidAuthorizationSpecificationError,  # class 28: refused (pg_hba)
    asyncpg.exceptions.SerializationError,  # canceled: a conflict with the replica's recovery
)
"""What a replica raises when it cannot answer (the read is made on the primary instead)."""


class _OnReplica:
    """A replica's scoped connection whose failures to answer are ``ReplicaUnavailable``."""

    __slots__ = ("_client", "_scoped")

    def __init__(self, scoped: _Scoped, client: PostgresClient) -> None:
        self._scoped = scoped
        self._client = client

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await getattr(self._scoped, name)(*args, **kwargs)
        except REPLICA_ERRORS as exc:
            raise self._client.replica_failed(exc) from exc

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._call("execute", query, *args, **kwargs)

    async def executemany(self, query: str, args: Any, **kwargs: Any) -> Any:
        return await self._call("executemany", query, args, **kwargs)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._call("fetch", query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._call("fetchrow", query, *args, **kwargs)

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        return await self._call("fetchval", query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scoped, name)


class _ReplicaPoolConnection:
    """A connection of the replica's pool for one statement outside a transaction."""

    __slots__ = ("_client", "_inner")

    def __init__(self, client: PostgresClient, replica: PostgresClient) -> None:
        self._client = client
        self._inner = _ScopedPoolConnection(replica)

    async def __aenter__(self) -> _OnReplica:
        try:
            scoped = await self._inner.__aenter__()
        except REPLICA_ERRORS as exc:
            raise self._client.replica_failed(exc) from exc
        return _OnReplica(scoped, self._client)

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await self._inner.__aexit__(exc_type, exc_val, exc_tb)
        except REPLICA_ERRORS as exc:
            if exc_type is None:
                raise self._client.replica_failed(exc) from exc
            # the statement's own error (already ReplicaUnavailable, most likely) goes on


class PostgresClient(AsyncpgDBClient):
    connection_class = ScopedConnection

    def __init__(
        self,
        *args: Any,
        row_scopes: RowScopes | None = None,
        replica: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.row_scopes: RowScopes = row_scopes or _NoScopes()
        # The read replica's client (its credentials given by core.database): this client's
        # own, opened on first use and closed with it, not a connection Tortoise knows (its
        # in_transaction() then still has the one connection).
        self.replica: PostgresClient | None = None
        if replica is not None:
            self.replica = PostgresClient(
                connection_name=f"{self.connection_name}-replica",
                row_scopes=self.row_scopes,
                **replica,
            )
        self.replica_down_until = 0.0  # time.monotonic()

    def acquire_connection(self) -> Any:
        if self.replica is not None and reads_may_lag():
            if time.monotonic() < self.replica_down_until:
                raise ReplicaUnavailable("the replica failed a moment ago")
            return _ReplicaPoolConnection(self, self.replica)
        return _ScopedPoolConnection(self)

    async def close(self) -> None:
        try:
            if self.replica is not None:
                await self.replica.close()
        finally:
            await super().close()

    def replica_failed(self, exc: BaseException) -> ReplicaUnavailable:
        """Note that the replica failed (not asked again for a while); the error to raise."""
        self.replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return ReplicaUnavailable(f"{type(exc).__name__}: {exc}")

    def _in_transaction(self) -> TransactionContext:
        return TransactionContextPooled(_ScopedTransaction(self), self._pool_init_lock)


client_class = PostgresClient
