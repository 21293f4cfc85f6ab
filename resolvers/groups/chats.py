"""群聊: group chats of a grid (or of one of its buildings), owned by a grid chief.

The owner creates a group in one of their grids, adds members of the street (residents of the
grid join by themselves), pins an announcement, mutes members (禁言), removes a message or a
member. Members write text, read, and see how many have read each message and how many of
theirs are unread. Every change is one transaction with its audit entry and one private event
(the street's stream does not show it): the groups' subscription delivers it to the group's
members only. The audit entry of a message holds its length, never its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.columns import column, max_length
from models.events import PRIVATE
from models.groups import ChatGroup, GroupMember, GroupMessage, GroupPhoto
from models.people import Building, GridAssignment, GridDuty, Resident
from models.tenancy import Grid
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.groups.codes import GroupCode
from resolvers.owned import in_street, street_member
from resolvers.pagination import Page, PageKey, keyset_page, keyset_pages
from resolvers.projects.uploads import UploadLike, staged

GROUP_PREFIX = "group."
MESSAGE_SENT = "group.message_sent"
MESSAGE_REMOVED = "group.message_removed"
MEMBER_ADDED = "group.member_added"
MEMBER_REMOVED = "group.member_removed"
MEMBER_MUTED = "group.member_muted"
PINNED = "group.pinned"
OWNER_CHANGED = "group.owner_changed"


def group_gid(pk: int) -> str:
    return to_global_id("ChatGroup", pk)


def group_topic(group_id: int) -> str:
    """The topic of a group's events: its members' subscriptions listen on it."""
    return f"group:{group_id}"


def account_topic(user_id: int) -> str:
    """The topic of events about one account (being added to a group, or removed)."""
    return f"account:{user_id}"


async def _event(
    change: Change,
    type: str,
    group_id: int,
    payload: dict[str, Any],
    about: int | None = None,
) -> None:
    """A private event for the group's members (the subscription reads ``group``), on the
    group's topic, and on the account's it is ``about`` (who is not following the group yet)."""
    topics = [group_topic(group_id)] + ([account_topic(about)] if about is not None else [])
    await change.event(
        type, group_gid(group_id), {"group": group_id, **payload}, PRIVATE, topics=topics
    )


# -- groups ---------------------------------------------------------------------------------


async def create_group(
    caller: Caller, grid_id: int, name: str, building_id: int | None = None
) -> ChatGroup:
    """A group of one of the caller's grids (where they are the grid chief), owned by them."""
    name = validators.text(name, "name", max_length(ChatGroup, "name"))
    grid = await in_street(Grid, grid_id, "gridId", "input.grid_not_found")
    if not await GridAssignment.exists(
        grid_id=grid.id, user_id=caller.user.id, duty=GridDuty.CHIEF
    ):
        raise Refused(ErrorCode.FORBIDDEN, "groups.not_grid_chief", "gridId")
    if building_id is not None:
        building = await in_street(Building, building_id, "buildingId", "input.building_not_found")
        if building.grid_id != grid.id:
            raise Refused(ErrorCode.NOT_FOUND, "groups.building_outside_grid", "buildingId")
    if await ChatGroup.exists(grid_id=grid.id, name=name):
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name)
    try:
        async with changing(caller.services, caller.user) as change:
            group = await ChatGroup.create(
                grid_id=grid.id, building_id=building_id, name=name, owner_id=caller.user.id
            )
            await GroupMember.create(group=group, user_id=caller.user.id, joined_at=change.at)
            await change.audit(
                "group.created",
                group_gid(group.id),
                {"grid": to_global_id("Grid", grid.id), "name": name},
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "input.name_taken", "name", name=name) from exc
    return group


async def _group(pk: int, field: str = "groupId") -> ChatGroup:
    return await in_street(ChatGroup, pk, field, "groups.group_not_found")


async def owned_group(caller: Caller, pk: int, field: str = "groupId") -> ChatGroup:
    group = await _group(pk, field)
    if group.owner_id != caller.user.id:
        raise Refused(GroupCode.NOT_GROUP_OWNER, "groups.not_owner", field)
    return group


