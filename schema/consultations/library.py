"""The case library (案例库) and the bell's figures in GraphQL."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import strawberry

from core.clock import LOCAL_TZ
from core.errors import ErrorCode, Refused
from models import consultations as m
from policies.capabilities.consultations import (
    CONSULTATION_FIGURES,
    CONSULTATION_HANDLE,
    CONSULTATION_LIBRARY_PUBLISH,
    CONSULTATION_LIBRARY_READ,
)
from resolvers.consultations import figures, library
from resolvers.pagination import keyset_page
from schema.caller import caller
from schema.consultations.enums import LibraryStatus, Step
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text, text_argument
from schema.permissions import Can, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id


@strawberry.type(description="案例库: a solved consultation as a reference case.")
class LibraryCase(Node):
    title: str
    category: str
    summary: str
    outcome: str
    status: LibraryStatus
    published_at: datetime | None
    consultation_pk: strawberry.Private[int]

    @strawberry.field(description="The consultation it comes from.")
    def consultation_id(self) -> strawberry.ID:
        return to_global_id("Consultation", self.consultation_pk)

    @classmethod
    def from_model(cls, row: m.LibraryCase) -> LibraryCase:
        return cls(
            id=to_global_id("LibraryCase", row.id),
            title=row.title,
            category=row.category,
            summary=row.summary,
            outcome=row.outcome,
            status=row.status,
            published_at=row.published_at,
            consultation_pk=row.consultation_id,
        )


@strawberry.type(description="A similar solved consultation and how close it is (BM25).")
class SimilarCase:
    case: LibraryCase
    score: float


@strawberry.input
class LibraryCaseInput:
    title: str = text(m.LibraryCase, "title")
    summary: str = text(m.LibraryCase, "summary", description="The matter, without personal data.")
    outcome: str = text(m.LibraryCase, "outcome", description="How it was solved.")


@strawberry.type
class LibraryCaseSuccess:
    case: LibraryCase


LibraryCasePayload = Annotated[
    LibraryCaseSuccess | InputError, strawberry.union("LibraryCasePayload")
]


@strawberry.type(description="Rings of one category and their share of all rings.")
class CategoryFigure:
    category: str
    rings: int
    share: float


@strawberry.type(description="How long a step took on average, from the step before.")
class StepFigure:
    step: Step
    average_days: float
    count: int


@strawberry.type(description="The bell's figures for a period (后台数据): counts only.")
class ConsultationFigures:
    rings: int = strawberry.field(description="按铃申请.")
    accepted: int = strawberry.field(description="受理 (consultation and non-consultation).")
    solved: int = strawberry.field(description="成功协商解决 (outcome announced).")
    non_consultation: int = strawberry.field(description="非协商事项.")
    not_accepted: int
    completion_rate: float | None = strawberry.field(
        description="办结率: solved / (accepted − non-consultation), 0 to 1."
    )
    evaluations: int
    satisfied: int = strawberry.field(description="Ratings of 4 or 5.")
    satisfaction_rate: float | None = strawberry.field(description="满意度, 0 to 1.")
    hot_categories: list[CategoryFigure]
    step_days: list[StepFigure]


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(since, time(), LOCAL_TZ) if since else None
    end = datetime.combine(until, time(), LOCAL_TZ) if until else None
    if start and end and end <= start:
        raise Refused(ErrorCode.BAD_USER_INPUT, "consultation.figures_period", "until")
    return start, end


@strawberry.type
class LibraryQuery:
    @field(
        requires=Can(CONSULTATION_LIBRARY_READ),
        description="相似案例: the street's published cases closest to a text (a new ring's "
        "title and description), best first, ranked by BM25 over CJK bigrams and characters.",
    )
    async def similar_cases(
        self,
        info: Info,
        text: Annotated[str, text_argument(m.Consultation, "description")],
        first: int = 3,
    ) -> list[SimilarCase]:
        found = await library.similar(text, first)
        return [SimilarCase(case=LibraryCase.from_model(c), score=round(s, 4)) for c, s in found]

    @field(
        requires=Can(CONSULTATION_LIBRARY_READ),
        description="The street's case library, newest first: published cases (drafts waiting "
        "for review: status DRAFT, for reviewers).",
    )
    async def library_cases(
        self,
        info: Info,
        status: LibraryStatus = LibraryStatus.PUBLISHED,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[LibraryCase]:
        if status is not LibraryStatus.PUBLISHED and not caller(info).can(
            CONSULTATION_LIBRARY_PUBLISH.resource, CONSULTATION_LIBRARY_PUBLISH.action
        ):
            raise Refused(ErrorCode.FORBIDDEN, "error.forbidden", "status")
        query = m.LibraryCase.filter(status=status)
        page = await keyset_page(
            query, first, after, info.context.services.settings.max_page_size, newest_first=True
        )
        return Connection.from_page(page, LibraryCase.from_model)

    @field(
        requires=Can(CONSULTATION_FIGURES),
        description="The bell's figures (后台数据) for the street or one community, rings "
        "submitted from `since` (inclusive) to `until` (exclusive), in the street's dates.",
    )
    async def consultation_figures(
        self,
        info: Info,
        community_id: strawberry.ID | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> ConsultationFigures:
        start, end = _bounds(since, until)
        community = decode_id(community_id, "Community", "communityId") if community_id else None
        found = await figures.figures(community, start, end)
        return ConsultationFigures(
            rings=found.rings,
            accepted=found.accepted,
            solved=found.solved,
            non_consultation=found.non_consultation,
            not_accepted=found.not_accepted,
            completion_rate=found.completion_rate,
            evaluations=found.evaluations,
            satisfied=found.satisfied,
            satisfaction_rate=found.satisfaction_rate,
            hot_categories=[
                CategoryFigure(category=c.category, rings=c.rings, share=c.share)
                for c in found.hot_categories
            ],
            step_days=[
                StepFigure(step=s.step, average_days=s.average_days, count=s.count)
                for s in found.step_days
            ],
        )


@strawberry.type
class LibraryMutation:
    @mutation(
        requires=Can(CONSULTATION_HANDLE),
        description="Prepare a solved consultation (outcome announced) as a library case, "
        "waiting for review.",
    )
    async def prepare_library_case(
        self, info: Info, consultation_id: strawberry.ID, input: LibraryCaseInput
    ) -> LibraryCasePayload:
        row = await library.prepare(
            caller(info),
            decode_id(consultation_id, "Consultation", "consultationId"),
            library.CaseText(input.title, input.summary, input.outcome),
        )
        return LibraryCaseSuccess(case=LibraryCase.from_model(row))

    @mutation(
        requires=Can(CONSULTATION_LIBRARY_PUBLISH),
        description="审核发布: review a prepared case (optionally edited) and publish it. "
        "PERSONAL_DATA while a name, phone number or ID number is left in it, each span named.",
    )
    async def publish_library_case(
        self, info: Info, id: strawberry.ID, input: LibraryCaseInput | None = None
    ) -> LibraryCasePayload:
        text = library.CaseText(input.title, input.summary, input.outcome) if input else None
        row = await library.publish(caller(info), decode_id(id, "LibraryCase", "id"), text)
        return LibraryCaseSuccess(case=LibraryCase.from_model(row))
