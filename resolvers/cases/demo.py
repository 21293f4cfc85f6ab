"""The cases part of a demo street: grid outlines, the street's handling parties, and cases in
every state at every level (some overdue, some reported a second and a third time), so every
queue, list, figure and map shows something.

Everything is written through the operations a street's people use (reporting, signing,
escalating, dispatching, linking to the district, resolving, rating, re-reporting, Open311),
so the timelines, audit entries and events are those of real cases. Each case's story is told
on a clock of its own that starts days ago and moves on step by step, so the demo has old
cases, late ones and handling times; nothing is dated after now. Idempotent: a street that
has its demo cases is left as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.clock import LOCAL_TZ, FrozenClock
from models.accounts import Role, User
from models.cases import (
    Case,
    CaseCategory,
    CaseSource,
    Department,
    DistrictDepartment,
    GridBoundary,
    LeaderDuty,
    Satisfaction,
    Urgency,
)
from models.people import CommunityAssignment, GridAssignment, GridDuty
from models.tenancy import Community, District, Grid, Street
from resolvers.caller import Caller
from resolvers.cases import handling, open311, rating, setup
from resolvers.cases.reporting import NewCase, Reporter, file_case, report_resolved
from resolvers.demo import DemoStreetData
from resolvers.people import places
from resolvers.services import Services
from tenants.scoping import street_scope

GRID_SIZE = 0.01  # degrees: each demo grid is a square of about 1 km
MARK = "演示："  # every demo case's title starts with it (how a second load knows)
DEPARTMENTS = (("cgk", "城管科"), ("pab", "平安办"))
DISTRICT_DEPARTMENT = ("sthj", "区生态环境分局")

U, Sat = Urgency, Satisfaction


def origin(index: int) -> tuple[float, float]:
    """The south-west corner of a demo street's grids (streets spread apart on the map)."""
    return 114.2 + index * 0.5, 30.5


def square(west: float, south: float) -> dict[str, object]:
    east, north = round(west + GRID_SIZE, 6), round(south + GRID_SIZE, 6)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Cast:
    """Who acts in the demo street, each on the story's clock."""

    services: Services
    clock: FrozenClock
    street_id: int
    users: dict[Role, User]
    district_user: User
    street: Street

    def as_(self, role: Role) -> Caller:
        return Caller(self.services, self.users[role], self.street)

    def district(self) -> Caller:
        """The district department's account (区级部门), acting on the cases linked to it."""
        return Caller(self.services, self.district_user, self.street)

    def later(self, hours: float) -> None:
        self.clock.advance(hours=hours)


@dataclass(frozen=True)
class Story:
    """One demo case: what is reported where, how many days ago, and what happens to it."""

    title: str
    category: str
    days_ago: float
    grid: int | None  # which demo grid the point is in (0-5), None: outside every grid
    urgency: Urgency = Urgency.ORDINARY
    steps: tuple[str, ...] = ()
    public: bool = False
    gap_hours: float | None = None  # between steps; by default a few hours


# The steps: who does what, in order, a few hours apart.
TO_COMMUNITY = ("grid:sign", "grid:escalate")
TO_DESK = (*TO_COMMUNITY, "com:sign", "com:escalate", "desk:sign")
TO_DISTRICT = (*TO_DESK, "desk:link")
UNSATISFIED = ("grid:sign", "grid:resolve", "rate:no", "rereport")
STORIES = (
    Story("楼道堆放杂物", "city", 0.1, 0, public=True),
    Story("路灯不亮", "city", 1.5, 1, steps=("grid:sign",), public=True),
    Story("井盖松动", "city", 3, 2, steps=("grid:sign", "grid:resolve")),
    Story(
        "垃圾清运不及时",
        "city",
        12,
        3,
        steps=("grid:sign", "grid:resolve", "rate:ok"),
        gap_hours=100,  # signed and resolved late
    ),
    Story("违章搭建", "city", 6, 4, U.IMPORTANT, TO_COMMUNITY),
    Story("小区停车纠纷", "dispute", 10, 5, U.IMPORTANT, (*TO_COMMUNITY, "com:sign")),
    Story(
        "绿化带被毁",
        "city",
        12,
        0,
        U.IMPORTANT,
        (*TO_COMMUNITY, "com:sign", "com:resolve", "rate:basic"),
    ),
    Story(
        "电梯频繁故障", "services", 4, 2, U.IMPORTANT, (*TO_COMMUNITY, "com:sign", "com:resolve")
    ),
    Story("占道经营", "market", 0.5, None, public=True),
    Story("沿街店招破损", "city", 3, 5, steps=(*TO_DESK, "desk:close")),
    Story(
        "夜间施工噪音扰民", "governance", 7, 1, U.URGENT, (*TO_DESK, "desk:transfer", "dept:sign")
    ),
    Story("共享单车乱停放", "city", 9, 2, steps=(*TO_DESK, "desk:close", "rate:ok")),
    Story("河道排污", "safety", 5, 3, U.URGENT, TO_DISTRICT),
    Story("老旧管网漏水", "safety", 14, 4, U.URGENT, (*TO_DISTRICT, "district:sign")),
    Story(
        "电动车楼道充电",
        "safety",
        16,
        5,
        U.URGENT,
        (*TO_DISTRICT, "district:sign", "district:resolve", "rate:ok"),
    ),
    Story(
        "道路塌陷", "safety", 4, 0, U.URGENT, (*TO_DISTRICT, "district:sign", "district:resolve")
    ),
    Story("楼上漏水", "social", 15, 0, steps=UNSATISFIED),
    Story(
        "物业服务差",
        "services",
        18,
        1,
        steps=(*UNSATISFIED, "leader:sign", "leader:resolve", "rate:no", "rereport"),
        gap_hours=40,
    ),
)


