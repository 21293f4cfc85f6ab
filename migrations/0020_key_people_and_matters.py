from tortoise import migrations
from tortoise.migrations import operations as ops
from models.station import MatterKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0019_review_seam')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KeyMatter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='key_matters', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SUGGESTION: SUGGESTION\nCASE: CASE\nPROJECT: PROJECT', enum_type=MatterKind, max_length=16)),
                ('subject_id', fields.IntField()),
                ('note', fields.CharField(default='', max_length=200)),
                ('marked_by', fields.ForeignKeyField('gongzhi.User', source_field='marked_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('marked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_key_matter', 'app': 'gongzhi', 'unique_together': (('tenant', 'kind', 'subject_id'),), 'pk_attr': 'id', 'table_description': '重点事: a suggestion, case or project whose public content waits for review.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='KeyPerson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='key_people', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=200)),
                ('added_by', fields.ForeignKeyField('gongzhi.User', source_field='added_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_key_person', 'app': 'gongzhi', 'unique_together': (('tenant', 'resident'), ('tenant', 'user')), 'pk_attr': 'id', 'table_description': '重点人: a person of the street whose content, and content about them, waits for review.'},
            bases=['TenantModel'],
        ),
        ops.AddField(
            model_name='ReviewItem',
            name='concerns',
            field=fields.JSONField(default=list, db_default='[]', encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
