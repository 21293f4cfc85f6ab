"""The station's figures (联络站数据): each representative's suggestions received, answered,
on time and satisfaction, and the one-screen figures of the station. No personal data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.outreach import Delegate
from models.station import (
    Activity,
    ActivitySignup,
    ContentKind,
    DifficultMatter,
    ReviewItem,
    ReviewStatus,
    StationTask,
    Suggestion,
    SuggestionStatus,
    TaskClaim,
)
from resolvers.people.delegates import public_card
from tenants.scoping import street_scope

SATISFIED_FROM = 4
"""A rating of 4 or 5 (satisfied, very satisfied) counts as satisfied."""


@dataclass(frozen=True)
class SuggestionCounts:
    """One representative's (or the station's) suggestions."""

    received: int
    answered: int
    on_time: int
    rated: int
    satisfied: int
    rating_sum: int

    @property
    def reply_rate(self) -> float:
        """answered ÷ received, 0 when nothing was received."""
        return self.answered / self.received if self.received else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.answered if self.answered else 0.0

    @property
    def satisfaction_rate(self) -> float:
        """satisfied (rated 4 or 5) ÷ rated."""
        return self.satisfied / self.rated if self.rated else 0.0

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.rated if self.rated else None


ANSWERED = (SuggestionStatus.ANSWERED, SuggestionStatus.RATED)


def count(rows: Sequence[tuple[str, bool | None, int | None]]) -> SuggestionCounts:
    """Pure: (status, on time, rating) of each suggestion → the counts."""
    answered = [r for r in rows if r[0] in ANSWERED]
    ratings = [r[2] for r in rows if r[2] is not None]
    return SuggestionCounts(
        received=len(rows),
        answered=len(answered),
        on_time=sum(1 for r in answered if r[1]),
        rated=len(ratings),
        satisfied=sum(1 for r in ratings if r >= SATISFIED_FROM),
        rating_sum=sum(ratings),
    )


async def _triples(**filters: object) -> dict[int, list[tuple[str, bool | None, int | None]]]:
    found = await Suggestion.filter(**filters).values_list(
        "delegate_id", "status", "on_time", "rating"
    )
    by_delegate: dict[int, list[tuple[str, bool | None, int | None]]] = {}
    for delegate_id, status, on_time, rating in found:
        by_delegate.setdefault(int(delegate_id), []).append((str(status), on_time, rating))
    return by_delegate


async def counts_of(delegate_ids: Sequence[int]) -> list[SuggestionCounts]:
    """Each delegate's counts (a batch for the loader)."""
    by_delegate = await _triples(delegate_id__in=list(delegate_ids))
    return [count(by_delegate.get(pk, [])) for pk in delegate_ids]


@dataclass(frozen=True)
class DelegateFigures:
    delegate: Delegate
    counts: SuggestionCounts


async def per_delegate() -> list[DelegateFigures]:
    delegates = await Delegate.all().order_by("kind", "id")
    by_delegate = await _triples()
    return [DelegateFigures(d, count(by_delegate.get(d.id, []))) for d in delegates]


@dataclass(frozen=True)
class StationFigures:
    suggestions: SuggestionCounts
    tasks_posted: int
    tasks_claimed: int
    tasks_done: int
    difficult_open: int
    reviews_pending: int
    activities_held: int
    attendance: int


async def _activities(now: datetime) -> tuple[int, int]:
    held = Activity.filter(cancelled_at=None, starts_at__lte=now)
    attended = ActivitySignup.filter(checked_in_at__not_isnull=True)
    return await held.count(), await attended.count()


async def station_figures(now: datetime) -> StationFigures:
    """Activities held: those begun and not cancelled by ``now``."""
    by_delegate = await _triples()
    held, attended = await _activities(now)
    every = [row for rows in by_delegate.values() for row in rows]
    return StationFigures(
        suggestions=count(every),
        tasks_posted=await StationTask.all().count(),
        tasks_claimed=await TaskClaim.all().count(),
        tasks_done=await TaskClaim.filter(confirmed_at__not_isnull=True).count(),
        difficult_open=await DifficultMatter.filter(resolved_at=None).count(),
        reviews_pending=await ReviewItem.filter(status=ReviewStatus.PENDING).count(),
        activities_held=held,
        attendance=attended,
    )


@dataclass(frozen=True)
class Board:
    """The public page of a card: its delegate's figures and approved public answers."""

    name: str
    counts: SuggestionCounts
    answers: list[tuple[str, datetime | None]]


async def public_board(token: str) -> Board:
    """No sign-in: the token names its own street (read-only there). Only content the review
    queue approved is shown; a revoked card is REVOKED, an unknown one NOT_FOUND."""
    card = await public_card(token)
    with street_scope(card.street.id, writable=False):
        triples = await _triples(delegate_id=card.delegate.id)
        answered = (
            await Suggestion.filter(delegate_id=card.delegate.id, status__in=list(ANSWERED))
            .order_by("-answered_at", "-id")
            .values_list("id", "answered_at")
        )
        when = {int(pk): at for pk, at in answered}
        approved = (
            await ReviewItem.filter(
                kind=ContentKind.SUGGESTION_SUMMARY,
                status=ReviewStatus.APPROVED,
                subject_id__in=list(when),
            ).values_list("subject_id", "text")
            if when
            else []
        )
    texts = {int(pk): str(text) for pk, text in approved}
    answers = [(texts[pk], when[pk]) for pk in when if pk in texts]
    return Board(card.delegate.name, count(triples.get(card.delegate.id, [])), answers)
