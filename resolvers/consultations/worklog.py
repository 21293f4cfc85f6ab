"""协商铃工作日志: grid workers log their bell work (visits, calls, coordination); the street
follows it live (``bell.logged`` events on the street's stream, for ``bell_log:read``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from tortoise.queryset import QuerySet

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.columns import max_length
from models.consultations import BellActivity, BellLogEntry, Consultation
from models.tenancy import Community
from policies.capabilities.consultations import BELL_LOG_READ
from resolvers.caller import Caller
from resolvers.consultations import rows
from resolvers.events import changing, domain_events
from resolvers.outbox import Event
from resolvers.services import Services

LOGGED = "bell.logged"
VISIBILITY = f"{BELL_LOG_READ.resource}:{BELL_LOG_READ.action}"


async def log_work(
    caller: Caller,
    activity: BellActivity,
    note: str,
    community_id: int | None,
    consultation_id: int | None,
    at: datetime | None,
) -> BellLogEntry:
    note = validators.text(note, "note", max_length(BellLogEntry, "note"))
    if community_id is not None and not await Community.filter(id=community_id).exists():
        raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "communityId")
    if consultation_id is not None:
        seen = rows.RULES.rows(caller, Consultation.filter(id=consultation_id))
        consultation = await seen.first()
        if consultation is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "consultationId")
        community_id = community_id or consultation.community_id
    async with changing(caller.services, caller.user) as change:
        when = at or change.at
        if when > change.at:
            raise Refused(ErrorCode.BAD_USER_INPUT, "consultation.log_in_future", "at")
        entry = await BellLogEntry.create(
            tenant_id=change.street_id,
            worker_id=caller.user.id,
            community_id=community_id,
            consultation_id=consultation_id,
            activity=activity,
            note=note,
            at=when,
        )
        subject = to_global_id("BellLogEntry", entry.id)
        await change.audit(LOGGED, subject, {"activity": activity.value})
        await change.event(
            LOGGED,
            subject,
            {"activity": activity.value, "community": community_id, "worker": caller.user.id},
            visibility=VISIBILITY,
        )
    return entry


def visible_log(caller: Caller) -> QuerySet[BellLogEntry]:
    return rows.RULES.rows(caller, BellLogEntry.all())


async def live_log(
    services: Services,
    user_id: int,
    street_id: int,
    since: int | None,
    token_expires_at: datetime | None,
) -> AsyncIterator[Event]:
    async for event in domain_events(
        services, user_id, street_id, "bell.", BELL_LOG_READ, None, since, token_expires_at
    ):
        yield event
