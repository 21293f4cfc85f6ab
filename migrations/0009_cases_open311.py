from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0008_cases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Open311Key',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='open311_keys', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(description='The system, e.g. 12345 热线', max_length=100)),
                ('key_hash', fields.CharField(unique=True, description='SHA-256 of the key', max_length=64)),
                ('hint', fields.CharField(description="The key's first characters", max_length=12)),
                ('created_by', fields.ForeignKeyField('gongzhi.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by', fields.ForeignKeyField('gongzhi.User', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'case_open311_key', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': "开放接口密钥: one outside system's key for reporting cases into the street."},
            bases=['TenantModel'],
        ),
    ]
