"""What every part of the bell shares: finding a consultation the caller may see, and taking
a step (the consultation's timeline, the audit chain and the event, in one unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core import workdays as calendar
from core.clock import local_date
from core.errors import DomainError, ErrorCode
from core.ids import to_global_id
from models.consultations import Consultation, ConsultationStep, Step
from resolvers.caller import Caller
from resolvers.consultations import rows
from resolvers.consultations.settings import StreetBell
from resolvers.consultations.steps import next_step
from resolvers.events import Change

NOT_FOUND = ErrorCode.NOT_FOUND


def consultation_gid(consultation_id: int) -> str:
    return to_global_id("Consultation", consultation_id)


async def require_consultation(caller: Caller, consultation_id: int) -> Consultation:
    """The consultation, if the caller may see it (row rules); NOT_FOUND otherwise."""
    query = Consultation.filter(id=consultation_id)
    found = await rows.RULES.rows(caller, query).first()
    if found is None:
        raise DomainError(NOT_FOUND, field="id")
    return found


async def lock(caller: Caller, consultation_id: int) -> Consultation:
    """The consultation, read again inside the unit of work for update (one step at a time)."""
    seen = await require_consultation(caller, consultation_id)
    locked = await Consultation.filter(id=seen.id).select_for_update().first()
    if locked is None:  # deleted in between: cannot happen (no deletes), say so plainly
        raise DomainError(NOT_FOUND, field="id")
    return locked


def due_after(bell: StreetBell, step: Step, on: date) -> date | None:
    """When the step after ``step`` is due, in working days from ``on`` (statutory holidays
    and swapped weekends, the cases domain's calendar: provisional for a year not yet
    published, refused with ``CALENDAR_RANGE`` after 2099)."""
    following = next_step(step)
    if following is None:
        return None
    days = bell.step_days.get(following, 5)
    return calendar.add_working_days(on, days)


@dataclass(frozen=True)
class StepDeadline:
    """When the step after the current one is due: its day, the instant that day ends, and
    its yellow line (黄线), a share of the working time to it."""

    on: date
    due_at: datetime
    yellow_at: datetime


def deadline_after(bell: StreetBell, step: Step, at: datetime) -> StepDeadline | None:
    """The deadline of the step after ``step``, taken at ``at`` (None at the end or off the
    path). Working days as ``due_after``."""
    on = due_after(bell, step, local_date(at))
    return None if on is None else deadline_on(bell, on, at)


def deadline_on(bell: StreetBell, on: date, at: datetime) -> StepDeadline:
    """The deadline at the close of the day ``on`` for a step taken at ``at``, with its
    yellow line."""
    due_at = calendar.local_midnight(on + calendar.DAY).astimezone(UTC)
    yellow_at = calendar.share_of(at, due_at, bell.yellow_percent)
    return StepDeadline(on, due_at, yellow_at)


async def take_step(
    change: Change,
    consultation: Consultation,
    step: Step,
    bell: StreetBell,
    *,
    note: str = "",
    detail: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> ConsultationStep:
    """Move the consultation to ``step``: its timeline row, its new state and deadline, the
    audit entry and the event ``consultation.<step>``."""
    detail = detail or {}
    consultation.step = step
    due = deadline_after(bell, step, change.at)
    consultation.step_due = due.on if due else None
    consultation.step_due_at = due.due_at if due else None
    consultation.step_yellow_at = due.yellow_at if due else None
    consultation.warned_level = 0
    consultation.updated_at = change.at
    for name, value in (fields or {}).items():
        setattr(consultation, name, value)
    await consultation.save()
    record = await ConsultationStep.create(
        tenant_id=change.street_id,
        consultation=consultation,
        step=step,
        actor_id=change.actor_id,
        at=change.at,
        note=note,
        detail=detail,
    )
    subject = consultation_gid(consultation.id)
    await change.record(
        f"consultation.{step.value.lower()}",
        subject,
        {"step": step.value, **({"note": note} if note else {}), **detail},
        payload={"step": step.value, "community": consultation.community_id},
    )
    return record
