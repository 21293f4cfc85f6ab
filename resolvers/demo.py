"""Demo data from the seeds: three streets, their places, one account per role.

Loading is idempotent: run it twice, get the same data. Every demo password is ``demo1234``
(demo only: never load this into a production database).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from core.identity import IdHasher
from models.accounts import STREET_ROLES, DistrictMembership, Membership, Role, User
from models.scoping import unscoped
from models.tenancy import Community, District, Grid, Street
from resolvers.caller import Caller
from resolvers.services import Services

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoStreet:
    code: str
    name: str
    district_code: str
    district_name: str
    communities: tuple[tuple[str, str], ...]


DEMO_STREETS = (
    DemoStreet(
        "mishixiang",
        "米市巷街道",
        "gongshu",
        "拱墅区",
        (("hushu", "湖墅社区"), ("xiangji", "香积寺社区")),
    ),
    DemoStreet(
        "wangjiang",
        "望江街道",
        "shangcheng",
        "上城区",
        (("jinjiang", "近江社区"), ("wangjiangmen", "望江门社区")),
    ),
    DemoStreet(
        "wulidun",
        "五里墩街道",
        "hanyang",
        "汉阳区",
        (("qinduan", "琴断口社区"), ("wulixincun", "五里新村社区")),
    ),
)
GRIDS_PER_COMMUNITY = 3


def demo_username(street_code: str, role: Role) -> str:
    return f"{street_code}.{role.value.lower()}"


async def _user(username: str, display_name: str, password_hash: str, **extra: object) -> User:
    user, _ = await User.get_or_create(
        username=username,
        defaults={"display_name": display_name, "password_hash": password_hash, **extra},
    )
    return user


@dataclass(frozen=True)
class DemoStreetData:
    """One demo street as the platform part made it, for each domain's demo loader."""

    services: Services
    """For the domains' own operations (``changing()``: audit entries and events as in life)."""
    street: Street
    community: Community
    """The street's last community (where the demo puts its projects)."""
    users: dict[Role, User]
    """One account per street role."""
    hasher: IdHasher
    index: int
    """1, 2, 3: the street's place among the demo streets (spreads map points)."""

    def as_role(self, role: Role) -> Caller:
        """The street's demo account of ``role``, as the domains' operations take it."""
        return Caller(self.services, self.users[role], self.street)


DemoLoader = Callable[[DemoStreetData], Awaitable[None]]
"""A domain's part of a demo street; idempotent, called inside ``unscoped``."""


async def load_demo(
    services: Services,
    loaders: Sequence[DemoLoader] = (),
    echo: Callable[[str], object] = print,
) -> None:
    """The platform part (streets, places, one account per role, district accounts) in one
    transaction, then, street by street, each domain's ``loaders`` in the order of the domain
    list (each of their operations its own unit of work, as in life)."""
    settings = services.settings
    passwords = services.passwords
    password_hash = passwords.hash(DEMO_PASSWORD)
    assert settings.secret_key
    hasher = IdHasher(settings.secret_key)
    streets: list[DemoStreetData] = []
    with unscoped("loading demo streets"):
        async with in_transaction():  # the platform part, all or nothing
            await _user("admin", "平台管理员", password_hash, is_platform_admin=True)
            for index, demo in enumerate(DEMO_STREETS, start=1):
                district, _ = await District.get_or_create(
                    code=demo.district_code, defaults={"name": demo.district_name}
                )
                street, _ = await Street.get_or_create(
                    code=demo.code, defaults={"name": demo.name, "district": district}
                )
                for c_code, c_name in demo.communities:
                    community, _ = await Community.get_or_create(
                        tenant=street, code=c_code, defaults={"name": c_name}
                    )
                    for g in range(1, GRIDS_PER_COMMUNITY + 1):
                        await Grid.get_or_create(
                            tenant=street,
                            code=f"{c_code}-{g}",
                            defaults={"community": community, "name": f"{c_name}第{g}网格"},
                        )
                users = {}
                for role in sorted(STREET_ROLES):
                    user = users[role] = await _user(
                        demo_username(demo.code, role), f"{demo.name} {role.value}", password_hash
                    )
                    await Membership.get_or_create(tenant=street, user=user, role=role)
                streets.append(DemoStreetData(services, street, community, users, hasher, index))
                for role in (Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT):
                    user = await _user(
                        f"{demo.district_code}.{role.value.lower()}",
                        f"{demo.district_name} {role.value}",
                        password_hash,
                    )
                    await DistrictMembership.get_or_create(district=district, user=user, role=role)
    # The domains' parts are written by the demo accounts through the domains' own operations,
    # which ask the enforcer what those accounts may do: it learns the committed roles first.
    await services.authorizer.load_from_database()
    for data in streets:
        echo(f"[{data.index}/{len(streets)}] demo street {data.street.code} ({data.street.name})")
        for load in loaders:
            await load(data)
    echo(f"demo data ready: sign in as e.g. wulidun.grid_chief / {DEMO_PASSWORD} (demo only)")
