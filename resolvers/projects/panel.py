"""The projects' panel of the dashboard (民生实事项目): how many, under way, late, the share on
time, the supervision opinions waiting and the residents' satisfaction; of the street (a
district: its streets together). Projects are the street's: a community's dashboard shows none."""

from __future__ import annotations

from resolvers.panels import Figure, Panel, Scope, ScopeKind
from resolvers.projects.views import totals


async def projects_panel(scope: Scope) -> Panel:
    if scope.kind is ScopeKind.COMMUNITY:
        return Panel(key="projects", title="民生实事项目")
    t = await totals(scope.services)
    return Panel(
        key="projects",
        title="民生实事项目",
        figures=[
            Figure("projects", "项目", sum(t.by_status.values()), "个"),
            Figure("active", "推进中", t.active, "个"),
            Figure("onTimeShare", "按期推进率", t.on_time_share, "%"),
            Figure("yellow", "黄灯", t.yellow, "个"),
            Figure("red", "红灯", t.red, "个"),
            Figure("openOpinions", "待答复监督意见", t.open_opinions, "条"),
            Figure("averageSatisfaction", "满意度", t.average_satisfaction, "分"),
        ],
    )
