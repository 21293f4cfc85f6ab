"""Checking what a client typed (输入校验), the same way in every domain.

Each check returns the value as it is kept (trimmed, normalized, parsed) or raises ``Refused``
naming the input field at fault, so a resolver reads top to bottom::

    title = validators.text(new.title, "title", 200)
    budget = validators.amount(new.budget, "budget")

A check that refuses inside ``changing()`` rolls the change back; a mutation's payload shows
the refusal as ``InputError``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from core.errors import ErrorCode, Refused
from core.identity import is_cn_mobile, is_valid_id_number, normalize_id_number, normalize_phone

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT_RE = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")
BAD = ErrorCode.BAD_USER_INPUT

# What no column can hold: NUL (PostgreSQL text refuses it) and a lone UTF-16 surrogate (no
# UTF-8 encoding exists for one; JSON's "\ud800" escape makes one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2099, 12, 31)
"""Dates (and months) a client may give: 1900-01-01 to 2099-12-31 (a birth date, a project's
planned end, a month of visits all fit; year 0 or 9999 is a typing error, not a plan)."""
EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)
"""Instants a client may give: the same days, read in UTC, with an explicit time zone."""


def characters(value: str, field: str) -> str:
    """Text a column can hold: no NUL character and no lone surrogate
    (``input.bad_characters``). Every other character is kept, emoji included."""
    if _UNSTORABLE.search(value):
        raise Refused(BAD, "input.bad_characters", field)
    return value


def length(value: str, field: str, max_length: int) -> str:
    """At most ``max_length`` characters (``input.too_long``), counted as typed."""
    if len(value) > max_length:
        raise Refused(BAD, "input.too_long", field, max=max_length)
    return value


def instant(value: datetime, field: str) -> datetime:
    """A moment with its time zone (``2026-05-01T09:00:00+08:00``), within
    ``EARLIEST_INSTANT``..``LATEST_INSTANT``; a time without a zone means nothing certain
    (``input.datetime_zone``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Refused(BAD, "input.datetime_zone", field)
    try:
        inside = EARLIEST_INSTANT <= value <= LATEST_INSTANT
    except OverflowError:  # an offset that carries it past year 1 or 9999
        inside = False
    if not inside:
        raise Refused(
            BAD, "input.datetime_range", field, min=EARLIEST_DAY.year, max=LATEST_DAY.year
        )
    return value


def day(value: date, field: str) -> date:
    """A date within ``EARLIEST_DAY``..``LATEST_DAY`` (``input.date_range``)."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise Refused(BAD, "input.date_range", field, min=EARLIEST_DAY.year, max=LATEST_DAY.year)
    return value


def text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    """Text of at most ``max_length`` characters (counted as typed), kept trimmed. Required
    text (a name, a title) that is empty or only spaces is refused (``input.required``);
    optional text (an address, a note) may be empty. NUL and lone surrogates are refused
    (``characters``)."""
    characters(value, field)
    if required and not value.strip():
        raise Refused(BAD, "input.required", field)
    return length(value, field, max_length).strip()


def code(value: str, field: str = "code") -> str:
    """A place code (社区、网格、街道编码): lower-case letters, digits and dashes, 2 to 40."""
    if not CODE_RE.match(value):
        raise Refused(BAD, "input.code_format", field)
    return value


def username(value: str, field: str = "username") -> str:
    """A sign-in name: letters, digits and ``._-``, 3 to 64, starting with a letter or digit."""
    if not USERNAME_RE.match(value):
        raise Refused(BAD, "input.username_format", field)
    return value


def in_range(value: int, low: int, high: int, field: str, message_key: str) -> int:
    """A whole number from ``low`` to ``high`` inclusive; the message (``input.number_range``,
    or the domain's own) names both."""
    if not low <= value <= high:
        raise Refused(BAD, message_key, field, min=low, max=high)
    return value


def amount(raw: str, field: str) -> Decimal:
    """A positive amount of money (元) with at most two decimals, below a trillion, written
    as digits (``1234.50``); anything else is refused."""
    value = (raw or "").strip()
    try:
        if not _AMOUNT_RE.match(value):
            raise InvalidOperation(value)
        money = Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise Refused(BAD, "project.amount_format", field) from exc
    if money <= 0 or money > MAX_AMOUNT:
        raise Refused(BAD, "project.amount_format", field)
    return money


def money_total(total: Decimal, field: str) -> Decimal:
    """A running total (the spending of a project after one more payment) that its money
    column can still hold: at most ``MAX_AMOUNT`` (``input.total_too_large``)."""
    if total > MAX_AMOUNT:
        raise Refused(BAD, "input.total_too_large", field, max=str(MAX_AMOUNT))
    return total


When = TypeVar("When", date, datetime)


def in_order(
    first: When, then: When, field: str, message_key: str, *, same_allowed: bool = True
) -> When:
    """``then`` (the field at fault) comes after ``first``; equal is allowed unless
    ``same_allowed=False``. Returns ``then``."""
    if then < first or (then == first and not same_allowed):
        raise Refused(BAD, message_key, field)
    return then


def month(value: str, field: str = "month") -> tuple[datetime, datetime]:
    """A month written ``YYYY-MM`` (1900-01 to 2099-12): its first instant and the next
    month's, in UTC."""
    found = MONTH_RE.match(value.strip())
    if not found:
        raise Refused(BAD, "input.month_format", field)
    year, mon = int(found.group(1)), int(found.group(2))
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise Refused(BAD, "input.date_range", field, min=EARLIEST_DAY.year, max=LATEST_DAY.year)
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return start, end


def phone(raw: str, field: str = "phone") -> str:
    """A mainland mobile number (手机号), normalized (no spaces, no +86); empty is allowed."""
    number = normalize_phone(raw)
    if number and not is_cn_mobile(number):
        raise Refused(BAD, "input.phone_invalid", field)
    return number


def id_number(raw: str, field: str = "idNumber") -> str:
    """A resident ID-card number (居民身份证号码), normalized, with a valid check character."""
    number = normalize_id_number(raw)
    if not is_valid_id_number(number):
        raise Refused(BAD, "input.id_number_invalid", field)
    return number
