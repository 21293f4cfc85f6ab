"""The liaison station's panel of the dashboard (代表联络站): its suggestions received,
answered and on time, the reply and satisfaction rates, tasks claimed, activities held and
difficult matters open, since the station began (the station is the street's: a community's
dashboard shows none of it)."""

from __future__ import annotations

from resolvers.panels import Figure, Panel, Scope, ScopeKind
from resolvers.station.figures import station_figures


async def station_panel(scope: Scope) -> Panel:
    if scope.kind is ScopeKind.COMMUNITY:
        return Panel(key="station", title="代表联络站")
    f = await station_figures(scope.now)
    s = f.suggestions
    return Panel(
        key="station",
        title="代表联络站",
        figures=[
            Figure("suggestionsReceived", "收到建议", s.received, "件"),
            Figure("suggestionsAnswered", "已答复", s.answered, "件"),
            Figure("suggestionsOnTime", "按时答复", s.on_time, "件"),
            Figure("replyRate", "答复率", s.reply_rate if s.received else None, "%"),
            Figure("satisfactionRate", "满意率", s.satisfaction_rate if s.rated else None, "%"),
            Figure("tasksClaimed", "任务认领", f.tasks_claimed, "个"),
            Figure("activitiesHeld", "开展活动", f.activities_held, "场"),
            Figure("difficultOpen", "疑难事项", f.difficult_open, "件"),
        ],
    )