async def membership(caller: Caller, group_id: int, field: str = "groupId") -> GroupMember:
    """The caller's live membership of the group: not a member (or another street's group) is
    NOT_A_MEMBER, as is having been removed."""
    found = await GroupMember.filter(group_id=group_id, user_id=caller.user.id).first()
    if found is None:
        raise Refused(ErrorCode.NOT_A_MEMBER, "groups.not_a_member", field)
    if found.removed_at is not None:
        raise Refused(ErrorCode.NOT_A_MEMBER, "groups.removed", field)
    return found


async def _admit(change: Change, group: ChatGroup, user_id: int) -> GroupMember:
    row = await GroupMember.filter(group_id=group.id, user_id=user_id).first()
    if row is not None and row.removed_at is None:
        raise Refused(ErrorCode.ALREADY_EXISTS, "groups.already_member", "accountId")
    if row is None:
        row = await GroupMember.create(group=group, user_id=user_id, joined_at=change.at)
    else:
        row.removed_at, row.joined_at, row.muted = None, change.at, False
        await row.save(update_fields=["removed_at", "joined_at", "muted"])
    subject = group_gid(group.id)
    await change.audit(MEMBER_ADDED, subject, {"account": to_global_id("Account", user_id)})
    await _event(change, MEMBER_ADDED, group.id, {"user": user_id}, about=user_id)
    return row


async def add_member(caller: Caller, group_id: int, account_id: int) -> GroupMember:
    """The owner adds a member of the street (a removed member comes back)."""
    group = await owned_group(caller, group_id)
    await street_member(account_id, "accountId")
    try:
        async with changing(caller.services, caller.user) as change:
            return await _admit(change, group, account_id)
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "groups.already_member", "accountId") from exc


async def join_group(caller: Caller, group_id: int) -> GroupMember:
    """A resident of the group's grid (of its building, for a building's group) joins by
    themselves (not after being removed)."""
    group = await _group(group_id)
    resident = await Resident.filter(user_id=caller.user.id).first()
    if (
        resident is None
        or resident.grid_id != group.grid_id
        or (group.building_id is not None and resident.building_id != group.building_id)
    ):
        raise Refused(ErrorCode.FORBIDDEN, "groups.not_of_grid", "groupId")
    if await GroupMember.exists(
        group_id=group.id, user_id=caller.user.id, removed_at__not_isnull=True
    ):
        raise Refused(ErrorCode.NOT_A_MEMBER, "groups.removed", "groupId")
    try:
        async with changing(caller.services, caller.user) as change:
            return await _admit(change, group, caller.user.id)
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "groups.already_member", "groupId") from exc


async def remove_member(caller: Caller, group_id: int, account_id: int) -> GroupMember:
    group = await owned_group(caller, group_id)
    if account_id == group.owner_id:
        raise Refused(GroupCode.OWNER_STAYS, "groups.owner_stays", "accountId")
    row = await GroupMember.filter(
        group_id=group.id, user_id=account_id, removed_at__isnull=True
    ).first()
    if row is None:
        raise Refused(ErrorCode.NOT_A_MEMBER, "groups.not_a_member", "accountId")
    async with changing(caller.services, caller.user) as change:
        row.removed_at = change.at
        await row.save(update_fields=["removed_at"])
        await change.audit(
            MEMBER_REMOVED, group_gid(group.id), {"account": to_global_id("Account", account_id)}
        )
        await _event(change, MEMBER_REMOVED, group.id, {"user": account_id}, about=account_id)
    return row


async def mute_member(caller: Caller, group_id: int, account_id: int, muted: bool) -> GroupMember:
    """禁言: a muted member reads but does not write, until unmuted."""
    group = await owned_group(caller, group_id)
    if account_id == group.owner_id:
        raise Refused(GroupCode.OWNER_STAYS, "groups.owner_stays", "accountId")
    row = await GroupMember.filter(
        group_id=group.id, user_id=account_id, removed_at__isnull=True
    ).first()
    if row is None:
        raise Refused(ErrorCode.NOT_A_MEMBER, "groups.not_a_member", "accountId")
    async with changing(caller.services, caller.user) as change:
        row.muted = muted
        await row.save(update_fields=["muted"])
        await change.audit(
            MEMBER_MUTED,
            group_gid(group.id),
            {"account": to_global_id("Account", account_id), "muted": muted},
        )
        await _event(change, MEMBER_MUTED, group.id, {"user": account_id, "muted": muted})
    return row


# -- messages --------------------------------------------------------------------------------


MAX_PHOTOS = 9


