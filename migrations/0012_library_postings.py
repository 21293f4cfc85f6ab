from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from collections import Counter


async def _postings(apps, schema_editor) -> None:
    """The case library's postings: every published case's terms (the search tokens without
    their street prefix, with their counts), and each street's library size; on PostgreSQL the covering index a query reads
    (street, term → case, tf, dl), and the tsvector column and GIN index they replace."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        # From the tsvector the index replaces (its lexemes are the street-prefixed tokens),
        # in one statement: row security holds the tables' owner too, so the statement reads
        # every street's cases under the platform scope of its own transaction.
        await schema_editor._run_sql(
            "DO $$ BEGIN "
            "PERFORM set_config('app.scope', 'platform', true); "
            'INSERT INTO "library_posting" ("tenant_id", "case_id", "term", "tf", "dl") '
            'SELECT c."tenant_id", c."id", '
            "left(regexp_replace(u.lexeme, '^s[0-9]+', ''), 72), "
            'coalesce(array_length(u.positions, 1), 1), c."search_length" '
            'FROM "library_case" c, unnest(c."search_vector") AS u '
            "WHERE c.\"status\" = 'PUBLISHED'; "
            "END $$"
        )
        await schema_editor._run_sql(
            "DO $$ BEGIN "
            "PERFORM set_config('app.scope', 'platform', true); "
            'INSERT INTO "library_stats" ("tenant_id", "documents", "length") '
            'SELECT "tenant_id", count(*), sum("search_length") FROM "library_case" '
            'WHERE "status" = \'PUBLISHED\' GROUP BY "tenant_id"; '
            "END $$"
        )
        await schema_editor._run_sql(
            'CREATE INDEX "library_posting_lookup" ON "library_posting" ("tenant_id", "term") '
            'INCLUDE ("case_id", "tf", "dl")'
        )
        await schema_editor._run_sql('DROP INDEX IF EXISTS "library_case_search_gin"')
        await schema_editor._run_sql('ALTER TABLE "library_case" DROP COLUMN "search_vector"')
        await schema_editor._run_sql('ANALYZE "library_posting"')
        return
    _, rows = await client.execute_query(
        'SELECT "id", "tenant_id", "search", "search_length" FROM "library_case" '
        "WHERE \"status\" = 'PUBLISHED'"
    )
    insert = (
        'INSERT INTO "library_posting" ("tenant_id", "case_id", "term", "tf", "dl") '
        "VALUES (?, ?, ?, ?, ?)"
    )
    await client.execute_script(
        'INSERT INTO "library_stats" ("tenant_id", "documents", "length") '
        'SELECT "tenant_id", count(*), sum("search_length") FROM "library_case" '
        'WHERE "status" = \'PUBLISHED\' GROUP BY "tenant_id"'
    )
    for row in rows:
        prefix = f"s{row['tenant_id']}"
        counts = Counter(
            token[len(prefix) :] for token in row["search"].split() if token.startswith(prefix)
        )
        values = [
            [row["tenant_id"], row["id"], term[:72], tf, row["search_length"]]
            for term, tf in counts.items()
        ]
        if values:
            await client.execute_many(insert, values)


async def _drop_postings(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql('DROP INDEX IF EXISTS "library_posting_lookup"')
        await schema_editor._run_sql(
            'ALTER TABLE "library_case" ADD COLUMN "search_vector" tsvector '
            "GENERATED ALWAYS AS (to_tsvector('simple', \"search\")) STORED"
        )
        await schema_editor._run_sql(
            'CREATE INDEX "library_case_search_gin" ON "library_case" USING GIN ("search_vector")'
        )


class Migration(migrations.Migration):
    dependencies = [("gongzhi", "0011_bell_step_warnings")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LibraryPosting",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="library_postings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "gongzhi.LibraryCase",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="postings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("term", fields.CharField(max_length=72)),
                ("tf", fields.IntField()),
                ("dl", fields.IntField()),
            ],
            options={
                "table": "library_posting",
                "app": "gongzhi",
                "pk_attr": "id",
                "table_description": "案例库检索词: one search term of a published library case, how often the case has it",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="LibraryStats",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "tenant",
                    fields.OneToOneField(
                        "gongzhi.Street",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="library_stats",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("documents", fields.IntField(default=0)),
                ("length", fields.BigIntField(default=0)),
            ],
            options={
                "table": "library_stats",
                "app": "gongzhi",
                "pk_attr": "id",
                "table_description": "案例库统计: how many cases the street's library has published and their total length in",
            },
            bases=["TenantModel"],
        ),
        ops.RunPython(_postings, _drop_postings),
    ]
