"""Demo data from the seeds: three streets, their places, one account per role.

Loading is idempotent: run it twice, get the same data. Every demo password is ``demo1234``
(demo only: never load this into a production database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from core.identity import IdHasher
from core.security import Passwords
from core.settings import Settings
from models.accounts import STREET_ROLES, DistrictMembership, Membership, Role, User
from models.projects import Milestone, ProgressUpdate, Project, ProjectStatus
from models.scoping import unscoped
from models.tenancy import Community, District, Grid, Street
from models.votes import (
    BallotMode,
    ElectorateKind,
    SubjectKind,
    ThresholdBasis,
    Vote,
    VoteItem,
    VoteKind,
)
from resolvers.people.demo import load_people_demo

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
# A few livelihood projects per street: (title, category, budget, status, milestones done)
DEMO_PROJECTS = (
    ("老旧小区加装电梯", "老旧小区改造", "1200000.00", ProjectStatus.IN_PROGRESS, 1),
    ("社区食堂（老年助餐点）", "养老服务", "350000.00", ProjectStatus.APPROVED, 0),
    ("背街小巷路面整治", "道路", "800000.00", ProjectStatus.CANDIDATE, 0),
)


def demo_username(street_code: str, role: Role) -> str:
    return f"{street_code}.{role.value.lower()}"


async def _user(username: str, display_name: str, password_hash: str, **extra: object) -> User:
    user, _ = await User.get_or_create(
        username=username,
        defaults={"display_name": display_name, "password_hash": password_hash, **extra},
    )
    return user


async def load_demo(settings: Settings, echo: Callable[[str], object] = print) -> None:
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    password_hash = passwords.hash(DEMO_PASSWORD)
    assert settings.secret_key
    hasher = IdHasher(settings.secret_key)
    with unscoped("loading demo streets"):
        async with in_transaction():
            await _user("admin", "平台管理员", password_hash, is_platform_admin=True)
            for index, demo in enumerate(DEMO_STREETS, start=1):
                echo(f"[{index}/{len(DEMO_STREETS)}] demo street {demo.code} ({demo.name})")
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
                await load_people_demo(street, users, hasher, index)
                await _demo_projects(street, community, index)
                await _demo_votes(street)
                for role in (Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT):
                    user = await _user(
                        f"{demo.district_code}.{role.value.lower()}",
                        f"{demo.district_name} {role.value}",
                        password_hash,
                    )
                    await DistrictMembership.get_or_create(district=district, user=user, role=role)
    echo(f"demo data ready: sign in as e.g. wulidun.grid_chief / {DEMO_PASSWORD} (demo only)")


async def _demo_projects(street: Street, community: Community, index: int) -> None:
    """Three projects with milestones and a progress update (only when not there yet)."""
    now = datetime.now(UTC)
    start = now.date() - timedelta(days=30)
    handler = await User.get(username=demo_username(street.code, Role.STREET_DEPARTMENT))
    leader = await User.get(username=demo_username(street.code, Role.STREET_LEADER))
    for n, (title, category, budget, status, done) in enumerate(DEMO_PROJECTS):
        if await Project.exists(tenant=street, title=title):
            continue
        project = await Project.create(
            tenant=street,
            title=title,
            category=category,
            community=community,
            address=f"{community.name}",
            longitude=114.2 + index * 0.5 + n * 0.01,
            latitude=30.5 + n * 0.01,
            department="城建办",
            handler=handler,
            leader=leader,
            planned_start=start,
            planned_end=start + timedelta(days=180),
            budget=Decimal(budget),
            status=status,
            created_at=now,
            updated_at=now,
        )
        steps = [("方案设计", 15, 1), ("施工", 90, 3), ("验收准备", 170, 1)]
        for i, (step, offset, weight) in enumerate(steps):
            await Milestone.create(
                tenant=street,
                project=project,
                title=step,
                planned_date=start + timedelta(days=offset),
                done_date=start + timedelta(days=offset) if i < done else None,
                weight=weight,
                created_at=now,
            )
        done_weight = sum(w for i, (_, _, w) in enumerate(steps) if i < done)
        project.progress = 100 * done_weight // sum(w for _, _, w in steps)
        project.next_due = start + timedelta(days=steps[done][1])
        await project.save(update_fields=["progress", "next_due"])
        await ProgressUpdate.create(
            tenant=street,
            project=project,
            author=handler,
            body="项目已启动，方案已公示。",
            created_at=now,
        )


async def _demo_votes(street: Street) -> None:
    """Two DRAFT votes for congress staff to open (<street>.congress_staff): a secret project
    ballot of the representatives on the candidate project, and a satisfaction vote."""
    now = datetime.now(UTC)
    staff = await User.get(username=demo_username(street.code, Role.CONGRESS_STAFF))
    candidates = await Project.filter(tenant=street, status=ProjectStatus.CANDIDATE)
    drafts = (
        (
            VoteKind.PROJECT_BALLOT,
            "民生实事项目代表票决",
            BallotMode.YES_NO_ABSTAIN,
            50,
            ElectorateKind.REPRESENTATIVES,
            [(p.title, SubjectKind.PROJECT, p.id) for p in candidates],
        ),
        (
            VoteKind.SATISFACTION,
            "街道科室满意度测评",
            BallotMode.RATING,
            0,
            ElectorateKind.DELIBERATORS,
            [("城建办", SubjectKind.DEPARTMENT, None), ("民政办", SubjectKind.DEPARTMENT, None)],
        ),
    )
    for kind, title, mode, quorum, electorate, lines in drafts:
        if not lines or await Vote.exists(tenant=street, title=title):
            continue
        vote = await Vote.create(
            tenant=street,
            kind=kind,
            title=title,
            mode=mode,
            quorum_percent=quorum,
            threshold_basis=ThresholdBasis.ELECTORATE
            if kind is VoteKind.PROJECT_BALLOT
            else ThresholdBasis.BALLOTS_CAST,
            electorate_kind=electorate,
            created_by=staff,
            created_at=now,
            updated_at=now,
        )
        for position, (label, subject, project_id) in enumerate(lines, start=1):
            await VoteItem.create(
                tenant=street,
                vote=vote,
                position=position,
                label=label,
                subject_kind=subject,
                project_id=project_id,
            )
