"""Deadlines in working days (工作日): China's statutory holidays and swapped working weekends
(调休), from the chinese-calendar package, which knows 2004 to 2026; later years, until
their arrangement is published, by a provisional calendar (the statutory holidays, weekends
off); before 2004 or after 2099 a deadline is refused (CALENDAR_RANGE).

2025's National Day week: 1 to 8 October off, Sunday 28 September and Saturday 11 October
worked instead."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core import workdays as calendar
from core.clock import LOCAL_TZ, FrozenClock
from core.errors import Refused
from models.cases import CaseCategory
from resolvers.cases.rules import plan
from tenants.scoping import street_scope
from tests.cases.support import CaseStreet, mutation, ok, report_input, run
from tests.support import Api, gid


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TZ)  # type: ignore[misc]


def test_the_calendar_covers_2004_to_2026() -> None:
    assert (calendar.FIRST_YEAR, calendar.LAST_YEAR) == (2004, 2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, worked for the holiday (调休)
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # a Wednesday, still the holiday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, worked for the holiday
        (date(2025, 10, 12), False),
    ],
)
def test_working_days_follow_the_state_councils_arrangement(day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


# start (local), working days → end of the last one (local midnight after it)
DEADLINES = [
    # Friday 26 Sep + 5: Sun 28 (swapped), Mon 29, Tue 30, Thu 9 Oct, Fri 10 Oct
    (local(2025, 9, 26, 10), 5, local(2025, 10, 11)),
    # one more: Saturday 11 October is a working day
    (local(2025, 9, 26, 10), 6, local(2025, 10, 12)),
    # arriving in the holiday: the first working day after it is 9 October
    (local(2025, 10, 3, 15), 1, local(2025, 10, 10)),
    # a plain week: Monday + 5 → the next Monday's end
    (local(2025, 6, 2, 9), 5, local(2025, 6, 10)),
    # signing the same day (0 working days): the end of the arrival day
    (local(2025, 10, 1, 9), 0, local(2025, 10, 2)),
]


@pytest.mark.parametrize(("start", "days", "due"), DEADLINES)
def test_a_deadline_counts_working_days_from_the_next_day(
    start: datetime, days: int, due: datetime
) -> None:
    found = calendar.deadline(start, days)
    assert found == due and found.tzinfo == UTC


def test_the_yellow_line_is_a_share_of_working_time_not_of_the_holiday() -> None:
    # Tue 30 Sep 09:00, two working days: 9 and 10 October, due at the end of 10 October.
    start = local(2025, 9, 30, 9)
    deadlines = plan(start.astimezone(UTC), (1, 2), 80)
    assert deadlines.due_at == local(2025, 10, 11)
    # 15 h left on 30 Sep + 24 h + 24 h = 63 h of working time; 80 % is 50.4 h: 15 h on
    # 30 Sep, 24 h on 9 Oct, then 11.4 h into 10 October. The holiday week counts for nothing.
    assert deadlines.yellow_at == local(2025, 10, 10, 11, 24)
    assert deadlines.sign_due_at == local(2025, 10, 10)


def test_a_deadline_reaching_into_a_year_not_yet_published_is_provisional() -> None:
    # Mon 28 Dec 2026 + 5: Tue 29, Wed 30, Thu 31 Dec; 1 January 2027 is New Year's Day, the
    # weekend is off, then Mon 4 January: due at the end of Tue 5 January 2027.
    assert calendar.deadline(local(2026, 12, 28, 9), 5) == local(2027, 1, 6)
    assert calendar.is_official(date(2026, 12, 31))
    assert not calendar.is_official(date(2027, 1, 4))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2027, 2, 8), False),  # the Spring Festival
        (date(2027, 10, 1), False),  # National Day
        (date(2027, 10, 8), True),  # a Friday after the holiday
        (date(2027, 3, 6), False),  # a Saturday: no swapped weekend is known yet
        (date(2027, 3, 8), True),  # a plain Monday
    ],
)
def test_the_provisional_calendar_keeps_the_statutory_holidays(day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (local(2099, 12, 28, 9), 5),  # runs into 2100
        (local(2003, 6, 2, 9), 1),
    ],
)
def test_a_date_outside_the_calendar_is_refused(start: datetime, days: int) -> None:
    with pytest.raises(Refused) as refused:
        calendar.deadline(start, days)
    assert refused.value.code == "CALENDAR_RANGE"
    assert refused.value.params["first"] == 2004 and refused.value.params["last"] == 2099


async def test_a_report_late_in_december_gets_a_provisional_deadline(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    # Monday 28 December 2026: the deadline reaches into 2027, whose arrangement the calendar
    # does not hold yet; the report is taken and its deadline marked provisional.
    query = mutation("reportCase", "ReportCaseInput", "dueAt deadlineOfficial")
    case = await ok(api, cs, cs.resident, query, report_input(cs))
    assert case["dueAt"].startswith("2026-06-") and case["deadlineOfficial"] is True
    monday.current = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)
    case = await ok(api, cs, cs.resident, query, report_input(cs))
    assert case["dueAt"].startswith("2027-") and case["deadlineOfficial"] is False


SET_RULE = """mutation($input: DeadlineRuleInput!) { setCaseDeadlineRule(input: $input) {
  __typename ... on UserError { code field } } }"""


async def test_a_categorys_own_sla_row_sets_a_new_reports_deadlines(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    # Monday 1 June 2026, 09:00: ordinary matters at the grid have 1 working day to sign and 5
    # to resolve (to the close of Monday 8 June); this category's own row gives 2 and 3 there.
    rule = {"level": "GRID", "urgency": "ORDINARY", "signDays": 2, "resolveDays": 3}
    own = {**rule, "categoryId": gid("CaseCategory", cs.category_id)}
    set_rule = await run(api, cs, cs.admin, SET_RULE, own)
    assert set_rule["__typename"] == "CaseSetupSuccess", set_rule
    with street_scope(cs.street.street_id):
        other = await CaseCategory.filter(active=True).exclude(id=cs.category_id).first()
    assert other is not None
    query = mutation("reportCase", "ReportCaseInput", "level signDueAt dueAt")
    case = await ok(api, cs, cs.resident, query, report_input(cs))
    assert case["level"] == "GRID"
    assert (case["signDueAt"], case["dueAt"]) == (
        "2026-06-03T16:00:00+00:00",  # the close of Wednesday 3 June, Beijing time
        "2026-06-04T16:00:00+00:00",
    )
    general = report_input(cs, categoryId=gid("CaseCategory", other.id))
    case = await ok(api, cs, cs.resident, query, general)
    assert (case["signDueAt"], case["dueAt"]) == (
        "2026-06-02T16:00:00+00:00",
        "2026-06-08T16:00:00+00:00",
    )
