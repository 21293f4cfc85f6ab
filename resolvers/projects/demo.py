"""The projects part of a demo street: three livelihood projects with milestones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models.accounts import Role, User
from models.projects import Milestone, ProgressUpdate, Project, ProjectStatus
from resolvers.demo import DemoStreetData, demo_username

# (title, category, budget, status, milestones done)
DEMO_PROJECTS = (
    ("老旧小区加装电梯", "老旧小区改造", "1200000.00", ProjectStatus.IN_PROGRESS, 1),
    ("社区食堂（老年助餐点）", "养老服务", "350000.00", ProjectStatus.APPROVED, 0),
    ("背街小巷路面整治", "道路", "800000.00", ProjectStatus.CANDIDATE, 0),
)


async def load_projects_demo(demo: DemoStreetData) -> None:
    """Three projects with milestones and a progress update (only when not there yet)."""
    street, community, index = demo.street, demo.community, demo.index
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
