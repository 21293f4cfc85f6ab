"""Set-up for the groups domain: a people street whose grid chief owns a group."""

from __future__ import annotations

from models.accounts import Role, User
from resolvers.services import Services
from tests.support import StreetFixture, add_member


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """One row of every groups model in a test street, written by the domain's own
    operations (for the whole-model isolation test)."""
    from models.people import GridAssignment, GridDuty
    from models.scoping import unscoped
    from models.tenancy import Street
    from resolvers.caller import Caller
    from resolvers.groups import chats
    from tenants.scoping import street_scope

    chief: User = await add_member(services, fixture.street_id, Role.GRID_CHIEF)
    member: User = await add_member(services, fixture.street_id, Role.RESIDENT)
    with unscoped("test set-up"):
        street = await Street.get(id=fixture.street_id)
        await GridAssignment.create(
            tenant_id=street.id, grid_id=fixture.grid_id, user=chief, duty=GridDuty.CHIEF
        )
    with street_scope(street.id):
        as_chief = Caller(services, chief, street)
        group = await chats.create_group(as_chief, fixture.grid_id, f"一格邻里群{index}")
        await chats.add_member(as_chief, group.id, member.id)
        await chats.send_message(as_chief, group.id, "欢迎大家", pin=True)
        await chats.send_message(as_chief, group.id, "", photos=[_Photo()])


class _Photo:
    """A photo as an upload gives it (the smallest thing the pipeline sniffs as a PNG)."""

    def __init__(self) -> None:
        self._data = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

    async def read(self, size: int = -1) -> bytes:
        data, self._data = (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
        return data
