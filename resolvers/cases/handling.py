"""The handling chain (四级联动): sign, resolve, escalate, send back, and at the street's
dispatch desk close directly, transfer to departments or link a district department.

Every operation takes the case under a row lock, asks the pure table (``machine.decide``)
whether this caller may do this now, and writes the case, its timeline step, audit entry and
event in one unit of work (``changing``). A hand-over to a new handling party (escalation,
sending back, a transfer, a linkage) starts a new stint with new deadlines and tells the new
party in its inbox.

District departments (区级部门) hold their streets read-only, like every district account.
The one write they make into a street is here: on a case linked to their department, checked
first, the operation runs in the street's writable scope (``district_scope``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass

from core import validators
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.cases import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseLevel,
    CaseMedia,
    CaseState,
    CaseStep,
    Department,
    DepartmentMember,
    DistrictDepartment,
    StepAction,
)
from models.columns import column, max_length
from models.people import Resident
from models.tenancy import Street
from resolvers.caller import Caller
from resolvers.cases.access import (
    holder_of,
    my_department_ids,
    party_users,
    ties_of,
    visible_case,
)
from resolvers.cases.codes import CaseCode
from resolvers.cases.common import case_gid, level_text, step
from resolvers.cases.machine import HOLDER_LEVEL, Action, Holder, Next, Standing, Tie, decide
from resolvers.cases.media import StagedMedia, Uploads, staged_media
from resolvers.cases.rules import lowest_level, new_stint, street_rules
from resolvers.events import Change, changing
from resolvers.notifications import notify
from tenants.scoping import street_scope


@dataclass(frozen=True)
class Doing:
    """What an operation's ``apply`` works with: the change, the locked case, where the table
    sends it, and the files staged with the request."""

    change: Change
    case: Case
    next: Next
    media: StagedMedia


Apply = Callable[[Doing], Awaitable[None]]


async def standing_of(caller: Caller, case: Case) -> Standing:
    rules = await street_rules()
    departments = await CaseAssignment.filter(
        case_id=case.id, stint=case.stint, role=AssignmentRole.ASSISTING, active=True
    ).values_list("department_id", "done_at")
    mine = set(await my_department_ids(caller.user.id))
    return Standing(
        state=case.state,
        holder=holder_of(case),
        entry_level=CaseLevel(case.entry_level),
        round=case.round,
        max_rounds=rules.max_rounds,
        satisfaction=case.satisfaction,
        lowest_level=await lowest_level(case.urgency, case.category_id),
        part_done=any(dept in mine and done is not None for dept, done in departments),
    )


@contextlib.contextmanager
def district_scope(caller: Caller, allowed: bool) -> Iterator[None]:
    """The street's writable scope for a district department acting on a case linked to it
    (checked by the caller of this); any other district account stays read-only."""
    if not allowed:
        yield
        return
    with street_scope(caller.street.id):
        yield


async def act(
    caller: Caller,
    case_id: int,
    action: Action,
    apply: Apply,
    *,
    uploads: Uploads = Uploads(),
    district: bool = False,
    only: Tie | None = None,
) -> Case:
    """Take the case, decide, apply; all or nothing (files are kept only once committed).
    ``only``: the ties that count for this operation (a rating on someone's behalf counts the
    call-back tie, not the reporter's)."""
    if district:
        case = await visible_case(caller, case_id)
        if not await ties_of(caller, case) & Tie.DISTRICT:
            raise Refused(CaseCode.NOT_YOURS, "case.not_yours", "caseId")
    with district_scope(caller, district):
        async with staged_media(caller.services, caller.street.id, uploads) as media:
            async with changing(caller.services, caller.user) as change:
                case = await visible_case(caller, case_id, for_update=True)
                ties = await ties_of(caller, case)
                if district:
                    ties &= Tie.DISTRICT  # a district account acts as its department only
                if only is not None:
                    ties &= only
                nxt = decide(await standing_of(caller, case), action, ties)
                await apply(Doing(change, case, nxt, media))
            media.commit()
    return case


async def _attach(doing: Doing, step_id: int) -> list[str]:
    change, case = doing.change, doing.case
    rows = doing.media.rows(change.street_id, case.id, change.at, step_id)
    if rows:
        await CaseMedia.bulk_create(rows)
    return doing.media.digests


async def reporter_user(case: Case) -> int | None:
    if case.reporter_id is not None:
        return case.reporter_id
    if case.resident_id is not None:
        found = await column(Resident.filter(id=case.resident_id), "user_id", int)
        return next((u for u in found if u is not None), None)
    return None


async def tell_party(change: Change, caller: Caller, case: Case) -> None:
    """A new handling party hears of the case in its inbox."""
    users = [u for u in await party_users(caller.services, case) if u != caller.user.id]
    await notify(
        change,
        users,
        "case.new",
        translate("case.new_title", title=case.title),
        translate("case.new_body", level=level_text(case.level)),
        case_gid(case.id),
    )


async def hand_over(change: Change, caller: Caller, case: Case, holder: Holder) -> None:
    """Give the case to a new handling party (unsaved parts of the case set by the caller:
    department, district department, leader), with a new stint and its deadlines."""
    if holder is not Holder.DEPARTMENT:
        case.department_id = None
    if holder is not Holder.DISTRICT:
        case.district_department_id = None
    if holder is not Holder.LEADER:
        case.leader_id = None
    await CaseAssignment.filter(case_id=case.id, active=True).update(active=False)
    await new_stint(case, HOLDER_LEVEL[holder], change.at)
    case.state = CaseState.PENDING
    case.handler_id = None
    case.updated_at = change.at


def _reason(text: str, field: str = "reason") -> str:
    return validators.text(text, field, max_length(CaseStep, "note"))


# -- at every level --------------------------------------------------------------------------


async def sign(caller: Caller, case_id: int, note: str = "", *, district: bool = False) -> Case:
    """签收: the handling party takes the case on; its signer becomes the handler."""
    note = validators.text(note, "note", max_length(CaseStep, "note"), required=False)

    async def apply(doing: Doing) -> None:
        change, case, nxt = doing.change, doing.case, doing.next
        case.state = nxt.state
        case.signed_at = change.at
        case.handler_id = caller.user.id
        if case.first_handler_id is None:
            case.first_handler_id = caller.user.id
        case.updated_at = change.at
        await case.save()
        await CaseAssignment.filter(
            case_id=case.id, stint=case.stint, role=AssignmentRole.LEAD, active=True
        ).update(signed_at=change.at, signed_by_id=caller.user.id)
        await step(change, case, StepAction.SIGNED, level=CaseLevel(case.level), note=note)

    return await act(caller, case_id, Action.SIGN, apply, district=district)


async def resolve(
    caller: Caller,
    case_id: int,
    result: str,
    uploads: Uploads = Uploads(),
    *,
    district: bool = False,
) -> Case:
    """办结: resolved with a result note (and photos, optionally); the reporter is asked to
    rate it."""
    result = validators.text(result, "result", max_length(Case, "result"))
    return await act(
        caller,
        case_id,
        Action.RESOLVE,
        _resolving(caller, result),
        uploads=uploads,
        district=district,
    )


def _resolving(caller: Caller, result: str, directly: bool = False) -> Apply:
    async def apply(doing: Doing) -> None:
        change, case, nxt = doing.change, doing.case, doing.next
        level = CaseLevel(case.level)
        case.state = nxt.state
        case.result = result
        case.resolved_at = change.at
        case.resolved_level = level
        case.resolved_late = change.at > case.due_at
        if case.handler_id is None:
            case.handler_id = caller.user.id
        case.updated_at = change.at
        await case.save()
        row = await step(change, case, StepAction.RESOLVED, level=level, note=result)
        digests = await _attach(doing, row.id)
        if digests or directly:
            row.detail = {"media": digests, "directly": directly}
            await row.save(update_fields=["detail"])
        reporter = await reporter_user(case)
        if reporter is not None:
            await notify(
                change,
                [reporter],
                "case.resolved",
                translate("case.resolved_title", title=case.title),
                result[:200],
                case_gid(case.id),
            )

    return apply


def _moving(caller: Caller, action: StepAction, reason: str) -> Apply:
    """Hand the case to where the table sends it (up or back), with the reason on its step."""

    async def apply(doing: Doing) -> None:
        change, case, nxt = doing.change, doing.case, doing.next
        assert nxt.holder is not None
        before = CaseLevel(case.level)
        await hand_over(change, caller, case, nxt.holder)
        await case.save()
        await step(change, case, action, level=before, to_level=CaseLevel(case.level), note=reason)
        await tell_party(change, caller, case)

    return apply


async def escalate(caller: Caller, case_id: int, reason: str, *, district: bool = False) -> Case:
    """上报上级: one level up (grid → community → street desk), with a reason; new deadlines."""
    apply = _moving(caller, StepAction.ESCALATED, _reason(reason))
    return await act(caller, case_id, Action.ESCALATE, apply, district=district)


async def send_back(caller: Caller, case_id: int, reason: str, *, district: bool = False) -> Case:
    """回退: a wrongly routed case goes back, with a reason: a department's or a district
    department's to the street desk, the desk's to the community, the community's to the grid."""
    apply = _moving(caller, StepAction.SENT_BACK, _reason(reason))
    return await act(caller, case_id, Action.SEND_BACK, apply, district=district)


# -- the street's dispatch desk (片区审核员) ------------------------------------------------


async def close_directly(caller: Caller, case_id: int, result: str) -> Case:
    """直接结案: the desk resolves the case itself."""
    result = validators.text(result, "result", max_length(Case, "result"))
    return await act(caller, case_id, Action.CLOSE_DIRECTLY, _resolving(caller, result, True))


@dataclass(frozen=True)
class Part:
    department_id: int
    part: str = ""


async def _departments(ids: Sequence[int], field: str) -> None:
    found = set(await Department.filter(id__in=list(ids), active=True).values_list("id", flat=True))
    if set(ids) - found:
        raise Refused(ErrorCode.NOT_FOUND, "case.department_not_found", field)


async def transfer(
    caller: Caller, case_id: int, lead: Part, assisting: Sequence[Part] = (), note: str = ""
) -> Case:
    """内部流转: to one street department, or several jointly: the lead department (牵头) and
    assisting ones (协办), each with its own part."""
    note = validators.text(note, "note", max_length(CaseStep, "note"), required=False)
    ids = [lead.department_id, *(p.department_id for p in assisting)]
    if len(set(ids)) != len(ids):
        raise Refused(ErrorCode.BAD_USER_INPUT, "case.department_twice", "assisting")
    most = max_length(CaseAssignment, "part")
    parts = [validators.text(p.part, "part", most, required=False) for p in (lead, *assisting)]

    async def apply(doing: Doing) -> None:
        change, case = doing.change, doing.case
        await _departments(ids, "leadDepartmentId" if len(ids) == 1 else "assisting")
        await hand_over(change, caller, case, Holder.DEPARTMENT)
        case.department_id = lead.department_id
        await case.save()
        await CaseAssignment.bulk_create(
            [
                CaseAssignment(
                    tenant_id=change.street_id,
                    case_id=case.id,
                    department_id=department_id,
                    role=AssignmentRole.LEAD if index == 0 else AssignmentRole.ASSISTING,
                    part=part,
                    stint=case.stint,
                    created_at=change.at,
                )
                for index, (department_id, part) in enumerate(zip(ids, parts, strict=True))
            ]
        )
        await step(
            change,
            case,
            StepAction.TRANSFERRED,
            level=CaseLevel.STREET,
            to_level=CaseLevel.STREET,
            note=note,
            detail={"lead": lead.department_id, "assisting": ids[1:]},
        )
        users = await party_users(caller.services, case)
        users += await column(DepartmentMember.filter(department_id__in=ids[1:]), "user_id", int)
        await notify(
            change,
            sorted(set(users) - {caller.user.id}),
            "case.new",
            translate("case.new_title", title=case.title),
            translate("case.new_body", level=level_text(CaseLevel.STREET)),
            case_gid(case.id),
        )

    return await act(caller, case_id, Action.TRANSFER, apply)


async def link_district(
    caller: Caller, case_id: int, district_department_id: int, note: str = ""
) -> Case:
    """外部联动: to a department of the street's district, the fourth level."""
    note = validators.text(note, "note", max_length(CaseStep, "note"), required=False)

    async def apply(doing: Doing) -> None:
        change, case = doing.change, doing.case
        street = await Street.get(id=change.street_id)
        department = await DistrictDepartment.filter(
            id=district_department_id, district_id=street.district_id, active=True
        ).first()
        if department is None:
            raise Refused(ErrorCode.NOT_FOUND, "case.department_not_found", "districtDepartmentId")
        await hand_over(change, caller, case, Holder.DISTRICT)
        case.district_department_id = department.id
        await case.save()
        await CaseAssignment.create(
            case_id=case.id,
            district_department_id=department.id,
            role=AssignmentRole.LEAD,
            stint=case.stint,
            created_at=change.at,
        )
        await step(
            change,
            case,
            StepAction.LINKED,
            level=CaseLevel.STREET,
            to_level=CaseLevel.DISTRICT,
            note=note,
            detail={"districtDepartment": department.id},
        )
        await tell_party(change, caller, case)

    return await act(caller, case_id, Action.LINK, apply)


async def part_done(caller: Caller, case_id: int, note: str) -> Case:
    """协办完成: an assisting department reports its part done (the lead resolves the case)."""
    note = validators.text(note, "note", max_length(CaseAssignment, "done_note"))

    async def apply(doing: Doing) -> None:
        change, case = doing.change, doing.case
        await CaseAssignment.filter(
            case_id=case.id,
            stint=case.stint,
            role=AssignmentRole.ASSISTING,
            active=True,
            done_at=None,
            department_id__in=await my_department_ids(caller.user.id),
        ).update(done_at=change.at, done_note=note)
        case.updated_at = change.at
        await case.save(update_fields=["updated_at"])
        await step(change, case, StepAction.PART_DONE, level=CaseLevel.STREET, note=note)

    return await act(caller, case_id, Action.PART_DONE, apply)
