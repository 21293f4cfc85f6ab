"""The cost of row-level security (docs/rls.md): ``python -m bench.rls``.

Creates a fresh PostgreSQL database (on GONGZHI_TEST_DATABASE_URL's server), migrates it as the
owner (which creates the app's role and the policies), makes two streets of 200 communities,
then times, in one street's scope, one statement after another:

* a plain read of a street-owned row (``Community.filter(id=...).first()``, no transaction);
* the same read inside a transaction of ``READS_PER_TRANSACTION`` reads;
* a plain read of a row no street owns (an account);

on the app's connection (``core.postgres``: the scope set per transaction, the policies
applied) and on the owner's (a superuser: Tortoise's own client, no row security). The
figures (microseconds per statement, and the difference) are one JSON line on stdout.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
APP_ROLE = "gongzhi_app"
COMMUNITIES = 200
READS = int(os.environ.get("BENCH_READS", "3000"))
READS_PER_TRANSACTION = 20


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def with_database(url: str, name: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    if user is not None:
        parts = parts._replace(netloc=f"{user}@{parts.netloc.rpartition('@')[2]}")
    return urlunsplit(parts._replace(path=f"/{name}"))


async def per_statement(work: Callable[[int], Awaitable[Any]], count: int) -> float:
    """Microseconds per statement, over ``count`` statements, after a warm-up."""
    for index in range(50):
        await work(index)
    started = time.perf_counter()
    for index in range(count):
        await work(index)
    return (time.perf_counter() - started) / count * 1e6


async def measure(settings: Any, owner: bool, street_id: int, ids: list[int]) -> dict[str, float]:
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from gongzhi.platform import database_config
    from models.accounts import User
    from models.scoping import street_scope
    from models.tenancy import Community

    await Tortoise.init(config=database_config(settings, owner=owner))
    try:
        with street_scope(street_id, writable=False):

            async def plain(index: int) -> None:
                assert await Community.filter(id=ids[index % len(ids)]).first() is not None

            async def in_one(index: int) -> None:
                async with in_transaction():
                    for step in range(READS_PER_TRANSACTION):
                        await plain(index + step)

            async def account(index: int) -> None:
                await User.filter(id=1 + index % 2).first()

            plain_us = await per_statement(plain, READS)
            transaction_us = await per_statement(in_one, READS // READS_PER_TRANSACTION)
            account_us = await per_statement(account, READS)
    finally:
        await Tortoise.close_connections()
    return {
        "plain_read_us": round(plain_us, 1),
        "read_in_transaction_us": round(transaction_us / READS_PER_TRANSACTION, 1),
        "unowned_read_us": round(account_us, 1),
    }


async def main() -> None:
    from tortoise import Tortoise

    from core.settings import Env, Settings
    from gongzhi.cli import apply_migrations
    from gongzhi.platform import database_config
    from models.accounts import User
    from models.scoping import unscoped
    from models.tenancy import Community, District, Street

    url = os.environ.get("GONGZHI_TEST_DATABASE_URL", DEFAULT_URL)
    name = f"gongzhi_bench_rls_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        settings = Settings(
            env=Env.DEV,
            database_url=with_database(url, name, APP_ROLE),
            database_owner_url=with_database(url, name),
        )
        say("migrating as the owner")
        await apply_migrations(settings, quiet=True)
        await Tortoise.init(config=database_config(settings))
        try:
            with unscoped("bench set-up"):
                district = await District.create(code="bench", name="基准区")
                streets = [
                    await Street.create(code=f"bench-{i}", name=f"基准街道{i}", district=district)
                    for i in range(2)
                ]
                await Community.bulk_create(
                    Community(tenant=street, code=f"c{i}", name=f"社区{i}")
                    for street in streets
                    for i in range(COMMUNITIES)
                )
                await User.create(username="bench.one", password_hash="-")
                await User.create(username="bench.two", password_hash="-")
                ids = await Community.filter(tenant=streets[0]).values_list("id", flat=True)
        finally:
            await Tortoise.close_connections()
        say(f"timing {READS} reads per kind, with and without row security")
        with_rls = await measure(settings, False, streets[0].id, list(ids))
        without = await measure(settings, True, streets[0].id, list(ids))
        figures: dict[str, Any] = {"bench": "rls", "reads": READS}
        for key, value in with_rls.items():
            figures[key] = value
            figures[f"{key}_without_rls"] = without[key]
            figures[f"{key}_extra"] = round(value - without[key], 1)
        print(json.dumps(figures))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