def message_payload(row: GroupMessage, photos: int = 0) -> dict[str, Any]:
    return {
        "message": row.id,
        "sender": row.sender_id,
        "body": row.body,
        "at": row.created_at.isoformat(),
        "photos": photos,
    }


async def send_message(
    caller: Caller,
    group_id: int,
    body: str,
    pin: bool = False,
    photos: Sequence[UploadLike] = (),
) -> GroupMessage:
    """A member writes text, photos (up to nine) or both (not a muted one, not a removed one);
    the owner may pin it as the group's announcement (群公告). Photos go through the upload
    pipeline (``resolvers/projects/uploads.py``): sniffed by their first bytes, size-limited,
    stored once the message is committed; a refused message leaves no file."""
    text = validators.text(body, "body", max_length(GroupMessage, "body"), required=not photos)
    services = caller.services
    street_id = caller.street.id
    async with staged(
        services, street_id, photos, "photos", folder="groups", max_files=MAX_PHOTOS
    ) as staging:
        async with changing(services, caller.user) as change:
            # Checked in the transaction (its round trips, not a read of its own each).
            member = await membership(caller, group_id)
            if member.muted:
                raise Refused(GroupCode.MUTED, "groups.muted", "groupId")
            group = await _group(group_id) if pin else None
            if group is not None and group.owner_id != caller.user.id:
                raise Refused(GroupCode.NOT_GROUP_OWNER, "groups.not_owner", "pin")
            row = await GroupMessage.create(
                group_id=group_id, sender_id=caller.user.id, body=text, created_at=change.at
            )
            if staging.files:
                await GroupPhoto.bulk_create(
                    [
                        GroupPhoto(
                            tenant_id=street_id,
                            message_id=row.id,
                            path=f.relative,
                            content_type=f.content_type,
                            size=f.size,
                            sha256=f.sha256,
                            created_at=change.at,
                        )
                        for f in staging.files
                    ]
                )
            # One's own message is read by oneself.
            await GroupMember.filter(id=member.id).update(last_read_id=row.id)
            subject = group_gid(group_id)
            audited: dict[str, Any] = {"message": row.id, "length": len(text), "pinned": pin}
            if staging.files:
                audited["photos"] = [f.sha256 for f in staging.files]
            await change.audit(MESSAGE_SENT, subject, audited)
            await _event(change, MESSAGE_SENT, group_id, message_payload(row, len(staging.files)))
            if group is not None:
                await ChatGroup.filter(id=group_id).update(pinned_message_id=row.id)
                await _event(change, PINNED, group_id, {"message": row.id})
        staging.commit()
    return row


async def remove_message(caller: Caller, message_id: int) -> GroupMessage:
    """The owner removes a message: its text is gone for everyone, its place stays."""
    row = await in_street(GroupMessage, message_id, "messageId", "groups.message_not_found")
    group = await owned_group(caller, row.group_id, "messageId")
    async with changing(caller.services, caller.user) as change:
        row.removed_at, row.body = change.at, ""
        await row.save(update_fields=["removed_at", "body"])
        if group.pinned_message_id == row.id:
            await ChatGroup.filter(id=group.id).update(pinned_message_id=None)
        await change.audit(MESSAGE_REMOVED, group_gid(group.id), {"message": row.id})
        await _event(change, MESSAGE_REMOVED, group.id, {"message": row.id})
    return row


async def mark_read(caller: Caller, group_id: int, message_id: int | None) -> GroupMember:
    """Read up to a message (the newest when none is named): the mark only moves forward."""
    member = await membership(caller, group_id)
    if message_id is None:
        newest = await column(
            GroupMessage.filter(group_id=group_id).order_by("-id").limit(1), "id", int
        )
        upto = newest[0] if newest else 0
    else:
        found = await GroupMessage.filter(id=message_id, group_id=group_id).exists()
        if not found:
            raise Refused(ErrorCode.NOT_FOUND, "groups.message_not_found", "messageId")
        upto = message_id
    await GroupMember.filter(id=member.id, last_read_id__lt=upto).update(last_read_id=upto)
    member.last_read_id = max(member.last_read_id, upto)
    return member


# -- reading ---------------------------------------------------------------------------------


def my_memberships(caller: Caller) -> QuerySet[GroupMember]:
    return GroupMember.filter(user_id=caller.user.id, removed_at__isnull=True)


