from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.votes import BallotMode, ElectorateKind, SubjectKind, ThresholdBasis, VoteKind, VoteStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0004_projects_notice_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='PROJECT_BALLOT: PROJECT_BALLOT\nRESOLUTION: RESOLUTION\nSATISFACTION: SATISFACTION', enum_type=VoteKind, max_length=16)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=VoteStatus.DRAFT, description='DRAFT: DRAFT\nOPEN: OPEN\nCLOSED: CLOSED\nPUBLISHED: PUBLISHED\nCANCELLED: CANCELLED', enum_type=VoteStatus, max_length=16)),
                ('mode', fields.CharEnumField(description='YES_NO_ABSTAIN: YES_NO_ABSTAIN\nAPPROVAL: APPROVAL\nRATING: RATING', enum_type=BallotMode, max_length=16)),
                ('secret', fields.BooleanField(default=True)),
                ('allow_changes', fields.BooleanField(default=False)),
                ('max_choices', fields.SmallIntField(null=True)),
                ('scale_max', fields.SmallIntField(default=5)),
                ('quorum_percent', fields.SmallIntField(default=50)),
                ('threshold_basis', fields.CharEnumField(default=ThresholdBasis.ELECTORATE, description='ELECTORATE: ELECTORATE\nBALLOTS_CAST: BALLOTS_CAST', enum_type=ThresholdBasis, max_length=16)),
                ('electorate_kind', fields.CharEnumField(description='REPRESENTATIVES: REPRESENTATIVES\nDELIBERATORS: DELIBERATORS\nRESIDENTS: RESIDENTS\nROSTER: ROSTER', enum_type=ElectorateKind, max_length=16)),
                ('electorate_spec', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('electorate_size', fields.IntField(default=0)),
                ('turnout', fields.IntField(default=0)),
                ('opens_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.TextField(default='', unique=False)),
                ('closing_reminded', fields.BooleanField(default=False)),
                ('result', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('result_digest', fields.CharField(default='', max_length=64)),
                ('created_by', fields.ForeignKeyField('gongzhi.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'vote', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'status'])], 'pk_attr': 'id', 'table_description': 'One vote of a street: its rules, its schedule, and once closed its result.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.RESTRICT)),
                ('vote', fields.ForeignKeyField('gongzhi.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('receipt_hash', fields.CharField(unique=True, max_length=64)),
                ('choices', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('salt', fields.CharField(description='Opens the seal in the audit chain', max_length=32)),
                ('voter', fields.ForeignKeyField('gongzhi.User', source_field='voter_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('cast_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ballot', 'app': 'gongzhi', 'indexes': [Index(fields=['vote_id', 'receipt_hash'])], 'pk_attr': 'id', 'table_description': '选票: what one voter marked, as counted.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Elector',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='electors', on_delete=OnDelete.RESTRICT)),
                ('vote', fields.ForeignKeyField('gongzhi.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='electors', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('voted', fields.BooleanField(default=False)),
                ('voted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('retry_tag', fields.CharField(default='', max_length=64)),
                ('earlier_retry_tags', fields.JSONField(default=list, description='Retry tags of ballots this voter later changed', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('change_tag', fields.CharField(default='', max_length=64)),
                ('reminded', fields.BooleanField(default=False)),
            ],
            options={'table': 'elector', 'app': 'gongzhi', 'unique_together': (('vote', 'user'),), 'indexes': [Index(fields=['vote_id', 'voted'])], 'pk_attr': 'id', 'table_description': '选民: one voter of a frozen electorate, and whether they voted.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='sealed_ballots', on_delete=OnDelete.RESTRICT)),
                ('vote', fields.ForeignKeyField('gongzhi.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='sealed_ballots', on_delete=OnDelete.CASCADE)),
                ('change_tag', fields.CharField(max_length=64)),
                ('sealed', fields.TextField(unique=False)),
            ],
            options={'table': 'sealed_ballot', 'app': 'gongzhi', 'unique_together': (('vote', 'change_tag'),), 'pk_attr': 'id', 'table_description': 'A secret ballot while its vote is open (封存的选票): its receipt hash, choices and salt'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='VoteItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='vote_items', on_delete=OnDelete.RESTRICT)),
                ('vote', fields.ForeignKeyField('gongzhi.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField()),
                ('label', fields.CharField(max_length=200)),
                ('subject_kind', fields.CharEnumField(default=SubjectKind.MOTION, description='DEPARTMENT: DEPARTMENT\nPROJECT: PROJECT\nREPRESENTATIVE: REPRESENTATIVE\nMOTION: MOTION', enum_type=SubjectKind, max_length=16)),
                ('project', fields.ForeignKeyField('gongzhi.Project', source_field='project_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('representative', fields.ForeignKeyField('gongzhi.User', source_field='representative_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'vote_item', 'app': 'gongzhi', 'unique_together': (('vote', 'position'),), 'pk_attr': 'id', 'table_description': 'One line of the ballot paper: a candidate project, the motion, or a subject to rate.'},
            bases=['TenantModel'],
        ),
    ]
