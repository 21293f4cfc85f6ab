"""Fixtures of the patrols tests: the cases' street with every party, on a Monday, with an
outline for grid 1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from models.accounts import User
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.cases import setup
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import SQUARE, CaseStreet, case_street, clock_at


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    """The session's clock on Monday 1 June 2026, 09:00 in Beijing, for the test."""
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    found = await case_street(services, "pt")
    with street_scope(found.street.street_id):
        street = await Street.get(id=found.street.street_id)
        admin = await User.get(id=found.admin.id)
        await setup.set_grid_boundary(Caller(services, admin, street), found.street.grid_id, SQUARE)
    return found
