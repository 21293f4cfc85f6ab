"""The indices (指数), computed over a period of whole local days ``[start, end]``, with their
parts shown so a person can check them.

**Residents' satisfaction index (居民满意度指数)**, for the street or one community: every rating
given in the period, each turned into points from 0 to 1, averaged and times 100::

    satisfaction = 100 × (Σ points) ÷ (number of ratings)

* a case rating (民情事项评价): 满意 SATISFIED 1, 基本满意 BASICALLY_SATISFIED 0.5, 不满意 0
* a suggestion rating, a project rating, a consultation evaluation (1 to 5): (score − 1) ÷ 4

A community's index takes the ratings of its cases, its consultations and its projects
(a suggestion belongs to no community: it counts for the street only). No rating: no index.

**Representatives' activity index (代表履职指数)**, per representative or deliberator with an
account: points for what they did in the period::

    activity = 3 × suggestions answered on time + 1 × visits logged
             + 2 × activities attended + 3 × tasks done + 2 × supervision opinions

(answered on time: by ``answered_at`` in the period and before its reply deadline; visits:
visit logs with them as the visitor; attended: checked in; tasks done: claims confirmed by
staff; opinions: supervision opinions on projects, 监督意见.)

A period whose end comes before its start, or that ends after today, is BAD_PERIOD.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from core import workdays as calendar
from core.clock import local_date
from core.errors import Refused
from models.cases import Case, CaseRating, Satisfaction
from models.columns import column
from models.consultations import Consultation, Evaluation
from models.outreach import Delegate
from models.people import VisitLog
from models.projects import Opinion, Project
from models.projects import Rating as ProjectRating
from models.station import ActivitySignup, Suggestion, TaskClaim
from resolvers.station.codes import StationCode

M = TypeVar("M", bound=Model)

CASE_POINTS = {
    Satisfaction.SATISFIED: 1.0,
    Satisfaction.BASICALLY_SATISFIED: 0.5,
    Satisfaction.UNSATISFIED: 0.0,
}
WEIGHTS = {
    "answered_on_time": 3,
    "visits": 1,
    "activities_attended": 2,
    "tasks_done": 3,
    "opinions": 2,
}


def score_points(score: int) -> float:
    """A 1-to-5 score as points from 0 to 1."""
    return (score - 1) / 4


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def since(self) -> datetime:
        return calendar.local_midnight(self.start).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The instant the period's last day ends (exclusive)."""
        return calendar.local_midnight(self.end + calendar.DAY).astimezone(UTC)


def period(start: date, end: date, now: datetime) -> Period:
    if end < start:
        raise Refused(StationCode.BAD_PERIOD, "station.period_reversed", "end")
    if end > local_date(now):
        raise Refused(StationCode.BAD_PERIOD, "station.period_future", "end")
    return Period(start, end)


@dataclass(frozen=True)
class RatingPart:
    """One source of ratings: how many, and their points."""

    source: str
    count: int
    points: float


@dataclass(frozen=True)
class SatisfactionIndex:
    parts: list[RatingPart]

    @property
    def count(self) -> int:
        return sum(p.count for p in self.parts)

    @property
    def points(self) -> float:
        return sum(p.points for p in self.parts)

    @property
    def index(self) -> float | None:
        return round(100 * self.points / self.count, 2) if self.count else None


def _between(query: QuerySet[M], field: str, p: Period) -> QuerySet[M]:
    return query.filter(**{f"{field}__gte": p.since, f"{field}__lt": p.until})


def _part(source: str, points: Iterable[float]) -> RatingPart:
    found = list(points)
    return RatingPart(source, len(found), round(sum(found), 4))


async def satisfaction(p: Period, community_id: int | None = None) -> SatisfactionIndex:
    """The residents' satisfaction index of the street (or one community) over ``p``."""
    cases = _between(CaseRating.all(), "created_at", p)
    evaluations = _between(Evaluation.all(), "at", p)
    projects = _between(ProjectRating.all(), "created_at", p)
    if community_id is not None:
        cases = cases.filter(
            case_id__in=list(
                await Case.filter(community_id=community_id).values_list("id", flat=True)
            )
        )
        evaluations = evaluations.filter(
            consultation_id__in=list(
                await Consultation.filter(community_id=community_id).values_list("id", flat=True)
            )
        )
        projects = projects.filter(
            project_id__in=list(
                await Project.filter(community_id=community_id).values_list("id", flat=True)
            )
        )
    parts = [
        _part(
            "CASE",
            (CASE_POINTS[Satisfaction(s)] for s in await column(cases, "satisfaction", str)),
        ),
    ]
    if community_id is None:
        suggestions = _between(Suggestion.filter(rating__not_isnull=True), "rated_at", p)
        ratings = await column(suggestions, "rating", int)
        parts.append(_part("SUGGESTION", (score_points(int(r)) for r in ratings)))
    parts += [
        _part(
            "PROJECT",
            (score_points(int(s)) for s in await column(projects, "score", int)),
        ),
        _part(
            "CONSULTATION",
            (score_points(int(r)) for r in await column(evaluations, "rating", int)),
        ),
    ]
    return SatisfactionIndex(parts)


@dataclass(frozen=True)
class ActivityParts:
    delegate: Delegate
    answered_on_time: int
    visits: int
    activities_attended: int
    tasks_done: int
    opinions: int

    @property
    def index(self) -> int:
        return sum(weight * getattr(self, part) for part, weight in WEIGHTS.items())


async def activity(p: Period) -> list[ActivityParts]:
    """The representatives' activity index over ``p``, one line per delegate with an account."""
    delegates = await Delegate.filter(user_id__not_isnull=True).order_by("kind", "id")
    found = []
    for d in delegates:  # a street has tens of delegates: a few counts each
        uid = d.user_id
        found.append(
            ActivityParts(
                delegate=d,
                answered_on_time=await _between(
                    Suggestion.filter(delegate_id=d.id, on_time=True), "answered_at", p
                ).count(),
                visits=await _between(VisitLog.filter(worker_id=uid), "visited_at", p).count(),
                activities_attended=await _between(
                    ActivitySignup.filter(user_id=uid), "checked_in_at", p
                ).count(),
                tasks_done=await _between(
                    TaskClaim.filter(claimer_id=uid), "confirmed_at", p
                ).count(),
                opinions=await _between(Opinion.filter(author_id=uid), "created_at", p).count(),
            )
        )
    return found
