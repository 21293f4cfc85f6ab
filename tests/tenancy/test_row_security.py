"""Row-level security beneath the ORM (PostgreSQL): the database itself keeps a street's rows
from another street's code, whatever SQL that code sends (``docs/rls.md``).

Each test here goes around the ORM and the ``models.sql`` helper: hand-written SQL straight on
the app's connection, in one street's scope, and finds no row of another street; it cannot
write one either. The streets are seeded with a row of every street-owned model (each domain's
``seed_every_row``, as the isolation test does), so a table a later domain adds is covered.
"""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from models.row_security import POLICIES, street_models
from models.scoping import street_scope, streets_scope, unscoped
from resolvers.services import Services
from tests.conftest import APP_ROLE, needs_postgres
from tests.support import StreetFixture, make_street
from tests.tenancy.test_isolation import seeders, tenant_models

pytestmark = [needs_postgres, pytest.mark.usefixtures("app")]


@pytest.fixture(scope="module")
async def two(services: Services) -> tuple[StreetFixture, StreetFixture]:
    a = await make_street(services, "rls-a")
    b = await make_street(services, "rls-b")
    for index, street in enumerate((a, b), start=11):
        for seed in seeders():
            await seed(services, street, index)
    return a, b


def tables() -> list[str]:
    return sorted(model._meta.db_table for model in tenant_models())


async def raw(sql: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
    """Hand-written SQL on the app's connection: no ORM filter, no ``:street``."""
    return await connections.get("default").execute_query_dict(sql, values)


async def streets_in(table: str) -> set[int]:
    rows = await raw(f'SELECT DISTINCT "tenant_id" FROM "{table}"')
    return {row["tenant_id"] for row in rows}


async def test_the_app_connects_as_a_role_that_owns_nothing_and_cannot_bypass_it() -> None:
    role = await raw(
        "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    )
    assert role == [{"name": APP_ROLE, "rolsuper": False, "rolbypassrls": False}]
    owned = await raw("SELECT tablename FROM pg_tables WHERE tableowner = current_user")
    assert owned == []


async def test_every_street_owned_table_is_held_to_the_policies() -> None:
    """Found from the models: a new domain's tables get it from the migrate step."""
    assert tables() == sorted(model._meta.db_table for model in street_models())
    rows = await raw(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        "WHERE relkind = 'r' AND relname = ANY($1::text[])",
        [tables()],
    )
    assert {r["relname"]: (r["relrowsecurity"], r["relforcerowsecurity"]) for r in rows} == {
        table: (True, True) for table in tables()
    }
    policies = await raw(
        "SELECT tablename, policyname FROM pg_policies WHERE tablename = ANY($1::text[])",
        [tables()],
    )
    found: dict[str, set[str]] = {}
    for row in policies:
        found.setdefault(row["tablename"], set()).add(row["policyname"])
    assert found == {table: {policy.name for policy in POLICIES} for table in tables()}


async def test_raw_sql_in_one_street_sees_no_row_of_another(
    two: tuple[StreetFixture, StreetFixture],
) -> None:
    a, b = two
    with unscoped("test: the platform sees both streets' rows"):
        seen = {table: await streets_in(table) for table in tables()}
    unseeded = [table for table, streets in seen.items() if b.street_id not in streets]
    assert not unseeded, f"seed_every_row writes no row of these tables: {unseeded}"
    with street_scope(a.street_id, writable=False):
        outside = {table: await streets_in(table) - {a.street_id} for table in tables()}
    assert outside == {table: set() for table in tables()}
    with street_scope(a.street_id):
        async with in_transaction():  # as inside changing(): the transaction's own setting
            inside = {table: await streets_in(table) - {a.street_id} for table in tables()}
    assert inside == {table: set() for table in tables()}


async def test_raw_sql_in_one_street_writes_no_row_of_another(
    two: tuple[StreetFixture, StreetFixture],
) -> None:
    a, b = two
    with street_scope(a.street_id):
        async with in_transaction() as conn:
            touched, _ = await conn.execute_query(
                'UPDATE "community" SET "name" = "name" WHERE "tenant_id" = $1', [b.street_id]
            )
            assert touched == 0
            deleted, _ = await conn.execute_query(
                'DELETE FROM "grid" WHERE "tenant_id" = $1', [b.street_id]
            )
            assert deleted == 0
        with pytest.raises(OperationalError, match="row-level security"):
            async with in_transaction() as conn:  # moving its own row into another street
                await conn.execute_query(
                    'UPDATE "community" SET "tenant_id" = $1 WHERE "id" = $2',
                    [b.street_id, a.community_id],
                )
    with unscoped("test check"):
        rows = await raw('SELECT "tenant_id" FROM "community" WHERE "id" = $1', [a.community_id])
        assert rows == [{"tenant_id": a.street_id}]
        assert await streets_in("grid") >= {b.street_id}


async def test_a_district_scope_reads_its_streets_and_writes_nothing(
    two: tuple[StreetFixture, StreetFixture],
) -> None:
    a, _ = two
    with streets_scope([a.street_id], "test: a district roll-up"):
        assert await streets_in("community") == {a.street_id}
        touched, _ = await connections.get("default").execute_query(
            'UPDATE "community" SET "name" = "name" WHERE "tenant_id" = $1', [a.street_id]
        )
        assert touched == 0


async def test_without_a_scope_no_row_is_seen(two: tuple[StreetFixture, StreetFixture]) -> None:
    assert {table: await streets_in(table) for table in tables()} == {
        table: set() for table in tables()
    }
    assert await raw("SELECT count(*) AS n FROM street WHERE id = $1", [two[0].street_id]) == [
        {"n": 1}
    ], "a table no street owns is read as it is"


async def test_the_scope_is_the_transactions_own_and_leaves_nothing_on_the_connection(
    two: tuple[StreetFixture, StreetFixture],
) -> None:
    """set_config(..., true): after the statement, the connection keeps no street (safe for
    pgbouncer's transaction pooling, and for the next borrower of the pooled connection)."""
    a, _ = two
    client = Tortoise.get_connection("default")
    for _ in range(5):  # the pool hands out the last connection back first (LIFO)
        with street_scope(a.street_id):
            rows = await raw('SELECT pg_backend_pid() AS pid FROM "community" LIMIT 1')
        async with client.acquire_connection() as connection:
            after = await connection.fetchrow(
                "SELECT pg_backend_pid() AS pid, current_setting('app.tenant_id', true) AS t"
            )
        if after["pid"] == rows[0]["pid"]:  # the same connection, unless a task took it
            break
    else:
        pytest.fail("never got the same pooled connection back")
    assert after["t"] in (None, "")
