"""Error codes of the bases domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class BasesCode(StrEnum):
    UNIT_NOT_RENTED = "UNIT_NOT_RENTED"
    """A tenant, a rental or a floating person on a unit not marked rented (出租)."""
    INVALID_CREDIT_CODE = "INVALID_CREDIT_CODE"
    """A unified social credit code (统一社会信用代码) whose check character is wrong."""
