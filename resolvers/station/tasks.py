"""Task grabbing (抢单): congress staff post a task with a number of places, representatives
and deliberators claim them, report back, and staff confirm.

Exactly as many claims as places, under any concurrency, by the database: a claim raises the
task's ``claimed`` counter with one conditional update (``… SET claimed = claimed + 1 WHERE
claimed < places AND status = 'OPEN'``), which the database applies to one claimer at a time
(a row lock on PostgreSQL, the write lock on SQLite), and the claim row takes the slot number
that update reached, unique per task (``unique (task, slot_no)``), as the claimer is
(``unique (task, claimer)``). A second claim by the same person fails on that constraint and
rolls its increment back with it. No check-then-write decides a place.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.queryset import QuerySet

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from core.ids import to_global_id
from models.columns import max_length
from models.station import (
    ContentKind,
    ReviewItem,
    ReviewStatus,
    StationTask,
    TaskClaim,
    TaskStatus,
)
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.station import review
from resolvers.station.codes import StationCode
from resolvers.station.suggestions import _photos

MAX_PLACES = 1000


def task_gid(pk: int) -> str:
    return to_global_id("StationTask", pk)


async def post(caller: Caller, title: str, description: str, places: int) -> StationTask:
    """A task; its notice (title and description) passes the review queue."""
    title = validators.text(title, "title", max_length(StationTask, "title"))
    description = validators.text(
        description, "description", max_length(StationTask, "description"), required=False
    )
    validators.in_range(places, 1, MAX_PLACES, "places", "station.places_range")
    async with changing(caller.services, caller.user) as change:
        task = await StationTask.create(
            tenant_id=change.street_id,
            title=title,
            description=description,
            places=places,
            posted_by_id=caller.user.id,
            created_at=change.at,
        )
        await change.record("station_task.posted", task_gid(task.id), {"places": places})
        await review.submit(
            change, ContentKind.TASK_NOTICE, task.id, f"{title}\n{description}".strip()
        )
    return task


def visible(caller: Caller) -> QuerySet[StationTask]:
    """Staff see every task; representatives and deliberators those whose notice the review
    approved (a notice matching the watch list waits, unseen and unclaimable)."""
    if caller.can("station", "manage"):
        return StationTask.all()
    approved = ReviewItem.filter(kind=ContentKind.TASK_NOTICE, status=ReviewStatus.APPROVED).values(
        "subject_id"
    )
    return StationTask.filter(id__in=Subquery(approved))


async def require(pk: int, field: str = "id", caller: Caller | None = None) -> StationTask:
    query = StationTask.all() if caller is None else visible(caller)
    found = await query.filter(id=pk).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=field)
    return found


def _closed() -> Refused:
    return Refused(StationCode.TASK_CLOSED, "station.task_closed", "taskId")


def _twice() -> Refused:
    return Refused(StationCode.ALREADY_CLAIMED, "station.already_claimed", "taskId")


async def claim(caller: Caller, task_id: int) -> TaskClaim:
    """One place of the task for the caller: TASK_FULL when none is left, TASK_CLOSED after it
    closed, ALREADY_CLAIMED the second time."""
    task = await require(task_id, "taskId", caller)
    if task.status is TaskStatus.CLOSED:
        raise _closed()
    if await TaskClaim.exists(task_id=task.id, claimer_id=caller.user.id):
        raise _twice()
    try:
        async with changing(caller.services, caller.user) as change:
            taken = await StationTask.filter(
                id=task.id, status=TaskStatus.OPEN, claimed__lt=F("places")
            ).update(claimed=F("claimed") + 1)
            if not taken:
                now = await StationTask.get(id=task.id)
                if now.status is TaskStatus.CLOSED:
                    raise _closed()
                raise Refused(StationCode.TASK_FULL, "station.task_full", "taskId")
            slot = (await StationTask.get(id=task.id)).claimed  # the place this update took
            row = await TaskClaim.create(
                tenant_id=change.street_id,
                task_id=task.id,
                slot_no=slot,
                claimer_id=caller.user.id,
                claimed_at=change.at,
            )
            await change.record(
                "station_task.claimed", task_gid(task.id), {"slot": slot, "places": task.places}
            )
    except IntegrityError as exc:
        raise _twice() from exc
    return row


async def my_claim(caller: Caller, task_id: int) -> TaskClaim:
    row = await TaskClaim.filter(task_id=task_id, claimer_id=caller.user.id).first()
    if row is None:
        raise Refused(ErrorCode.NOT_FOUND, "station.no_claim", "taskId")
    return row


async def report(caller: Caller, task_id: int, text: str, photos: Sequence[str]) -> TaskClaim:
    """The claimer reports back (text, photos), until staff confirm it."""
    text = validators.text(text, "report", max_length(TaskClaim, "report"))
    checked = _photos(photos)
    async with changing(caller.services, caller.user) as change:
        task = await require(task_id, "taskId")
        row = await my_claim(caller, task.id)
        if row.confirmed_at is not None:
            raise _closed()
        row.report = text
        row.photos = checked
        row.reported_at = change.at
        await row.save(update_fields=["report", "photos", "reported_at"])
        await change.record("station_task.reported", task_gid(task.id), {"slot": row.slot_no})
    return row


async def confirm(caller: Caller, claim_id: int) -> TaskClaim:
    """Staff confirm a claim reported back (the task counts as done for its claimer)."""
    async with changing(caller.services, caller.user) as change:
        row = await TaskClaim.filter(id=claim_id).select_for_update().first()
        if row is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "claimId")
        if row.reported_at is None:
            raise Refused(StationCode.SUGGESTION_STATE, "station.not_reported", "claimId")
        if row.confirmed_at is None:
            row.confirmed_at = change.at
            row.confirmed_by_id = caller.user.id
            await row.save(update_fields=["confirmed_at", "confirmed_by_id"])
            await change.record(
                "station_task.confirmed", task_gid(row.task_id), {"slot": row.slot_no}
            )
    return row


async def close(caller: Caller, task_id: int) -> StationTask:
    async with changing(caller.services, caller.user) as change:
        task = await StationTask.filter(id=task_id).select_for_update().first()
        if task is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "id")
        if task.status is TaskStatus.OPEN:
            task.status = TaskStatus.CLOSED
            task.closed_at = change.at
            await task.save(update_fields=["status", "closed_at"])
            await change.record("station_task.closed", task_gid(task.id), {})
    return task


def listed(caller: Caller, status: TaskStatus | None) -> QuerySet[StationTask]:
    query = visible(caller)
    return query.filter(status=status) if status is not None else query


async def claims_of(task_ids: Sequence[int]) -> list[list[TaskClaim]]:
    """Each task's claims, by slot (a batch for the loader)."""
    found = await TaskClaim.filter(task_id__in=list(task_ids)).order_by("slot_no")
    by_task: dict[int, list[TaskClaim]] = {pk: [] for pk in task_ids}
    for row in found:
        by_task[row.task_id].append(row)
    return [by_task[pk] for pk in task_ids]
