from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.RESTRICT)),
                ('sequence', fields.BigIntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.IntField(null=True, description='The user who made the change, if any')),
                ('action', fields.CharField(max_length=64)),
                ('subject', fields.CharField(max_length=120)),
                ('change', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('digest', fields.CharField(max_length=64)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'gongzhi', 'unique_together': (('tenant', 'sequence'),), 'indexes': [Index(fields=['tenant_id', 'subject'])], 'pk_attr': 'id', 'table_description': "One change in a street's chain."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='AuditHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='audit_heads', on_delete=OnDelete.RESTRICT)),
                ('sequence', fields.BigIntField(default=0)),
                ('hash', fields.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={'table': 'audit_head', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "The end of a street's chain: its last sequence and hash."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='EventStream',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='event_streams', on_delete=OnDelete.RESTRICT)),
                ('position', fields.BigIntField(default=0)),
            ],
            options={'table': 'event_stream', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "The head of a street's event stream: the last position the relay gave out."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(default='', unique=False)),
                ('subject', fields.CharField(null=True, max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'user_id', 'read_at'])], 'pk_attr': 'id', 'table_description': "A message in one user's inbox in one street (消息): a deadline warning, a reply…"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('type', fields.CharField(max_length=64)),
                ('subject', fields.CharField(default='', max_length=120)),
                ('actor_id', fields.IntField(null=True, description='The user who made the change, if any')),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('visibility', fields.CharField(default='event:read', max_length=64)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('position', fields.BigIntField(null=True)),
                ('published_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'gongzhi', 'unique_together': (('tenant', 'position'),), 'pk_attr': 'id', 'table_description': 'One domain event of a street, as committed with its change.'},
            bases=['TenantModel'],
        ),
    ]
