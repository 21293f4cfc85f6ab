from tortoise import migrations
from tortoise.migrations import operations as ops
from models.bases import InspectionResult, OccupantKind, OrganisationKind, PermitStatus, ReminderKind, UnitUse
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0014_station')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BaseReminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='base_reminders', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='LEASE: LEASE\nPERMIT: PERMIT', enum_type=ReminderKind, max_length=8)),
                ('ref_id', fields.IntField()),
                ('due_on', fields.DateField()),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'base_reminder', 'app': 'gongzhi', 'unique_together': (('tenant', 'kind', 'ref_id', 'due_on'),), 'pk_attr': 'id', 'table_description': "A reminder sent to a grid's staff that a lease or a residence permit is about to end:"},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='BuildingLocation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='building_locations', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('longitude', fields.FloatField()),
                ('latitude', fields.FloatField()),
            ],
            options={'table': 'building_location', 'app': 'gongzhi', 'unique_together': (('tenant', 'building'),), 'pk_attr': 'id', 'table_description': 'Where a building stands on the map (WGS 84 longitude and latitude), one per building.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='DwellingUnit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='dwelling_units', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.RESTRICT)),
                ('entrance', fields.CharField(default='', description='单元号', max_length=20)),
                ('floor', fields.SmallIntField()),
                ('room', fields.CharField(description='室号', max_length=20)),
                ('area', fields.DecimalField(null=True, max_digits=8, decimal_places=2)),
                ('use', fields.CharEnumField(description='OWNER_OCCUPIED: OWNER_OCCUPIED\nRENTED: RENTED\nVACANT: VACANT\nCOMMERCIAL: COMMERCIAL', enum_type=UnitUse, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'dwelling_unit', 'app': 'gongzhi', 'unique_together': (('tenant', 'building', 'entrance', 'room'),), 'pk_attr': 'id', 'table_description': '实有房屋: one dwelling unit of a building (单元, 楼层, 室号).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='FloatingPerson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='floating_people', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('gongzhi.DwellingUnit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('origin', fields.CharField(default='', description='户籍地', max_length=100)),
                ('arrived_on', fields.DateField()),
                ('permit_status', fields.CharEnumField(description='NONE: NONE\nAPPLIED: APPLIED\nVALID: VALID', enum_type=PermitStatus, max_length=8)),
                ('permit_expires_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'floating_person', 'app': 'gongzhi', 'unique_together': (('tenant', 'resident'),), 'indexes': [Index(fields=['permit_expires_on'])], 'pk_attr': 'id', 'table_description': '流动人口: a resident registered as non-local, with their residence permit (居住证).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Occupancy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='occupancies', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('gongzhi.DwellingUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='occupancies', on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('gongzhi.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='OWNER: OWNER\nTENANT: TENANT', enum_type=OccupantKind, max_length=8)),
            ],
            options={'table': 'unit_occupancy', 'app': 'gongzhi', 'unique_together': (('tenant', 'unit', 'resident'),), 'indexes': [Index(fields=['tenant_id', 'resident_id'])], 'pk_attr': 'id', 'table_description': 'A resident living in a unit, as its owner or a tenant.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Organisation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='organisations', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='ENTERPRISE: ENTERPRISE\nSHOP: SHOP\nINSTITUTION: INSTITUTION\nSOCIAL: SOCIAL', enum_type=OrganisationKind, max_length=16)),
                ('credit_code', fields.CharField(description='统一社会信用代码', max_length=18)),
                ('address', fields.CharField(default='', max_length=200)),
                ('building', fields.ForeignKeyField('gongzhi.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('grid', fields.ForeignKeyField('gongzhi.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('contact_name', fields.CharField(default='', max_length=50)),
                ('contact_phone', fields.CharField(default='', max_length=20)),
                ('employees', fields.IntField(default=0)),
                ('account', fields.ForeignKeyField('gongzhi.User', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'organisation', 'app': 'gongzhi', 'unique_together': (('tenant', 'credit_code'),), 'indexes': [Index(fields=['tenant_id', 'grid_id'])], 'pk_attr': 'id', 'table_description': '实有单位: an enterprise, shop, institution or social organisation of the street.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='OrganisationInspection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='organisation_inspections', on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('gongzhi.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='inspections', on_delete=OnDelete.CASCADE)),
                ('inspector', fields.ForeignKeyField('gongzhi.User', source_field='inspector_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('inspected_on', fields.DateField()),
                ('result', fields.CharEnumField(description='PASSED: PASSED\nRECTIFY: RECTIFY\nFAILED: FAILED', enum_type=InspectionResult, max_length=8)),
                ('findings', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'organisation_inspection', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': 'An inspection or safety record of an organisation (检查、安全记录).'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Rental',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='rentals', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('gongzhi.DwellingUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='rentals', on_delete=OnDelete.CASCADE)),
                ('landlord_name', fields.CharField(max_length=50)),
                ('landlord_phone', fields.CharField(default='', max_length=20)),
                ('lease_start', fields.DateField()),
                ('lease_end', fields.DateField()),
                ('inspected_on', fields.DateField(null=True)),
                ('inspection_result', fields.CharEnumField(null=True, description='PASSED: PASSED\nRECTIFY: RECTIFY\nFAILED: FAILED', enum_type=InspectionResult, max_length=8)),
                ('findings', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'rental', 'app': 'gongzhi', 'unique_together': (('tenant', 'unit'),), 'indexes': [Index(fields=['lease_end'])], 'pk_attr': 'id', 'table_description': '出租房屋: the rental register entry of a rented unit (one per unit).'},
            bases=['TenantModel'],
        ),
        ops.AlterField(
            model_name='CaseStep',
            name='note',
            field=fields.TextField(default='', description="A note or reason given with the step; a resolution's result", unique=False),
        ),
    ]
