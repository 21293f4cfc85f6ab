"""A period of local dates (统计期间): from one day to another, both included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.clock import LOCAL_TZ


@dataclass(frozen=True)
class Period:
    """From one local date to another, both included, as the instants that bound it."""

    first_day: date
    last_day: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first_day, time(), LOCAL_TZ).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)
