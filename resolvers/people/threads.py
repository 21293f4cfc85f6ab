"""One-to-one message threads between grid staff and residents (网格长直通车)."""

from __future__ import annotations

from collections.abc import Sequence

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.columns import max_length
from models.events import PRIVATE
from models.people import GridAssignment, GridDuty, Message, MessageThread, Resident
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.pagination import Page, PageKey, keyset_page, keyset_pages
from resolvers.people.access import my_resident
from resolvers.people.residents import visible_resident
from resolvers.people.rows import RULES


def _body(body: str) -> str:
    return validators.text(body, "body", max_length(Message, "body"))


async def _post(
    caller: Caller, resident: Resident, staff_id: int, body: str, from_resident: bool
) -> Message:
    """The message, its thread (created with the first message), the audit entry and the
    event in one transaction. The event is private (the street's stream does not show private
    conversations) and carries no text: the audit proves the message exists, the row keeps it."""
    async with changing(caller.services, caller.user) as change:
        thread, _ = await MessageThread.get_or_create(resident=resident, staff_id=staff_id)
        message = await Message.create(
            thread=thread,
            sender_id=caller.user.id,
            from_resident=from_resident,
            body=body,
            created_at=change.at,
        )
        thread.last_message_at = change.at
        await thread.save(update_fields=["last_message_at"])
        await change.record(
            "message.sent",
            to_global_id("MessageThread", thread.id),
            {
                "message": to_global_id("Message", message.id),
                "fromResident": from_resident,
                "length": len(body),
            },
            visibility=PRIVATE,
        )
    return message


async def staff_send(caller: Caller, resident_id: int, body: str) -> Message:
    """A grid chief or worker writes to a resident of their grids."""
    text = _body(body)
    resident = await visible_resident(caller, resident_id)
    return await _post(caller, resident, caller.user.id, text, False)


async def resident_record(caller: Caller) -> Resident:
    resident = await my_resident(caller.user.id)
    if resident is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.not_a_resident")
    return resident


async def resident_send(caller: Caller, body: str, thread_id: int | None) -> Message:
    """A resident writes in one of their threads, or to the grid chief of their grid."""
    text = _body(body)
    resident = await resident_record(caller)
    if thread_id is not None:
        mine = MessageThread.filter(id=thread_id, resident_id=resident.id)
        thread = await RULES.rows(caller, mine).first()
        if thread is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.thread_not_found", "threadId")
        staff_id = thread.staff_id
    else:
        chief = (
            await GridAssignment.filter(grid_id=resident.grid_id, duty=GridDuty.CHIEF).first()
            if resident.grid_id
            else None
        )
        if chief is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.no_grid_chief")
        staff_id = chief.user_id
    return await _post(caller, resident, staff_id, text, True)


async def my_staff_threads(caller: Caller, first: int | None, after: str | None) -> Page:
    """The threads I hold as grid staff (of those the row rule lets me see)."""
    query = RULES.rows(caller, MessageThread.filter(staff_id=caller.user.id))
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)


async def my_resident_threads(caller: Caller, first: int | None, after: str | None) -> Page:
    """The threads of my own resident record (of those the row rule lets me see)."""
    resident = await my_resident(caller.user.id)
    query = MessageThread.filter(resident_id=resident.id if resident else -1)
    return await keyset_page(
        RULES.rows(caller, query), first, after, caller.services.settings.max_page_size
    )


async def load_message_pages(keys: Sequence[PageKey]) -> list[Page[Message]]:
    """Messages of many threads, oldest first, a page each. A thread is only shown to who
    takes part in it (the lists above, the thread of one's own message), so its messages are
    read without asking again."""
    return await keyset_pages(Message.all(), "thread_id", keys)
