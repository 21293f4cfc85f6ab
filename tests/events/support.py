"""Helpers for the events tests."""

from __future__ import annotations

from models.accounts import User
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import StreetFixture


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """A notification (and with it an outbox event), for the whole-model isolation test."""
    with street_scope(fixture.street_id):
        admin = await User.get(username=fixture.admin_username)
        async with changing(services, admin) as change:
            await notify(change, [admin], "test", "欢迎")
