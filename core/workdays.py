"""Working days (工作日) by China's statutory holidays and swapped working weekends (调休):
the one calendar of every domain's deadlines (cases, the bell, the station's replies,
projects' supervision opinions).

Two sources, in this order:

* the ``chinese-calendar`` package: the State Council's yearly arrangement of public holidays
  with the weekends that become working days, for ``FIRST_YEAR`` to ``LAST_YEAR`` (2004 to
  2026 in chinese-calendar 1.11). This is the official calendar (``is_official``).
* for a later year whose arrangement the package does not hold yet (it is published each
  November), a *provisional* calendar: the statutory holidays as the law fixes them
  (New Year's Day, the Spring Festival, Qingming, Labour Day, the Dragon Boat and Mid-Autumn
  festivals, National Day, with their observed days) from the ``holidays`` package's China
  calendar, and every weekend off; no swapped working weekend is known yet. A deadline
  reaching into such a year is still set (a case reported on 28 December is not refused), and
  ``is_official`` says it may move by a day or two once the year is published: update
  ``chinese-calendar`` then.

A date before ``FIRST_YEAR`` or after ``PROVISIONAL_LAST_YEAR`` is refused with
``CALENDAR_RANGE``.

A deadline of *n* working days counts from the day after its start (a case's arrival): it
ends at the close of the *n*-th working day (midnight, Beijing time, at the start of the next
day). Nothing here reads a clock: the callers give the instant (``services.clock.now()``);
instants come back in UTC, as they are stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache

import chinese_calendar
from holidays.countries.china import China

from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused

_KNOWN = sorted(set(chinese_calendar.holidays) | set(chinese_calendar.workdays))
FIRST_YEAR: int = _KNOWN[0].year
LAST_YEAR: int = _KNOWN[-1].year
PROVISIONAL_LAST_YEAR = 2099
"""The last year a provisional calendar is given for (the inputs' own range ends there)."""
DAY = timedelta(days=1)


def is_official(day: date) -> bool:
    """Whether the State Council's arrangement for ``day``'s year is known (else the day is
    judged by the provisional calendar)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


@cache
def _provisional(year: int) -> China:
    return China(years=year)  # type: ignore[no-untyped-call]


@lru_cache(maxsize=8192)
def _official_working_day(day: date) -> bool:
    """The State Council's answer for a day of a known year (kept: every deadline computed
    asks about the same few weeks again and again)."""
    return bool(chinese_calendar.is_workday(day))


def is_working_day(day: date, field: str = "date") -> bool:
    """A working day: Monday to Friday that is no holiday, or a swapped working weekend."""
    if is_official(day):
        return _official_working_day(day)
    if LAST_YEAR < day.year <= PROVISIONAL_LAST_YEAR:
        return day.weekday() < 5 and day not in _provisional(day.year)
    raise Refused(
        ErrorCode.CALENDAR_RANGE,
        "input.calendar_range",
        field,
        date=day.isoformat(),
        first=FIRST_YEAR,
        last=PROVISIONAL_LAST_YEAR,
    )


def add_working_days(start: date, days: int, field: str = "date") -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when ``days`` is 0)."""
    current = start
    left = days
    while left > 0:
        current += DAY
        if is_working_day(current, field):
            left -= 1
    return current


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ)


def deadline(start: datetime, days: int, field: str = "date") -> datetime:
    """The end of the ``days``-th working day after the local date of ``start``."""
    day = start.astimezone(LOCAL_TZ).date()
    return local_midnight(add_working_days(day, days, field) + DAY).astimezone(UTC)


def working_seconds(start: datetime, end: datetime, field: str = "date") -> float:
    """How much of [start, end) falls on working days (holidays and weekends do not count)."""
    total = 0.0
    cursor = start
    while cursor < end:
        day = cursor.astimezone(LOCAL_TZ).date()
        next_midnight = min(local_midnight(day + DAY), end)
        if is_working_day(day, field):
            total += (next_midnight - cursor).total_seconds()
        cursor = next_midnight
    return total


def share_of(start: datetime, end: datetime, percent: int, field: str = "date") -> datetime:
    """The instant when ``percent`` of the working time between ``start`` and ``end`` has
    passed (the yellow line, 黄线): holidays inside the span do not bring it forward."""
    target = working_seconds(start, end, field) * percent / 100
    cursor = start
    while cursor < end:
        day = cursor.astimezone(LOCAL_TZ).date()
        next_midnight = min(local_midnight(day + DAY), end)
        if is_working_day(day, field):
            span = (next_midnight - cursor).total_seconds()
            if target <= span:
                return (cursor + timedelta(seconds=target)).astimezone(UTC)
            target -= span
        cursor = next_midnight
    return end.astimezone(UTC)
