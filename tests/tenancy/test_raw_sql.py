"""Every hand-written SQL statement of the code base is scoped to its street.

The source is read with ``ast``: every raw statement goes through ``models.sql.Statement``,
whose statements name their street (``:street``/``:streets``, filled from the active scope) or
say why they need none; those reasons are listed here. Raw execution anywhere else (the
connection's ``execute_*`` methods, ``RawSQL``, ``.raw(``, a driver used directly) is listed
here too, with its reason: a new one fails this test until it is moved onto the helper or
listed. Then the helper itself: street A's scope never returns street B's rows, and a
statement run outside any scope is refused.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.scoping import (
    CrossTenantWriteError,
    UnscopedQueryError,
    street_scope,
    streets_scope,
    unscoped,
)
from models.sql import Statement
from models.tenancy import Community
from resolvers.services import Services
from tests.support import StreetFixture, make_street

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "models", "tenants", "policies", "resolvers", "schema", "gongzhi")
OTHER_CODE = ("migrations", "bench")
HELPER = "models/sql.py"

# Statements through the helper that touch no street's rows: where, and the reason they give.
UNSCOPED_STATEMENTS = {
    ("resolvers/viewer.py", "_session_statement"): "sessions and accounts belong to no street",
    ("resolvers/outbox.py", "<module>"): (
        "an advisory lock of the relay (PostgreSQL), no street's rows"
    ),
    ("resolvers/consultations/search.py", "_sqlite_statements"): (
        "the active street's own FTS5 table (library_search_<street>), which holds only its "
        "cases; filtering on its tenant column would read every candidate's row"
    ),
}

# Raw execution outside the helper: where, what, how many times, and why it may stay.
OUTSIDE_THE_HELPER = {
    ("gongzhi/app.py", "readyz", "execute_query"): (1, "health check: SELECT 1 reads no table"),
    ("resolvers/reads.py", "too_far_behind", "execute_query_dict"): (
        1,
        "the replica's replay lag: reads no table",
    ),
    ("gongzhi/app.py", "_replica_answers", "execute_query"): (
        1,
        "health check of the read replica: SELECT 1 reads no table",
    ),
    ("resolvers/pagination.py", "_first_ids_per_parent", "execute_query_dict"): (
        1,
        "nested pages for many parents: wraps a query the ORM built in the active scope (its "
        "tenant filter is in the inner query) in ROW_NUMBER() OVER (PARTITION BY parent), "
        "which Tortoise cannot build",
    ),
    ("core/sqlite.py", "<module>", "import sqlite3"): (
        1,
        "the SQLite client: catches the driver's OperationalError when a lock is not free",
    ),
    ("core/database.py", "<module>", "import asyncpg"): (
        1,
        "the drivers' data errors (too long, out of range), told from bugs: no statement",
    ),
    ("core/database.py", "<module>", "import asyncpg.exceptions"): (
        1,
        "asyncpg's own DataError (an argument it could not encode): no statement",
    ),
    ("core/database.py", "<module>", "import sqlite3"): (
        1,
        "SQLite's DataError among the drivers' data errors: no statement",
    ),
    ("core/sqlite.py", "begin", "execute"): (
        1,
        "the SQLite client: BEGIN IMMEDIATE starts a transaction, no statement on rows",
    ),
    ("core/postgres.py", "_scope", "execute"): (
        2,
        "the PostgreSQL client: the row scope's set_config (after a BEGIN outside a "
        "transaction) before a statement over street-owned tables, no rows",
    ),
    ("core/postgres.py", "__aexit__", "execute"): (
        1,
        "the PostgreSQL client: COMMIT or ROLLBACK of the transaction a plain statement was "
        "given for its row scope",
    ),
    ("core/postgres.py", "execute", "execute"): (
        2,
        "the PostgreSQL client's scoped connection passes the ORM's statement on; asyncpg's "
        "connection sends a transaction's BEGIN with its row settings in one round trip",
    ),
    ("core/postgres.py", "<module>", "import asyncpg"): (
        1,
        "the PostgreSQL client: its asyncpg connection class (the BEGIN that carries the row "
        "settings)",
    ),
    ("core/postgres.py", "executemany", "executemany"): (
        1,
        "the PostgreSQL client's scoped connection passes the ORM's statement on",
    ),
    ("gongzhi/platform.py", "secure_database", "execute_query_dict"): (
        1,
        "the migrate step: whether the owner's role bypasses row security (pg_roles)",
    ),
    ("models/row_security.py", "*", "*"): (
        None,
        "the migrate step, as the owner: the app's role, its grants and the row-security "
        "policies (catalogues and DDL, no street's rows)",
    ),
    ("migrations/0006_audit_log.py", "_restore_sqlite_indexes", "execute_script"): (
        1,
        "a migration on SQLite only: recreates two indexes of audit_entry its table rebuild "
        "dropped, no statement on rows",
    ),
    ("migrations/0012_library_postings.py", "_postings", "execute_query"): (
        1,
        "a migration on SQLite, as the owner: reads every street's published library cases "
        "once, to write their postings",
    ),
    ("migrations/0012_library_postings.py", "_postings", "execute_many"): (
        1,
        "a migration on SQLite, as the owner: each published case's postings, with its street",
    ),
    ("migrations/0012_library_postings.py", "_postings", "execute_script"): (
        1,
        "a migration on SQLite, as the owner: each street's library size, by street",
    ),
    # The benchmarks create, fill and drop their own databases, and time a bare asyncpg
    # baseline; none of it runs in the app.
    ("bench/cases.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/patrols.py", "*", "*"): (
        None,
        "benchmark set-up on its own database: the active patrols it loads, the points it counts",
    ),
    ("bench/cases_baseline.py", "*", "*"): (None, "the bare asyncpg baseline of the bench"),
    ("bench/patrols_baseline.py", "*", "*"): (None, "the bare asyncpg baseline of the bench"),
    ("bench/audit.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/consultations.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/fanout.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/groups.py", "*", "*"): (
        None,
        "benchmark set-up on its own database, and its hand-written INSERT baseline",
    ),
    ("bench/harness.py", "*", "*"): (
        None,
        "the load harness: reads which backends serve the bench's own database, no rows",
    ),
    ("bench/notices.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/projects.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/scale.py", "*", "*"): (
        None,
        "benchmark set-up on its own databases, and EXPLAIN of the app's statements",
    ),
    ("bench/projects_baseline.py", "*", "*"): (None, "the bare asyncpg baseline of the bench"),
    ("bench/rls.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/station.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/votes.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/dashboard.py", "*", "*"): (None, "benchmark set-up on its own database"),
    ("bench/votes_baseline.py", "*", "*"): (None, "the bare asyncpg baseline of the bench"),
}

_EXECUTE = {"execute_query", "execute_query_dict", "execute_script", "execute_insert"}
_EXECUTE |= {"execute_many", "executemany", "raw"}
_DRIVERS = {"asyncpg", "aiosqlite", "sqlite3", "psycopg", "psycopg2"}
_NAMES_A_STREET = re.compile(r"(?<![:\w]):streets?\b")


def source_files() -> list[Path]:
    files: list[Path] = []
    for package in PACKAGES + OTHER_CODE:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


class Scan(ast.NodeVisitor):
    """The raw statements of one file: ``Statement(...)`` calls and any other raw execution,
    each with the function it is in."""

    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        self.where: list[ast.AST] = []
        self.statements: list[tuple[str, ast.Call]] = []
        self.raw: list[tuple[str, str]] = []

    def function(self) -> str:
        names = [
            n.name for n in self.where if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        return names[-1] if names else "<module>"

    def generic_visit(self, node: ast.AST) -> None:
        self.where.append(node)
        super().generic_visit(node)
        self.where.pop()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in _DRIVERS:
                self.raw.append((self.function(), f"import {alias.name}"))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if (node.module or "").split(".")[0] in _DRIVERS:
            self.raw.append((self.function(), f"import {node.module}"))
        if any(alias.name == "RawSQL" for alias in node.names):
            self.raw.append((self.function(), "RawSQL"))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "Statement":
            self.statements.append((self.function(), node))
        elif name in _EXECUTE or name == "RawSQL" or (name == "execute" and node.args):
            self.raw.append((self.function(), name))
        self.generic_visit(node)

    def text_of(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> str:
        """The SQL text a statement's argument is built from, as far as it can be read: its
        strings, and those of the module's or the function's variables it names."""
        parts = []
        for child in ast.walk(node):
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                parts.append(child.value)
            elif isinstance(child, ast.Name) and child.id not in seen:
                for value in self.assigned(child.id):
                    parts.append(self.text_of(value, seen | {child.id}))
        return " ".join(parts)

    def assigned(self, name: str) -> list[ast.AST]:
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and node.value:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    found.append(node.value)
        return found


def scans() -> list[Scan]:
    found = []
    for file in source_files():
        path = file.relative_to(ROOT).as_posix()
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=path)
        scan = Scan(path, tree)
        scan.visit(tree)
        found.append(scan)
    return found


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


# --- the code base ---------------------------------------------------------------------------


def test_raw_sql_runs_only_through_the_helper_or_is_listed_with_its_reason() -> None:
    found: Counter[tuple[str, str, str]] = Counter()
    for scan in scans():
        if scan.path == HELPER:
            continue
        for function, what in scan.raw:
            found[(scan.path, function, what)] += 1
    unlisted = []
    for (path, function, what), count in sorted(found.items()):
        listed = OUTSIDE_THE_HELPER.get((path, function, what)) or OUTSIDE_THE_HELPER.get(
            (path, "*", "*")
        )
        if listed is None or (listed[0] is not None and listed[0] != count):
            unlisted.append(f"{path}: {what} ×{count} in {function}()")
    assert not unlisted, (
        "raw SQL outside models.sql: write it as a models.sql.Statement (it then names its "
        "street), or list it in OUTSIDE_THE_HELPER with the reason: " + "; ".join(unlisted)
    )
    listed_files = {path for path, _, _ in OUTSIDE_THE_HELPER}
    stale = [key for key in OUTSIDE_THE_HELPER if key[1] != "*" and key not in found]
    stale += [path for path in listed_files if not any(key[0] == path for key in found)]
    assert not stale, f"listed but gone (remove them from OUTSIDE_THE_HELPER): {stale}"


def test_every_statement_through_the_helper_names_its_street_or_says_why_not() -> None:
    statements = [(scan, function, call) for scan in scans() for function, call in scan.statements]
    sites = {(scan.path, function) for scan, function, _ in statements}
    assert {"resolvers/votes/ballots.py", "models/audit.py", "resolvers/notifications.py"} <= {
        path for path, _ in sites
    }
    assert {
        ("resolvers/projects/views.py", "board"),
        ("resolvers/viewer.py", "_session_statement"),
    } <= sites
    problems = []
    unscoped_seen = {}
    for scan, function, call in statements:
        if scan.path == HELPER:
            continue
        where = f"{scan.path}:{call.lineno} in {function}()"
        reason = keyword(call, "unscoped")
        if reason is not None:
            if not (isinstance(reason, ast.Constant) and isinstance(reason.value, str)):
                problems.append(f"{where}: the unscoped reason is not written out")
                continue
            unscoped_seen[(scan.path, function)] = reason.value
            continue
        if not call.args or not _NAMES_A_STREET.search(scan.text_of(call.args[0])):
            problems.append(f"{where}: the statement names no :street or :streets")
    assert not problems, problems
    assert unscoped_seen == UNSCOPED_STATEMENTS


def test_a_statement_that_names_no_street_and_gives_no_reason_cannot_be_built() -> None:
    with pytest.raises(ValueError, match=":street"):
        Statement('SELECT "id" FROM "community"')
    with pytest.raises(ValueError):
        Statement('SELECT "id" FROM "community"', unscoped=" ")
    with pytest.raises(ValueError):  # a scoped statement needs no excuse
        Statement('SELECT "id" FROM "community" WHERE "tenant_id" = :street', unscoped="why")
    # A name inside quotes or a type cast is no parameter.
    with pytest.raises(ValueError):
        Statement("SELECT ':street', \":street\", 1::street FROM community")


# --- the helper at work ----------------------------------------------------------------------

COMMUNITIES = Statement(
    'SELECT "id", "tenant_id", "code" FROM "community" WHERE "tenant_id" = :street ORDER BY "id"'
)
COMMUNITIES_OF = Statement(
    'SELECT "id", "tenant_id" FROM "community" WHERE "tenant_id" IN (:streets) ORDER BY "id"'
)
RENAME = Statement('UPDATE "community" SET "name" = :name WHERE "tenant_id" = :street')
BY_CODE = Statement(
    'SELECT "code" FROM "community" WHERE "tenant_id" = :street AND "code" IN (:codes) '
    'AND "code" <> :code AND "tenant_id" = :street ORDER BY "code"'
)
ADD = Statement(
    'INSERT INTO "community" ("tenant_id", "code", "name", "created_at") '
    'VALUES (:street, :code, :name, :at) RETURNING "id"'
)


NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
async def three(services: Services) -> tuple[StreetFixture, StreetFixture, StreetFixture]:
    return (
        await make_street(services, "sql-a"),
        await make_street(services, "sql-b"),
        await make_street(services, "sql-c"),
    )


async def names(street_id: int) -> list[str]:
    with unscoped("test: what a street's communities are called"):
        return (
            await Community.filter(tenant_id=street_id)
            .order_by("id")
            .values_list("name", flat=True)
        )


async def test_a_street_scope_returns_only_that_streets_rows(three: tuple) -> None:
    a, b, _ = three
    with street_scope(a.street_id):
        rows = await COMMUNITIES.fetch()
    assert [row["id"] for row in rows] == [a.community_id]
    assert {row["tenant_id"] for row in rows} == {a.street_id}
    with street_scope(b.street_id):
        assert [row["id"] for row in await COMMUNITIES.fetch()] == [b.community_id]


async def test_a_statement_outside_any_scope_is_refused(three: tuple) -> None:
    with pytest.raises(UnscopedQueryError):
        await COMMUNITIES.fetch()
    with pytest.raises(UnscopedQueryError):
        await COMMUNITIES.fetch(street=three[1].street_id)
    with unscoped("test"), pytest.raises(UnscopedQueryError):  # no street named
        await COMMUNITIES.fetch()


async def test_another_street_named_inside_a_scope_is_refused(three: tuple) -> None:
    a, b, _ = three
    before = await names(b.street_id)
    with street_scope(a.street_id):
        with pytest.raises(UnscopedQueryError):
            await COMMUNITIES.fetch(street=b.street_id)
        with pytest.raises(CrossTenantWriteError):
            await RENAME.run(street=b.street_id, name="越界改名")
        assert [row["id"] for row in await COMMUNITIES.fetch(street=a.street_id)] == [
            a.community_id
        ]
    assert await names(b.street_id) == before


async def test_unscoped_runs_for_the_street_it_names(three: tuple) -> None:
    _, b, _ = three
    with unscoped("test: a named street"):
        rows = await COMMUNITIES.fetch(street=b.street_id)
        assert [row["id"] for row in rows] == [b.community_id]
        rows = await COMMUNITIES_OF.fetch(streets=[b.street_id])
        assert [row["id"] for row in rows] == [b.community_id]


async def test_a_read_only_scope_refuses_writes_and_writes_nothing(three: tuple) -> None:
    a, _, _ = three
    before = await names(a.street_id)
    with street_scope(a.street_id, writable=False):
        with pytest.raises(CrossTenantWriteError):
            await RENAME.run(name="只读范围内改名")
        assert await COMMUNITIES.fetch()  # reading is fine
    assert await names(a.street_id) == before


async def test_a_multi_street_scope_reads_its_streets_only_and_writes_nothing(
    three: tuple,
) -> None:
    a, b, c = three
    before = [await names(s.street_id) for s in three]
    with streets_scope([a.street_id, c.street_id], "test: a district roll-up"):
        rows = await COMMUNITIES_OF.fetch()
        assert {row["tenant_id"] for row in rows} == {a.street_id, c.street_id}
        assert [row["id"] for row in await COMMUNITIES.fetch(street=c.street_id)] == [
            c.community_id
        ]
        with pytest.raises(UnscopedQueryError):  # which one of the streets?
            await COMMUNITIES.fetch()
        with pytest.raises(UnscopedQueryError):
            await COMMUNITIES.fetch(street=b.street_id)
        with pytest.raises(UnscopedQueryError):
            await COMMUNITIES_OF.fetch(streets=[a.street_id, b.street_id])
        with pytest.raises(CrossTenantWriteError):
            await RENAME.run(street=a.street_id, name="区级改名")
        with pytest.raises(CrossTenantWriteError):
            await ADD.fetch(street=a.street_id, code="roll-up", name="区级新建", at=NOW)
    assert [await names(s.street_id) for s in three] == before
    with street_scope(a.street_id):  # the same statement in one street: that street
        assert {row["tenant_id"] for row in await COMMUNITIES_OF.fetch()} == {a.street_id}


async def test_lists_repeated_names_and_rows_bind_alike_on_every_dialect(
    services: Services,
) -> None:
    street = await make_street(services, "sql-rows")
    with street_scope(street.street_id):
        added = await ADD.fetch(
            each=[{"code": "r1"}, {"code": "r2"}, {"code": "r3"}], name="同名社区", at=NOW
        )
        assert len(added) == 3
        rows = await BY_CODE.fetch(codes=["c1", "r1", "r3", "none"], code="r3")
        assert [row["code"] for row in rows] == ["c1", "r1"]
        assert await BY_CODE.fetch(codes=[], code="r3") == []  # an empty list matches nothing
        with pytest.raises(TypeError):
            await BY_CODE.fetch(codes=["c1"])  # :code is missing
        with pytest.raises(TypeError):
            await COMMUNITIES.fetch(stret=street.street_id)  # a misspelt name
    assert sorted(await names(street.street_id)) == ["同名社区"] * 3 + ["测试社区"]
