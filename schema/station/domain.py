"""The station domain (基层单元, 代表联络站): suggestions to representatives with reply
deadlines, task grabbing, the watch list and review before publishing, the figures."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.models import Model

from core.errors import DomainError
from models import station as m
from models.columns import max_length
from models.station import ContentKind
from policies.capabilities import station as capabilities
from resolvers.panels import PanelKind
from resolvers.publishing import Reviewable
from resolvers.services import Services
from resolvers.station import activities, difficult, review, suggestions
from resolvers.station.codes import StationCode
from resolvers.station.deadlines import StationDomainSettings, reply_deadline_scanner
from resolvers.station.demo import load_station_demo
from resolvers.station.panel import station_panel
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can
from schema.station.mutations import StationMutation
from schema.station.queries import StationQuery
from schema.station.types import Suggestion


async def _suggestion(info: Info, pk: int) -> Suggestion | None:
    try:
        row = await suggestions.require(caller(info), pk)
    except DomainError:
        return None
    return Suggestion.from_model(row)


def _tasks(services: Services) -> Sequence[Task]:
    seconds = services.settings.section(StationDomainSettings).station_scan_seconds
    return (reply_deadline_scanner(services), difficult.roll_up_task(services, seconds))


def _two_parts(model: type[Model], first: str, second: str) -> int:
    """A notice reviewed as its title and text on two lines."""
    return max_length(model, first) + 1 + max_length(model, second)


REVIEWABLE = (
    Reviewable(
        ContentKind.SUGGESTION_SUMMARY,
        "建议公开摘要 (a suggestion's public summary)",
        max_length(m.Suggestion, "answer"),
        node_type="Suggestion",
    ),
    Reviewable(
        ContentKind.TASK_NOTICE,
        "抢单任务公告 (a task's notice)",
        _two_parts(m.StationTask, "title", "description"),
        node_type="StationTask",
    ),
    Reviewable(
        ContentKind.ACTIVITY_NOTICE,
        "活动通知 (an activity's notice)",
        _two_parts(m.Activity, "title", "notice"),
        node_type="Activity",
    ),
)
"""The station's own content through its queue (it reads the approved text itself)."""


DOMAIN = Domain(
    name="station",
    description="The liaison station (基层单元, 代表联络站).",
    models=("models.station",),
    query=(StationQuery,),
    mutation=(StationMutation,),
    nodes={"Suggestion": NodeKind(Can(capabilities.SUGGESTION_READ), _suggestion)},
    capabilities=capabilities.CAPABILITIES,
    codes=StationCode,
    settings=StationDomainSettings,
    tasks=_tasks,
    demo=load_station_demo,
    panels=(PanelKind("station", 30, station_panel),),
    reviewable=REVIEWABLE,
    review_queue=review.QUEUE,
    nearby=(activities.NEARBY,),
)
