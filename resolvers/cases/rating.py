"""After the result: the reporter's rating (满意度), re-reports to the street's leaders
(二次、三次上报), satisfaction call-backs (回访), and turning a large matter into a livelihood
project (转为民生实事).

One rating per round (``CaseRating`` is unique per case and round, so two tabs rating at once
cannot both count). Satisfied closes the case; unsatisfied leaves it to the reporter to report
again: the second round goes to the leader in charge (分管领导), the third to the street's head
(主要领导), and the street's cap (three rounds by default) refuses a fourth. Every round's result
and rating stays on the case (its steps and ratings).
"""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError

from core import validators
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.cases import (
    Case,
    CaseCallBack,
    CaseLevel,
    CaseRating,
    CaseState,
    CaseStep,
    LeaderDuty,
    Satisfaction,
    StepAction,
)
from models.columns import max_length
from models.projects import SourceKind
from resolvers.caller import Caller
from resolvers.cases.access import leader_for, visible_case
from resolvers.cases.codes import CaseCode
from resolvers.cases.common import case_gid, step
from resolvers.cases.handling import Doing, act, hand_over, standing_of
from resolvers.cases.machine import Action, Holder, Tie, after_rating
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.projects import lifecycle


async def rate(
    caller: Caller,
    case_id: int,
    satisfaction: Satisfaction,
    comment: str = "",
    *,
    on_behalf: bool = False,
) -> Case:
    """The reporter rates this round's result; staff rate for a reporter without an account
    after calling them back (``on_behalf``)."""
    comment = validators.text(comment, "comment", max_length(CaseRating, "comment"), required=False)

    async def apply(doing: Doing) -> None:
        change, case = doing.change, doing.case
        standing = await standing_of(caller, case)
        try:
            await CaseRating.create(
                case_id=case.id,
                round=case.round,
                satisfaction=satisfaction,
                comment=comment,
                rated_by_id=caller.user.id,
                on_behalf=on_behalf,
                created_at=change.at,
            )
        except IntegrityError as exc:
            raise Refused(CaseCode.ALREADY_RATED, "case.already_rated", "caseId") from exc
        case.satisfaction = satisfaction
        case.state = after_rating(standing, satisfaction)
        if case.state is CaseState.CLOSED:
            case.closed_at = change.at
        case.updated_at = change.at
        await case.save()
        await step(
            change,
            case,
            StepAction.RATED,
            level=CaseLevel(case.level),
            note=comment,
            detail={"satisfaction": satisfaction.value, "onBehalf": on_behalf},
        )

    only = Tie.ON_BEHALF if on_behalf else Tie.REPORTER
    return await act(caller, case_id, Action.RATE, apply, only=only)


async def rereport(caller: Caller, case_id: int, reason: str) -> Case:
    """二次/三次上报: an unsatisfied reporter reports the case again, to the street's leader in
    charge (second round) or head (third)."""
    reason = validators.text(reason, "reason", max_length(CaseStep, "note"))

    async def apply(doing: Doing) -> None:
        change, case = doing.change, doing.case
        duty = LeaderDuty.IN_CHARGE if case.round + 1 == 2 else LeaderDuty.HEAD
        leader = await leader_for(case.category_id, duty)
        if leader is None:
            raise Refused(CaseCode.NO_LEADER, "case.no_leader", "caseId")
        before = CaseLevel(case.level)
        case.round += 1
        case.satisfaction = None
        case.resolved_at = None
        case.resolved_level = None
        case.resolved_late = False
        await hand_over(change, caller, case, Holder.LEADER)
        case.leader_id = leader
        await case.save()
        await step(
            change,
            case,
            StepAction.REREPORTED,
            level=before,
            to_level=CaseLevel.STREET,
            note=reason,
            detail={"leader": leader, "duty": duty.value},
        )
        await notify(
            change,
            [leader],
            "case.rereported",
            translate("case.rereported_title", title=case.title, round=case.round),
            reason[:200],
            case_gid(case.id),
        )

    return await act(caller, case_id, Action.REREPORT, apply)


async def call_back(
    caller: Caller, case_id: int, satisfaction: Satisfaction, comment: str = ""
) -> CaseCallBack:
    """回访: staff call a reporter back after the result and record what they said."""
    comment = validators.text(
        comment, "comment", max_length(CaseCallBack, "comment"), required=False
    )
    async with changing(caller.services, caller.user) as change:
        case = await visible_case(caller, case_id, for_update=True)
        if case.state not in (CaseState.RESOLVED, CaseState.CLOSED):
            raise Refused(CaseCode.NOT_RESOLVED, "case.not_resolved", "caseId")
        row = await CaseCallBack.create(
            case_id=case.id,
            staff_id=caller.user.id,
            satisfaction=satisfaction,
            comment=comment,
            created_at=change.at,
        )
        await step(
            change,
            case,
            StepAction.CALLED_BACK,
            level=CaseLevel(case.level),
            note=comment,
            detail={"satisfaction": satisfaction.value, "callBack": row.id},
        )
    return row


async def make_project(
    caller: Caller,
    case_id: int,
    *,
    department: str,
    planned_start: date,
    planned_end: date,
    budget: str,
    category: str | None = None,
) -> Case:
    """转为民生实事: a street leader turns a large matter into a PROPOSED livelihood project
    (the project keeps the case as its source, the case links the project), in one unit of
    work."""
    async with changing(caller.services, caller.user) as change:
        case = await visible_case(caller, case_id, for_update=True)
        if case.project_id is not None:
            raise Refused(ErrorCode.ALREADY_EXISTS, "case.already_project", "caseId")
        project = await lifecycle.create_project(
            caller,
            lifecycle.NewProject(
                title=case.title,
                description=case.description,
                category=category or "民情事项",
                department=department,
                planned_start=planned_start,
                planned_end=planned_end,
                budget=budget,
                community_id=case.community_id,
                address=case.address,
                longitude=case.longitude,
                latitude=case.latitude,
                source_kind=SourceKind.CASE,
                source_ref=case_gid(case.id),
            ),
        )
        case.project_id = project.id
        case.updated_at = change.at
        await case.save(update_fields=["project_id", "updated_at"])
        await step(
            change,
            case,
            StepAction.MADE_PROJECT,
            level=CaseLevel(case.level),
            detail={"project": project.id},
        )
    return case
