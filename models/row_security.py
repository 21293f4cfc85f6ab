"""Row-level security beneath the ORM's street filter (行级安全, ``docs/rls.md``).

The street scope of the running code (``models.scoping``) reaches PostgreSQL with every
statement over a street-owned table (``core.postgres``, given ``ROW_SCOPES``), and the
database itself holds each such table to it: the policies below, on every table of a
``TenantModel`` (found from the models, so a domain added later gets them with no work of its
own), created by the migrate step (``secure_database``) together with the app's role.

* a street's scope (``street_scope``): its rows, read and written;
* a district roll-up (``streets_scope``): those streets' rows, read only;
* ``unscoped("why")``: the platform's own work across every street (the scanners' finders,
  the relay, a new street's first records, the demo, the CLI): every row, said out loud;
* no scope: no row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core.postgres import NO_SCOPE, PLATFORM, SCOPE, TENANT_ID, TENANT_IDS, RowSetting
from models.scoping import StreetScope, StreetsScope, TenantModel, current_scope, is_unscoped

# Versioned names: a changed policy gets a new name, so the migrate step replaces a policy
# only when it changed (and never churns the tables' locks otherwise).
_PREFIX = "gongzhi_"
# Each setting is read in a scalar subquery: PostgreSQL reads it once per statement (an
# InitPlan), not once per row. Read per row, the district list was parsed again for every row a
# roll-up counted: 40,000 rows of 20 streets took 140-210 ms against 28-46 ms (and a street's
# own 2,000 rows 2.2-2.8 ms against 1.5-1.7 ms), docs/rls.md.
_STREET = f"(SELECT nullif(current_setting('{TENANT_ID}', true), '')::int)"
_STREETS = (
    f"(SELECT string_to_array(nullif(current_setting('{TENANT_IDS}', true), ''), ',')::int[])"
    "::int[]"
)
_PLATFORM = f"(SELECT current_setting('{SCOPE}', true) = '{PLATFORM}')"


@dataclass(frozen=True)
class Policy:
    name: str
    command: str  # ALL or SELECT
    using: str
    check: str | None

    def create(self, table: str) -> str:
        check = f" WITH CHECK ({self.check})" if self.check else ""
        return (
            f'CREATE POLICY "{self.name}" ON "{table}" AS PERMISSIVE FOR {self.command} '
            f"USING ({self.using}){check}"
        )


POLICIES = (
    Policy(f"{_PREFIX}street_v2", "ALL", f'"tenant_id" = {_STREET}', f'"tenant_id" = {_STREET}'),
    Policy(f"{_PREFIX}district_v2", "SELECT", f'"tenant_id" = ANY ({_STREETS})', None),
    Policy(f"{_PREFIX}platform_v2", "ALL", _PLATFORM, _PLATFORM),
)


def street_models(models: Iterable[type[Model]] | None = None) -> list[type[TenantModel]]:
    """The street-owned models (every concrete ``TenantModel``), by table name."""
    found: list[type[TenantModel]] = []
    pending: list[type[TenantModel]] = list(TenantModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model._meta.abstract and model._meta.db_table:
            found.append(model)
    if models is not None:
        wanted = set(models)
        found = [model for model in found if model in wanted]
    return sorted(found, key=lambda model: model._meta.db_table)


class _RowScopes:
    """``core.postgres.RowScopes`` for the models: which statements name a street-owned
    table, and the settings of the active street scope."""

    def __init__(self) -> None:
        self._tables: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None
        self._seen: dict[str, bool] = {}

    def _names(self) -> re.Pattern[str]:
        tables = frozenset(model._meta.db_table for model in street_models())
        if self._pattern is None or tables != self._tables:
            alternatives = "|".join(sorted(map(re.escape, tables))) or r"(?!)"
            self._pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
            self._tables = tables
            self._seen.clear()
        return self._pattern

    def guards(self, sql: str) -> bool:
        found = self._seen.get(sql)
        if found is None:
            found = bool(self._names().search(sql))
            if len(self._seen) > 8192:
                self._seen.clear()
            self._seen[sql] = found
        return found

    def active(self) -> RowSetting:
        scope = current_scope()
        if isinstance(scope, StreetScope):
            return (str(int(scope.street_id)), "", "")
        if isinstance(scope, StreetsScope):
            return ("", ",".join(str(int(s)) for s in sorted(scope.street_ids)), "")
        if is_unscoped(scope):
            return ("", "", PLATFORM)
        return NO_SCOPE


ROW_SCOPES = _RowScopes()


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def secure_tables(conn: BaseDBAsyncClient, models: Iterable[type[Model]]) -> list[str]:
    """Row security on every street-owned table of these models: enabled, forced (the owner is
    held to it too), the current policies and no others of ours. Returns the tables."""
    tables = [model._meta.db_table for model in street_models(models)]
    existing = await conn.execute_query_dict(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema() "
        "AND policyname LIKE 'gongzhi\\_%'"
    )
    have: dict[str, set[str]] = {}
    for row in existing:
        have.setdefault(row["tablename"], set()).add(row["policyname"])
    wanted = {policy.name for policy in POLICIES}
    statements: list[str] = []
    for table in tables:
        quoted = quote_identifier(table)
        statements.append(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
        statements.append(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
        present = have.get(table, set())
        for name in sorted(present - wanted):
            statements.append(f"DROP POLICY {quote_identifier(name)} ON {quoted}")
        for policy in POLICIES:
            if policy.name not in present:
                statements.append(policy.create(table))
    await conn.execute_script(";\n".join(statements))
    return tables


async def grant_app_role(
    conn: BaseDBAsyncClient, role: str, password: str | None, migrations_table: str
) -> None:
    """The app's role: created when missing (LOGIN, nothing more: no superuser, no
    BYPASSRLS), refused when it could bypass row security, given the rows of every table
    (reads and writes, held to the policies) and the sequences, never the tables themselves."""
    rows = await conn.execute_query_dict(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", [role]
    )
    name = quote_identifier(role)
    if not rows:
        secret = f" PASSWORD {quote_literal(password)}" if password else ""
        # Several runs may create it at once (one cluster, several databases).
        await conn.execute_script(
            "DO $$ BEGIN "
            f"CREATE ROLE {name} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE{secret}; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    elif rows[0]["rolsuper"] or rows[0]["rolbypassrls"]:
        raise PermissionError(
            f"the app's role {role} bypasses row security (SUPERUSER or BYPASSRLS): "
            "give GONGZHI_DATABASE_URL a role without them"
        )
    await conn.execute_script(
        f"GRANT USAGE ON SCHEMA public TO {name};\n"
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name};\n"
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name};\n"
        f"REVOKE INSERT, UPDATE, DELETE ON {quote_identifier(migrations_table)} FROM {name}"
    )
