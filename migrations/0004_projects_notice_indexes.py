from tortoise import migrations
from tortoise.migrations import operations as ops
import datetime
from decimal import Decimal
from models.projects import ProgressSource, ProjectStatus, SourceKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0003_people')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Project',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.CharField(max_length=40)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
                ('address', fields.CharField(default='', max_length=200)),
                ('longitude', fields.FloatField(null=True)),
                ('latitude', fields.FloatField(null=True)),
                ('department', fields.CharField(description='The responsible department', max_length=100)),
                ('handler', fields.ForeignKeyField('gongzhi.User', source_field='handler_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('leader', fields.ForeignKeyField('gongzhi.User', source_field='leader_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('planned_start', fields.DateField()),
                ('planned_end', fields.DateField()),
                ('budget', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('spent', fields.DecimalField(default=Decimal('0.00'), max_digits=14, decimal_places=2)),
                ('status', fields.CharEnumField(default=ProjectStatus.PROPOSED, description='PROPOSED: PROPOSED\nCANDIDATE: CANDIDATE\nAPPROVED: APPROVED\nIN_PROGRESS: IN_PROGRESS\nCOMPLETED: COMPLETED\nACCEPTED: ACCEPTED\nREJECTED: REJECTED\nSUSPENDED: SUSPENDED', enum_type=ProjectStatus, max_length=16)),
                ('progress', fields.SmallIntField(default=0, description='Percent done, 0 to 100')),
                ('progress_source', fields.CharEnumField(default=ProgressSource.MILESTONES, description='MILESTONES: MILESTONES\nMANUAL: MANUAL', enum_type=ProgressSource, max_length=16)),
                ('progress_reason', fields.TextField(default='', unique=False)),
                ('next_due', fields.DateField(default=datetime.date.fromisoformat('9999-12-31'), description='Earliest planned date of an open milestone')),
                ('source_kind', fields.CharEnumField(null=True, description='CASE: CASE\nSUGGESTION: SUGGESTION\nCONSULTATION: CONSULTATION', enum_type=SourceKind, max_length=16)),
                ('source_ref', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'progress', 'next_due', 'id']), Index(fields=['tenant_id', 'next_due', 'progress', 'id']), Index(fields=['tenant_id', 'status'])], 'pk_attr': 'id', 'table_description': '民生实事项目: one livelihood project of a street.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Disbursement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='disbursements', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='disbursements', on_delete=OnDelete.CASCADE)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('paid_on', fields.DateField()),
                ('purpose', fields.CharField(max_length=200)),
                ('over_budget', fields.BooleanField(default=False)),
                ('over_budget_reason', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('gongzhi.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_disbursement', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'project_id'])], 'pk_attr': 'id', 'table_description': "资金使用: one payment out of the project's budget."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Follow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='project_follows', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_follow', 'app': 'gongzhi', 'unique_together': (('project', 'user'),), 'pk_attr': 'id', 'table_description': 'A resident follows a project (关注).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Milestone',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='milestones', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='milestones', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('planned_date', fields.DateField()),
                ('done_date', fields.DateField(null=True)),
                ('weight', fields.SmallIntField(default=1)),
                ('warned_level', fields.SmallIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_milestone', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'project_id']), Index(fields=['done_date', 'planned_date'])], 'pk_attr': 'id', 'table_description': '里程碑: a step of a project with a planned date and a weight.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Opinion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='project_opinions', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='opinions', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('gongzhi.User', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reply_due', fields.DateField()),
                ('reply', fields.TextField(null=True, unique=False)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('replied_by', fields.ForeignKeyField('gongzhi.User', source_field='replied_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('replied_late', fields.BooleanField(default=False)),
                ('reply_score', fields.SmallIntField(null=True)),
            ],
            options={'table': 'project_opinion', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'project_id']), Index(fields=['tenant_id', 'replied_at', 'reply_due'])], 'pk_attr': 'id', 'table_description': "监督意见: a representative's or deliberator's opinion, answered by the department"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ProgressUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='progress_updates', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('gongzhi.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_update', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'project_id'])], 'pk_attr': 'id', 'table_description': '进展: what the department reports, with photos.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Photo',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='project_photos', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('update', fields.ForeignKeyField('gongzhi.ProgressUpdate', source_field='update_id', null=True, db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('disbursement', fields.ForeignKeyField('gongzhi.Disbursement', source_field='disbursement_id', null=True, db_constraint=True, to_field='id', related_name='vouchers', on_delete=OnDelete.CASCADE)),
                ('path', fields.CharField(description='Relative to the upload directory', max_length=200)),
                ('content_type', fields.CharField(max_length=40)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_photo', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'project_id'])], 'pk_attr': 'id', 'table_description': 'A checked image stored under the upload directory: of an update, or a voucher.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='project_ratings', on_delete=OnDelete.RESTRICT)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('score', fields.SmallIntField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'project_rating', 'app': 'gongzhi', 'unique_together': (('project', 'user'),), 'pk_attr': 'id', 'table_description': '满意度: one rating per person per project, 1 to 5, changeable until acceptance.'},
            bases=['TenantModel'],
        ),
        ops.AddIndex(
            model_name='Notice',
            index=Index(fields=['tenant_id', 'id']),
        ),
        ops.AddIndex(
            model_name='NoticeReceipt',
            index=Index(fields=['tenant_id', 'resident_id', 'notice_id']),
        ),
        ops.AddIndex(
            model_name='NoticeTarget',
            index=Index(fields=['tenant_id', 'notice_id', 'kind', 'ref_id']),
        ),
        ops.DeleteModel(name='Handover'),
    ]
