"""Helpers for the notices tests."""

from __future__ import annotations

from models.accounts import User
from models.people import Resident
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.notices import mark_read, send_notice
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import StreetFixture


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """A notice to the whole street, read by a resident with an account (every notices model:
    the notice, its target, a read receipt), for the whole-model isolation test."""
    with street_scope(fixture.street_id):
        street = await Street.get(id=fixture.street_id)
        admin = await User.get(username=fixture.admin_username)
        reader = await Resident.filter(user_id__not_isnull=True).order_by("id").first()
        assert reader is not None and reader.user_id is not None, "seed the people first"
        user = await User.get(id=reader.user_id)
        notice = await send_notice(
            Caller(services, admin, street), title="停水通知", body="明天 9 点到 12 点停水。"
        )
        await mark_read(Caller(services, user, street), notice.id)
