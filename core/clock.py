"""An injectable clock: deadlines read it, so tests move time instead of sleeping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock that only moves when told to (tests)."""

    current: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


# Streets are in China (UTC+8, no daylight saving): calendar dates (milestones, reply
# deadlines) are read in this zone.
LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(at: datetime) -> date:
    return at.astimezone(LOCAL_TZ).date()