async def my_groups(caller: Caller, first: int | None, after: str | None) -> Page[ChatGroup]:
    mine = await column(my_memberships(caller), "group_id", int)
    query = ChatGroup.filter(id__in=mine or [-1])
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def readable_group(caller: Caller, group_id: int) -> ChatGroup:
    await membership(caller, group_id, "id")
    return await _group(group_id, "id")


async def load_message_pages(keys: Sequence[PageKey]) -> list[Page[GroupMessage]]:
    """Messages of many groups, newest first, a page each. A group is only shown to its
    members (their list, ``node(id:)`` after ``readable_group``, what they just did), so its
    messages are read without asking again."""
    return await keyset_pages(GroupMessage.all(), "group_id", keys, newest_first=True)


async def unread_count(caller: Caller) -> int:
    """Messages of others, not removed, after my read mark, in every group I am in."""
    return await unread_of(caller.user.id)


async def unread_of(user_id: int) -> int:
    """The same for an account, in the current street: the groups' part of the inbox badge
    (``Domain.unread``)."""
    total = 0
    for member in await GroupMember.filter(user_id=user_id, removed_at__isnull=True):
        total += (
            await GroupMessage.filter(
                group_id=member.group_id, id__gt=member.last_read_id, removed_at__isnull=True
            )
            .exclude(sender_id=user_id)
            .count()
        )
    return total


async def load_read_counts(message_ids: Sequence[int]) -> list[int]:
    """Per message, how many members (other than its sender) have read it: one statement
    per page of messages."""
    ids = sorted(set(message_ids))
    if not ids:
        return []
    rows = await GroupMessage.filter(id__in=ids).values("id", "group_id", "sender_id")
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["id"]] = 0
    marks = await GroupMember.filter(
        group_id__in=list({row["group_id"] for row in rows}), removed_at__isnull=True
    ).values("group_id", "user_id", "last_read_id")
    for row in rows:
        counts[row["id"]] = sum(
            1
            for mark in marks
            if mark["group_id"] == row["group_id"]
            and mark["user_id"] != row["sender_id"]
            and mark["last_read_id"] >= row["id"]
        )
    return [counts.get(pk, 0) for pk in message_ids]


async def load_photos(message_ids: Sequence[int]) -> list[list[GroupPhoto]]:
    """The photos of many messages, in the order they were sent: one statement."""
    found: dict[int, list[GroupPhoto]] = {pk: [] for pk in message_ids}
    for photo in await GroupPhoto.filter(message_id__in=sorted(set(message_ids))).order_by("id"):
        found[photo.message_id].append(photo)
    return [found[pk] for pk in message_ids]


async def load_member_counts(group_ids: Sequence[int]) -> list[int]:
    found = {
        row["group_id"]: int(row["n"])
        for row in await GroupMember.filter(
            group_id__in=list(set(group_ids)), removed_at__isnull=True
        )
        .annotate(n=Count("id"))
        .group_by("group_id")
        .values("group_id", "n")
    }
    return [found.get(pk, 0) for pk in group_ids]


# -- hand-over (账号继承) ---------------------------------------------------------------------


async def hand_over_groups(change: Change, leaver_id: int, successor_id: int) -> dict[str, Any]:
    """Every group the leaver owns becomes the successor's, in the hand-over's transaction:
    the successor becomes a member if they were not, the leaver leaves, and the members are
    told the new owner at once (an event per group)."""
    groups = list(await ChatGroup.filter(owner_id=leaver_id).select_for_update())
    for group in groups:
        group.owner_id = successor_id
        await group.save(update_fields=["owner_id"])
        found = await GroupMember.filter(group_id=group.id, user_id=successor_id).first()
        if found is None:
            await GroupMember.create(group=group, user_id=successor_id, joined_at=change.at)
        elif found.removed_at is not None or found.muted:
            found.removed_at, found.muted = None, False
            await found.save(update_fields=["removed_at", "muted"])
        await _event(
            change,
            OWNER_CHANGED,
            group.id,
            {"owner": successor_id, "previousOwner": leaver_id},
            about=successor_id,
        )
    await GroupMember.filter(Q(user_id=leaver_id) & Q(removed_at__isnull=True)).update(
        removed_at=change.at
    )
    return {"groupsMoved": len(groups), "groups": [group_gid(g.id) for g in groups]}
