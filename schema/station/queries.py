"""Reading the station: suggestions, tasks, the watch list, key people and key matters and the
review queue, the figures, and the public page of a representative's card."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import station as m
from models.outreach import ContactCode
from policies.capabilities.station import (
    ACTIVITY_READ,
    DIFFICULT_READ,
    KEY_MATTER_READ,
    KEY_PERSON_READ,
    REVIEW_DECIDE,
    STATION_FIGURES,
    STATION_MANAGE,
    STATION_TASK_READ,
    SUGGESTION_READ,
    WATCH_LIST_MANAGE,
)
from resolvers.pagination import keyset_page
from resolvers.station import (
    activities,
    difficult,
    figures,
    indices,
    suggestions,
    tasks,
    watch,
)
from resolvers.station.settings import street_station
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text_argument
from schema.permissions import Can, Public, field
from schema.relay import Connection, decode_id, to_global_id
from schema.station.types import (
    Activity,
    Addressee,
    DelegateActivity,
    DelegateSuggestionFigures,
    DifficultMatter,
    KeyMatter,
    KeyPerson,
    PublicAnswer,
    RatingPart,
    ReviewItem,
    SatisfactionIndex,
    StationBoard,
    StationFigures,
    StationSetup,
    StationTask,
    Suggestion,
    SuggestionCounts,
    WatchEntry,
)

StationBoardResult = Annotated[StationBoard | InputError, strawberry.union("StationBoardResult")]

if TYPE_CHECKING:  # made from the domain list when the schema is built (schema/contributed.py)
    from enum import StrEnum as ReviewContentKind


def _max(info: Info) -> int:
    return info.context.services.settings.max_page_size


@strawberry.type
class StationQuery:
    @field(requires=Can(SUGGESTION_READ), description="One suggestion (代表建议).")
    async def suggestion(self, info: Info, id: strawberry.ID) -> Suggestion:
        row = await suggestions.require(caller(info), decode_id(id, "Suggestion", "id"))
        return Suggestion.from_model(row)

    @field(
        requires=Can(SUGGESTION_READ),
        description="The suggestions I may see, newest first: those I wrote, those addressed "
        "to me, those forwarded to my department, or the street's (congress staff, leaders).",
    )
    async def suggestions(
        self,
        info: Info,
        status: list[m.SuggestionStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Suggestion]:
        query = suggestions.visible(caller(info))
        if status:
            query = query.filter(status__in=list(status))
        page = await keyset_page(query, first, after, _max(info), newest_first=True)
        return Connection.from_page(page, Suggestion.from_model)

    @field(
        replica=True,
        requires=Can(STATION_FIGURES),
        description="Each representative's and deliberator's suggestions: received, answered, "
        "on time, satisfaction.",
    )
    async def delegate_suggestion_figures(self, info: Info) -> list[DelegateSuggestionFigures]:
        return [
            DelegateSuggestionFigures(
                delegate=Addressee(
                    id=to_global_id("Delegate", f.delegate.id), name=f.delegate.name
                ),
                counts=SuggestionCounts.of(f.counts),
            )
            for f in await figures.per_delegate()
        ]

    @field(
        replica=True,
        requires=Can(STATION_FIGURES),
        description="The station's figures for the one-screen display: suggestions received, "
        "answered, on time, reply and satisfaction rates, tasks claimed, difficult matters open.",
    )
    async def station_figures(self, info: Info) -> StationFigures:
        return StationFigures.of(await figures.station_figures(info.context.services.clock.now()))

    @field(
        requires=Public(),
        description="The public page of a representative's card (扫码找代表): their figures and "
        "their answers made public, reviewed content only. No sign-in.",
    )
    async def station_board(
        self, info: Info, token: Annotated[str, text_argument(ContactCode, "token")]
    ) -> StationBoardResult:
        board = await figures.public_board(token)
        return StationBoard(
            name=board.name,
            counts=SuggestionCounts.of(board.counts),
            answers=[PublicAnswer(summary=s, answered_at=at) for s, at in board.answers],
        )

    @field(
        requires=Can(STATION_TASK_READ),
        description="The station's tasks (抢单), newest first (for claimers: those whose "
        "notice the review approved).",
    )
    async def station_tasks(
        self,
        info: Info,
        status: m.TaskStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StationTask]:
        page = await keyset_page(
            tasks.listed(caller(info), status), first, after, _max(info), newest_first=True
        )
        return Connection.from_page(page, StationTask.from_model)

    @field(requires=Can(WATCH_LIST_MANAGE), description="The street's watch list (重点词).")
    async def watch_list(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WatchEntry]:
        page = await keyset_page(m.WatchEntry.all(), first, after, _max(info))
        return Connection.from_page(page, WatchEntry.from_model)

    @field(
        requires=Can(KEY_PERSON_READ),
        description="重点人: the street's key people, in the order added, names masked (张**).",
    )
    async def key_people(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[KeyPerson]:
        page = await keyset_page(watch.people(), first, after, _max(info))
        names = dict(
            zip((r.id for r in page.items), await watch.masked_names(page.items), strict=True)
        )
        return Connection.from_page(page, lambda row: KeyPerson.from_model(row, names[row.id]))

    @field(
        requires=Can(KEY_MATTER_READ),
        description="重点事: the street's key matters (suggestions, cases, projects), in the "
        "order marked, with their titles.",
    )
    async def key_matters(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[KeyMatter]:
        page = await keyset_page(watch.matters(), first, after, _max(info))
        views = await difficult.views_of(page.items)
        titles = {r.id: v.title for r, v in zip(page.items, views, strict=True)}
        return Connection.from_page(page, lambda row: KeyMatter.from_model(row, titles[row.id]))

    @field(
        requires=Can(REVIEW_DECIDE),
        description="The review queue (审核), newest first (PENDING by default): every "
        "domain's content on its way to the public (station notices, projects' progress posts "
        "and supervision opinions, case-library entries…), of one kind if given.",
    )
    async def review_queue(
        self,
        info: Info,
        status: m.ReviewStatus | None = m.ReviewStatus.PENDING,
        kind: Annotated[ReviewContentKind, strawberry.lazy("schema.contributed")] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ReviewItem]:
        query = m.ReviewItem.all()
        if status is not None:
            query = query.filter(status=status)
        if kind is not None:
            query = query.filter(kind=str(kind))
        page = await keyset_page(query, first, after, _max(info), newest_first=True)
        return Connection.from_page(page, ReviewItem.from_model)

    @field(requires=Can(STATION_MANAGE), description="The street's station settings.")
    async def station_setup(self, info: Info) -> StationSetup:
        return StationSetup.from_model(await street_station())

    @field(
        requires=Can(DIFFICULT_READ),
        description="办理疑难清单: matters marked difficult, oldest first, with their age, owner "
        "and last action (open ones only by default).",
    )
    async def difficult_matters(
        self,
        info: Info,
        open_only: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DifficultMatter]:
        page = await keyset_page(difficult.listed(open_only), first, after, _max(info))
        views = dict(
            zip((r.id for r in page.items), await difficult.views_of(page.items), strict=True)
        )
        now = info.context.services.clock.now()

        def convert(row: m.DifficultMatter) -> DifficultMatter:
            view = views[row.id]
            return DifficultMatter(
                id=to_global_id("DifficultMatter", row.id),
                kind=row.kind,
                subject_id=to_global_id(difficult.TYPE_NAMES[row.kind], row.subject_id),
                title=view.title,
                note=row.note,
                since=view.since,
                age_days=max(0, (now - view.since).days),
                owner=view.owner,
                last_action=view.last_action,
                last_action_at=view.last_action_at,
                marked_at=row.marked_at,
                resolved_at=row.resolved_at,
            )

        return Connection.from_page(page, convert)

    @field(
        requires=Can(ACTIVITY_READ),
        description="The station's activities, newest first (staff: every one; others: those "
        "whose notice was approved). `upcoming`: only those not yet ended.",
    )
    async def activities(
        self,
        info: Info,
        upcoming: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Activity]:
        now = info.context.services.clock.now() if upcoming else None
        query = activities.listed(caller(info), now)
        page = await keyset_page(query, first, after, _max(info), newest_first=True)
        return Connection.from_page(page, Activity.from_model)

    @field(requires=Can(ACTIVITY_READ), description="One activity (活动).")
    async def activity(self, info: Info, id: strawberry.ID) -> Activity:
        row = await activities.require(caller(info), decode_id(id, "Activity", "id"))
        return Activity.from_model(row)

    @field(
        replica=True,
        requires=Can(STATION_FIGURES),
        description="居民满意度指数 of the street (or one community) over the days [start, end]: "
        "100 × (Σ points) ÷ (number of ratings), each part shown. BAD_PERIOD for a period that "
        "ends before it starts or after today.",
    )
    async def satisfaction_index(
        self, info: Info, start: date, end: date, community_id: strawberry.ID | None = None
    ) -> SatisfactionIndex:
        p = indices.period(start, end, info.context.services.clock.now())
        community = decode_id(community_id, "Community", "communityId") if community_id else None
        found = await indices.satisfaction(p, community)
        return SatisfactionIndex(
            index=found.index,
            count=found.count,
            points=round(found.points, 4),
            parts=[
                RatingPart(source=x.source, count=x.count, points=x.points) for x in found.parts
            ],
        )

    @field(
        replica=True,
        requires=Can(STATION_FIGURES),
        description="代表履职指数 of each representative and deliberator over the days [start, "
        "end]: 3 × answered on time + 1 × visits + 2 × activities attended + 3 × tasks done + "
        "2 × supervision opinions, each part shown. BAD_PERIOD as satisfactionIndex.",
    )
    async def activity_index(self, info: Info, start: date, end: date) -> list[DelegateActivity]:
        p = indices.period(start, end, info.context.services.clock.now())
        return [
            DelegateActivity(
                delegate=Addressee(
                    id=to_global_id("Delegate", a.delegate.id), name=a.delegate.name
                ),
                index=a.index,
                answered_on_time=a.answered_on_time,
                visits=a.visits,
                activities_attended=a.activities_attended,
                tasks_done=a.tasks_done,
                opinions=a.opinions,
            )
            for a in await indices.activity(p)
        ]
