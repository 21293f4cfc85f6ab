"""Grid group chats (群聊): groups per grid or building owned by the grid chief, their
members and messages.

Read counts come from each member's last read message (``last_read_id``): a message is read
by the members whose mark reaches it, and a member's unread count is the messages after it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.validators import MaxLengthValidator

from models.accounts import User
from models.people import Building
from models.scoping import TenantModel, tenant_field
from models.tenancy import Grid, Street


class ChatGroup(TenantModel):
    """群聊: a group of a grid (or of one of its buildings), owned by a grid chief."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("chat_groups")
    grid: fields.ForeignKeyRelation[Grid] = fields.ForeignKeyField(
        "gongzhi.Grid", related_name=False, on_delete=fields.RESTRICT
    )
    building: fields.ForeignKeyNullableRelation[Building] = fields.ForeignKeyField(
        "gongzhi.Building", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=50)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.RESTRICT
    )
    pinned_message_id = fields.BigIntField(null=True, description="The pinned announcement")
    created_at = fields.DatetimeField(auto_now_add=True)

    grid_id: int
    building_id: int | None
    owner_id: int

    class Meta:
        table = "chat_group"
        unique_together = (("tenant", "grid", "name"),)
        indexes = (("tenant_id", "owner_id"),)


class GroupMember(TenantModel):
    """A member of a group: muted (禁言) by the owner, removed (kept, so a removed member is
    told so), and how far they have read."""

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("group_members")
    group: fields.ForeignKeyRelation[ChatGroup] = fields.ForeignKeyField(
        "gongzhi.ChatGroup", related_name="members", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    muted = fields.BooleanField(default=False)
    removed_at = fields.DatetimeField(null=True)
    last_read_id = fields.BigIntField(default=0)
    joined_at = fields.DatetimeField()

    group_id: int
    user_id: int

    class Meta:
        table = "group_member"
        unique_together = (("tenant", "group", "user"),)
        indexes = (("tenant_id", "user_id"), ("group_id", "last_read_id"))


class GroupMessage(TenantModel):
    """One message of a group (text, photos or both), removable by the owner."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("group_messages")
    group: fields.ForeignKeyRelation[ChatGroup] = fields.ForeignKeyField(
        "gongzhi.ChatGroup", related_name="messages", on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "gongzhi.User", related_name=False, on_delete=fields.CASCADE
    )
    body = fields.TextField(validators=[MaxLengthValidator(2000)])
    removed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    group_id: int
    sender_id: int

    class Meta:
        table = "group_message"
        indexes = (("group_id", "id"),)


class GroupPhoto(TenantModel):
    """A photo of a group message, stored by the upload pipeline (sniffed, size-limited,
    moved to its place once the message is committed)."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Street] = tenant_field("group_photos")
    message: fields.ForeignKeyRelation[GroupMessage] = fields.ForeignKeyField(
        "gongzhi.GroupMessage", related_name="photos", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=40)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    message_id: int

    class Meta:
        table = "group_photo"
        indexes = (("message_id", "id"),)
