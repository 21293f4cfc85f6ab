"""Suggestions to a representative (代表建议 / 民情反映): written from the representative's QR
card by a signed-in resident, accepted, answered or forwarded (to a street department or a
linked case) by the representative, replied to by the department, rated by the writer.

The privacy option (隐私保护): a private suggestion's writer is seen by the addressee alone.
Its writing and its rating are recorded with no actor (the audit entry and the event name
nobody), nothing recorded or notified about it names the writer, and the schema shows
``writer`` only to the addressee and the writer themselves.

Reply deadlines count the street's working days (``StationSettings.reply_days``) on the cases
domain's calendar, from the day the suggestion arrives; the yellow line is a share of that
working time (``yellow_percent``). ``resolvers/station/deadlines.py`` sends the warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.queryset import QuerySet

from core import validators
from core import workdays as calendar
from core.clock import local_date
from core.errors import DomainError, ErrorCode, Refused
from core.i18n import translate
from core.ids import to_global_id
from models.accounts import Membership, Role
from models.cases import Case, Department, DepartmentMember
from models.columns import column, max_length
from models.outreach import ContactCode, Delegate
from models.scoping import unscoped
from models.station import PHOTO_MAX_LENGTH, ContentKind, Suggestion, SuggestionStatus
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.owned import in_street
from resolvers.publishing import About
from resolvers.station import review, rows
from resolvers.station.codes import StationCode
from resolvers.station.settings import street_station

BAD = ErrorCode.BAD_USER_INPUT
OPEN = (SuggestionStatus.SUBMITTED, SuggestionStatus.ACCEPTED, SuggestionStatus.FORWARDED)
MAX_PHOTOS = 9


def suggestion_gid(pk: int) -> str:
    return to_global_id("Suggestion", pk)


@dataclass(frozen=True)
class SuggestionDraft:
    token: str
    text: str
    place: str = ""
    category: str = ""
    photos: Sequence[str] = ()
    private: bool = False


@dataclass(frozen=True)
class Deadline:
    on: date
    due_at: datetime
    yellow_at: datetime


def reply_deadline(received_at: datetime, days: int, yellow_percent: int) -> Deadline:
    """The reply is due at the close of the ``days``-th working day after the day it arrived;
    the yellow line is ``yellow_percent`` of the working time to it."""
    on = calendar.add_working_days(local_date(received_at), days)
    due_at = calendar.local_midnight(on + calendar.DAY).astimezone(UTC)
    return Deadline(on, due_at, calendar.share_of(received_at, due_at, yellow_percent))


async def _card_delegate(caller: Caller, token: str) -> Delegate:
    """The delegate of a card of the caller's street: another street's card and an unknown one
    are alike NOT_FOUND; a revoked one is REVOKED."""
    with unscoped("a QR token names its own street"):
        code = await ContactCode.filter(token=token.strip()).first()
    if code is None or code.tenant_id != caller.street.id:
        raise Refused(ErrorCode.NOT_FOUND, "input.qr_unknown", "token")
    if code.revoked_at is not None:
        raise Refused(ErrorCode.REVOKED, "input.qr_revoked", "token")
    return await Delegate.get(id=code.delegate_id)


def _photos(photos: Sequence[str]) -> list[str]:
    if len(photos) > MAX_PHOTOS:
        raise Refused(BAD, "station.too_many_photos", "photos", max=MAX_PHOTOS)
    return [validators.text(p, "photos", PHOTO_MAX_LENGTH) for p in photos]


async def write(caller: Caller, draft: SuggestionDraft) -> Suggestion:
    """A suggestion to the card's representative; the addressee is told (a private one by a
    notification that names nobody, as every one does)."""
    text = validators.text(draft.text, "text", max_length(Suggestion, "text"))
    place = validators.text(draft.place, "place", max_length(Suggestion, "place"), required=False)
    category = validators.text(
        draft.category, "category", max_length(Suggestion, "category"), required=False
    )
    photos = _photos(draft.photos)
    delegate = await _card_delegate(caller, draft.token)
    station = await street_station()
    actor = None if draft.private else caller.user
    async with changing(caller.services, actor) as change:
        due = reply_deadline(change.at, station.reply_days, station.yellow_percent)
        row = await Suggestion.create(
            tenant_id=change.street_id,
            delegate_id=delegate.id,
            writer_id=caller.user.id,
            private=draft.private,
            text=text,
            place=place,
            category=category,
            photos=photos,
            received_at=change.at,
            due_on=due.on,
            due_at=due.due_at,
            yellow_at=due.yellow_at,
        )
        await change.record(
            "suggestion.written",
            suggestion_gid(row.id),
            {
                "delegate": to_global_id("Delegate", delegate.id),
                "private": draft.private,
                "dueOn": row.due_on.isoformat(),
            },
            payload={"delegate": to_global_id("Delegate", delegate.id)},
        )
        if delegate.user_id is not None:
            await notify(
                change,
                [delegate.user_id],
                "suggestion.received",
                translate("station.suggestion_received_title"),
                translate("station.suggestion_received_body", due=row.due_on.isoformat()),
                suggestion_gid(row.id),
            )
    return row


def visible(caller: Caller) -> QuerySet[Suggestion]:
    return rows.RULES.rows(caller, Suggestion.all())


async def require(caller: Caller, pk: int, field: str = "id") -> Suggestion:
    found = await visible(caller).filter(id=pk).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=field)
    return found


async def is_addressee(caller: Caller, row: Suggestion) -> bool:
    return await Delegate.filter(id=row.delegate_id, user_id=caller.user.id).exists()


async def _lock_as_addressee(caller: Caller, pk: int) -> Suggestion:
    seen = await require(caller, pk)
    if not await is_addressee(caller, seen):
        raise Refused(StationCode.NOT_ADDRESSEE, "station.not_addressee", "id")
    locked = await Suggestion.filter(id=seen.id).select_for_update().first()
    assert locked is not None  # no deletes
    return locked


def _state(row: Suggestion, action: str) -> Refused:
    return Refused(
        StationCode.SUGGESTION_STATE,
        "station.suggestion_state",
        "id",
        status=row.status.value,
        action=action,
    )


async def accept(caller: Caller, pk: int) -> Suggestion:
    async with changing(caller.services, caller.user) as change:
        row = await _lock_as_addressee(caller, pk)
        if row.status is not SuggestionStatus.SUBMITTED:
            raise _state(row, "accept")
        row.status = SuggestionStatus.ACCEPTED
        await row.save(update_fields=["status"])
        await change.record("suggestion.accepted", suggestion_gid(row.id), {})
    return row


async def forward(
    caller: Caller, pk: int, department_id: int | None, case_id: int | None, note: str
) -> Suggestion:
    """Forward to a street department (which replies) or link a case of the cases domain (which
    the representative follows), or both."""
    if department_id is None and case_id is None:
        raise Refused(BAD, "station.forward_where", "departmentId")
    note = validators.text(note, "note", max_length(Suggestion, "answer"), required=False)
    department = (
        await in_street(Department, department_id, "departmentId")
        if department_id is not None
        else None
    )
    if department is not None and not department.active:
        raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "departmentId")
    case = await in_street(Case, case_id, "caseId") if case_id is not None else None
    async with changing(caller.services, caller.user) as change:
        row = await _lock_as_addressee(caller, pk)
        if row.status not in OPEN:
            raise _state(row, "forward")
        row.status = SuggestionStatus.FORWARDED
        row.department_id = department.id if department else row.department_id
        row.case_id = case.id if case else row.case_id
        row.forwarded_at = change.at
        await row.save()
        await change.record(
            "suggestion.forwarded",
            suggestion_gid(row.id),
            {
                "department": to_global_id("Department", department.id) if department else None,
                "case": to_global_id("Case", case.id) if case else None,
                **({"note": note} if note else {}),
            },
        )
        if department is not None:
            members = DepartmentMember.filter(department_id=department.id)
            await notify(
                change,
                await column(members, "user_id", int),
                "suggestion.forwarded",
                translate("station.suggestion_forwarded_title"),
                note,
                suggestion_gid(row.id),
            )
    return row


async def department_reply(caller: Caller, pk: int, reply: str) -> Suggestion:
    """A member of the department it was forwarded to replies (the representative answers)."""
    reply = validators.text(reply, "reply", max_length(Suggestion, "department_reply"))
    async with changing(caller.services, caller.user) as change:
        seen = await require(caller, pk)
        mine = DepartmentMember.filter(user_id=caller.user.id, department_id=seen.department_id)
        if seen.department_id is None or not await mine.exists():
            raise Refused(StationCode.NOT_ADDRESSEE, "station.not_department", "id")
        row = await Suggestion.filter(id=seen.id).select_for_update().first()
        assert row is not None
        if row.status is not SuggestionStatus.FORWARDED:
            raise _state(row, "department_reply")
        row.department_reply = reply
        row.department_replied_at = change.at
        await row.save(update_fields=["department_reply", "department_replied_at"])
        await change.record("suggestion.department_replied", suggestion_gid(row.id), {})
        delegate = await Delegate.get(id=row.delegate_id)
        if delegate.user_id is not None:
            await notify(
                change,
                [delegate.user_id],
                "suggestion.department_replied",
                translate("station.department_replied_title"),
                "",
                suggestion_gid(row.id),
            )
    return row


async def answer(caller: Caller, pk: int, text: str, public_summary: str = "") -> Suggestion:
    """The representative's answer (答复): on time when it is in before the reply deadline. A
    public summary, if given, goes to the review queue and is public once approved."""
    text = validators.text(text, "answer", max_length(Suggestion, "answer"))
    summary = validators.text(
        public_summary, "publicSummary", max_length(Suggestion, "answer"), required=False
    )
    async with changing(caller.services, caller.user) as change:
        row = await _lock_as_addressee(caller, pk)
        if row.status not in OPEN:
            raise _state(row, "answer")
        row.status = SuggestionStatus.ANSWERED
        row.answer = text
        row.answered_at = change.at
        row.on_time = change.at <= row.due_at
        await row.save()
        await change.record(
            "suggestion.answered",
            suggestion_gid(row.id),
            {"onTime": row.on_time, "summary": bool(summary)},
        )
        if summary:
            # About the suggestion and its writer; a private writer stays unnamed even to
            # the queue (the privacy option: no one but the addressee learns who wrote it).
            about = About(
                people=() if row.private else (row.writer_id,),
                matters=(suggestion_gid(row.id),)
                + ((to_global_id("Case", row.case_id),) if row.case_id else ()),
            )
            await review.submit(
                change, ContentKind.SUGGESTION_SUMMARY, row.id, summary, about=about
            )
        await notify(
            change,
            [row.writer_id],
            "suggestion.answered",
            translate("station.suggestion_answered_title"),
            "",
            suggestion_gid(row.id),
        )
    return row


async def rate(caller: Caller, pk: int, rating: int) -> Suggestion:
    """The writer rates the answer once, 1 (very dissatisfied) to 5 (very satisfied)."""
    validators.in_range(rating, 1, 5, "rating", "station.rating_range")
    seen = await require(caller, pk)
    if seen.writer_id != caller.user.id:
        raise Refused(StationCode.NOT_ADDRESSEE, "station.not_writer", "id")
    async with changing(caller.services, None if seen.private else caller.user) as change:
        row = await Suggestion.filter(id=seen.id).select_for_update().first()
        assert row is not None
        if row.status is not SuggestionStatus.ANSWERED:
            raise _state(row, "rate")
        row.status = SuggestionStatus.RATED
        row.rating = rating
        row.rated_at = change.at
        await row.save(update_fields=["status", "rating", "rated_at"])
        await change.record("suggestion.rated", suggestion_gid(row.id), {"rating": rating})
    return row


async def congress_staff() -> list[int]:
    """The street's congress staff (人大工委), told of every deadline warning."""
    query = Membership.filter(role=Role.CONGRESS_STAFF).distinct()
    return sorted(set(await column(query, "user_id", int)))


async def record_warning(change: Change, row: Suggestion, level_name: str) -> None:
    """Tell the addressee and the congress staff (a warning names no writer)."""
    delegate = await Delegate.get(id=row.delegate_id)
    users = await congress_staff()
    if delegate.user_id is not None:
        users.append(delegate.user_id)
    await notify(
        change,
        users,
        f"suggestion.deadline.{level_name}",
        translate("station.warning_red_title", name=delegate.name)
        if level_name == "red"
        else translate("station.warning_yellow_title", name=delegate.name),
        translate("station.warning_body", due=row.due_on.isoformat()),
        suggestion_gid(row.id),
    )
