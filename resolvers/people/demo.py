"""Demo people for each demo street: tags, a compound and its buildings, staff on the first
grid, a few residents (one linked to the street's demo resident account), a representative with
a QR code. Written through the same operations a street administrator uses (so the audit trail
shows them), by the street's demo STREET_ADMIN."""

from __future__ import annotations

from core.identity import make_id_number
from models.accounts import Role
from models.outreach import ContactCode, Delegate, DelegateKind, DelegateLevel
from models.people import DEFAULT_TAGS, Building, Compound, GridAssignment, GridDuty, Resident, Tag
from models.tenancy import Community, Grid
from resolvers.caller import Caller
from resolvers.demo import DemoStreetData
from resolvers.people import delegates, places, residents
from tenants.scoping import street_scope

DEMO_RESIDENTS = (
    ("王秀英", "13800000001", "1号楼", ("独居老人",)),
    ("李建国", "13800000002", "1号楼", ("退役军人",)),
    ("张桂兰", "13800000003", "2号楼", ("留守老人", "残疾人")),
    ("陈晓明", "13800000004", "2号楼", ()),
)


async def load_people_demo(demo: DemoStreetData) -> None:
    """Idempotent: what is there already is left as it is."""
    street, users, index = demo.street, demo.users, demo.index
    admin = Caller(demo.services, users[Role.STREET_ADMIN], street)
    with street_scope(street.id):
        tags = {tag.name: tag for tag in await Tag.all()}
        for name in DEFAULT_TAGS:
            if name not in tags:
                tags[name] = await residents.create_tag(admin, name)
        community = await Community.all().order_by("id").first()
        assert community is not None
        grid = await Grid.filter(community=community).order_by("id").first()
        assert grid is not None
        compound = await Compound.filter(name=f"{community.name}小区").first()
        if compound is None:
            compound = await places.create_compound(admin, community.id, f"{community.name}小区")
        buildings = {}
        for name in ("1号楼", "2号楼"):
            found = await Building.filter(compound=compound, name=name).first()
            buildings[name] = found or await places.create_building(
                admin, compound.id, grid.id, name
            )
        for role, duty in ((Role.GRID_CHIEF, GridDuty.CHIEF), (Role.GRID_WORKER, GridDuty.WORKER)):
            if not await GridAssignment.exists(grid=grid, user=users[role]):
                await places.assign_to_grid(admin, grid.id, users[role].id, duty)
        for seq, (name, phone, building, tag_names) in enumerate(DEMO_RESIDENTS, start=1):
            number = make_id_number("420105", f"19{40 + seq * 7}0{seq}1{seq}", index * 10 + seq)
            if await Resident.exists(id_hash=demo.hasher.hash(number)):
                continue
            resident = await residents.register_resident(
                admin,
                name=name,
                phone=phone,
                id_number=number,
                address=f"{compound.name}{building}{seq}0{seq}室",
                household=f"{building}-{seq}0{seq}",
                building_id=buildings[building].id,
                tag_ids=[tags[t].id for t in tag_names],
            )
            if seq == 1:
                await residents.link_account(admin, resident.id, users[Role.RESIDENT].id)
        if not await Delegate.exists(name="周代表", kind=DelegateKind.REPRESENTATIVE):
            draft = delegates.DelegateDraft(
                kind=DelegateKind.REPRESENTATIVE,
                name="周代表",
                level=DelegateLevel.DISTRICT,
                constituency=f"{community.name}选区",
                liaison_station=f"{street.name}人大代表联络站",
                introduction="区人大代表，关注老旧小区改造。",
                community_ids=[community.id],
                user_id=users[Role.REPRESENTATIVE].id,
            )
            delegate = await delegates.create_delegate(admin, draft)
            code = await delegates.issue_code(admin, delegate.id)
            # Demo only: a token one can type (the README's card). The token is never in the
            # audit trail, so the chain is unchanged by this.
            await ContactCode.filter(id=code.id).update(token=f"demo-{street.code}-representative")
