from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

async def _restore_sqlite_indexes(apps, schema_editor):
    """SQLite's AlterField rebuilds the table without its unique sequence per street and its
    subject index; PostgreSQL alters the column in place and keeps both."""
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    await client.execute_script(
        'CREATE UNIQUE INDEX IF NOT EXISTS "uid_audit_entr_tenant__sequence" '
        'ON "audit_entry" ("tenant_id", "sequence");\n'
        'CREATE INDEX IF NOT EXISTS "idx_audit_entr_tenant__subject" '
        'ON "audit_entry" ("tenant_id", "subject");'
    )


class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0005_votes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='audit_checkpoints', on_delete=OnDelete.RESTRICT)),
                ('size', fields.BigIntField()),
                ('root', fields.CharField(max_length=64)),
                ('key_id', fields.CharField(max_length=8)),
                ('note', fields.TextField(unique=False)),
                ('signed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('witnessed_at', fields.DatetimeField(null=True, description='Written to the witness folder', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_checkpoint', 'app': 'gongzhi', 'unique_together': (('tenant', 'size'),), 'pk_attr': 'id', 'table_description': "A signed checkpoint of a street's tree (a C2SP signed note): anyone may hold it, and a"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='AuditNode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='audit_nodes', on_delete=OnDelete.RESTRICT)),
                ('level', fields.SmallIntField()),
                ('position', fields.BigIntField()),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_node', 'app': 'gongzhi', 'unique_together': (('tenant', 'level', 'position'),), 'pk_attr': 'id', 'table_description': "A perfect subtree of a street's tree: the hash of the ``2**level`` leaves from"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='AuditTree',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='audit_trees', on_delete=OnDelete.RESTRICT)),
                ('size', fields.BigIntField(default=0)),
                ('root', fields.CharField(default='e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', max_length=64)),
                ('checkpoint_size', fields.BigIntField(default=0)),
                ('checkpoint_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_tree', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "A street's tree as the sequencer left it: its size and root, and the size of its last"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='DistrictCheckpoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district', fields.ForeignKeyField('gongzhi.District', source_field='district_id', db_constraint=True, to_field='id', related_name='audit_checkpoints', on_delete=OnDelete.RESTRICT)),
                ('street', fields.ForeignKeyField('gongzhi.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='district_checkpoints', on_delete=OnDelete.RESTRICT)),
                ('size', fields.BigIntField()),
                ('note', fields.TextField(unique=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'district_checkpoint', 'app': 'gongzhi', 'indexes': [Index(fields=['street_id', 'size'])], 'pk_attr': 'id', 'table_description': "区级见证: the district's own log of its streets' checkpoints, one row per checkpoint a"},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='AuditEntry',
            options={'table': 'audit_entry', 'app': 'gongzhi', 'unique_together': (('tenant', 'sequence'),), 'indexes': [Index(fields=['tenant_id', 'subject'])], 'pk_attr': 'id', 'table_description': 'One change of a street: pending until sequenced, then leaf ``sequence - 1`` of the'},
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='hash',
            field=fields.CharField(default='', description='Old chain only', max_length=64),
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='prev_hash',
            field=fields.CharField(default='', description='Old chain only', max_length=64),
        ),
        ops.AlterField(
            model_name='AuditEntry',
            name='sequence',
            field=fields.BigIntField(null=True, description='Its place in the log, once sequenced'),
        ),
        ops.AlterModelOptions(
            name='AuditHead',
            options={'table': 'audit_head', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "The end of a street's old hash chain: its last sequence and hash (no longer moved)."},
        ),
            ops.RunPython(_restore_sqlite_indexes, ops.RunPython.noop),
        # The sequencer finds pending entries (no sequence yet) through this index alone.
        ops.RunSQL(
            'CREATE INDEX "audit_entry_pending" ON "audit_entry" ("tenant_id", "id") '
            'WHERE "sequence" IS NULL',
            reverse_sql='DROP INDEX "audit_entry_pending"',
        ),
    ]
