"""The handling chain as a pure table (流转规则): where a case stands × what is asked × how the
actor is tied to the case → where it goes next, or the typed refusal.

Nothing here reads the database or a clock. ``decide`` is what every handling operation asks
first (``resolvers/cases/handling.py``, ``rating.py``); ``tests/cases/test_machine.py`` walks
every state × action × role through it. The capability to ask at all (``case:handle``,
``case:dispatch``…) is the field's, checked before; this says whether *this* case may be acted
on by *this* actor now.

Who holds a case (the handling party) follows from its level: the grid's staff, the
community's staff, and at the street the dispatch desk (片区审核员), the lead department after an
internal transfer, or the leader of a re-report round; at the fourth level the linked district
department.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, StrEnum, auto

from core.errors import ErrorCode, Refused
from models.cases import CaseLevel, CaseState, Satisfaction
from resolvers.cases.codes import CaseCode


class Holder(StrEnum):
    """Who must act on an open case."""

    GRID = "GRID"  # 网格: the grid's chief and workers
    COMMUNITY = "COMMUNITY"  # 社区: the community's staff
    DESK = "DESK"  # 街道值班台: the street's reviewers
    DEPARTMENT = "DEPARTMENT"  # 街道科室: the lead department (assisting ones do their part)
    LEADER = "LEADER"  # 分管/主要领导: the leader of a re-report round
    DISTRICT = "DISTRICT"  # 区级部门: the linked district department


class Action(StrEnum):
    SIGN = "SIGN"  # 签收
    RESOLVE = "RESOLVE"  # 办结
    ESCALATE = "ESCALATE"  # 上报上级
    SEND_BACK = "SEND_BACK"  # 回退
    CLOSE_DIRECTLY = "CLOSE_DIRECTLY"  # 直接结案
    TRANSFER = "TRANSFER"  # 内部流转
    LINK = "LINK"  # 外部联动
    PART_DONE = "PART_DONE"  # 协办完成
    RATE = "RATE"  # 评价
    REREPORT = "REREPORT"  # 再次上报


class Tie(Flag):
    """How the actor is tied to this case (several at once are possible)."""

    NONE = 0
    GRID = auto()  # serves the case's grid
    COMMUNITY = auto()  # serves the case's community
    DESK = auto()  # a reviewer of the street
    LEAD = auto()  # works in the case's lead department
    ASSISTING = auto()  # works in an assisting department of the current transfer
    DISTRICT = auto()  # works in the linked district department
    LEADER = auto()  # the leader of the current re-report round
    REPORTER = auto()  # reported it (or is the resident it was entered for)
    ON_BEHALF = auto()  # staff rating for a reporter without an account, after calling back


# The tie an actor needs to be the handling party.
HOLDER_TIE = {
    Holder.GRID: Tie.GRID,
    Holder.COMMUNITY: Tie.COMMUNITY,
    Holder.DESK: Tie.DESK,
    Holder.DEPARTMENT: Tie.LEAD,
    Holder.LEADER: Tie.LEADER,
    Holder.DISTRICT: Tie.DISTRICT,
}
HOLDER_LEVEL = {
    Holder.GRID: CaseLevel.GRID,
    Holder.COMMUNITY: CaseLevel.COMMUNITY,
    Holder.DESK: CaseLevel.STREET,
    Holder.DEPARTMENT: CaseLevel.STREET,
    Holder.LEADER: CaseLevel.STREET,
    Holder.DISTRICT: CaseLevel.DISTRICT,
}
OPEN = frozenset({CaseState.PENDING, CaseState.HANDLING})
HANDLING_ACTIONS = frozenset(
    {Action.SIGN, Action.RESOLVE, Action.ESCALATE, Action.SEND_BACK}
    | {Action.CLOSE_DIRECTLY, Action.TRANSFER, Action.LINK}
)
DESK_ACTIONS = frozenset({Action.CLOSE_DIRECTLY, Action.TRANSFER, Action.LINK})


@dataclass(frozen=True)
class Standing:
    """What the table reads of a case."""

    state: CaseState
    holder: Holder
    entry_level: CaseLevel
    round: int = 1
    max_rounds: int = 3
    satisfaction: Satisfaction | None = None
    lowest_level: CaseLevel = CaseLevel.GRID
    """The lowest level the street lets resolve this case (小事不出网格, 大事不出街道)."""
    part_done: bool = False
    """The asking assisting department has already reported its part."""

    @property
    def level(self) -> CaseLevel:
        return HOLDER_LEVEL[self.holder]


@dataclass(frozen=True)
class Next:
    """Where an allowed action takes the case (the holder is the one it goes to)."""

    state: CaseState
    holder: Holder | None  # None: no handling party any more (resolved, closed)


FIELD = "caseId"


def decide(standing: Standing, action: Action, ties: Tie) -> Next:
    """Where ``action`` takes the case, or ``Refused`` with the reason a user would be told."""
    if action in HANDLING_ACTIONS:
        return _handle(standing, action, ties)
    if action is Action.PART_DONE:
        return _part_done(standing, ties)
    if action is Action.RATE:
        return _rate(standing, ties)
    return _rereport(standing, ties)


def _handle(s: Standing, action: Action, ties: Tie) -> Next:
    if s.state not in OPEN:
        raise Refused(ErrorCode.INVALID_TRANSITION, "case.not_open", FIELD)
    if not ties & HOLDER_TIE[s.holder]:
        raise Refused(CaseCode.NOT_YOURS, "case.not_yours", FIELD)
    if action is Action.SIGN:
        if s.state is CaseState.HANDLING:
            raise Refused(CaseCode.ALREADY_SIGNED, "case.already_signed", FIELD)
        return Next(CaseState.HANDLING, s.holder)
    if action is Action.SEND_BACK:
        return Next(CaseState.PENDING, _below(s))
    if s.state is CaseState.PENDING:
        raise Refused(CaseCode.NOT_SIGNED, "case.not_signed", FIELD)
    if action in DESK_ACTIONS:
        if s.holder is not Holder.DESK:
            raise Refused(ErrorCode.INVALID_TRANSITION, "case.desk_only", FIELD)
        if action is Action.CLOSE_DIRECTLY:
            return _resolved(s)
        return Next(
            CaseState.PENDING, Holder.DEPARTMENT if action is Action.TRANSFER else Holder.DISTRICT
        )
    if action is Action.RESOLVE:
        return _resolved(s)
    return Next(CaseState.PENDING, _above(s))


def _resolved(s: Standing) -> Next:
    if s.level < s.lowest_level:
        raise Refused(CaseCode.CLOSURE_LEVEL, "case.closure_level", FIELD)
    return Next(CaseState.RESOLVED, None)


def _above(s: Standing) -> Holder:
    if s.holder is Holder.GRID:
        return Holder.COMMUNITY
    if s.holder is Holder.COMMUNITY:
        return Holder.DESK
    if s.holder is Holder.DISTRICT:
        raise Refused(CaseCode.TOP_LEVEL, "case.top_level", FIELD)
    # at the street, the desk links a district department (外部联动); a department or a
    # leader hands back to the desk
    raise Refused(ErrorCode.INVALID_TRANSITION, "case.escalate_from_street", FIELD)


def _below(s: Standing) -> Holder:
    if s.holder in (Holder.DEPARTMENT, Holder.DISTRICT):
        return Holder.DESK  # the desk dispatches it again
    if s.holder is Holder.DESK and s.entry_level <= CaseLevel.COMMUNITY:
        return Holder.COMMUNITY
    if s.holder is Holder.COMMUNITY and s.entry_level <= CaseLevel.GRID:
        return Holder.GRID
    raise Refused(CaseCode.NOTHING_BELOW, "case.nothing_below", FIELD)


def _part_done(s: Standing, ties: Tie) -> Next:
    if s.state not in OPEN:
        raise Refused(ErrorCode.INVALID_TRANSITION, "case.not_open", FIELD)
    if s.holder is not Holder.DEPARTMENT or not ties & Tie.ASSISTING:
        raise Refused(CaseCode.NOT_YOURS, "case.not_yours", FIELD)
    if s.part_done:
        raise Refused(ErrorCode.INVALID_TRANSITION, "case.part_done", FIELD)
    return Next(s.state, s.holder)


def _rate(s: Standing, ties: Tie) -> Next:
    if not ties & (Tie.REPORTER | Tie.ON_BEHALF):
        raise Refused(CaseCode.NOT_YOURS, "case.not_yours", FIELD)
    if s.state in OPEN:
        raise Refused(CaseCode.NOT_RESOLVED, "case.not_resolved", FIELD)
    if s.state is CaseState.CLOSED or s.satisfaction is not None:
        raise Refused(CaseCode.ALREADY_RATED, "case.already_rated", FIELD)
    return Next(CaseState.RESOLVED, None)


def after_rating(s: Standing, satisfaction: Satisfaction) -> CaseState:
    """A satisfied rating closes the case; an unsatisfied one leaves it open to a re-report,
    unless this was the last round."""
    if satisfaction is Satisfaction.UNSATISFIED and s.round < s.max_rounds:
        return CaseState.RESOLVED
    return CaseState.CLOSED


def _rereport(s: Standing, ties: Tie) -> Next:
    if not ties & Tie.REPORTER:
        raise Refused(CaseCode.NOT_YOURS, "case.not_yours", FIELD)
    if s.state in OPEN:
        raise Refused(CaseCode.NOT_RESOLVED, "case.not_resolved", FIELD)
    if s.round >= s.max_rounds:
        raise Refused(CaseCode.NO_MORE_ROUNDS, "case.no_more_rounds", FIELD)
    if s.satisfaction is not Satisfaction.UNSATISFIED:
        raise Refused(ErrorCode.INVALID_TRANSITION, "case.rereport_unsatisfied", FIELD)
    return Next(CaseState.PENDING, Holder.LEADER)
