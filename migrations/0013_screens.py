from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0012_library_postings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Screen',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='screens', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=60)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('account', fields.OneToOneField('gongzhi.User', source_field='account_id', db_constraint=True, to_field='id', related_name='screen', on_delete=OnDelete.CASCADE)),
                ('paired_by', fields.ForeignKeyField('gongzhi.User', source_field='paired_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('paired_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'screen', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '一块大屏: a paired display, with its own DISPLAY account and what it shows (the street,'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ScreenPairing',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=8)),
                ('secret_digest', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('street', fields.ForeignKeyField('gongzhi.Street', source_field='street_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('screen_pk', fields.IntField(null=True, description='The screen it paired, in that street')),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('collected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'screen_pairing', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '大屏绑定码: a code a screen shows for a few minutes, claimed once by a street admin,'},
            bases=['Model'],
        ),
    ]
