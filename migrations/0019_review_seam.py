from tortoise import migrations
from tortoise.migrations import operations as ops
from models.consultations import LibraryStatus
from models.notices import NoticeCategory
from models.projects import Publication
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('gongzhi', '0018_topics_and_group_photos')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Activity',
            name='community',
            field=fields.ForeignKeyField('gongzhi.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='CirclePost',
            name='in_review',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AlterField(
            model_name='LibraryCase',
            name='status',
            field=fields.CharEnumField(default=LibraryStatus.DRAFT, description='DRAFT: DRAFT\nIN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED', enum_type=LibraryStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Notice',
            name='category',
            field=fields.CharEnumField(default=NoticeCategory.NOTICE, description='NOTICE: NOTICE\nLEGAL: LEGAL', db_default='NOTICE', enum_type=NoticeCategory, max_length=16),
        ),
        ops.AddField(
            model_name='Opinion',
            name='publication',
            field=fields.CharEnumField(default=Publication.PUBLISHED, description='IN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED\nREJECTED: REJECTED', db_default='PUBLISHED', enum_type=Publication, max_length=16),
        ),
        ops.AddField(
            model_name='ProgressUpdate',
            name='publication',
            field=fields.CharEnumField(default=Publication.PUBLISHED, description='IN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED\nREJECTED: REJECTED', db_default='PUBLISHED', enum_type=Publication, max_length=16),
        ),
        ops.AlterField(
            model_name='ReviewItem',
            name='kind',
            field=fields.CharField(max_length=32),
        ),
    ]
