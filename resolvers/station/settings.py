"""A street's station settings (联络站设置): the working days a reply may take, the yellow
line, and the content kinds that always pass review before publishing."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import ErrorCode, Refused
from models.station import StationSettings
from resolvers.caller import Caller
from resolvers.events import changing

DEFAULT_REPLY_DAYS = 10
DEFAULT_YELLOW_PERCENT = 70


async def street_station() -> StationSettings:
    """The current street's settings (the defaults when it has none yet, not saved)."""
    found = await StationSettings.filter().first()
    return found or StationSettings(
        reply_days=DEFAULT_REPLY_DAYS, yellow_percent=DEFAULT_YELLOW_PERCENT, always_review=[]
    )


async def save(
    caller: Caller,
    reply_days: int | None,
    yellow_percent: int | None,
    always_review: Sequence[str] | None,
) -> StationSettings:
    """Save the given parts. The street's first save creates its row: one that loses the
    race for it (the row is unique per street) saves again onto the winner's."""
    try:
        return await _save(caller, reply_days, yellow_percent, always_review)
    except IntegrityError:
        return await _save(caller, reply_days, yellow_percent, always_review)


async def _save(
    caller: Caller,
    reply_days: int | None,
    yellow_percent: int | None,
    always_review: Sequence[str] | None,
) -> StationSettings:
    if reply_days is not None:
        validators.in_range(reply_days, 1, 60, "replyDays", "station.reply_days_range")
    if yellow_percent is not None:
        validators.in_range(yellow_percent, 1, 99, "yellowPercent", "station.yellow_range")
    if always_review is not None and any(
        k not in caller.services.reviewables for k in always_review
    ):
        raise Refused(ErrorCode.BAD_USER_INPUT, "station.review_kind_unknown", "alwaysReview")
    async with changing(caller.services, caller.user) as change:
        row = await StationSettings.filter().select_for_update().first()
        if row is None:
            row = await StationSettings.create(
                tenant_id=change.street_id,
                reply_days=DEFAULT_REPLY_DAYS,
                yellow_percent=DEFAULT_YELLOW_PERCENT,
                always_review=[],
            )
        if reply_days is not None:
            row.reply_days = reply_days
        if yellow_percent is not None:
            row.yellow_percent = yellow_percent
        if always_review is not None:
            row.always_review = sorted({str(kind) for kind in always_review})
        await row.save()
        await change.record(
            "station.settings_saved",
            f"Street:{change.street_id}",
            {
                "replyDays": row.reply_days,
                "yellowPercent": row.yellow_percent,
                "alwaysReview": row.always_review,
            },
        )
    return row
