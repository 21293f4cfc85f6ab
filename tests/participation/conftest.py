"""Fixtures of the participation tests: the cases' street with every party, on a Monday."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from resolvers.services import Services
from tests.cases.support import CaseStreet, case_street, clock_at


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    """The session's clock on Monday 1 June 2026, 09:00 in Beijing, for the test."""
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    return await case_street(services, "pp")
