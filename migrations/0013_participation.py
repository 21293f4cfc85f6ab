from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from decimal import Decimal
from json import dumps, loads
from models.cases import Urgency
from models.participation import RewardStatus, WishState
from models.patrols import PatrolState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0011_bell_step_warnings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KeyPoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrol_key_points', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('longitude', fields.FloatField()),
                ('latitude', fields.FloatField()),
                ('radius_m', fields.SmallIntField(description='Metres around the point a check-in counts')),
                ('active', fields.BooleanField(default=True)),
                ('last_checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'patrol_key_point', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'grid_id'])], 'pk_attr': 'id', 'table_description': '巡防点位: a place of the street a patrol checks in at, inside ``radius_m`` metres.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='MicroWish',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='micro_wishes', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('wisher', fields.ForeignKeyField('gongzhi.User', source_field='wisher_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('posted_by', fields.ForeignKeyField('gongzhi.User', source_field='posted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('case', fields.ForeignKeyField('gongzhi.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=WishState.OPEN, description='OPEN: OPEN\nCLAIMED: CLAIMED\nFULFILLED: FULFILLED\nCONFIRMED: CONFIRMED', enum_type=WishState, max_length=16)),
                ('claimer', fields.ForeignKeyField('gongzhi.User', source_field='claimer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fulfil_note', fields.TextField(default='', unique=False)),
                ('photo_path', fields.CharField(default='', max_length=200)),
                ('photo_sha256', fields.CharField(default='', max_length=64)),
                ('fulfilled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_by', fields.ForeignKeyField('gongzhi.User', source_field='confirmed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'micro_wish', 'app': 'gongzhi', 'unique_together': (('tenant', 'case'),), 'indexes': [Index(fields=['tenant_id', 'state', 'id']), Index(fields=['tenant_id', 'community_id', 'state'])], 'pk_attr': 'id', 'table_description': '微心愿: a small wish of a resident in need, and who claimed, fulfilled and confirmed it.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Patrol',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrols', on_delete=OnDelete.RESTRICT)),
                ('walker', fields.ForeignKeyField('gongzhi.User', source_field='walker_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=PatrolState.ACTIVE, description='ACTIVE: ACTIVE\nSTOPPED: STOPPED', enum_type=PatrolState, max_length=16)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('stopped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_at', fields.DatetimeField(null=True, description='Time of the last point received', auto_now=False, auto_now_add=False)),
                ('counted_at', fields.DatetimeField(null=True, description='Time of the last counted point', auto_now=False, auto_now_add=False)),
                ('last_longitude', fields.FloatField(null=True)),
                ('last_latitude', fields.FloatField(null=True)),
                ('points', fields.IntField(default=0)),
                ('flagged', fields.IntField(default=0, description='Points at an impossible speed')),
                ('distance_m', fields.FloatField(default=0.0)),
                ('route', fields.JSONField(null=True, description='GeoJSON Feature of a LineString with its times', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'patrol', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'walker_id', 'id']), Index(fields=['tenant_id', 'started_at'])], 'pk_attr': 'id', 'table_description': '定位巡防: one walk. ``last_at`` is the time of the last point received (the next must'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PatrolCell',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrol_cells', on_delete=OnDelete.RESTRICT)),
                ('cell', fields.CharField(description='H3 index, hexadecimal', max_length=16)),
                ('day', fields.DateField()),
            ],
            options={'table': 'patrol_cell', 'app': 'gongzhi', 'unique_together': (('tenant', 'cell', 'day'),), 'indexes': [Index(fields=['tenant_id', 'day'])], 'pk_attr': 'id', 'table_description': 'A hexagonal cell (H3) some patrol passed through on a day (Beijing time).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PatrolCheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrol_check_ins', on_delete=OnDelete.RESTRICT)),
                ('patrol', fields.ForeignKeyField('gongzhi.Patrol', source_field='patrol_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key_point', fields.ForeignKeyField('gongzhi.KeyPoint', source_field='key_point_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('distance_m', fields.FloatField(description='Geodesic distance from the key point')),
            ],
            options={'table': 'patrol_check_in', 'app': 'gongzhi', 'unique_together': (('patrol', 'key_point'),), 'pk_attr': 'id', 'table_description': '打卡: a patrol at a key point, within its radius. Once per patrol and key point.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PatrolFinding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrol_findings', on_delete=OnDelete.RESTRICT)),
                ('patrol', fields.ForeignKeyField('gongzhi.Patrol', source_field='patrol_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('note', fields.TextField(unique=False)),
                ('longitude', fields.FloatField()),
                ('latitude', fields.FloatField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('case', fields.ForeignKeyField('gongzhi.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'patrol_finding', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'patrol_id'])], 'pk_attr': 'id', 'table_description': '巡防发现: something a patrol noticed, reported as a case when it needs handling.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='PatrolPoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='patrol_points', on_delete=OnDelete.RESTRICT)),
                ('patrol', fields.ForeignKeyField('gongzhi.Patrol', source_field='patrol_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('longitude', fields.FloatField()),
                ('latitude', fields.FloatField()),
                ('flagged', fields.BooleanField(default=False, description='Reached at an impossible speed')),
            ],
            options={'table': 'patrol_point', 'app': 'gongzhi', 'unique_together': (('patrol', 'seq'),), 'pk_attr': 'id', 'table_description': 'One GPS point of a patrol, in the order received (``seq``).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='RankingConsent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='ranking_consents', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('show_name', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ranking_consent', 'app': 'gongzhi', 'unique_together': (('tenant', 'user'),), 'pk_attr': 'id', 'table_description': "实名上榜: a reporter's choice to show their name on the ranking (masked otherwise)."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='rewards', on_delete=OnDelete.RESTRICT)),
                ('case', fields.ForeignKeyField('gongzhi.Case', source_field='case_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('reporter', fields.ForeignKeyField('gongzhi.User', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(description='GRANTED: GRANTED\nDECLINED: DECLINED', enum_type=RewardStatus, max_length=16)),
                ('amount', fields.DecimalField(default=Decimal('0.00'), max_digits=14, decimal_places=2)),
                ('year', fields.SmallIntField(description='The budget year it is paid from')),
                ('note', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('gongzhi.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward', 'app': 'gongzhi', 'unique_together': (('tenant', 'case'),), 'indexes': [Index(fields=['tenant_id', 'reporter_id', 'id']), Index(fields=['tenant_id', 'year', 'id'])], 'pk_attr': 'id', 'table_description': "爆料奖励: the reviewer's decision on one case, granted (with its amount) or declined."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='RewardBudget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='reward_budgets', on_delete=OnDelete.RESTRICT)),
                ('year', fields.SmallIntField()),
                ('budget', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('granted', fields.DecimalField(default=Decimal('0.00'), max_digits=14, decimal_places=2)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward_budget', 'app': 'gongzhi', 'unique_together': (('tenant', 'year'),), 'pk_attr': 'id', 'table_description': '年度奖励预算: what the street may pay in rewards in one calendar year, and what it paid.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='RewardRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='reward_rules', on_delete=OnDelete.RESTRICT)),
                ('category', fields.ForeignKeyField('gongzhi.CaseCategory', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('urgency', fields.CharEnumField(null=True, description='ORDINARY: ORDINARY\nIMPORTANT: IMPORTANT\nURGENT: URGENT', enum_type=Urgency, max_length=16)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reward_rule', 'app': 'gongzhi', 'unique_together': (('tenant', 'category', 'urgency'),), 'pk_attr': 'id', 'table_description': '奖励标准: the amount paid for a verified case of a category and urgency. A rule without'},
            bases=['TenantModel'],
        ),
    ]
