from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.consultations import BellActivity, Channel, Classification, InvitationStatus, LibraryStatus, PartyKind, RequesterKind, Step, Verdict
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

async def _search_index(apps, schema_editor) -> None:
    """The case library's search on PostgreSQL: the stored column search_vector
    (to_tsvector('simple', search), generated) and a GIN index on it.
    SQLite's FTS5 tables are the streets' own, made as each street publishes its first case."""
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql(
            'ALTER TABLE "library_case" ADD COLUMN "search_vector" tsvector '
            "GENERATED ALWAYS AS (to_tsvector('simple', \"search\")) STORED"
        )
        await schema_editor._run_sql(
            'CREATE INDEX "library_case_search_gin" ON "library_case" USING GIN ("search_vector")'
        )


async def _drop_search_index(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql('DROP INDEX IF EXISTS "library_case_search_gin"')
        await schema_editor._run_sql('ALTER TABLE "library_case" DROP COLUMN "search_vector"')


class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0009_cases_open311')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BellSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='bell_settings', on_delete=OnDelete.RESTRICT)),
                ('offices', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('step_days', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('yellow_days', fields.SmallIntField(default=1)),
            ],
            options={'table': 'bell_settings', 'app': 'gongzhi', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': "A street's bell settings: its offices (六办三中心) for non-consultation matters, its"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='BellTerminal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='bell_terminals', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bell_terminal', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '协商铃终端: the smart terminal of a community centre. It holds a key (only its hash is'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Consultation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultations', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(unique=False)),
                ('category', fields.CharField(max_length=40)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('compound', fields.ForeignKeyField('gongzhi.Compound', source_field='compound_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('requester_kind', fields.CharEnumField(description='RESIDENT: RESIDENT\nCOMMUNITY: COMMUNITY\nSTREET_BODY: STREET_BODY', enum_type=RequesterKind, max_length=16)),
                ('channel', fields.CharEnumField(description='PHONE: PHONE\nTERMINAL: TERMINAL\nON_BEHALF: ON_BEHALF', enum_type=Channel, max_length=16)),
                ('requester', fields.ForeignKeyField('gongzhi.User', source_field='requester_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('entered_by', fields.ForeignKeyField('gongzhi.User', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('terminal', fields.ForeignKeyField('gongzhi.BellTerminal', source_field='terminal_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('contact_phone', fields.CharField(default='', max_length=20)),
                ('photos', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('suggested_parties', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('step', fields.CharEnumField(default=Step.SUBMITTED, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nINVITED: INVITED\nCOORDINATED: COORDINATED\nCONFIRMED: CONFIRMED\nMET: MET\nREVIEWED: REVIEWED\nANNOUNCED: ANNOUNCED\nEVALUATED: EVALUATED\nROUTED: ROUTED\nNOT_ACCEPTED: NOT_ACCEPTED', enum_type=Step, max_length=16)),
                ('classification', fields.CharEnumField(null=True, description='CONSULTATION: CONSULTATION\nNON_CONSULTATION: NON_CONSULTATION', enum_type=Classification, max_length=16)),
                ('office', fields.CharField(default='', max_length=40)),
                ('case', fields.ForeignKeyField('gongzhi.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('not_accepted_reason', fields.TextField(default='', unique=False)),
                ('handler', fields.ForeignKeyField('gongzhi.User', source_field='handler_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('agenda', fields.TextField(default='', unique=False)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('announcement', fields.TextField(default='', unique=False)),
                ('step_due', fields.DateField(null=True)),
                ('warned_level', fields.SmallIntField(default=0)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('announced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultation', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'step']), Index(fields=['tenant_id', 'community_id']), Index(fields=['tenant_id', 'submitted_at'])], 'pk_attr': 'id', 'table_description': 'One ring of the bell and its nine steps (协商事项).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='BellLogEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='bell_log', on_delete=OnDelete.RESTRICT)),
                ('worker', fields.ForeignKeyField('gongzhi.User', source_field='worker_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('consultation', fields.ForeignKeyField('gongzhi.Consultation', source_field='consultation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('activity', fields.CharEnumField(description='VISIT: VISIT\nCALL: CALL\nCOORDINATION: COORDINATION\nPROMOTION: PROMOTION\nOTHER: OTHER', enum_type=BellActivity, max_length=16)),
                ('note', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bell_log_entry', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'at'])], 'pk_attr': 'id', 'table_description': '协商铃工作日志: one bell activity of a grid worker (a visit, a call, coordination),'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ConsultationMeeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultation_meetings', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.OneToOneField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='meeting', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(default='', max_length=200)),
                ('online_link', fields.CharField(default='', max_length=500)),
                ('agenda', fields.TextField(default='', unique=False)),
                ('code', fields.CharField(max_length=12)),
                ('held_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('decisions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('attachments', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultation_meeting', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '召开协商会议: the meeting of a consultation: when, where (or the online link), its'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ConsultationStep',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultation_steps', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.ForeignKeyField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='timeline', on_delete=OnDelete.CASCADE)),
                ('step', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nINVITED: INVITED\nCOORDINATED: COORDINATED\nCONFIRMED: CONFIRMED\nMET: MET\nREVIEWED: REVIEWED\nANNOUNCED: ANNOUNCED\nEVALUATED: EVALUATED\nROUTED: ROUTED\nNOT_ACCEPTED: NOT_ACCEPTED', enum_type=Step, max_length=16)),
                ('actor', fields.ForeignKeyField('gongzhi.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'consultation_step', 'app': 'gongzhi', 'indexes': [Index(fields=['consultation_id', 'at'])], 'pk_attr': 'id', 'table_description': "One step of a consultation's timeline (留痕): which step, who took it, when, a note and"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Evaluation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultation_evaluations', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.ForeignKeyField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='evaluations', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('rating', fields.SmallIntField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('by_requester', fields.BooleanField(default=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultation_evaluation', 'app': 'gongzhi', 'unique_together': (('consultation', 'user'),), 'pk_attr': 'id', 'table_description': '评价协商结果: one rating (1 to 5) of an announced outcome, by the requester or a'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultation_invitations', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.ForeignKeyField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('party_kind', fields.CharEnumField(description='COMMUNITY: COMMUNITY\nPROPERTY_COMPANY: PROPERTY_COMPANY\nOWNERS_COMMITTEE: OWNERS_COMMITTEE\nSTREET_DEPARTMENT: STREET_DEPARTMENT\nDISTRICT_DEPARTMENT: DISTRICT_DEPARTMENT\nPROFESSIONAL: PROFESSIONAL\nRESIDENT: RESIDENT', enum_type=PartyKind, max_length=24)),
                ('party_name', fields.CharField(max_length=100)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=InvitationStatus.INVITED, description='INVITED: INVITED\nACCEPTED: ACCEPTED\nDECLINED: DECLINED', enum_type=InvitationStatus, max_length=16)),
                ('reason', fields.TextField(default='', unique=False)),
                ('position', fields.TextField(default='', unique=False)),
                ('attending', fields.BooleanField(default=False)),
                ('checkin_nonce', fields.CharField(default='', max_length=32)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verdict', fields.CharEnumField(null=True, description='SIGNED: SIGNED\nOBJECTED: OBJECTED', enum_type=Verdict, max_length=16)),
                ('verdict_reason', fields.TextField(default='', unique=False)),
                ('invited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultation_invitation', 'app': 'gongzhi', 'unique_together': (('consultation', 'user'),), 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id', 'table_description': '协商约请: one party invited to a consultation, answered by one account.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='LibraryCase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='library_cases', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.OneToOneField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='library_case', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('category', fields.CharField(max_length=40)),
                ('summary', fields.TextField(unique=False)),
                ('outcome', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=LibraryStatus.DRAFT, description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED', enum_type=LibraryStatus, max_length=16)),
                ('search', fields.TextField(default='', unique=False)),
                ('search_length', fields.IntField(default=0)),
                ('drafted_by', fields.ForeignKeyField('gongzhi.User', source_field='drafted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('published_by', fields.ForeignKeyField('gongzhi.User', source_field='published_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'library_case', 'app': 'gongzhi', 'indexes': [Index(fields=['tenant_id', 'status'])], 'pk_attr': 'id', 'table_description': '案例库: a solved consultation as a reference case, free of personal data.'},
            bases=['TenantModel'],
        ),
        ops.RunPython(_search_index, _drop_search_index),
    ]
