"""年度爆料达人: the year's top reporters, counted from the verified cases themselves.

A verified case is one reported through the resident app, closed in the year (Beijing time)
after its reporter rated the result satisfied or basically satisfied. Nothing is stored: the
ranking is computed from the cases, so it is the same whenever it is asked for the same year
(ties share a rank and are listed by account number). Nobody with fewer than the minimum
number of verified cases is ranked. Names are masked (张*明) unless the reporter chose to show
theirs (``RankingConsent``). Team rankings count the same cases per community or per grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.functions import Count

from core import validators
from core.clock import LOCAL_TZ
from core.ids import to_global_id
from models.accounts import User
from models.cases import Case, CaseSource, CaseState
from models.columns import column
from models.participation import RankingConsent
from models.tenancy import Community, Grid
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.participation.rewards import VERIFIED, budget_year
from resolvers.participation.settings import ParticipationSettings

MOST = 100


class TeamKind(StrEnum):
    COMMUNITY = "COMMUNITY"
    GRID = "GRID"


def mask_name(name: str) -> str:
    """张*明: the first and last characters kept, each one between masked; a name of two
    characters keeps its first (张*), of one is masked whole."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def ranked(counts: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(key, count) → (rank, key, count), most first, ties sharing a rank (1, 2, 2, 4) and
    listed by key."""
    ordered = sorted(counts, key=lambda kc: (-kc[1], kc[0]))
    found: list[tuple[int, int, int]] = []
    for index, (key, count) in enumerate(ordered):
        rank = found[-1][0] if found and found[-1][2] == count else index + 1
        found.append((rank, key, count))
    return found


def _verified(year: int, community_id: int | None) -> object:
    start = datetime(year, 1, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
    query = Case.filter(
        state=CaseState.CLOSED,
        satisfaction__in=list(VERIFIED),
        source=CaseSource.RESIDENT_APP,
        closed_at__gte=start,
        closed_at__lt=end,
        reporter_id__not_isnull=True,
    )
    if community_id is not None:
        query = query.filter(community_id=community_id)
    return query


@dataclass(frozen=True)
class ReporterRank:
    rank: int
    user_id: int
    name: str
    named: bool
    cases: int


@dataclass(frozen=True)
class TeamRank:
    rank: int
    kind: TeamKind
    team_id: int
    name: str
    cases: int
    reporters: int


def _minimum(caller: Caller) -> int:
    return caller.services.settings.section(ParticipationSettings).ranking_min_cases


def _top(top: int) -> int:
    return validators.in_range(top, 1, MOST, "top", "input.number_range")


async def reporters(
    caller: Caller, year: int, community_id: int | None = None, top: int = 20
) -> list[ReporterRank]:
    """The year's top reporters of the street (or of one community)."""
    year, top = budget_year(year), _top(top)
    query = _verified(year, community_id)
    rows = (
        await query.annotate(n=Count("id"))  # type: ignore[attr-defined]
        .group_by("reporter_id")
        .values_list("reporter_id", "n")
    )
    minimum = _minimum(caller)
    counts = [(int(user), int(n)) for user, n in rows if n >= minimum]
    found = ranked(counts)[:top]
    ids = [user for _, user, _ in found]
    names = dict(await User.filter(id__in=ids).values_list("id", "display_name")) if ids else {}
    consents = RankingConsent.filter(user_id__in=ids, show_name=True)
    shown = set(await column(consents, "user_id", int)) if ids else set()
    return [
        ReporterRank(
            rank=rank,
            user_id=user,
            name=str(names.get(user, "")) if user in shown else mask_name(str(names.get(user, ""))),
            named=user in shown,
            cases=count,
        )
        for rank, user, count in found
    ]


async def teams(caller: Caller, year: int, kind: TeamKind, top: int = 20) -> list[TeamRank]:
    """The year's communities (or grids) by verified cases of their residents' reports, with
    how many reporters took part."""
    year, top = budget_year(year), _top(top)
    column = "community_id" if kind is TeamKind.COMMUNITY else "grid_id"
    query = _verified(year, None).filter(**{f"{column}__not_isnull": True})  # type: ignore[attr-defined]
    rows = await query.values_list(column, "reporter_id")
    cases: dict[int, int] = {}
    people: dict[int, set[int]] = {}
    for team, reporter in rows:
        cases[team] = cases.get(team, 0) + 1
        people.setdefault(team, set()).add(reporter)
    minimum = _minimum(caller)
    found = ranked([(t, n) for t, n in cases.items() if n >= minimum])[:top]
    model = Community if kind is TeamKind.COMMUNITY else Grid
    ids = [team for _, team, _ in found]
    names = dict(await model.filter(id__in=ids).values_list("id", "name")) if ids else {}
    return [
        TeamRank(
            rank=rank,
            kind=kind,
            team_id=team,
            name=str(names.get(team, "")),
            cases=count,
            reporters=len(people[team]),
        )
        for rank, team, count in found
    ]


async def choose_name_shown(caller: Caller, show: bool) -> RankingConsent:
    """实名上榜: the caller shows their name on the ranking (or masks it again)."""
    async with changing(caller.services, caller.user) as change:
        row = await RankingConsent.filter(user_id=caller.user.id).first()
        if row is None:
            row = await RankingConsent.create(
                user_id=caller.user.id, show_name=show, updated_at=change.at
            )
        else:
            row.show_name = show
            row.updated_at = change.at
            await row.save(update_fields=["show_name", "updated_at"])
        await change.audit(
            "ranking.name_shown", to_global_id("Account", caller.user.id), {"showName": show}
        )
    return row
