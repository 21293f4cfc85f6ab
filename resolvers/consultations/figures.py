"""The bell's back-office figures (后台数据), per street or community, over a period: rings,
accepted, solved by consultation, non-consultation matters, the completion rate excluding
non-consultation matters (办结率), the satisfaction rate (满意度), hot categories and the
average days each step took. No personal data: counts only."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Count

from models.columns import column
from models.consultations import (
    Classification,
    Consultation,
    ConsultationStep,
    Evaluation,
    Step,
    StepWarningLevel,
)
from resolvers.consultations.steps import NINE_STEPS, SOLVED

SATISFIED = 4
"""A rating of 4 or 5 (of 5) counts as satisfied."""


@dataclass(frozen=True)
class CategoryCount:
    category: str
    rings: int
    share: float  # of all rings, 0 to 1


@dataclass(frozen=True)
class StepDays:
    step: Step
    average_days: float
    count: int


@dataclass(frozen=True)
class Figures:
    rings: int
    accepted: int
    solved: int
    non_consultation: int
    not_accepted: int
    completion_rate: float | None  # solved / (accepted − non-consultation)
    evaluations: int
    satisfied: int
    satisfaction_rate: float | None
    hot_categories: list[CategoryCount]
    step_days: list[StepDays]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def figures(
    community_id: int | None, since: datetime | None, until: datetime | None
) -> Figures:
    query = Consultation.all()
    if community_id is not None:
        query = query.filter(community_id=community_id)
    if since is not None:
        query = query.filter(submitted_at__gte=since)
    if until is not None:
        query = query.filter(submitted_at__lt=until)
    rows = await query.values_list("id", "step", "classification", "category")
    ids = [r[0] for r in rows]
    steps = Counter(Step(r[1]) for r in rows)
    kinds = Counter(r[2] for r in rows)
    accepted = kinds[Classification.CONSULTATION] + kinds[Classification.NON_CONSULTATION]
    non_consultation = kinds[Classification.NON_CONSULTATION]
    solved = sum(steps[s] for s in SOLVED)
    ratings = await column(Evaluation.filter(consultation_id__in=ids), "rating", int)
    satisfied = sum(1 for r in ratings if r >= SATISFIED)
    categories = Counter(r[3] for r in rows)
    hot = [
        CategoryCount(name, n, round(n / len(rows), 4))
        for name, n in sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return Figures(
        rings=len(rows),
        accepted=accepted,
        solved=solved,
        non_consultation=non_consultation,
        not_accepted=steps[Step.NOT_ACCEPTED],
        completion_rate=rate(solved, accepted - non_consultation),
        evaluations=len(ratings),
        satisfied=satisfied,
        satisfaction_rate=rate(satisfied, len(ratings)),
        hot_categories=hot,
        step_days=await _step_days(ids),
    )


async def _step_days(ids: list[int]) -> list[StepDays]:
    """For each of the nine steps after the ring: the average days from the step before."""
    timeline: dict[int, dict[Step, datetime]] = defaultdict(dict)
    taken_steps = ConsultationStep.filter(
        consultation_id__in=ids, warning=StepWarningLevel.NONE
    )  # a deadline warning on the timeline is no step taken
    for cid, step, at in await taken_steps.values_list("consultation_id", "step", "at"):
        timeline[cid].setdefault(Step(step), at)
    spans: dict[Step, list[float]] = defaultdict(list)
    for taken in timeline.values():
        for before, step in itertools.pairwise(NINE_STEPS):
            if before in taken and step in taken:
                spans[step].append((taken[step] - taken[before]).total_seconds() / 86400)
    return [
        StepDays(step, round(sum(spans[step]) / len(spans[step]), 2), len(spans[step]))
        for step in NINE_STEPS[1:]
        if spans[step]
    ]


@dataclass(frozen=True)
class Counts:
    """The dashboard's figures of the bell (no hot categories, no step days): counted in SQL,
    one statement for the rings by step and kind, two for the evaluations."""

    rings: int
    accepted: int
    solved: int
    completion_rate: float | None
    satisfaction_rate: float | None


async def counts(community_id: int | None, since: datetime, until: datetime) -> Counts:
    rings = Consultation.filter(submitted_at__gte=since, submitted_at__lt=until)
    evaluations = Evaluation.filter(
        consultation__submitted_at__gte=since, consultation__submitted_at__lt=until
    )
    if community_id is not None:
        rings = rings.filter(community_id=community_id)
        evaluations = evaluations.filter(consultation__community_id=community_id)
    rows = (
        await rings.annotate(n=Count("id"))
        .group_by("step", "classification")
        .values("step", "classification", "n")
    )
    steps: Counter[Step] = Counter()
    kinds: Counter[str] = Counter()
    for row in rows:
        steps[Step(row["step"])] += int(row["n"])
        if row["classification"] is not None:
            kinds[str(row["classification"])] += int(row["n"])
    accepted = kinds[Classification.CONSULTATION] + kinds[Classification.NON_CONSULTATION]
    solved = sum(steps[s] for s in SOLVED)
    rated = await evaluations.count()
    satisfied = await evaluations.filter(rating__gte=SATISFIED).count()
    return Counts(
        rings=sum(steps.values()),
        accepted=accepted,
        solved=solved,
        completion_rate=rate(solved, accepted - kinds[Classification.NON_CONSULTATION]),
        satisfaction_rate=rate(satisfied, rated),
    )
