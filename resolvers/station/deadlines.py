"""Reply deadline warnings of suggestions (黄线提醒、红线示警): once each, with any number of
workers.

A suggestion not yet answered turns yellow once its ``yellow_at`` has passed and red once its
``due_at`` has (``resolvers/station/suggestions.py`` sets both from the street's working days).
The addressee and the street's congress staff are told once per colour: a warning is claimed
by raising ``warned_level`` with a conditional update under a row lock other scanners skip
(``FOR UPDATE SKIP LOCKED``), in the same transaction as the ``SuggestionWarning`` row (unique
per suggestion and colour), the audit entry, the event and the notifications. The scan reads
IDs and streets only across every street and handles each suggestion in its street's scope and
its own error boundary (``each_in_street``), as ``resolvers/projects/deadlines.py`` does.
"""

from __future__ import annotations

from datetime import datetime

from core.settings import SettingsSection
from models.station import Suggestion, SuggestionWarning, WarningLevel
from resolvers.events import changing
from resolvers.periodic import Periodic, each_in_street
from resolvers.services import Services
from resolvers.station.suggestions import OPEN, record_warning, suggestion_gid
from tenants.scoping import unscoped

NAMES = {WarningLevel.YELLOW: "yellow", WarningLevel.RED: "red"}


class StationDomainSettings(SettingsSection):
    """How often the station's reply scanner looks for warnings to send (env
    ``GONGZHI_STATION_SCAN_SECONDS``)."""

    station_scan_seconds: float = 60.0


def level_at(row: Suggestion, now: datetime) -> WarningLevel:
    """The colour of an unanswered suggestion at ``now``."""
    if row.status not in OPEN:
        return WarningLevel.NONE
    if row.due_at <= now:
        return WarningLevel.RED
    if row.yellow_at <= now:
        return WarningLevel.YELLOW
    return WarningLevel.NONE


async def scan_reply_deadlines(services: Services) -> int:
    """Send every reply warning that is due and not yet sent; returns how many were sent."""
    now = services.clock.now()
    with unscoped("the station's reply scanner serves every street"):
        due = (
            await Suggestion.filter(
                status__in=list(OPEN), warned_level__lt=WarningLevel.RED, yellow_at__lte=now
            )
            .order_by("tenant_id", "id")
            .values_list("id", "tenant_id")
        )
    items = sorted(((int(a), int(b)) for a, b in due), key=lambda pair: (pair[1], pair[0]))
    return await each_in_street(
        "station reply deadline", items, lambda pk: warn_suggestion(services, pk)
    )


async def warn_suggestion(services: Services, pk: int) -> int:
    async with changing(services, None) as change:
        row = (
            await Suggestion.filter(id=pk, status__in=list(OPEN), warned_level__lt=WarningLevel.RED)
            .select_for_update(skip_locked=True)
            .first()
        )
        if row is None:
            return 0
        level = level_at(row, change.at)
        if level is WarningLevel.NONE or row.warned_level >= level:
            return 0
        claimed = await Suggestion.filter(id=row.id, warned_level__lt=level).update(
            warned_level=level
        )
        if not claimed:
            return 0
        await SuggestionWarning.create(
            tenant_id=change.street_id,
            suggestion_id=row.id,
            level=level,
            due_at=row.due_at,
            sent_at=change.at,
        )
        detail = {"warning": level.name, "dueAt": row.due_at.isoformat()}
        await change.record("suggestion.warned", suggestion_gid(row.id), detail)
        await record_warning(change, row, NAMES[level])
    return 1


def reply_deadline_scanner(services: Services) -> Periodic:
    return Periodic(
        "station-reply-scanner",
        lambda: scan_reply_deadlines(services),
        services.settings.section(StationDomainSettings).station_scan_seconds,
    )
