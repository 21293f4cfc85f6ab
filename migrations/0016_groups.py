from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0015_bases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChatGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='chat_groups', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=50)),
                ('owner', fields.ForeignKeyField('gongzhi.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('pinned_message_id', fields.BigIntField(null=True, description='The pinned announcement')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'chat_group', 'app': 'gongzhi', 'unique_together': (('tenant', 'grid', 'name'),), 'indexes': [Index(fields=['tenant_id', 'owner_id'])], 'pk_attr': 'id', 'table_description': '群聊: a group of a grid (or of one of its buildings), owned by a grid chief.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='GroupMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='group_members', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('gongzhi.ChatGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('muted', fields.BooleanField(default=False)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_read_id', fields.BigIntField(default=0)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_member', 'app': 'gongzhi', 'unique_together': (('tenant', 'group', 'user'),), 'indexes': [Index(fields=['tenant_id', 'user_id']), Index(fields=['group_id', 'last_read_id'])], 'pk_attr': 'id', 'table_description': 'A member of a group: muted (禁言) by the owner, removed (kept, so a removed member is'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='GroupMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='group_messages', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('gongzhi.ChatGroup', source_field='group_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('gongzhi.User', source_field='sender_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_message', 'app': 'gongzhi', 'indexes': [Index(fields=['group_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One message of a group (text), removable by the owner.'},
            bases=['TenantModel'],
        ),
    ]
