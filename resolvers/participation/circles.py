"""圈子: interest circles a resident joins, posts and replies in, reports posts of, and leaves;
staff create circles, hide reported posts and remove members.

Until the liaison-station issue builds the street's watch-list review, moderation is by
report: members report a post (once each), staff read the reported posts first and hide them.
A removed member stays removed (their membership row keeps ``REMOVED``), a member who left may
join again.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.columns import column, max_length
from models.participation import (
    Circle,
    CircleMember,
    CirclePost,
    CirclePostReport,
    MemberState,
)
from resolvers import publishing
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.owned import in_street, street_member
from resolvers.pagination import Page, keyset_page
from resolvers.participation.codes import ParticipationCode
from resolvers.publishing import Decision, Reviewable

FIELD = "circleId"


def circle_gid(circle_id: int) -> str:
    return to_global_id("Circle", circle_id)


async def create(caller: Caller, name: str, description: str) -> Circle:
    name = validators.text(name, "name", max_length(Circle, "name"))
    description = validators.text(
        description, "description", max_length(Circle, "description"), required=False
    )
    async with changing(caller.services, caller.user) as change:
        try:
            circle = await Circle.create(
                name=name,
                description=description,
                created_by_id=caller.user.id,
                created_at=change.at,
            )
        except IntegrityError as exc:
            raise Refused(ErrorCode.ALREADY_EXISTS, "circle.name_taken", "name") from exc
        await change.audit("circle.created", circle_gid(circle.id), {"name": name})
    return circle


async def join(caller: Caller, circle_id: int) -> CircleMember:
    """加入: join a circle (again, after leaving; never after a removal)."""
    async with changing(caller.services, caller.user) as change:
        circle = await in_street(Circle, circle_id, FIELD)
        member = (
            await CircleMember.filter(circle_id=circle.id, user_id=caller.user.id)
            .select_for_update()
            .first()
        )
        if member is not None:
            if member.state is MemberState.REMOVED:
                raise Refused(ParticipationCode.REMOVED_FROM_CIRCLE, "circle.removed", FIELD)
            if member.state is MemberState.ACTIVE:
                raise Refused(ErrorCode.ALREADY_EXISTS, "circle.already_member", FIELD)
            member.state = MemberState.ACTIVE
            member.joined_at = change.at
            member.updated_at = change.at
            await member.save(update_fields=["state", "joined_at", "updated_at"])
        else:
            try:
                member = await CircleMember.create(
                    circle_id=circle.id,
                    user_id=caller.user.id,
                    joined_at=change.at,
                    updated_at=change.at,
                )
            except IntegrityError as exc:
                raise Refused(ErrorCode.ALREADY_EXISTS, "circle.already_member", FIELD) from exc
        await change.audit("circle.joined", circle_gid(circle.id), {"user": caller.user.id})
    return member


async def _active(circle_id: int, user_id: int) -> CircleMember | None:
    return await CircleMember.filter(
        circle_id=circle_id, user_id=user_id, state=MemberState.ACTIVE
    ).first()


async def leave(caller: Caller, circle_id: int) -> CircleMember:
    """退出: leave a circle one is in."""
    async with changing(caller.services, caller.user) as change:
        circle = await in_street(Circle, circle_id, FIELD)
        member = await _active(circle.id, caller.user.id)
        if member is None:
            raise Refused(ErrorCode.NOT_A_MEMBER, "circle.not_member", FIELD)
        member.state = MemberState.LEFT
        member.updated_at = change.at
        await member.save(update_fields=["state", "updated_at"])
        await change.audit("circle.left", circle_gid(circle.id), {"user": caller.user.id})
    return member


async def remove_member(caller: Caller, circle_id: int, user_id: int, reason: str) -> CircleMember:
    """移出: staff remove a member from a circle (for good)."""
    reason = validators.text(reason, "reason", max_length(CirclePostReport, "reason"))
    async with changing(caller.services, caller.user) as change:
        circle = await in_street(Circle, circle_id, FIELD)
        await street_member(user_id, "accountId")
        member = await _active(circle.id, user_id)
        if member is None:
            raise Refused(ErrorCode.NOT_A_MEMBER, "circle.not_member", "accountId")
        member.state = MemberState.REMOVED
        member.updated_at = change.at
        await member.save(update_fields=["state", "updated_at"])
        await change.audit(
            "circle.member_removed", circle_gid(circle.id), {"user": user_id, "reason": reason}
        )
    return member


async def post(
    caller: Caller, circle_id: int, body: str, parent_id: int | None = None
) -> CirclePost:
    """发帖 / 回复: a post (or a reply to a post of the same circle), members only."""
    body = validators.text(body, "body", max_length(CirclePost, "body"))
    async with changing(caller.services, caller.user) as change:
        circle = await in_street(Circle, circle_id, FIELD)
        if await _active(circle.id, caller.user.id) is None:
            raise Refused(ErrorCode.NOT_A_MEMBER, "circle.not_member", FIELD)
        replied_to: tuple[int, ...] = ()  # a reply is about the post's author too
        if parent_id is not None:
            parent = await in_street(CirclePost, parent_id, "parentId")
            if parent.circle_id != circle.id or parent.hidden or parent.in_review:
                raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "parentId")
            replied_to = (parent.author_id,) if parent.author_id else ()
        row = await CirclePost.create(
            circle_id=circle.id,
            parent_id=parent_id,
            author_id=caller.user.id,
            body=body,
            created_at=change.at,
        )
        await change.audit(
            "circle.posted",
            to_global_id("CirclePost", row.id),
            {"circle": circle.id, "parent": parent_id},
        )
        about = publishing.About(people=replied_to)
        if not await publishing.submit(change, CIRCLE_POST, row.id, body, caller.user.id, about):
            row.in_review = True
            await row.save(update_fields=["in_review"])
    return row


# -- through the street's review queue (审核, resolvers/publishing.py) ---------------------------

CIRCLE_POST = "CIRCLE_POST"


async def _decided(change: Change, pk: int, decision: Decision) -> None:
    """Approved: shown to the circle (as approved); rejected: hidden, as staff hide a post."""
    row = await CirclePost.filter(id=pk).select_for_update().first()
    if row is None or not row.in_review:
        return
    row.in_review = False
    if decision.approved:
        row.body = decision.text
    else:
        row.hidden = True
    await row.save(update_fields=["in_review", "body", "hidden"])


REVIEWABLE = (
    Reviewable(
        CIRCLE_POST,
        "圈子帖子 (an interest circle's post)",
        max_length(CirclePost, "body"),
        node_type="CirclePost",
        on_decided=_decided,
    ),
)
"""Circle posts pass the street's review queue: one matching the watch list waits."""


