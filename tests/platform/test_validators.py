"""The shared input checks (core/validators.py): what each keeps, and what it refuses with
which message and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core import validators
from core.errors import ErrorCode, Refused
from core.identity import make_id_number

ID_NUMBER = make_id_number("420105", "19800101", 12)


@pytest.mark.parametrize(
    ("check", "kept"),
    [
        (lambda: validators.text("  电梯  ", "title", 10), "电梯"),
        (lambda: validators.text("", "address", 10, required=False), ""),
        (lambda: validators.text("   ", "address", 10, required=False), ""),
        (lambda: validators.code("c-1"), "c-1"),
        (lambda: validators.username("li.ming"), "li.ming"),
        (lambda: validators.in_range(5, 1, 5, "score", "input.number_range"), 5),
        (lambda: validators.amount(" 1234.5 ", "budget"), Decimal("1234.50")),
        (
            lambda: validators.in_order(date(2027, 1, 1), date(2027, 1, 1), "end", "k"),
            date(2027, 1, 1),
        ),
        (
            lambda: validators.month("2027-12"),
            (datetime(2027, 12, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)),
        ),
        (lambda: validators.phone("+86 138-0000-0000"), "13800000000"),
        (lambda: validators.phone(""), ""),
        (lambda: validators.id_number(f" {ID_NUMBER.lower()} "), ID_NUMBER),
    ],
)
def test_accepted(check: Callable[[], object], kept: object) -> None:
    assert check() == kept


@pytest.mark.parametrize(
    ("check", "key", "field", "params"),
    [
        (lambda: validators.text("   ", "title", 10), "input.required", "title", {}),
        (lambda: validators.text("长" * 11, "title", 10), "input.too_long", "title", {"max": 10}),
        # Optional text may be empty but not too long; its length counts the spaces typed.
        (
            lambda: validators.text(" " * 11, "note", 10, required=False),
            "input.too_long",
            "note",
            {"max": 10},
        ),
        (lambda: validators.code("Bad Code"), "input.code_format", "code", {}),
        (lambda: validators.code("x", "districtCode"), "input.code_format", "districtCode", {}),
        (lambda: validators.username("ab"), "input.username_format", "username", {}),
        (
            lambda: validators.in_range(0, 1, 5, "score", "project.range"),
            "project.range",
            "score",
            {"min": 1, "max": 5},
        ),
        (lambda: validators.amount("0", "budget"), "project.amount_format", "budget", {}),
        (lambda: validators.amount("1.234", "budget"), "project.amount_format", "budget", {}),
        (lambda: validators.amount("-5", "budget"), "project.amount_format", "budget", {}),
        (
            lambda: validators.in_order(date(2027, 2, 1), date(2027, 1, 1), "end", "k"),
            "k",
            "end",
            {},
        ),
        (
            lambda: validators.in_order(
                date(2027, 1, 1), date(2027, 1, 1), "end", "k", same_allowed=False
            ),
            "k",
            "end",
            {},
        ),
        (lambda: validators.month("2027-13"), "input.month_format", "month", {}),
        (lambda: validators.phone("12345"), "input.phone_invalid", "phone", {}),
        (
            lambda: validators.id_number(ID_NUMBER[:-1] + "0"),
            "input.id_number_invalid",
            "idNumber",
            {},
        ),
    ],
)
def test_refused(check: Callable[[], object], key: str, field: str, params: dict) -> None:
    with pytest.raises(Refused) as refused:
        check()
    found = refused.value
    assert (found.code, found.message_key, found.field, found.params) == (
        ErrorCode.BAD_USER_INPUT,
        key,
        field,
        params,
    )