async def _place_parties(demo: DemoStreetData, admin: Caller, district_user: User) -> None:
    """Outlines for the street's grids, its grid and community staff on all of them, two
    departments, the leader in charge and the head, and a department of the district."""
    users = demo.users
    west, south = origin(demo.index)
    grids = await Grid.all().order_by("community_id", "code")
    for n, grid in enumerate(grids):
        if not await GridBoundary.exists(grid_id=grid.id):
            cell = square(
                round(west + (n % 3) * GRID_SIZE, 6), round(south + (n // 3) * GRID_SIZE, 6)
            )
            await setup.set_grid_boundary(admin, grid.id, cell)
        for role, duty in ((Role.GRID_CHIEF, GridDuty.CHIEF), (Role.GRID_WORKER, GridDuty.WORKER)):
            taken = await GridAssignment.exists(grid_id=grid.id, duty=duty)
            mine = await GridAssignment.exists(grid_id=grid.id, user_id=users[role].id)
            if not mine and not (taken and duty is GridDuty.CHIEF):
                await places.assign_to_grid(admin, grid.id, users[role].id, duty)
    for community in await Community.all().order_by("id"):
        staff = users[Role.COMMUNITY_STAFF].id
        if not await CommunityAssignment.exists(community_id=community.id, user_id=staff):
            await places.assign_to_community(admin, community.id, staff)
    for code, name in DEPARTMENTS:
        department = await Department.filter(code=code).first()
        if department is None:
            department = await setup.create_department(admin, code, name)
        await setup.add_department_member(admin, department.id, users[Role.STREET_DEPARTMENT].id)
    for leading in (LeaderDuty.IN_CHARGE, LeaderDuty.HEAD):
        await setup.set_leader(admin, users[Role.STREET_LEADER].id, leading, None)
    code, name = DISTRICT_DEPARTMENT
    linked = await setup.create_district_department(demo.street.district_id, code, name)
    await setup.add_district_department_member(linked.id, district_user.id)


def _point(index: int, grid: int | None) -> tuple[float, float]:
    """The middle of a demo grid, or a point east of them all."""
    west, south = origin(index)
    if grid is None:
        return round(west + 3.5 * GRID_SIZE, 6), round(south + 0.5 * GRID_SIZE, 6)
    return (
        round(west + (grid % 3 + 0.4) * GRID_SIZE, 6),
        round(south + (grid // 3 + 0.6) * GRID_SIZE, 6),
    )


Step = Callable[[Cast, int], Awaitable[object]]


async def _transfer(cast: Cast, case_id: int) -> object:
    lead, assisting = [await Department.get(code=code) for code, _ in DEPARTMENTS]
    return await handling.transfer(
        cast.as_(Role.STREET_REVIEWER),
        case_id,
        handling.Part(lead.id, "查处施工单位，督促整改"),
        [handling.Part(assisting.id, "夜间巡查")],
    )


async def _link(cast: Cast, case_id: int) -> object:
    department = await DistrictDepartment.get(
        code=DISTRICT_DEPARTMENT[0], district_id=cast.street.district_id
    )
    return await handling.link_district(
        cast.as_(Role.STREET_REVIEWER), case_id, department.id, "需区级部门执法"
    )


STEPS: dict[str, Step] = {
    "grid:sign": lambda c, i: handling.sign(c.as_(Role.GRID_WORKER), i),
    "grid:resolve": lambda c, i: handling.resolve(c.as_(Role.GRID_WORKER), i, "已现场处理完毕。"),
    "grid:escalate": lambda c, i: handling.escalate(
        c.as_(Role.GRID_CHIEF), i, "网格内无法解决，提请社区协调。"
    ),
    "com:sign": lambda c, i: handling.sign(c.as_(Role.COMMUNITY_STAFF), i),
    "com:resolve": lambda c, i: handling.resolve(
        c.as_(Role.COMMUNITY_STAFF), i, "社区协调物业修复完成。"
    ),
    "com:escalate": lambda c, i: handling.escalate(
        c.as_(Role.COMMUNITY_STAFF), i, "需街道职能科室处置。"
    ),
    "desk:sign": lambda c, i: handling.sign(c.as_(Role.STREET_REVIEWER), i),
    "desk:close": lambda c, i: handling.close_directly(
        c.as_(Role.STREET_REVIEWER), i, "已通知运营企业清理，直接结案。"
    ),
    "desk:transfer": _transfer,
    "desk:link": _link,
    "dept:sign": lambda c, i: handling.sign(c.as_(Role.STREET_DEPARTMENT), i),
    "district:sign": lambda c, i: handling.sign(c.district(), i, district=True),
    "district:resolve": lambda c, i: handling.resolve(
        c.district(), i, "区级部门已完成管网更换。", district=True
    ),
    "leader:sign": lambda c, i: handling.sign(c.as_(Role.STREET_LEADER), i),
    "leader:resolve": lambda c, i: handling.resolve(
        c.as_(Role.STREET_LEADER), i, "分管领导约谈物业，限期整改。"
    ),
    "rate:ok": lambda c, i: rating.rate(c.as_(Role.RESIDENT), i, Sat.SATISFIED, "处理及时。"),
    "rate:basic": lambda c, i: rating.rate(c.as_(Role.RESIDENT), i, Sat.BASICALLY_SATISFIED),
    "rate:no": lambda c, i: rating.rate(c.as_(Role.RESIDENT), i, Sat.UNSATISFIED, "问题依旧。"),
    "rereport": lambda c, i: rating.rereport(c.as_(Role.RESIDENT), i, "问题没有解决，再次上报。"),
}


def _start(now: datetime, days_ago: float) -> datetime:
    """Days ago, at a working hour of the morning (local time) for stories older than a day."""
    at = now - timedelta(days=days_ago)
    if days_ago >= 1:
        local = at.astimezone(LOCAL_TZ)
        at = datetime.combine(local.date(), time(9, 30), LOCAL_TZ)
    return at


async def _tell(cast: Cast, demo: DemoStreetData, story: Story, now: datetime) -> None:
    cast.clock.current = _start(now, story.days_ago)
    category = await CaseCategory.get(code=story.category)
    longitude, latitude = _point(demo.index, story.grid)
    resident = cast.users[Role.RESIDENT]
    case = await file_case(
        cast.services,
        NewCase(
            title=MARK + story.title,
            category_id=category.id,
            description=f"{story.title}，请尽快处理。",
            urgency=story.urgency,
            longitude=longitude,
            latitude=latitude,
            public=story.public,
        ),
        Reporter(CaseSource.RESIDENT_APP, reporter_id=resident.id),
        actor=resident,
    )
    # A few hours between steps, never past now.
    gap = story.gap_hours or min(6.0, max(0.5, story.days_ago * 24 / (len(story.steps) + 2)))
    for name in story.steps:
        cast.later(gap)
        if cast.clock.current > now:
            cast.clock.current = now
        await STEPS[name](cast, case.id)


async def load_cases_demo(demo: DemoStreetData) -> None:
    """Grid outlines and handling parties, then the demo cases (each story once), a matter
    solved on the spot (事事必报), and a hotline case through Open311."""
    with street_scope(demo.street.id):
        if await Case.filter(title__startswith=MARK).exists():
            return
        district = await District.get(id=demo.street.district_id)
        district_user = await User.get(
            username=f"{district.code}.{Role.DISTRICT_DEPARTMENT.value.lower()}"
        )
        now = demo.services.clock.now()
        clock = FrozenClock(now)
        services = dataclasses.replace(demo.services, clock=clock)
        cast = Cast(services, clock, demo.street.id, demo.users, district_user, demo.street)
        await _place_parties(demo, cast.as_(Role.STREET_ADMIN), district_user)
        for story in STORIES:
            await _tell(cast, demo, story, now)
        clock.current = _start(now, 2)
        grids = await Grid.all().order_by("community_id", "code")
        city = await CaseCategory.get(code="city")
        longitude, latitude = _point(demo.index, 0)
        await report_resolved(
            cast.as_(Role.GRID_CHIEF),
            NewCase(
                title=MARK + "邻里噪音纠纷现场调解",
                category_id=city.id,
                longitude=longitude,
                latitude=latitude,
                grid_id=grids[0].id,
            ),
            "网格长上门调解，双方达成一致。",
        )
        clock.current = now - timedelta(hours=3)
        _, secret = await open311.issue_key(cast.as_(Role.STREET_ADMIN), "12345 热线")
        longitude, latitude = _point(demo.index, 2)
        await open311.create_request(
            services,
            {
                "api_key": secret,
                "service_code": "city",
                "lat": str(latitude),
                "long": str(longitude),
                "description": MARK + "热线来电：小区门口积水",
            },
        )
