from tortoise import migrations
from tortoise.migrations import operations as ops
from models.accounts import Role
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='District',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'district', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '区: a district groups streets, and district roles read across them.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Street',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('district', fields.ForeignKeyField('gongzhi.District', source_field='district_id', db_constraint=True, to_field='id', related_name='streets', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'street', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': '街道: the tenant. Everything a street owns points here through ``tenant``.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='communities', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community', 'app': 'gongzhi', 'unique_together': (('tenant', 'code'),), 'pk_attr': 'id', 'table_description': '社区.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Grid',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.RESTRICT)),
                ('community', fields.ForeignKeyField('gongzhi.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'grid', 'app': 'gongzhi', 'unique_together': (('tenant', 'code'),), 'pk_attr': 'id', 'table_description': '网格: the smallest unit of service, inside one community.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(default='', max_length=100)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('is_platform_admin', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'app_user', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': 'A person (or a display) who signs in. Users are global, roles are per street.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DistrictMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name='district_memberships', on_delete=OnDelete.CASCADE)),
                ('district', fields.ForeignKeyField('gongzhi.District', source_field='district_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='RESIDENT: RESIDENT\nBUILDING_CHIEF: BUILDING_CHIEF\nGRID_WORKER: GRID_WORKER\nGRID_CHIEF: GRID_CHIEF\nCOMMUNITY_STAFF: COMMUNITY_STAFF\nSTREET_REVIEWER: STREET_REVIEWER\nSTREET_DEPARTMENT: STREET_DEPARTMENT\nSTREET_LEADER: STREET_LEADER\nSTREET_ADMIN: STREET_ADMIN\nDISTRICT_DEPARTMENT: DISTRICT_DEPARTMENT\nDISTRICT_ADMIN: DISTRICT_ADMIN\nREPRESENTATIVE: REPRESENTATIVE\nDELIBERATOR: DELIBERATOR\nCONGRESS_STAFF: CONGRESS_STAFF\nPROFESSIONAL: PROFESSIONAL\nDISPLAY: DISPLAY\nPLATFORM_ADMIN: PLATFORM_ADMIN', enum_type=Role, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'district_membership', 'app': 'gongzhi', 'unique_together': (('district', 'user', 'role'),), 'pk_attr': 'id', 'table_description': 'A district role (区综合指挥中心, 区级部门), reading every street of the district.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('gongzhi.Street', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='RESIDENT: RESIDENT\nBUILDING_CHIEF: BUILDING_CHIEF\nGRID_WORKER: GRID_WORKER\nGRID_CHIEF: GRID_CHIEF\nCOMMUNITY_STAFF: COMMUNITY_STAFF\nSTREET_REVIEWER: STREET_REVIEWER\nSTREET_DEPARTMENT: STREET_DEPARTMENT\nSTREET_LEADER: STREET_LEADER\nSTREET_ADMIN: STREET_ADMIN\nDISTRICT_DEPARTMENT: DISTRICT_DEPARTMENT\nDISTRICT_ADMIN: DISTRICT_ADMIN\nREPRESENTATIVE: REPRESENTATIVE\nDELIBERATOR: DELIBERATOR\nCONGRESS_STAFF: CONGRESS_STAFF\nPROFESSIONAL: PROFESSIONAL\nDISPLAY: DISPLAY\nPLATFORM_ADMIN: PLATFORM_ADMIN', enum_type=Role, max_length=32)),
                ('granted_by', fields.ForeignKeyField('gongzhi.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership', 'app': 'gongzhi', 'unique_together': (('tenant', 'user', 'role'),), 'pk_attr': 'id', 'table_description': 'A role held by a user in one street (角色分配). Owned by the street.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('gongzhi.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refresh_counter', fields.IntField(default=0)),
            ],
            options={'table': 'session', 'app': 'gongzhi', 'pk_attr': 'id', 'table_description': 'One sign-in: its tokens stop working when it is revoked (logout) or expires.'},
            bases=['Model'],
        ),
    ]
