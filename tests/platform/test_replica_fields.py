"""Which fields may read from the read replica (docs/deployment.md, "A read replica"): the
table there and the ``replica=True`` declarations are the same; without a replica nothing is
routed and nobody is noted; the database settings get a replica client only on PostgreSQL
(the behaviour on a real replica: ``test_read_replica.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import strawberry

from core.database import REPLICA_CONNECT_TIMEOUT_SECONDS, replica_configured, tortoise_config
from core.reads import lagging_reads, primary_reads, reads_may_lag
from core.settings import Env, Settings
from gongzhi.platform import database_config, make_schema
from resolvers.reads import RecentWriters
from resolvers.services import Services
from schema.replica import REPLICA

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
PG = "postgres://gongzhi_app@db:5432/gongzhi"
REPLICA_URL = "postgres://gongzhi_app@replica:5432/gongzhi"


def _declared(schema: strawberry.Schema) -> set[str]:
    found = set()
    for concrete in schema.schema_converter.type_map.values():
        for field in getattr(concrete.definition, "fields", ()):
            if getattr(field, "metadata", {}).get(REPLICA):
                found.add(schema.config.name_converter.get_graphql_name(field))
    return found


def _documented() -> set[str]:
    text = DOCS.read_text()
    section = text.split("## A read replica", 1)[1].split("\n\n**Read your writes", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`(\w+)`", line.split("|")[1]))
    return names


def test_the_docs_table_lists_every_replica_field_and_only_those(settings: Settings) -> None:
    declared = _declared(make_schema(settings))
    assert "projectTotals" in declared and "dashboard" in declared
    assert declared == _documented()


def test_a_replica_field_says_so_in_its_description(settings: Settings) -> None:
    sdl = make_schema(settings).as_str()
    board = sdl.split("projectTotals:")[0].rsplit('"""', 2)[-2]
    assert "read replica" in board


def test_without_a_replica_nothing_is_routed_or_noted(services: Services) -> None:
    assert not replica_configured(services.settings)
    assert not services.writers.enabled
    config = database_config(services.settings)
    assert "replica" not in str(config["connections"]["default"])


def test_the_replica_client_is_the_primary_clients_own_on_postgresql_only() -> None:
    base = {"env": Env.TEST, "secret_key": "x" * 48}
    models = ["models.accounts"]
    pg = tortoise_config(Settings(**base, database_url=PG, read_database_url=REPLICA_URL), models)
    assert list(pg["connections"]) == ["default"], "Tortoise still has one connection"
    replica = pg["connections"]["default"]["credentials"]["replica"]
    assert replica["host"] == "replica" and replica["user"] == "gongzhi_app"
    assert replica["timeout"] == REPLICA_CONNECT_TIMEOUT_SECONDS and replica["minsize"] == 0
    owner = tortoise_config(
        Settings(**base, database_url=PG, read_database_url=REPLICA_URL), models, owner=True
    )
    assert "replica" not in owner["connections"]["default"]["credentials"], "migrations: primary"
    sqlite = Settings(**base, database_url="sqlite://:memory:", read_database_url=REPLICA_URL)
    assert not replica_configured(sqlite)
    assert not replica_configured(Settings(**base, database_url=PG, read_database_url=""))


def test_lagging_reads_is_the_running_codes_own() -> None:
    assert not reads_may_lag()
    with lagging_reads():
        assert reads_may_lag()
        with primary_reads():
            assert not reads_may_lag()
        assert reads_may_lag()
    assert not reads_may_lag()


async def test_a_writer_is_noted_for_the_window_then_forgotten() -> None:
    now = [100.0]
    writers = RecentWriters(10, enabled=True, monotonic=lambda: now[0])
    assert not await writers.recently_wrote(7)
    await writers.wrote(7)
    assert await writers.recently_wrote(7)
    assert not await writers.recently_wrote(8), "someone else"
    assert not await writers.recently_wrote(None), "signed out"
    now[0] += 10.5
    assert not await writers.recently_wrote(7)
    off = RecentWriters(10, enabled=False)
    await off.wrote(7)
    assert not await off.recently_wrote(7), "no replica: nobody is noted"
