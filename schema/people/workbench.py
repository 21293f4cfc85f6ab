"""网格长工作台: one-to-one threads with residents, and hand-over (账号继承)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import people as m
from models.accounts import User as UserRow
from models.people import Resident as ResidentRow
from policies.capabilities.people import MESSAGE_RESIDENT, MESSAGE_STAFF, PEOPLE_HANDOVER
from resolvers.pagination import page_key
from resolvers.people import handover, threads
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.people.common import optional_id
from schema.permissions import Can, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id


@strawberry.type(description="A message of a thread.")
class Message(Node):
    body: str
    from_resident: bool = strawberry.field(description="Written by the resident (居民发出).")
    sent_at: datetime

    @classmethod
    def from_model(cls, row: m.Message) -> Message:
        return cls(
            id=to_global_id("Message", row.id),
            body=row.body,
            from_resident=row.from_resident,
            sent_at=row.created_at,
        )


@strawberry.type(description="A one-to-one thread between a grid staff member and a resident.")
class MessageThread(Node):
    """Made only from a thread the caller takes part in (their own lists, the thread of the
    message they just wrote): its messages are theirs to read."""

    last_message_at: datetime | None
    pk: strawberry.Private[int]
    resident_id: strawberry.Private[int]
    staff_id: strawberry.Private[int]

    @strawberry.field(description="The resident's name (no other personal data).")
    async def resident_name(self, info: Info) -> str:
        row = await info.context.loaders.by_id(ResidentRow).load(self.resident_id)
        return row.name if row else ""

    @strawberry.field(description="The staff member (网格长) on the other side.")
    async def staff(self, info: Info) -> Account:
        row = await info.context.loaders.by_id(UserRow).load(self.staff_id)
        assert row is not None
        return Account.from_model(row)

    @strawberry.field(description="Messages, oldest first.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Message]:
        key = page_key(self.pk, first, after, info.context.services.settings.max_page_size)
        page = await info.context.loaders.of(threads.load_message_pages).load(key)
        return Connection.from_page(page, Message.from_model)

    @classmethod
    def from_model(cls, row: m.MessageThread) -> MessageThread:
        return cls(
            id=to_global_id("MessageThread", row.id),
            last_message_at=row.last_message_at,
            pk=row.id,
            resident_id=row.resident_id,
            staff_id=row.staff_id,
        )


@strawberry.input(description="Write to a resident of my grids.")
class MessageResidentInput:
    resident_id: strawberry.ID
    body: str = text(m.Message, "body")


@strawberry.input(
    description="A resident writes: in one of their threads, or (no threadId) to their "
    "grid chief (网格长)."
)
class MessageGridChiefInput:
    body: str = text(m.Message, "body")
    thread_id: strawberry.ID | None = None


@strawberry.input(description="账号继承: a leaving grid chief and their successor.")
class HandOverInput:
    leaver_id: strawberry.ID = strawberry.field(description="Account of the leaving grid chief.")
    successor_id: strawberry.ID = strawberry.field(description="Account of a staff member.")


@strawberry.type
class MessageSuccess:
    message: Message
    thread: MessageThread


@strawberry.type(description="What another domain moved in the hand-over, as a count.")
class HandOverMoved:
    what: str = strawberry.field(description="What moved (e.g. `groupsMoved`).")
    count: int


@strawberry.type(description="What moved to the successor. The leaver's access ended.")
class HandOverSuccess:
    grids_moved: int
    communities_moved: int
    threads_moved: int
    residents_covered: int
    sessions_revoked: int
    successor: Account
    also_moved: list[HandOverMoved] = strawberry.field(
        description="What the other domains moved in the same transaction (group chats…)."
    )


MessagePayload = Annotated[MessageSuccess | InputError, strawberry.union("MessagePayload")]
HandOverPayload = Annotated[HandOverSuccess | InputError, strawberry.union("HandOverPayload")]


async def _message_success(info: Info, row: m.Message) -> MessageSuccess:
    thread = await m.MessageThread.get(id=row.thread_id)
    return MessageSuccess(message=Message.from_model(row), thread=MessageThread.from_model(thread))


@strawberry.type
class WorkbenchQuery:
    @field(
        requires=Can(MESSAGE_STAFF),
        description="My threads with residents (网格长直通车), oldest first.",
    )
    async def my_resident_threads(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MessageThread]:
        page = await threads.my_staff_threads(caller(info), first, after)
        return Connection.from_page(page, MessageThread.from_model)

    @field(
        requires=Can(MESSAGE_RESIDENT),
        description="A resident's own threads with grid staff.",
    )
    async def my_threads(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MessageThread]:
        page = await threads.my_resident_threads(caller(info), first, after)
        return Connection.from_page(page, MessageThread.from_model)


@strawberry.type
class WorkbenchMutation:
    @mutation(
        requires=Can(MESSAGE_STAFF),
        description="Write to a resident of my grids (one thread per resident and staff member).",
    )
    async def message_resident(self, info: Info, input: MessageResidentInput) -> MessagePayload:
        pk = decode_id(input.resident_id, "Resident", "residentId")
        row = await threads.staff_send(caller(info), pk, input.body)
        return await _message_success(info, row)

    @mutation(
        requires=Can(MESSAGE_RESIDENT),
        description="A resident writes to their grid chief (网格长), or replies in a thread.",
    )
    async def message_grid_chief(self, info: Info, input: MessageGridChiefInput) -> MessagePayload:
        pk = optional_id(input.thread_id, "MessageThread", "threadId")
        row = await threads.resident_send(caller(info), input.body, pk)
        return await _message_success(info, row)

    @mutation(
        requires=Can(PEOPLE_HANDOVER),
        description="账号继承: move a leaving grid chief's grids, communities, resident "
        "threads (and what other domains hold, such as group chats) to a successor in one "
        "transaction. The leaver's roles in the street and "
        "all their sessions end at once. A successor who is not staff of the street is refused. "
        "The hand-over is recorded in the audit chain (`people.handed_over`): read it with "
        "`auditTrail(subject: <the leaver's account ID>)`.",
    )
    async def hand_over(self, info: Info, input: HandOverInput) -> HandOverPayload:
        result = await handover.hand_over(
            caller(info),
            decode_id(input.leaver_id, "Account", "leaverId"),
            decode_id(input.successor_id, "Account", "successorId"),
        )
        successor = await info.context.loaders.by_id(UserRow).load(result.successor_id)
        assert successor is not None
        return HandOverSuccess(
            grids_moved=result.grids_moved,
            communities_moved=result.communities_moved,
            threads_moved=result.threads_moved,
            residents_covered=result.residents_covered,
            sessions_revoked=result.sessions_revoked,
            successor=Account.from_model(successor),
            also_moved=[
                HandOverMoved(what=key, count=value)
                for key, value in sorted(result.also_moved.items())
                if isinstance(value, int)
            ],
        )
