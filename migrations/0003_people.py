from tortoise import migrations
from tortoise.migrations import operations as ops
from models.notices import TargetKind
from models.outreach import DelegateKind, DelegateLevel
from models.people import GridDuty
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0002_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommunityAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='community_assignments', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community_assignment', 'app': 'gongzhi', 'unique_together': (('tenant', 'community', 'user'),), 'pk_attr': 'id', 'table_description': 'A staff member serving a community (社区两委).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Compound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='compounds', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='compounds', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compound', 'app': 'gongzhi', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id', 'table_description': '小区: a residential compound inside a community.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Building',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('compound', fields.ForeignKeyField('gongzhi.Compound', source_field='compound_id', db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'building', 'app': 'gongzhi', 'unique_together': (('tenant', 'compound', 'name'),), 'pk_attr': 'id', 'table_description': '楼栋: a building of a compound, served by one grid.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='DeliberatorGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='deliberator_groups', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'deliberator_group', 'app': 'gongzhi', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id', 'table_description': "议事组: a group of deliberators of the street's resident council."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Delegate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='delegates', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='REPRESENTATIVE: REPRESENTATIVE\nDELIBERATOR: DELIBERATOR', enum_type=DelegateKind, max_length=16)),
                ('name', fields.CharField(max_length=50)),
                ('level', fields.CharEnumField(null=True, description='CITY: CITY\nDISTRICT: DISTRICT\nSTREET: STREET', enum_type=DelegateLevel, max_length=16)),
                ('constituency', fields.CharField(default='', max_length=100)),
                ('liaison_station', fields.CharField(default='', max_length=100)),
                ('introduction', fields.TextField(default='', unique=False)),
                ('group', fields.ForeignKeyField('gongzhi.DeliberatorGroup', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.SET_NULL)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delegate', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': 'A representative (人大代表) or deliberator (议事员) and their public profile.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ContactCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='contact_codes', on_delete=OnDelete.RESTRICT)),
                ('delegate', fields.ForeignKeyField('gongzhi.Delegate', source_field='delegate_id', db_constraint=True, to_field='id', related_name='codes', on_delete=OnDelete.CASCADE)),
                ('token', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_code', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': 'A contact QR code: an opaque token in a deep link, revocable.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='DelegateArea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='delegate_areas', on_delete=OnDelete.RESTRICT)),
                ('delegate', fields.ForeignKeyField('gongzhi.Delegate', source_field='delegate_id', db_constraint=True, to_field='id', related_name='areas', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'delegate_area', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'community_id'])], 'pk_attr': 'id', 'table_description': 'A community (or one grid of it) a delegate serves.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='GridAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='grid_assignments', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('duty', fields.CharEnumField(description='CHIEF: CHIEF\nWORKER: WORKER', enum_type=GridDuty, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'grid_assignment', 'app': 'gongzhi', 'unique_together': (('tenant', 'grid', 'user'),), 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id', 'table_description': 'A staff member serving a grid (网格长 or 网格员).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Handover',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='handovers', on_delete=OnDelete.RESTRICT)),
                ('leaver', fields.ForeignKeyField('gongzhi.User', source_field='leaver_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('successor', fields.ForeignKeyField('gongzhi.User', source_field='successor_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('performed_by', fields.ForeignKeyField('gongzhi.User', source_field='performed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('grids_moved', fields.IntField(default=0)),
                ('communities_moved', fields.IntField(default=0)),
                ('threads_moved', fields.IntField(default=0)),
                ('residents_covered', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'handover', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': "账号继承: a leaving grid chief's work moved to a successor."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('sender', fields.ForeignKeyField('gongzhi.User', source_field='sender_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=100)),
                ('body', fields.TextField(unique=False)),
                ('has_tags', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notice', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'sender_id'])], 'pk_attr': 'id', 'table_description': "一键群发: a notice stored once with its target. A resident's inbox matches the notices"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='NoticeTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='notice_targets', on_delete=OnDelete.RESTRICT)),
                ('notice', fields.ForeignKeyField('gongzhi.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='targets', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='STREET: STREET\nCOMMUNITY: COMMUNITY\nGRID: GRID\nTAG: TAG', enum_type=TargetKind, max_length=16)),
                ('ref_id', fields.IntField()),
            ],
            options={'table': 'notice_target', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'kind', 'ref_id', 'notice_id'])], 'pk_attr': 'id', 'table_description': "One part of a notice's target: the whole street, a community, a grid or a tag."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PeopleSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='people_settings', on_delete=OnDelete.RESTRICT)),
                ('monthly_visit_target', fields.IntField(default=30)),
            ],
            options={'table': 'people_settings', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "A street's targets for people work (monthly visits per worker, default 30)."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Resident',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=50)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('id_hash', fields.CharField(max_length=64)),
                ('id_masked', fields.CharField(max_length=18)),
                ('address', fields.CharField(default='', max_length=200)),
                ('household', fields.CharField(default='', max_length=50)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.SET_NULL)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.SET_NULL)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.SET_NULL)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'resident', 'app': 'gongzhi', 'unique_together': (('tenant', 'id_hash'),), 'indexes': [Index(fields=['tenant_id', 'grid_id']), Index(fields=['tenant_id', 'user_id']), Index(fields=['tenant_id', 'community_id'])], 'pk_attr': 'id', 'table_description': '居民: a person living in the street. The ID-card number is kept only as a keyed hash'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='MessageThread',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='message_threads', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='threads', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('gongzhi.User', source_field='staff_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_message_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'message_thread', 'app': 'gongzhi', 'unique_together': (('tenant', 'resident', 'staff'),), 'indexes': [Index(fields=['tenant_id', 'staff_id'])], 'pk_attr': 'id', 'table_description': 'A one-to-one conversation between a staff member (网格长) and a resident.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.RESTRICT)),
                ('thread', fields.ForeignKeyField('gongzhi.MessageThread', source_field='thread_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('gongzhi.User', source_field='sender_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('from_resident', fields.BooleanField()),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'message', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'thread_id'])], 'pk_attr': 'id', 'table_description': 'One message of a thread.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='NoticeReceipt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='notice_receipts', on_delete=OnDelete.RESTRICT)),
                ('notice', fields.ForeignKeyField('gongzhi.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='receipts', on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='notice_receipts', on_delete=OnDelete.CASCADE)),
                ('read_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notice_receipt', 'app': 'gongzhi', 'unique_together': (('tenant', 'notice', 'resident'),), 'pk_attr': 'id', 'table_description': 'A read receipt: the resident opened the notice.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'resident_tag_name', 'app': 'gongzhi', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id', 'table_description': 'A resident tag of the street (残疾人, 独居老人…), editable by the street.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ResidentTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='resident_tags', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='tag_links', on_delete=OnDelete.CASCADE)),
                ('tag', fields.ForeignKeyField('gongzhi.Tag', source_field='tag_id', db_constraint=True, to_field='id', related_name='resident_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'resident_tag', 'app': 'gongzhi', 'unique_together': (('tenant', 'resident', 'tag'),), 'indexes': [Index(fields=['tenant_id', 'tag_id', 'resident_id'])], 'pk_attr': 'id', 'table_description': 'A tag given to a resident.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='VisitLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='visit_logs', on_delete=OnDelete.RESTRICT)),
                ('worker', fields.ForeignKeyField('gongzhi.User', source_field='worker_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.CASCADE)),
                ('visited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('findings', fields.TextField(unique=False)),
                ('follow_up', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'visit_log', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'visited_at', 'worker_id'])], 'pk_attr': 'id', 'table_description': '走访日志: a household visit recorded by a grid worker.'},
            bases=['TenantModel'],
        ),
    ]
