from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.station import ContentKind, MatterKind, ReviewStatus, SuggestionStatus, TaskStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0011_bell_step_warnings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DifficultMatter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='difficult_matters', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SUGGESTION: SUGGESTION\nCASE: CASE\nPROJECT: PROJECT', enum_type=MatterKind, max_length=16)),
                ('subject_id', fields.IntField()),
                ('note', fields.CharField(default='', max_length=200)),
                ('marked_by', fields.ForeignKeyField('gongzhi.User', source_field='marked_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('marked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_difficult_matter', 'app': 'gongzhi', 'unique_together': (('tenant', 'kind', 'subject_id'),), 'pk_attr': 'id', 'table_description': '办理疑难清单: a suggestion, case or project marked difficult by congress staff.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='DifficultRollUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='difficult_roll_ups', on_delete=OnDelete.RESTRICT)),
                ('month', fields.CharField(max_length=7)),
                ('open_count', fields.IntField()),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_difficult_roll_up', 'app': 'gongzhi', 'unique_together': (('tenant', 'month'),), 'pk_attr': 'id', 'table_description': "The monthly roll-up of the difficult-matters list sent to the street's leaders, once"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ReviewItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='review_items', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SUGGESTION_SUMMARY: SUGGESTION_SUMMARY\nTASK_NOTICE: TASK_NOTICE', enum_type=ContentKind, max_length=32)),
                ('subject_id', fields.IntField()),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=ReviewStatus, max_length=16)),
                ('matched', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reviewed', fields.BooleanField(default=False)),
                ('author', fields.ForeignKeyField('gongzhi.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewer', fields.ForeignKeyField('gongzhi.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_review_item', 'app': 'gongzhi', 'unique_together': (('tenant', 'kind', 'subject_id'),), 'indexes': [Index(fields=['tenant_id', 'status'])], 'pk_attr': 'id', 'table_description': '审核: one piece of content on its way to the public page. Public only once APPROVED.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='StationSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='station_settings', on_delete=OnDelete.RESTRICT)),
                ('reply_days', fields.IntField(default=10)),
                ('yellow_percent', fields.IntField(default=70)),
                ('always_review', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'station_settings', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "A street's station settings: working days a reply may take, the yellow line in percent"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='StationTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='station_tasks', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('places', fields.IntField()),
                ('claimed', fields.IntField(default=0)),
                ('status', fields.CharEnumField(default=TaskStatus.OPEN, description='OPEN: OPEN\nCLOSED: CLOSED', enum_type=TaskStatus, max_length=16)),
                ('posted_by', fields.ForeignKeyField('gongzhi.User', source_field='posted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_task', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '抢单任务: a task staff post (a survey, a visit, supervising a project site) with a'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Suggestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='suggestions', on_delete=OnDelete.RESTRICT)),
                ('delegate', fields.ForeignKeyField('gongzhi.Delegate', source_field='delegate_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('writer', fields.ForeignKeyField('gongzhi.User', source_field='writer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('private', fields.BooleanField(default=False)),
                ('text', fields.TextField(unique=False)),
                ('place', fields.CharField(default='', max_length=200)),
                ('category', fields.CharField(default='', max_length=40)),
                ('photos', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=SuggestionStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nFORWARDED: FORWARDED\nANSWERED: ANSWERED\nRATED: RATED', enum_type=SuggestionStatus, max_length=16)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_on', fields.DateField()),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('yellow_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('warned_level', fields.IntField(default=0)),
                ('answer', fields.TextField(default='', unique=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('on_time', fields.BooleanField(null=True)),
                ('department', fields.ForeignKeyField('gongzhi.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('case', fields.ForeignKeyField('gongzhi.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('forwarded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('department_reply', fields.TextField(default='', unique=False)),
                ('department_replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rating', fields.IntField(null=True)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_suggestion', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'delegate_id']), Index(fields=['tenant_id', 'writer_id']), Index(fields=['warned_level', 'yellow_at'])], 'pk_attr': 'id', 'table_description': "代表建议 / 民情反映: a resident's suggestion to one representative or deliberator."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='SuggestionWarning',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='suggestion_warnings', on_delete=OnDelete.RESTRICT)),
                ('suggestion', fields.ForeignKeyField('gongzhi.Suggestion', source_field='suggestion_id', db_constraint=True, to_field='id', related_name='warnings', on_delete=OnDelete.CASCADE)),
                ('level', fields.IntField()),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_suggestion_warning', 'app': 'gongzhi', 'unique_together': (('tenant', 'suggestion', 'level'),), 'pk_attr': 'id', 'table_description': 'A reply deadline warning sent for a suggestion: yellow or red, once each.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TaskClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='station_task_claims', on_delete=OnDelete.RESTRICT)),
                ('task', fields.ForeignKeyField('gongzhi.StationTask', source_field='task_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('slot_no', fields.IntField()),
                ('claimer', fields.ForeignKeyField('gongzhi.User', source_field='claimer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('claimed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('report', fields.TextField(default='', unique=False)),
                ('photos', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_by', fields.ForeignKeyField('gongzhi.User', source_field='confirmed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'station_task_claim', 'app': 'gongzhi', 'unique_together': (('task', 'slot_no'), ('task', 'claimer')), 'indexes': [Index(fields=['tenant_id', 'claimer_id'])], 'pk_attr': 'id', 'table_description': 'One place of a task taken: slot numbers 1 to places, one per claimer.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='WatchEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='watch_entries', on_delete=OnDelete.RESTRICT)),
                ('phrase', fields.CharField(max_length=50)),
                ('folded', fields.CharField(max_length=50)),
                ('added_by', fields.ForeignKeyField('gongzhi.User', source_field='added_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_watch_entry', 'app': 'gongzhi', 'unique_together': (('tenant', 'folded'),), 'pk_attr': 'id', 'table_description': "重点词: a keyword or phrase of the street's watch list, kept as written and folded."},
            bases=['TenantModel'],
        ),
    ]
