"""群聊: grid group chats, their members, messages, read counts and live delivery."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import strawberry

from models import groups as m
from models.accounts import User as UserRow
from models.tenancy import Grid as GridRow
from policies.capabilities.groups import GROUP_MANAGE, GROUP_TAKE_PART
from resolvers.groups import chats, live
from resolvers.outbox import Event
from resolvers.pagination import page_key
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.live import listener, shared
from schema.permissions import Can, field, mutation, subscription
from schema.relay import Connection, Node, decode_id, to_global_id
from schema.tenancy.types import Grid
from schema.uploads import FileUpload, StoredFile


@strawberry.type(description="A photo of a group message.")
class GroupPhoto(StoredFile):
    @classmethod
    def from_model(cls, row: m.GroupPhoto) -> GroupPhoto:
        return cls(content_type=row.content_type, size=row.size, sha256=row.sha256, path=row.path)


@strawberry.type(
    description="A message of a group chat: text, photos or both. A removed message has neither."
)
class GroupMessage(Node):
    body: str
    sent_at: datetime
    removed: bool = strawberry.field(description="Removed by the group's owner (撤回).")
    pk: strawberry.Private[int]
    sender_id: strawberry.Private[int]

    @strawberry.field(description="Who wrote it.")
    async def sender(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.sender_id)
        assert row is not None
        return Account.from_model(row)

    @strawberry.field(description="Its photos, in the order they were sent (none once removed).")
    async def photos(self, info: Info) -> list[GroupPhoto]:
        if self.removed:
            return []
        rows = await info.context.loaders.of(chats.load_photos).load(self.pk)
        return [GroupPhoto.from_model(row) for row in rows]

    @strawberry.field(description="How many members (its sender aside) have read it (已读).")
    async def read_count(self, info: Info) -> int:
        return int(await info.context.loaders.of(chats.load_read_counts).load(self.pk))

    @classmethod
    def from_model(cls, row: m.GroupMessage) -> GroupMessage:
        return cls(
            id=to_global_id("GroupMessage", row.id),
            body=row.body,
            sent_at=row.created_at,
            removed=row.removed_at is not None,
            pk=row.id,
            sender_id=row.sender_id,
        )


@strawberry.type(description="群聊: a group chat of a grid (or of one of its buildings).")
class ChatGroup(Node):
    name: str
    pk: strawberry.Private[int]
    grid_id: strawberry.Private[int]
    owner_id: strawberry.Private[int]
    pinned_id: strawberry.Private[int | None]

    @strawberry.field(description="The grid (网格) of the group.")
    async def grid(self, info: Info) -> Grid:
        row = await info.context.loaders.by_id(GridRow).load(self.grid_id)
        assert row is not None
        return Grid.from_model(row)

    @strawberry.field(
        description="The owner (群主): the grid chief, the successor after a hand-over."
    )
    async def owner(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.owner_id)
        assert row is not None
        return Account.from_model(row)

    @strawberry.field(description="The pinned announcement (群公告), if any.")
    async def pinned_message(self, info: Info) -> GroupMessage | None:
        if self.pinned_id is None:
            return None
        row = await info.context.loaders.by_id(m.GroupMessage).load(self.pinned_id)
        return GroupMessage.from_model(row) if row else None

    @strawberry.field(description="Members (not those removed).")
    async def member_count(self, info: Info) -> int:
        return int(await info.context.loaders.of(chats.load_member_counts).load(self.pk))

    @strawberry.field(description="Messages, newest first (a member's only).")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[GroupMessage]:
        key = page_key(self.pk, first, after, info.context.services.settings.max_page_size)
        page = await info.context.loaders.of(chats.load_message_pages).load(key)
        return Connection.from_page(page, GroupMessage.from_model)

    @classmethod
    def from_model(cls, row: m.ChatGroup) -> ChatGroup:
        return cls(
            id=to_global_id("ChatGroup", row.id),
            name=row.name,
            pk=row.id,
            grid_id=row.grid_id,
            owner_id=row.owner_id,
            pinned_id=row.pinned_message_id,
        )


@strawberry.type(description="A member of a group chat.")
class GroupMember:
    muted: bool = strawberry.field(description="Muted by the owner (禁言): reads, cannot write.")
    removed: bool
    last_read: strawberry.ID | None = strawberry.field(description="The last message read.")
    user_id: strawberry.Private[int]

    @strawberry.field
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.user_id)
        assert row is not None
        return Account.from_model(row)

    @classmethod
    def from_model(cls, row: m.GroupMember) -> GroupMember:
        return cls(
            muted=row.muted,
            removed=row.removed_at is not None,
            last_read=to_global_id("GroupMessage", row.last_read_id) if row.last_read_id else None,
            user_id=row.user_id,
        )


class GroupEventKind(StrEnum):
    MESSAGE_SENT = "group.message_sent"
    MESSAGE_REMOVED = "group.message_removed"
    MEMBER_ADDED = "group.member_added"
    MEMBER_REMOVED = "group.member_removed"
    MEMBER_MUTED = "group.member_muted"
    PINNED = "group.pinned"
    OWNER_CHANGED = "group.owner_changed"


strawberry.enum(GroupEventKind, name="GroupEventKind")


@strawberry.type(description="Something that happened in one of my groups, as it happens.")
class GroupEvent:
    cursor: str
    kind: GroupEventKind
    group_id: strawberry.ID
    message_id: strawberry.ID | None = strawberry.field(
        description="The message sent, removed or pinned."
    )
    body: str | None = strawberry.field(description="The text of a message sent.")
    photo_count: int = strawberry.field(
        description="How many photos the message sent carries (read them from the message)."
    )
    sender_id: strawberry.ID | None
    account_id: strawberry.ID | None = strawberry.field(
        description="The member added, removed or muted, or the new owner."
    )
    occurred_at: datetime


def _event(event: Event) -> GroupEvent:
    payload = event.payload
    account = payload.get("user", payload.get("owner"))
    return GroupEvent(
        cursor=event.cursor,
        kind=GroupEventKind(event.type),
        group_id=strawberry.ID(event.subject),
        message_id=strawberry.ID(to_global_id("GroupMessage", int(payload["message"])))
        if "message" in payload
        else None,
        body=payload.get("body"),
        photo_count=int(payload.get("photos", 0)),
        sender_id=strawberry.ID(to_global_id("Account", int(payload["sender"])))
        if "sender" in payload
        else None,
        account_id=strawberry.ID(to_global_id("Account", int(account)))
        if account is not None
        else None,
        occurred_at=event.occurred_at,
    )


@strawberry.input(description="A group chat of one of my grids (I am its grid chief).")
class CreateGroupInput:
    grid_id: strawberry.ID
    name: str = text(m.ChatGroup, "name")
    building_id: strawberry.ID | None = strawberry.field(
        default=None, description="A building of the grid (楼栋群)."
    )


@strawberry.input(description="A member of a group I own.")
class GroupMemberInput:
    group_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.input(description="Mute (禁言) or unmute a member of a group I own.")
class MuteGroupMemberInput:
    group_id: strawberry.ID
    account_id: strawberry.ID
    muted: bool = True


@strawberry.input(description="Write in a group I am a member of.")
class SendGroupMessageInput:
    group_id: strawberry.ID
    body: str = text(m.GroupMessage, "body", default="")
    photos: list[FileUpload] = strawberry.field(
        default_factory=list,
        description="Up to 9 JPEG, PNG or WebP photos (multipart upload); with photos the "
        "text may be empty.",
    )
    pin: bool = strawberry.field(
        default=False, description="Pin it as the group's announcement (群公告, owner only)."
    )


@strawberry.input(description="I have read a group up to a message (the newest when none).")
class MarkGroupReadInput:
    group_id: strawberry.ID
    message_id: strawberry.ID | None = None


@strawberry.type
class GroupSuccess:
    group: ChatGroup


@strawberry.type
class GroupMemberSuccess:
    group: ChatGroup
    member: GroupMember


@strawberry.type
class GroupMessageSuccess:
    group_message: GroupMessage


@strawberry.type
class MarkGroupReadSuccess:
    member: GroupMember
    unread_count: int = strawberry.field(description="My unread group messages, all groups.")


GroupPayload = Annotated[GroupSuccess | InputError, strawberry.union("GroupPayload")]
GroupMemberPayload = Annotated[
    GroupMemberSuccess | InputError, strawberry.union("GroupMemberPayload")
]
GroupMessagePayload = Annotated[
    GroupMessageSuccess | InputError, strawberry.union("GroupMessagePayload")
]
MarkGroupReadPayload = Annotated[
    MarkGroupReadSuccess | InputError, strawberry.union("MarkGroupReadPayload")
]


def _group_id(value: strawberry.ID, name: str = "groupId") -> int:
    return decode_id(value, "ChatGroup", name)


def _account_id(value: strawberry.ID) -> int:
    return decode_id(value, "Account", "accountId")


async def _member_success(row: m.GroupMember) -> GroupMemberSuccess:
    group = await m.ChatGroup.get(id=row.group_id)
    return GroupMemberSuccess(group=ChatGroup.from_model(group), member=GroupMember.from_model(row))


@strawberry.type
class GroupsQuery:
    @field(requires=Can(GROUP_TAKE_PART), description="The group chats I am a member of.")
    async def my_groups(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ChatGroup]:
        page = await chats.my_groups(caller(info), first, after)
        return Connection.from_page(page, ChatGroup.from_model)

    @field(
        requires=Can(GROUP_TAKE_PART),
        description="未读: messages of others in my groups I have not read (not removed ones).",
    )
    async def unread_group_message_count(self, info: Info) -> int:
        return await chats.unread_count(caller(info))


@strawberry.type
class GroupsMutation:
    @mutation(
        requires=Can(GROUP_MANAGE),
        description="Create a group chat of one of my grids (I am its grid chief and owner).",
    )
    async def create_group(self, info: Info, input: CreateGroupInput) -> GroupPayload:
        row = await chats.create_group(
            caller(info),
            decode_id(input.grid_id, "Grid", "gridId"),
            input.name,
            decode_id(input.building_id, "Building", "buildingId") if input.building_id else None,
        )
        return GroupSuccess(group=ChatGroup.from_model(row))

    @mutation(requires=Can(GROUP_MANAGE), description="The owner adds a member of the street.")
    async def add_group_member(self, info: Info, input: GroupMemberInput) -> GroupMemberPayload:
        row = await chats.add_member(
            caller(info), _group_id(input.group_id), _account_id(input.account_id)
        )
        return await _member_success(row)

    @mutation(
        requires=Can(GROUP_TAKE_PART),
        description="A resident of the group's grid joins it (not after being removed).",
    )
    async def join_group(self, info: Info, group_id: strawberry.ID) -> GroupMemberPayload:
        row = await chats.join_group(caller(info), _group_id(group_id))
        return await _member_success(row)

    @mutation(
        requires=Can(GROUP_MANAGE),
        description="The owner removes a member (not themselves): they can no longer read or "
        "write in the group.",
    )
    async def remove_group_member(self, info: Info, input: GroupMemberInput) -> GroupMemberPayload:
        row = await chats.remove_member(
            caller(info), _group_id(input.group_id), _account_id(input.account_id)
        )
        return await _member_success(row)

    @mutation(requires=Can(GROUP_MANAGE), description="The owner mutes or unmutes a member.")
    async def mute_group_member(
        self, info: Info, input: MuteGroupMemberInput
    ) -> GroupMemberPayload:
        row = await chats.mute_member(
            caller(info), _group_id(input.group_id), _account_id(input.account_id), input.muted
        )
        return await _member_success(row)

    @mutation(
        requires=Can(GROUP_TAKE_PART),
        description="Write in a group I am a member of (not muted, not removed).",
    )
    async def send_group_message(
        self, info: Info, input: SendGroupMessageInput
    ) -> GroupMessagePayload:
        row = await chats.send_message(
            caller(info), _group_id(input.group_id), input.body, input.pin, input.photos
        )
        return GroupMessageSuccess(group_message=GroupMessage.from_model(row))

    @mutation(requires=Can(GROUP_MANAGE), description="The owner removes a message (撤回).")
    async def remove_group_message(
        self, info: Info, message_id: strawberry.ID
    ) -> GroupMessagePayload:
        row = await chats.remove_message(
            caller(info), decode_id(message_id, "GroupMessage", "messageId")
        )
        return GroupMessageSuccess(group_message=GroupMessage.from_model(row))

    @mutation(requires=Can(GROUP_TAKE_PART), description="Mark a group read up to a message.")
    async def mark_group_read(self, info: Info, input: MarkGroupReadInput) -> MarkGroupReadPayload:
        who = caller(info)
        row = await chats.mark_read(
            who,
            _group_id(input.group_id),
            decode_id(input.message_id, "GroupMessage", "messageId") if input.message_id else None,
        )
        return MarkGroupReadSuccess(
            member=GroupMember.from_model(row), unread_count=await chats.unread_count(who)
        )


@strawberry.type
class GroupsSubscription:
    @subscription(
        requires=Can(GROUP_TAKE_PART),
        description="群聊, live: what happens in my groups (messages sent and removed, members "
        "added, removed, muted, the pinned announcement, a new owner after a hand-over). Pass "
        "the last `cursor` seen as `after` to first receive what was missed.",
    )
    async def group_events(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[GroupEvent, None]:
        me = listener(info, after)
        events = live.group_events(
            me.services, me.user.id, me.street.id, me.since, me.token_expires_at
        )
        async for item in shared(events, GroupEvent, _event):
            yield item
