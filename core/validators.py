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
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from core.errors import ErrorCode, Refused
from core.identity import is_cn_mobile, is_valid_id_number, normalize_id_number, normalize_phone

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_AMOUNT = Decimal("999999999999.99")
_AMOUNT_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
BAD = ErrorCode.BAD_USER_INPUT


def text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    """Text of at most ``max_length`` characters (counted as typed), kept trimmed. Required
    text (a name, a title) that is empty or only spaces is refused (``input.required``);
    optional text (an address, a note) may be empty."""
    if required and not value.strip():
        raise Refused(BAD, "input.required", field)
    if len(value) > max_length:
        raise Refused(BAD, "input.too_long", field, max=max_length)
    return value.strip()


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
    """A month written ``YYYY-MM``: its first instant and the next month's, in UTC."""
    found = MONTH_RE.match(value.strip())
    if not found:
        raise Refused(BAD, "input.month_format", field)
    year, mon = int(found.group(1)), int(found.group(2))
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
