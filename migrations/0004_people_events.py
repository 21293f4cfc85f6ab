from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0003_people')]

    initial = False

    operations = [
        ops.DeleteModel(name='Handover'),
    ]
