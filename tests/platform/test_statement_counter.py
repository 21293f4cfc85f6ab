"""The statement counter the N+1 tests and the benches use counts every statement sent,
inside a transaction too (a read grouped in one transaction is still as many statements)."""

from __future__ import annotations

from tortoise import connections
from tortoise.transactions import in_transaction

from bench.sqlcount import count_statements


async def test_statements_in_a_transaction_count_once_each(app: object) -> None:
    with count_statements() as counted:
        await connections.get("default").execute_query("SELECT 1")
        async with in_transaction() as conn:
            await conn.execute_query("SELECT 1")
            await conn.execute_query_dict("SELECT 2")
    assert counted.count == 3
