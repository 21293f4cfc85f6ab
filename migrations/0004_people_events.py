from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0003_people')]

    initial = False

    operations = [
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