async def report(caller: Caller, post_id: int, reason: str) -> CirclePost:
    """举报: a member reports a post to the street's staff (once per post)."""
    reason = validators.text(reason, "reason", max_length(CirclePostReport, "reason"))
    async with changing(caller.services, caller.user) as change:
        row = await in_street(CirclePost, post_id, "postId", for_update=True)
        if await _active(row.circle_id, caller.user.id) is None:
            raise Refused(ErrorCode.NOT_A_MEMBER, "circle.not_member", "postId")
        try:
            await CirclePostReport.create(
                post_id=row.id, reporter_id=caller.user.id, reason=reason, created_at=change.at
            )
        except IntegrityError as exc:
            raise Refused(ErrorCode.ALREADY_EXISTS, "circle.already_reported", "postId") from exc
        row.reports += 1
        await row.save(update_fields=["reports"])
        await change.audit(
            "circle.post_reported", to_global_id("CirclePost", row.id), {"reason": reason}
        )
    return row


async def hide(caller: Caller, post_id: int, reason: str) -> CirclePost:
    """屏蔽: staff hide a post from the circle's members."""
    reason = validators.text(reason, "reason", max_length(CirclePostReport, "reason"))
    async with changing(caller.services, caller.user) as change:
        row = await in_street(CirclePost, post_id, "postId", for_update=True)
        row.hidden = True
        await row.save(update_fields=["hidden"])
        await change.audit(
            "circle.post_hidden", to_global_id("CirclePost", row.id), {"reason": reason}
        )
    return row


async def posts(
    caller: Caller, circle_id: int, moderator: bool, first: int | None, after: str | None
) -> Page[CirclePost]:
    """A circle's posts, newest first: for its members (hidden ones, and others' waiting for
    review, left out) and staff."""
    circle = await in_street(Circle, circle_id, FIELD)
    if not moderator and await _active(circle.id, caller.user.id) is None:
        raise Refused(ErrorCode.NOT_A_MEMBER, "circle.not_member", FIELD)
    query = CirclePost.filter(circle_id=circle.id)
    if not moderator:
        query = query.filter(Q(in_review=False) | Q(author_id=caller.user.id), hidden=False)
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def reported(caller: Caller, first: int | None, after: str | None) -> Page[CirclePost]:
    """The posts members reported and staff have not hidden, newest first."""
    query = CirclePost.filter(reports__gt=0, hidden=False)
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def circles(caller: Caller, first: int | None, after: str | None) -> Page[Circle]:
    return await keyset_page(Circle.all(), first, after, caller.services.settings.max_page_size)


async def is_member(circle_id: int, user_id: int) -> bool:
    return await _active(circle_id, user_id) is not None


async def joined_of(user_id: int, circle_ids: list[int]) -> set[int]:
    """Which of these circles the account is in (one query for a page)."""
    if not circle_ids:
        return set()
    query = CircleMember.filter(circle_id__in=circle_ids, user_id=user_id, state=MemberState.ACTIVE)
    return set(await column(query, "circle_id", int))
