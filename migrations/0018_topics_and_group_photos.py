from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0017_participation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GroupPhoto',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='group_photos', on_delete=OnDelete.RESTRICT)),
                ('message', fields.ForeignKeyField('gongzhi.GroupMessage', source_field='message_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(max_length=40)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_photo', 'app': 'gongzhi', 'indexes': [Index(fields=['message_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A photo of a group message, stored by the upload pipeline (sniffed, size-limited,'},
            bases=['TenantModel'],
        ),
        ops.AlterModelOptions(
            name='GroupMessage',
            options={'table': 'group_message', 'app': 'gongzhi', 'indexes': [Index(fields=['group_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One message of a group (text, photos or both), removable by the owner.'},
        ),
        ops.AddField(
            model_name='OutboxEvent',
            name='topics',
            field=fields.CharField(null=True, description='Topic keys, joined by spaces', max_length=200),
        ),
    ]
