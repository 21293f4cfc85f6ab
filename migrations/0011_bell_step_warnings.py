from tortoise import migrations
from tortoise.migrations import operations as ops
from models.consultations import Step, StepWarningLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0010_consultations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StepWarning',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='consultation_step_warnings', on_delete=OnDelete.RESTRICT)),
                ('consultation', fields.ForeignKeyField('gongzhi.Consultation', source_field='consultation_id', db_constraint=True, to_field='id', related_name='step_warnings', on_delete=OnDelete.CASCADE)),
                ('step', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nINVITED: INVITED\nCOORDINATED: COORDINATED\nCONFIRMED: CONFIRMED\nMET: MET\nREVIEWED: REVIEWED\nANNOUNCED: ANNOUNCED\nEVALUATED: EVALUATED\nROUTED: ROUTED\nNOT_ACCEPTED: NOT_ACCEPTED', enum_type=Step, max_length=16)),
                ('level', fields.IntEnumField(description='NONE: 0\nYELLOW: 1\nRED: 2', enum_type=StepWarningLevel, generated=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultation_step_warning', 'app': 'gongzhi', 'unique_together': (('consultation', 'step', 'level'),), 'pk_attr': 'id', 'table_description': "A step's deadline warning sent (黄线提醒 or 红线示警): at most one per consultation,"},
            bases=['TenantModel'],
        ),
        ops.AddField(
            model_name='BellSettings',
            name='yellow_percent',
            field=fields.SmallIntField(default=80),
        ),
        ops.AddField(
            model_name='Consultation',
            name='step_due_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Consultation',
            name='step_yellow_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Consultation',
            index=Index(fields=['warned_level', 'step_yellow_at']),
        ),
        ops.AddField(
            model_name='ConsultationStep',
            name='warning',
            field=fields.IntEnumField(default=StepWarningLevel.NONE, description='NONE: 0\nYELLOW: 1\nRED: 2', enum_type=StepWarningLevel, generated=False),
        ),
    ]
