from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from models.projects import Project as ProjectModel
from models.tenancy import Community as CommunityModel
from policies.capabilities.projects import PROJECT_READ
from resolvers.projects import views
from resolvers.projects.common import require_project
from schema.context import Info
from schema.inputs import text_argument
from schema.permissions import Can, field
from schema.projects.aggregates import ProjectTotals, StatusCount
from schema.projects.enums import BoardOrder, ProjectStatus
from schema.projects.types import Project
from schema.relay import Connection, decode_id
from tenants.scoping import get_in_street


@strawberry.type
class ProjectsQuery:
    @field(requires=Can(PROJECT_READ), description="One livelihood project (民生实事项目).")
    async def project(self, info: Info, id: strawberry.ID) -> Project:
        return Project.from_model(await require_project(decode_id(id, "Project", "id")), info)

    @field(
        requires=Can(PROJECT_READ),
        description="The street's livelihood projects in the order they were proposed, of some "
        "statuses if asked (a plain list: `projectBoard` ranks them by progress and lateness).",
    )
    async def projects(
        self,
        info: Info,
        status: list[ProjectStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        page = await views.street_projects(info.context.services, status, first, after)
        nodes = {node.row.id: node for node in await Project.page(page.items, info)}
        return Connection.from_page(page, lambda row: nodes[row.id])

    @field(
        replica=True,
        requires=Can(PROJECT_READ),
        cacheable=True,
        description="The progress board (项目进度榜): the street's projects ranked by progress "
        "and lateness, filtered by status, category and community.",
    )
    async def project_board(
        self,
        info: Info,
        status: list[ProjectStatus] | None = None,
        category: Annotated[str | None, text_argument(ProjectModel, "category")] = None,
        community_id: strawberry.ID | None = None,
        order: BoardOrder = BoardOrder.PROGRESS,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        community = None
        if community_id is not None:
            community = decode_id(community_id, "Community", "communityId")
            await get_in_street(CommunityModel, community)
        page = await views.board(
            info.context.services,
            views.BoardFilter(status, category, community),
            order,
            first,
            after,
        )
        nodes = {node.row.id: node for node in await Project.page(page.items, info, page.figures)}
        return Connection.from_page(page, lambda row: nodes[row.id], info)

    @field(
        replica=True,
        requires=Can(PROJECT_READ),
        cacheable=True,
        description="The project map (民生实事图): the street's located projects as one GeoJSON "
        "FeatureCollection of points (id, title, category, status, progress, lateness).",
    )
    async def project_map(self, info: Info, status: list[ProjectStatus] | None = None) -> JSON:
        return JSON(await views.project_map(info.context.services, status))

    @field(
        replica=True,
        requires=Can(PROJECT_READ),
        cacheable=True,
        description="Per-street totals (一屏): count by status, budget vs spent, on-time share, "
        "open and overdue supervision opinions, average satisfaction. No personal data.",
    )
    async def project_totals(self, info: Info) -> ProjectTotals:
        t = await views.totals(info.context.services)
        return ProjectTotals(
            by_status=[StatusCount(status=s, count=n) for s, n in t.by_status.items()],
            budget=t.budget,
            spent=t.spent,
            over_budget_count=t.over_budget,
            active_count=t.active,
            yellow_count=t.yellow,
            red_count=t.red,
            on_time_share=t.on_time_share,
            open_opinion_count=t.open_opinions,
            overdue_opinion_count=t.overdue_opinions,
            rating_count=t.rating_count,
            average_satisfaction=t.average_satisfaction,
        )
