"""Fixtures of the stats tests: a street with every party (the cases tests' street), on a
working Monday."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from resolvers.services import Services
from tests.cases.support import CaseStreet, case_street, clock_at


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    return await case_street(services)
