"""Error codes of the projects domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class ProjectCode(StrEnum):
    OVER_BUDGET = "OVER_BUDGET"
    """A disbursement would take spending over the budget without a reason (超预算)."""
