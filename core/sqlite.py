"""Tortoise's SQLite client, with transactions that say at once that they will write.

Several processes may serve one SQLite file (``gongzhi serve --workers 2``, the CLI next to a
running server). SQLite lets one of them write at a time; the others wait for the lock (the
``busy_timeout`` set in ``core.database``). Tortoise begins a transaction with a plain
``BEGIN``, which reads first and asks for the write lock only at its first write: when another
process has committed in between, SQLite cannot let it wait (its reads would be stale) and
fails it at once with "database is locked", whatever the timeout. Every transaction here
begins with ``BEGIN IMMEDIATE`` instead: it takes the write lock first, waiting its turn, so it
never reads a state another process changes before it writes. Statements outside a
transaction wait for the lock as before.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient as TortoiseSqliteClient
from tortoise.backends.sqlite.client import SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError


class _ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # the lock was not free within busy_timeout
            raise OperationalError(exc) from exc


class _ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        """As Tortoise's, but a transaction that cannot begin frees the connection again."""
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        connection: TransactionalDBClient = self.connection
        return connection


class SqliteClient(TortoiseSqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return _ImmediateTransactionContext(_ImmediateTransaction(self), self._lock)


client_class = SqliteClient
