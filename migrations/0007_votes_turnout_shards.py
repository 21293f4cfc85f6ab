from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0006_audit_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TurnoutShard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='turnout_shards', on_delete=OnDelete.RESTRICT)),
                ('vote', fields.ForeignKeyField('gongzhi.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='turnout_shards', on_delete=OnDelete.CASCADE)),
                ('shard', fields.SmallIntField()),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'turnout_shard', 'app': 'gongzhi', 'unique_together': (('vote', 'shard'),), 'pk_attr': 'id', 'table_description': "One of the counters an open vote's turnout is the sum of (计票分片): a ballot raises"},
            bases=['TenantModel'],
        ),
        # Votes open during the upgrade keep their turnout: it becomes their first shard.
        ops.RunSQL(
            'INSERT INTO "turnout_shard" ("tenant_id", "vote_id", "shard", "count") '
            'SELECT "vote"."tenant_id", "vote"."id", "n"."shard", '
            'CASE WHEN "n"."shard" = 0 THEN "vote"."turnout" ELSE 0 END FROM "vote", ('
            + " UNION ALL ".join(f'SELECT {n} AS "shard"' for n in range(16))
            + ') AS "n" WHERE "vote"."status" = \'OPEN\'',
            reverse_sql='DELETE FROM "turnout_shard"',
        ),
    ]
