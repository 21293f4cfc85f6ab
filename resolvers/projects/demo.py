"""The projects part of a demo street: three livelihood projects, made through the same
operations a street's staff use (so their audit trail and events are those of real ones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.accounts import Role
from models.projects import Project, ProjectStatus
from resolvers.demo import DemoStreetData
from resolvers.projects import lifecycle, progress
from tenants.scoping import street_scope

S = ProjectStatus
# (title, category, budget, status, milestones done)
DEMO_PROJECTS = (
    ("老旧小区加装电梯", "老旧小区改造", "1200000.00", S.IN_PROGRESS, 1),
    ("社区食堂（老年助餐点）", "养老服务", "350000.00", S.APPROVED, 0),
    ("背街小巷路面整治", "道路", "800000.00", S.CANDIDATE, 0),
)
# How a proposed project reaches each status (立项 → 候选 → 票决通过 → 实施).
PATH = {
    S.CANDIDATE: (S.CANDIDATE,),
    S.APPROVED: (S.CANDIDATE, S.APPROVED),
    S.IN_PROGRESS: (S.CANDIDATE, S.APPROVED, S.IN_PROGRESS),
}
STEPS = (("方案设计", 15, 1), ("施工", 90, 3), ("验收准备", 170, 1))


async def load_projects_demo(demo: DemoStreetData) -> None:
    """Three projects with milestones and a progress update (only those not there yet): the
    street leader proposes and moves them, the department plans and reports."""
    street, community = demo.street, demo.community
    leader, handler = demo.as_role(Role.STREET_LEADER), demo.as_role(Role.STREET_DEPARTMENT)
    start = datetime.now(UTC).date() - timedelta(days=30)
    with street_scope(street.id):
        for n, (title, category, budget, status, done) in enumerate(DEMO_PROJECTS):
            if await Project.exists(title=title):
                continue
            new = lifecycle.NewProject(
                title=title,
                description=f"{street.name}民生实事项目：{title}。",
                category=category,
                department="城建办",
                planned_start=start,
                planned_end=start + timedelta(days=180),
                budget=budget,
                community_id=community.id,
                address=community.name,
                longitude=114.2 + demo.index * 0.5 + n * 0.01,
                latitude=30.5 + n * 0.01,
                handler_id=handler.user.id,
                leader_id=leader.user.id,
            )
            project = await lifecycle.create_project(leader, new)
            milestones = [
                await progress.add_milestone(
                    handler, project.id, step, start + timedelta(days=offset), weight
                )
                for step, offset, weight in STEPS
            ]
            for to in PATH[status]:
                await lifecycle.change_status(
                    leader, project.id, to, "", lifecycle.MANAGE_TRANSITIONS
                )
            for milestone in milestones[:done]:
                await progress.complete_milestone(handler, milestone.id, milestone.planned_date)
            await progress.post_update(handler, project.id, "项目已启动，方案已公示。", [])
