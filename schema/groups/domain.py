"""The groups domain (群聊): grid group chats owned by the grid chief, moved with a
hand-over, their unread messages part of the inbox badge."""

from __future__ import annotations

from core.errors import DomainError, Refused
from models import groups as m
from policies.capabilities import groups as capabilities
from resolvers.groups.chats import hand_over_groups, readable_group, unread_of
from resolvers.groups.codes import GroupCode
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.groups.chats import (
    ChatGroup,
    GroupMessage,
    GroupsMutation,
    GroupsQuery,
    GroupsSubscription,
)
from schema.permissions import Can


async def _group(info: Info, pk: int) -> ChatGroup | None:
    try:
        row = await readable_group(caller(info), pk)
    except (DomainError, Refused):
        return None
    return ChatGroup.from_model(row)


async def _message(info: Info, pk: int) -> GroupMessage | None:
    row = await m.GroupMessage.filter(id=pk).first()
    if row is None:
        return None
    try:
        await readable_group(caller(info), row.group_id)
    except (DomainError, Refused):
        return None
    return GroupMessage.from_model(row)


DOMAIN = Domain(
    name="groups",
    description="Grid group chats (群聊).",
    models=("models.groups",),
    query=(GroupsQuery,),
    mutation=(GroupsMutation,),
    subscription=(GroupsSubscription,),
    nodes={
        "ChatGroup": NodeKind(Can(capabilities.GROUP_TAKE_PART), _group),
        "GroupMessage": NodeKind(Can(capabilities.GROUP_TAKE_PART), _message),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=GroupCode,
    on_hand_over=hand_over_groups,
    unread=unread_of,
)
