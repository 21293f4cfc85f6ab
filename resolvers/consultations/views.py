"""Reading consultations: the caller's list (row rules), batch loaders for what a
consultation shows (its timeline, invitations, meeting, evaluations), and its lateness."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.queryset import QuerySet

from models.consultations import (
    Consultation,
    ConsultationMeeting,
    ConsultationStep,
    Evaluation,
    Invitation,
    Step,
    StepWarning,
)
from resolvers.caller import Caller
from resolvers.consultations import rows
from resolvers.consultations.steps import OPEN
from resolvers.projects.common import Lateness


def visible(caller: Caller) -> QuerySet[Consultation]:
    return rows.RULES.rows(caller, Consultation.all())


def lateness(c: Consultation, on: date, yellow_days: int) -> Lateness:
    """黄灯 when the next step is due within ``yellow_days``, 红灯 once it is overdue."""
    if c.step not in OPEN or c.step_due is None:
        return Lateness.ON_TIME
    if c.step_due < on:
        return Lateness.RED
    if c.step_due <= on + timedelta(days=yellow_days):
        return Lateness.YELLOW
    return Lateness.ON_TIME


async def load_timelines(ids: Sequence[int]) -> list[list[ConsultationStep]]:
    found: dict[int, list[ConsultationStep]] = defaultdict(list)
    for row in await ConsultationStep.filter(consultation_id__in=list(ids)).order_by("at", "id"):
        found[row.consultation_id].append(row)
    return [found[i] for i in ids]


async def load_step_warnings(ids: Sequence[int]) -> list[list[StepWarning]]:
    found: dict[int, list[StepWarning]] = defaultdict(list)
    for row in await StepWarning.filter(consultation_id__in=list(ids)).order_by("sent_at", "id"):
        found[row.consultation_id].append(row)
    return [found[i] for i in ids]


async def load_invitations(ids: Sequence[int]) -> list[list[Invitation]]:
    found: dict[int, list[Invitation]] = defaultdict(list)
    for row in await Invitation.filter(consultation_id__in=list(ids)).order_by("id"):
        found[row.consultation_id].append(row)
    return [found[i] for i in ids]


async def load_meetings(ids: Sequence[int]) -> list[ConsultationMeeting | None]:
    found = {
        m.consultation_id: m
        for m in await ConsultationMeeting.filter(consultation_id__in=list(ids))
    }
    return [found.get(i) for i in ids]


@dataclass(frozen=True)
class Ratings:
    count: int
    average: float | None


async def load_ratings(ids: Sequence[int]) -> list[Ratings]:
    scores: dict[int, list[int]] = defaultdict(list)
    for cid, rating in await Evaluation.filter(consultation_id__in=list(ids)).values_list(
        "consultation_id", "rating"
    ):
        scores[cid].append(rating)
    return [
        Ratings(len(s), round(sum(s) / len(s), 2) if s else None) for s in (scores[i] for i in ids)
    ]


STEP_NAMES = {
    Step.SUBMITTED: "提出协商申请",
    Step.ACCEPTED: "受理",
    Step.INVITED: "发起协商约请",
    Step.COORDINATED: "对接协商事项",
    Step.CONFIRMED: "确认参会信息",
    Step.MET: "召开协商会议",
    Step.REVIEWED: "联审协商结果",
    Step.ANNOUNCED: "通报协商结果",
    Step.EVALUATED: "评价协商结果",
    Step.ROUTED: "非协商事项转办",
    Step.NOT_ACCEPTED: "不予受理",
}
