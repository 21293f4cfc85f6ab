"""The nine steps as a state machine (九大步骤): which action leads from which step to which,
and what capability it takes. Pure: the handling code asks ``transition(action, step)``; the
step × role table test reads ``ACTIONS``.

submitted → accepted (or routed, a non-consultation matter; or not accepted) → invited →
coordinated → attendance confirmed → met → reviewed → announced → evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import Refused
from models.consultations import Step
from policies.capabilities.consultations import (
    CONSULTATION_EVALUATE,
    CONSULTATION_HANDLE,
    CONSULTATION_RING,
)
from policies.vocabulary import Capability
from resolvers.consultations.codes import ConsultationCode


class Action(StrEnum):
    RING = "ring"  # 提出协商申请
    ACCEPT = "accept"  # 受理: a consultation matter
    ROUTE = "route"  # 受理: a non-consultation matter, to a street office
    DECLINE = "decline"  # 不予受理
    INVITE = "invite"  # 发起协商约请
    COORDINATE = "coordinate"  # 对接协商事项
    CONFIRM = "confirm"  # 确认参会信息
    MEET = "meet"  # 召开协商会议 (the minutes)
    REVIEW = "review"  # 联审协商结果
    ANNOUNCE = "announce"  # 通报协商结果
    EVALUATE = "evaluate"  # 评价协商结果


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Step]
    target: Step
    requires: Capability


def _t(sources: set[Step], target: Step, requires: Capability) -> Transition:
    return Transition(frozenset(sources), target, requires)


NINE_STEPS = (
    Step.SUBMITTED,
    Step.ACCEPTED,
    Step.INVITED,
    Step.COORDINATED,
    Step.CONFIRMED,
    Step.MET,
    Step.REVIEWED,
    Step.ANNOUNCED,
    Step.EVALUATED,
)
HANDLE = CONSULTATION_HANDLE

ACTIONS: dict[Action, Transition] = {
    Action.RING: _t(set(), Step.SUBMITTED, CONSULTATION_RING),
    Action.ACCEPT: _t({Step.SUBMITTED}, Step.ACCEPTED, HANDLE),
    Action.ROUTE: _t({Step.SUBMITTED}, Step.ROUTED, HANDLE),
    Action.DECLINE: _t({Step.SUBMITTED}, Step.NOT_ACCEPTED, HANDLE),
    Action.INVITE: _t({Step.ACCEPTED}, Step.INVITED, HANDLE),
    Action.COORDINATE: _t({Step.INVITED}, Step.COORDINATED, HANDLE),
    Action.CONFIRM: _t({Step.COORDINATED}, Step.CONFIRMED, HANDLE),
    Action.MEET: _t({Step.CONFIRMED}, Step.MET, HANDLE),
    Action.REVIEW: _t({Step.MET}, Step.REVIEWED, HANDLE),
    Action.ANNOUNCE: _t({Step.REVIEWED}, Step.ANNOUNCED, HANDLE),
    # The requester's evaluation completes the ninth step; residents of the compound may
    # evaluate too, once each, from the announcement on.
    Action.EVALUATE: _t({Step.ANNOUNCED, Step.EVALUATED}, Step.EVALUATED, CONSULTATION_EVALUATE),
}

SOLVED = frozenset({Step.ANNOUNCED, Step.EVALUATED})
"""A consultation solved by consultation (成功协商解决): its outcome announced."""
OPEN = frozenset(set(NINE_STEPS) - {Step.EVALUATED})


def transition(action: Action, step: Step) -> Step:
    """The step ``action`` leads to from ``step``; STEP_OUT_OF_ORDER when it is not next."""
    found = ACTIONS[action]
    if step not in found.sources:
        raise Refused(
            ConsultationCode.STEP_OUT_OF_ORDER,
            "consultation.step_out_of_order",
            "id",
            step=step.value,
            action=action.value,
        )
    return found.target


def next_step(step: Step) -> Step | None:
    """The step that follows ``step`` on the consultation path (None at the end or off it)."""
    if step not in NINE_STEPS or step is Step.EVALUATED:
        return None
    return NINE_STEPS[NINE_STEPS.index(step) + 1]
