"""Livelihood projects (民生实事) as the schema shows them.

Fields that name people (handler, authors, opinions, rating comments) require
``project_people:read``: big screens (DISPLAY) hold only ``project:read`` and see progress,
funds and counts, never a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from models import projects as m
from models.accounts import User as UserRow
from models.projects import Project as ProjectRow
from models.tenancy import Community as CommunityRow
from policies.capabilities.projects import PROJECT_PEOPLE_READ
from resolvers.pagination import PageKey, page_key
from resolvers.projects import publication, views
from resolvers.projects.common import Lateness, lateness_of, today
from resolvers.projects.settings import ProjectSettings
from resolvers.projects.supervision import is_overdue
from resolvers.projects.views import (
    count_opinions,
    load_milestones,
    load_satisfaction,
    load_waiting_opinions,
)
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.deferred import Deferred
from schema.permissions import Can, field
from schema.projects.enums import ProgressSource, ProjectStatus, SourceKind
from schema.projects.work_types import Disbursement, Milestone, ProgressUpdate
from schema.relay import Connection, Node, to_global_id
from schema.tenancy.types import Community

PEOPLE = Can(PROJECT_PEOPLE_READ)


async def _account(info: Info, user_id: int | None) -> Account | None:
    if user_id is None:
        return None
    row = await info.context.loaders.by_id(UserRow).load(user_id)
    return Account.from_model(row) if row else None


@strawberry.type(description="A point: WGS84 longitude and latitude.")
class Location:
    longitude: float
    latitude: float


@strawberry.type(description="The matter a project was promoted from (kept as a link).")
class ProjectSource:
    kind: SourceKind
    reference: str


@strawberry.type(
    description="监督意见: a representative's or deliberator's opinion on a project, answered "
    "by the department within a number of working days."
)
class SupervisionOpinion(Node):
    body: str
    publication: m.Publication = strawberry.field(
        description="PUBLISHED, or IN_REVIEW / REJECTED by the street's review (审核): only its "
        "author and the project's managers see it then; the reply is due from publication."
    )
    created_at: datetime
    reply_due_on: date = strawberry.field(description="The reply is due by this date.")
    reply: str | None
    replied_at: datetime | None
    reply_score: int | None = strawberry.field(description="The author's rating of the reply.")
    row: strawberry.Private[m.Opinion]

    @strawberry.field(description="Unanswered past its date, or answered late.")
    def overdue(self, info: Info) -> bool:
        return is_overdue(info.context.services, self.row)

    @field(requires=PEOPLE, description="Who posted it.")
    async def author(self, info: Info) -> Account | None:
        return await _account(info, self.row.author_id)

    @field(requires=PEOPLE, description="Who answered it.")
    async def replied_by(self, info: Info) -> Account | None:
        return await _account(info, self.row.replied_by_id)

    @strawberry.field(description="The project it is about.")
    async def project(self, info: Info) -> Project:
        row = await info.context.loaders.by_id(ProjectRow).load(self.row.project_id)
        assert row is not None
        return Project.from_model(row, info)

    @classmethod
    def from_model(cls, row: m.Opinion) -> SupervisionOpinion:
        return cls(
            id=to_global_id("SupervisionOpinion", row.id),
            body=row.body,
            publication=row.publication,
            created_at=row.created_at,
            reply_due_on=row.reply_due,
            reply=row.reply,
            replied_at=row.replied_at,
            reply_score=row.reply_score,
            row=row,
        )


@strawberry.type(description="满意度: one person's rating of a completed project.")
class ProjectRating:
    score: int
    comment: str
    updated_at: datetime
    user_id: strawberry.Private[int]

    @field(requires=PEOPLE, description="Who rated.")
    async def author(self, info: Info) -> Account | None:
        return await _account(info, self.user_id)

    @classmethod
    def from_model(cls, row: m.Rating) -> ProjectRating:
        return cls(
            score=row.score, comment=row.comment, updated_at=row.updated_at, user_id=row.user_id
        )


@strawberry.type(description="民生实事项目: a livelihood project of the street.")
class Project(Node):
    title: str
    description: str
    category: str
    status: ProjectStatus
    department: str = strawberry.field(description="The responsible department (承办部门).")
    address: str
    planned_start: date
    planned_end: date
    budget: Decimal
    spent: Decimal
    progress: int = strawberry.field(description="Percent done, 0 to 100.")
    progress_source: ProgressSource
    progress_reason: str = strawberry.field(description="Why progress was set by hand.")
    created_at: datetime
    updated_at: datetime
    # Plain values, not resolvers: a board page computes them for all its rows at once
    # (``Project.page``); elsewhere they are Deferred and load through the DataLoaders only
    # when selected.
    lateness: Lateness = strawberry.field(description="ON_TIME, YELLOW or RED, as of today.")
    community: Community | None = strawberry.field(
        description="The community (社区) it is in, if one."
    )
    average_satisfaction: float | None = strawberry.field(
        description="Average satisfaction (1–5), none before the first rating."
    )
    rating_count: int = strawberry.field(description="How many people rated it.")
    open_opinion_count: int = strawberry.field(
        description="Supervision opinions still waiting for a reply."
    )
    overdue_opinion_count: int = strawberry.field(
        description="Supervision opinions unanswered past their date or answered late."
    )
    row: strawberry.Private[m.Project]

    @strawberry.field(description="Spending is over the budget (each such payment is flagged).")
    def over_budget(self) -> bool:
        return self.spent > self.budget

    @strawberry.field(description="Earliest planned date of an open milestone.")
    def next_due_on(self) -> date | None:
        return None if self.row.next_due == m.NO_DUE_DATE else self.row.next_due

    @strawberry.field
    def location(self) -> Location | None:
        if self.row.longitude is None or self.row.latitude is None:
            return None
        return Location(longitude=self.row.longitude, latitude=self.row.latitude)

    @strawberry.field(description="The matter it was promoted from, if any.")
    def source(self) -> ProjectSource | None:
        if self.row.source_kind is None:
            return None
        return ProjectSource(kind=self.row.source_kind, reference=self.row.source_ref)

    @strawberry.field(description="Milestones, by planned date.")
    async def milestones(self, info: Info) -> list[Milestone]:
        rows = await info.context.loaders.of(load_milestones).load(self.row.id)
        return [Milestone.from_model(r) for r in rows]

    @field(requires=PEOPLE, description="The department's handler (承办人).")
    async def handler(self, info: Info) -> Account | None:
        return await _account(info, self.row.handler_id)

    @field(requires=PEOPLE, description="The handler's leader (分管领导), warned with them.")
    async def leader(self, info: Info) -> Account | None:
        return await _account(info, self.row.leader_id)

    @field(
        requires=PEOPLE,
        description="Progress reports, newest first: published ones (and the reader's own "
        "waiting for review; the project's managers see every one).",
    )
    async def updates(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProgressUpdate]:
        batch = publication.post_pages_for(m.ProgressUpdate, publication.viewer(caller(info)))
        page = await info.context.loaders.of(batch).load(self._page_key(info, first, after))
        return Connection.from_page(page, ProgressUpdate.from_model)

    @strawberry.field(description="Payments, oldest first.")
    async def disbursements(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Disbursement]:
        key = self._page_key(info, first, after)
        page = await info.context.loaders.of(views.load_disbursement_pages).load(key)
        return Connection.from_page(page, Disbursement.from_model)

    @field(
        requires=PEOPLE,
        description="Supervision opinions (专项监督台), newest first: published ones (and the "
        "reader's own waiting for review; the project's managers see every one).",
    )
    async def opinions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[SupervisionOpinion]:
        batch = publication.post_pages_for(m.Opinion, publication.viewer(caller(info)))
        page = await info.context.loaders.of(batch).load(self._page_key(info, first, after))
        return Connection.from_page(page, SupervisionOpinion.from_model)

    @field(requires=PEOPLE, description="Ratings with comments, newest first.")
    async def ratings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ProjectRating]:
        page = await info.context.loaders.of(views.load_rating_pages).load(
            self._page_key(info, first, after)
        )
        return Connection.from_page(page, ProjectRating.from_model)

    @field(requires=PEOPLE, description="How many people follow it.")
    async def follower_count(self, info: Info) -> int:
        return await info.context.loaders.of(views.load_follower_counts).load(self.row.id)

    def _page_key(self, info: Info, first: int | None, after: str | None) -> PageKey:
        return page_key(self.row.id, first, after, info.context.services.settings.max_page_size)

    @classmethod
    def from_model(
        cls, row: m.Project, info: Info, figures: views.ProjectFigures | None = None
    ) -> Project:
        """One project; without ``figures`` its counts load (batched) only if selected."""
        services = info.context.services
        on = today(services)
        return cls._build(
            row, services.settings.section(ProjectSettings).project_yellow_days, on, info, figures
        )

    @classmethod
    async def page(
        cls,
        rows: Sequence[m.Project],
        info: Info,
        figures: dict[int, views.ProjectFigures] | None = None,
    ) -> list[Project]:
        """A page of projects with their figures loaded for the whole page at once (a fixed
        number of statements for any page size; rows come with their community joined), or
        given when the page's query brought them along."""
        services = info.context.services
        if figures is None:
            figures = await views.page_figures(services, rows)
        on, yellow = today(services), services.settings.section(ProjectSettings).project_yellow_days
        return [cls._build(r, yellow, on, info, figures[r.id]) for r in rows]

    @classmethod
    def _build(
        cls,
        row: m.Project,
        yellow_days: int,
        on: date,
        info: Info,
        figures: views.ProjectFigures | None,
    ) -> Project:
        if figures is not None:
            found = figures.community
            community: Any = Community.from_model(found) if found is not None else None
            average: Any = figures.satisfaction.average
            ratings: Any = figures.satisfaction.count
            open_: Any = figures.opinions.open
            overdue: Any = figures.opinions.overdue
        else:
            loaders, pk, services = info.context.loaders, row.id, info.context.services

            async def satisfaction() -> views.Satisfaction:
                return await loaders.of(load_satisfaction).load(pk)

            async def opinions() -> views.OpinionCounts:
                return count_opinions(
                    today(services), await loaders.of(load_waiting_opinions).load(pk)
                )

            async def community_of(community_id: int) -> Community | None:
                found = await loaders.by_id(CommunityRow).load(community_id)
                return Community.from_model(found) if found else None

            cid = row.community_id
            community = None if cid is None else Deferred(lambda: community_of(cid))
            average = Deferred(lambda: satisfaction(), lambda s: s.average)
            ratings = Deferred(lambda: satisfaction(), lambda s: s.count)
            open_ = Deferred(lambda: opinions(), lambda o: o.open)
            overdue = Deferred(lambda: opinions(), lambda o: o.overdue)
        return cls(
            id=to_global_id("Project", row.id),
            title=row.title,
            description=row.description,
            category=row.category,
            status=row.status,
            department=row.department,
            address=row.address,
            planned_start=row.planned_start,
            planned_end=row.planned_end,
            budget=row.budget,
            spent=row.spent,
            progress=row.progress,
            progress_source=row.progress_source,
            progress_reason=row.progress_reason,
            created_at=row.created_at,
            updated_at=row.updated_at,
            lateness=lateness_of(row.status, row.next_due, on, yellow_days),
            community=community,
            average_satisfaction=average,
            rating_count=ratings,
            open_opinion_count=open_,
            overdue_opinion_count=overdue,
            row=row,
        )
