"""一键群发: notices to the street, communities, grids and/or tags, fanned out on read."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from models import notices as o
from policies.capabilities.notices import NOTICE_RECEIVE, NOTICE_SEND
from resolvers import notices
from resolvers.pagination import encode_cursor
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.live import listener, shared
from schema.people.common import ids
from schema.permissions import Can, field, mutation, subscription
from schema.relay import Connection, Edge, Node, PageInfo, decode_id, selects, to_global_id

TargetKind = o.TargetKind
strawberry.enum(
    TargetKind,
    name="NoticeTargetKind",
    description="STREET 全街道 · COMMUNITY 社区 · GRID 网格 · TAG 标签",
)
strawberry.enum(
    o.NoticeCategory,
    name="NoticeCategory",
    description="NOTICE 通知公告 · LEGAL 法治宣传 (the street's legal information articles).",
)


@strawberry.type(description="One part of a notice's target.")
class NoticeTarget:
    kind: TargetKind
    id: strawberry.ID


@strawberry.type(description="Who a notice reached: targeted, delivered (has an account), read.")
class NoticeCounts:
    targeted: int
    delivered: int
    read: int


@strawberry.type(description="通知: a notice as a resident sees it in their inbox.")
class Notice(Node):
    title: str
    body: str
    category: o.NoticeCategory
    sent_at: datetime
    read_at: datetime | None = strawberry.field(description="When I read it (read receipt).")

    @classmethod
    def from_model(cls, row: o.Notice, read_at: datetime | None = None) -> Notice:
        return cls(
            id=to_global_id("Notice", row.id),
            title=row.title,
            body=row.body,
            category=row.category,
            sent_at=row.created_at,
            read_at=read_at,
        )


@strawberry.type(description="A notice I sent, with its target and counts.")
class SentNotice(Node):
    title: str
    body: str
    category: o.NoticeCategory
    sent_at: datetime
    pk: strawberry.Private[int]
    row: strawberry.Private[o.Notice]

    @strawberry.field
    async def targets(self, info: Info) -> list[NoticeTarget]:
        names = {
            o.TargetKind.STREET: "Street",
            o.TargetKind.COMMUNITY: "Community",
            o.TargetKind.GRID: "Grid",
            o.TargetKind.TAG: "Tag",
        }
        return [
            NoticeTarget(kind=t.kind, id=to_global_id(names[t.kind], t.ref_id))
            for t in await info.context.loaders.of(notices.load_notice_targets).load(self.pk)
        ]

    @strawberry.field(description="Targeted, delivered and read counts (计数).")
    async def counts(self, info: Info) -> NoticeCounts:
        found = await info.context.loaders.of(notices.load_notice_counts).load(self.pk)
        return NoticeCounts(targeted=found.targeted, delivered=found.delivered, read=found.read)

    @classmethod
    def from_model(cls, row: o.Notice) -> SentNotice:
        return cls(
            id=to_global_id("Notice", row.id),
            title=row.title,
            body=row.body,
            category=row.category,
            sent_at=row.created_at,
            pk=row.id,
            row=row,
        )


@strawberry.input(
    description="A notice. Areas (communities, grids) add up, with none meaning the whole "
    "street. Tags narrow the areas to residents with any of the tags. Grid chiefs address "
    "their own grids, community staff their communities, street leaders and admins anyone."
)
class SendNoticeInput:
    title: str = text(o.Notice, "title")
    body: str = text(o.Notice, "body")
    community_ids: list[strawberry.ID] | None = None
    grid_ids: list[strawberry.ID] | None = None
    tag_ids: list[strawberry.ID] | None = None
    category: o.NoticeCategory = strawberry.field(
        default=o.NoticeCategory.NOTICE,
        description="NOTICE 通知公告, or LEGAL: one of the street's legal information articles "
        "(法治宣传), shown in its residents' nearby feed.",
    )


@strawberry.input
class MarkNoticeReadInput:
    notice_id: strawberry.ID


@strawberry.type
class SendNoticeSuccess:
    notice: SentNotice


@strawberry.type
class MarkNoticeReadSuccess:
    notice: Notice


@strawberry.type(
    description="A notice as it arrives live, with its place in the street's event stream."
)
class NoticeReceived:
    cursor: str = strawberry.field(description="Pass as `after` to resume from here.")
    notice: Notice


SendNoticePayload = Annotated[SendNoticeSuccess | InputError, strawberry.union("SendNoticePayload")]
MarkNoticeReadPayload = Annotated[
    MarkNoticeReadSuccess | InputError, strawberry.union("MarkNoticeReadPayload")
]


@strawberry.type
class NoticesQuery:
    @field(
        requires=Can(NOTICE_RECEIVE),
        description="My notices (我的通知), newest first: every notice whose target covers me.",
    )
    async def my_notices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool = False,
    ) -> Connection[Notice]:
        page, read = await notices.inbox(
            caller(info), first, after, unread_only, with_total=selects(info, "totalCount")
        )
        edges = [
            Edge(cursor=encode_cursor(n.id), node=Notice.from_model(n, read.get(n.id)))
            for n in page.items
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total_count,
        )

    @field(
        requires=Can(NOTICE_RECEIVE),
        description="How many of my notices I have not opened. Also counted in "
        "`unreadNotificationCount`, the one badge of the mini-program.",
    )
    async def unread_notice_count(self, info: Info) -> int:
        return await notices.unread_count(info.context.viewer.require_user().id)

    @field(
        requires=Can(NOTICE_SEND),
        description="Notices I sent (street leaders and admins: every notice), newest first.",
    )
    async def sent_notices(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SentNotice]:
        page = await notices.sent_notices(caller(info), first, after)
        return Connection.from_page(page, SentNotice.from_model)


@strawberry.type
class NoticesMutation:
    @mutation(
        requires=Can(NOTICE_SEND),
        description="一键群发: send a notice. It costs the same for 10 or 73,000 residents: "
        "each resident's inbox finds it by its target.",
    )
    async def send_notice(self, info: Info, input: SendNoticeInput) -> SendNoticePayload:
        row = await notices.send_notice(
            caller(info),
            title=input.title,
            body=input.body,
            community_ids=ids(input.community_ids, "Community", "communityIds"),
            grid_ids=ids(input.grid_ids, "Grid", "gridIds"),
            tag_ids=ids(input.tag_ids, "Tag", "tagIds"),
            category=input.category,
        )
        return SendNoticeSuccess(notice=SentNotice.from_model(row))

    @mutation(requires=Can(NOTICE_RECEIVE), description="Mark one of my notices read.")
    async def mark_notice_read(
        self, info: Info, input: MarkNoticeReadInput
    ) -> MarkNoticeReadPayload:
        pk = decode_id(input.notice_id, "Notice", "noticeId")
        row, read_at = await notices.mark_read(caller(info), pk)
        return MarkNoticeReadSuccess(notice=Notice.from_model(row, read_at))


@strawberry.type
class NoticesSubscription:
    @subscription(
        requires=Can(NOTICE_RECEIVE),
        description="一键群发, live: the notices addressed to me (my street, community, grid, "
        "tags) as they are sent. Notices are not copied into each resident's `notifications`: "
        "a sent notice is one event with its target, and this subscription delivers it to "
        "the residents it covers (fan-out on read). They are listed by `myNotices` and "
        "counted in `unreadNotificationCount`. Pass the last `cursor` seen as `after` to first "
        "receive what was missed while disconnected, then live ones: no gap, no duplicate.",
    )
    async def notice_received(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[NoticeReceived, None]:
        me = listener(info, after)
        stream = notices.notices_received(
            me.services, me.user.id, me.street.id, me.since, me.token_expires_at
        )
        async for item in shared(  # the same message for every recipient: encoded once
            stream,
            NoticeReceived,
            lambda received: NoticeReceived(
                cursor=received.event.cursor, notice=Notice.from_model(received.notice)
            ),
            event_of=lambda received: received.event,
        ):
            yield item
