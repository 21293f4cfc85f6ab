"""Demo people for each demo street: tags, a compound, staff on the first grid, a few
residents (one linked to the street's demo resident account), a representative with a QR code."""

from __future__ import annotations

from core.identity import make_id_number, mask_id_number
from models.accounts import Role
from models.outreach import ContactCode, Delegate, DelegateArea, DelegateKind, DelegateLevel
from models.people import (
    DEFAULT_TAGS,
    Building,
    Compound,
    GridAssignment,
    GridDuty,
    Resident,
    ResidentTag,
    Tag,
)
from models.tenancy import Community, Grid
from resolvers.demo import DemoStreetData

DEMO_RESIDENTS = (
    ("王秀英", "13800000001", "1号楼", ("独居老人",)),
    ("李建国", "13800000002", "1号楼", ("退役军人",)),
    ("张桂兰", "13800000003", "2号楼", ("留守老人", "残疾人")),
    ("陈晓明", "13800000004", "2号楼", ()),
)


async def load_people_demo(demo: DemoStreetData) -> None:
    """Idempotent: called inside ``unscoped`` by ``resolvers.demo.load_demo``."""
    street, users, hasher, index = demo.street, demo.users, demo.hasher, demo.index
    tags = {}
    for name in DEFAULT_TAGS:
        tags[name], _ = await Tag.get_or_create(tenant=street, name=name)
    community = await Community.filter(tenant=street).order_by("id").first()
    grid = await Grid.filter(tenant=street, community=community).order_by("id").first()
    assert community is not None and grid is not None
    compound, _ = await Compound.get_or_create(
        tenant=street, name=f"{community.name}小区", defaults={"community": community}
    )
    buildings = {}
    for name in ("1号楼", "2号楼"):
        buildings[name], _ = await Building.get_or_create(
            tenant=street, compound=compound, name=name, defaults={"grid": grid}
        )
    for role, duty in ((Role.GRID_CHIEF, GridDuty.CHIEF), (Role.GRID_WORKER, GridDuty.WORKER)):
        await GridAssignment.get_or_create(
            tenant=street, grid=grid, user=users[role], defaults={"duty": duty}
        )
    for seq, (name, phone, building, tag_names) in enumerate(DEMO_RESIDENTS, start=1):
        number = make_id_number("420105", f"19{40 + seq * 7}0{seq}1{seq}", index * 10 + seq)
        resident, created = await Resident.get_or_create(
            tenant=street,
            id_hash=hasher.hash(number),
            defaults={
                "name": name,
                "phone": phone,
                "id_masked": mask_id_number(number),
                "address": f"{compound.name}{building}{seq}0{seq}室",
                "household": f"{building}-{seq}0{seq}",
                "building": buildings[building],
                "grid": grid,
                "community": community,
                "user": users[Role.RESIDENT] if seq == 1 else None,
            },
        )
        if created:
            for tag_name in tag_names:
                await ResidentTag.create(tenant=street, resident=resident, tag=tags[tag_name])
    delegate, created = await Delegate.get_or_create(
        tenant=street,
        name="周代表",
        kind=DelegateKind.REPRESENTATIVE,
        defaults={
            "level": DelegateLevel.DISTRICT,
            "constituency": f"{community.name}选区",
            "liaison_station": f"{street.name}人大代表联络站",
            "introduction": "区人大代表，关注老旧小区改造。",
            "user": users[Role.REPRESENTATIVE],
        },
    )
    if created:
        await DelegateArea.create(tenant=street, delegate=delegate, community=community)
        await ContactCode.create(
            tenant=street,
            delegate=delegate,
            token=f"demo-{street.code}-representative",
            created_at=street.created_at,
        )
