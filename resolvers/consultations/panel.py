"""The bell's panel of the dashboard (小区协商铃): rings, accepted, solved, the completion and
satisfaction rates of the period, and the latest rings by category and step (never who rang)."""

from __future__ import annotations

from models.consultations import Consultation, Step
from resolvers.consultations.figures import counts
from resolvers.panels import Figure, Item, Panel, Scope

LATEST = 8
_STEP = {
    Step.SUBMITTED: "已提出",
    Step.ACCEPTED: "已受理",
    Step.INVITED: "已约请",
    Step.COORDINATED: "已对接",
    Step.CONFIRMED: "已确认",
    Step.MET: "已开会",
    Step.REVIEWED: "已联审",
    Step.ANNOUNCED: "已通报",
    Step.EVALUATED: "已评价",
    Step.ROUTED: "已转办",
    Step.NOT_ACCEPTED: "不予受理",
}


async def consultations_panel(scope: Scope) -> Panel:
    since, until = scope.period.since, scope.period.until
    f = await counts(scope.community_id, since, until)
    latest = Consultation.filter(submitted_at__gte=since, submitted_at__lt=until)
    if scope.community_id is not None:
        latest = latest.filter(community_id=scope.community_id)
    rings = (
        await latest.order_by("-submitted_at", "-id")
        .limit(LATEST)
        .values("category", "community__name", "step", "submitted_at")
    )
    return Panel(
        key="consultations",
        title="小区协商铃",
        figures=[
            Figure("rings", "协商申请", f.rings, "件"),
            Figure("accepted", "受理", f.accepted, "件"),
            Figure("solved", "协商办结", f.solved, "件"),
            Figure("completionRate", "办结率", f.completion_rate, "%"),
            Figure("satisfactionRate", "满意度", f.satisfaction_rate, "%"),
        ],
        items=[
            Item(
                title=str(r["category"]),
                detail=" · ".join(
                    p for p in (r["community__name"] or "", _STEP[Step(r["step"])]) if p
                ),
                at=r["submitted_at"],
            )
            for r in rings
        ],
    )
