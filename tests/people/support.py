"""Set-up for the people domain: a fresh street with two grids, staff and tags."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from core.identity import IdHasher, make_id_number, mask_id_number
from models.accounts import Role, User
from models.people import GridAssignment, GridDuty, Resident, ResidentTag, Tag
from models.scoping import unscoped
from models.tenancy import Grid
from resolvers.services import Services
from schema.relay import to_global_id
from tests.support import Api, StreetFixture, add_member, make_street

_sequence = itertools.count(1)


def new_id_number() -> str:
    n = next(_sequence) + secrets.randbelow(10_000) * 1000
    return make_id_number("330106", f"19{50 + n % 40}0{1 + n % 9}1{n % 9}", n)


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


@dataclass
class PeopleStreet:
    street: StreetFixture
    admin: str  # token
    grid1: int
    grid2: int
    chief: User
    chief_token: str
    worker: User
    tags: dict[str, int]

    @property
    def code(self) -> str:
        return self.street.code

    @property
    def id(self) -> int:
        return self.street.street_id


async def people_street(api: Api, services: Services, prefix: str = "p") -> PeopleStreet:
    street = await make_street(services, prefix)
    admin = await api.login(street.admin_username, street.admin_password)
    chief = await add_member(services, street.street_id, Role.GRID_CHIEF)
    worker = await add_member(services, street.street_id, Role.GRID_WORKER)
    with unscoped("test set-up"):
        grid2 = await Grid.create(
            tenant_id=street.street_id, community_id=street.community_id, code="g2", name="二格"
        )
        await GridAssignment.create(
            tenant_id=street.street_id, grid_id=street.grid_id, user=chief, duty=GridDuty.CHIEF
        )
        await GridAssignment.create(
            tenant_id=street.street_id, grid_id=street.grid_id, user=worker, duty=GridDuty.WORKER
        )
        tags = {}
        for name in ("独居老人", "退役军人", "残疾人"):
            tag, _ = await Tag.get_or_create(tenant_id=street.street_id, name=name)
            tags[name] = tag.id
    return PeopleStreet(
        street,
        admin,
        street.grid_id,
        grid2.id,
        chief,
        await api.login(chief.username),
        worker,
        tags,
    )


async def add_resident(
    services: Services,
    street_id: int,
    grid_id: int | None,
    name: str = "居民",
    tags: tuple[int, ...] = (),
    user: User | None = None,
    phone: str = "13912345678",
) -> Resident:
    assert services.settings.secret_key
    number = new_id_number()
    with unscoped("test set-up"):
        grid = await Grid.get(id=grid_id) if grid_id else None
        resident = await Resident.create(
            tenant_id=street_id,
            name=name,
            phone=phone,
            id_hash=IdHasher(services.settings.secret_key).hash(number),
            id_masked=mask_id_number(number),
            address="测试小区1号楼101",
            grid=grid,
            community_id=grid.community_id if grid else None,
            user=user,
        )
        for tag in tags:
            await ResidentTag.create(tenant_id=street_id, resident=resident, tag_id=tag)
    return resident


async def count(model: type, street_id: int, **filters: object) -> int:
    with unscoped("test check"):
        return await model.filter(tenant_id=street_id, **filters).count()


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """One row of every people model in a test street, written the way the app writes them
    (for the whole-model isolation test): the demo's people, a community assignment, a
    deliberator group, a monthly visit target, a message thread, a visit and a hand-over."""
    from models.tenancy import Community, Street
    from resolvers.caller import Caller
    from resolvers.demo import DemoStreetData
    from resolvers.people.delegates import create_group
    from resolvers.people.demo import load_people_demo
    from resolvers.people.handover import hand_over
    from resolvers.people.places import assign_to_community
    from resolvers.people.threads import staff_send
    from resolvers.people.visits import record_visit, set_monthly_target
    from tenants.scoping import street_scope

    roles = (Role.GRID_CHIEF, Role.GRID_WORKER, Role.RESIDENT, Role.REPRESENTATIVE)
    users = {role: await add_member(services, fixture.street_id, role) for role in roles}
    users[Role.COMMUNITY_STAFF] = await add_member(
        services, fixture.street_id, Role.COMMUNITY_STAFF
    )
    with unscoped("test set-up: the demo people of a test street"):
        street = await Street.get(id=fixture.street_id)
        community = await Community.filter(tenant_id=street.id).order_by("id").first()
        assert community is not None
        admin = await User.get(username=fixture.admin_username)
    users[Role.STREET_ADMIN] = admin
    hasher = IdHasher(services.settings.secret_key)
    await load_people_demo(DemoStreetData(services, street, community, users, hasher, index))
    with street_scope(fixture.street_id):
        as_admin = Caller(services, admin, street)
        as_chief = Caller(services, users[Role.GRID_CHIEF], street)
        await assign_to_community(as_admin, fixture.community_id, users[Role.COMMUNITY_STAFF].id)
        await create_group(as_admin, f"议事组{index}")
        await set_monthly_target(as_admin, 25)
        resident = await Resident.filter(user_id=users[Role.RESIDENT].id).order_by("id").first()
        assert resident is not None
        await staff_send(as_chief, resident.id, "您好，最近身体怎么样？")
        await record_visit(as_chief, resident.id, "独居，身体尚可", "", None)
        successor = await add_member(services, fixture.street_id, Role.GRID_WORKER)
        await hand_over(as_admin, users[Role.GRID_CHIEF].id, successor.id)
