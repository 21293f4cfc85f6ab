"""The projects domain (民生实事项目): livelihood projects from proposal to acceptance, their
milestones, funds and photos, and their supervision by representatives and deliberators."""

from __future__ import annotations

from collections.abc import Sequence

from models import projects as prj
from policies.capabilities import projects as capabilities
from resolvers.panels import PanelKind
from resolvers.projects import publication
from resolvers.projects.codes import ProjectCode
from resolvers.projects.deadlines import deadline_scanner
from resolvers.projects.demo import load_projects_demo
from resolvers.projects.panel import projects_panel
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can
from schema.projects.mutations import ProjectsMutation
from schema.projects.queries import ProjectsQuery
from schema.projects.subscriptions import ProjectsSubscription
from schema.projects.supervision import SupervisionMutation
from schema.projects.types import Project, SupervisionOpinion
from schema.projects.work_types import Milestone


async def _project(info: Info, pk: int) -> Project | None:
    row = await prj.Project.filter(id=pk).first()
    return Project.from_model(row, info) if row else None


async def _milestone(info: Info, pk: int) -> Milestone | None:
    row = await prj.Milestone.filter(id=pk).first()
    return Milestone.from_model(row) if row else None


async def _opinion(info: Info, pk: int) -> SupervisionOpinion | None:
    viewer = publication.viewer(caller(info))
    row = await prj.Opinion.filter(publication.seen_by(viewer), id=pk).first()
    return SupervisionOpinion.from_model(row) if row else None


def _tasks(services: Services) -> Sequence[Task]:
    return (deadline_scanner(services),)


DOMAIN = Domain(
    name="projects",
    description="Livelihood projects and their supervision (民生实事项目).",
    models=("models.projects",),
    query=(ProjectsQuery,),
    mutation=(ProjectsMutation, SupervisionMutation),
    subscription=(ProjectsSubscription,),
    nodes={
        "Project": NodeKind(Can(capabilities.PROJECT_READ), _project),
        "Milestone": NodeKind(Can(capabilities.PROJECT_READ), _milestone),
        "SupervisionOpinion": NodeKind(Can(capabilities.PROJECT_PEOPLE_READ), _opinion),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=ProjectCode,
    reviewable=publication.REVIEWABLE,
    settings=ProjectSettings,
    tasks=_tasks,
    demo=load_projects_demo,
    panels=(PanelKind("projects", 50, projects_panel),),
)
