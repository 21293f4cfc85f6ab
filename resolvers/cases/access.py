"""Who may act on a case: the caller's ties to it, and who the handling party is.

``ties_of`` answers, for one caller and one case, the facts the state machine
(``machine.decide``) needs: do they serve its grid, its community, work in its lead or an
assisting department, in its district department, lead its re-report round, did they report
it. ``party_users`` is the other direction: the accounts of the handling party, for the
notifications of a new case, a hand-over and a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from core.errors import DomainError, ErrorCode
from models.accounts import Membership
from models.cases import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseLeader,
    DepartmentMember,
    DistrictDepartmentMember,
    LeaderDuty,
)
from models.columns import column
from models.people import CommunityAssignment, GridAssignment, Resident
from policies.capabilities.cases import CASE_CALL_BACK, CASE_DISPATCH
from policies.vocabulary import Capability
from resolvers.caller import Caller
from resolvers.cases.machine import Holder, Tie
from resolvers.cases.rows import RULES
from resolvers.services import Services


def holder_of(case: Case) -> Holder:
    """Who must act on the case now, from its level and who it was given to."""
    if case.level == 1:
        return Holder.GRID
    if case.level == 2:
        return Holder.COMMUNITY
    if case.level == 4:
        return Holder.DISTRICT
    if case.leader_id is not None:
        return Holder.LEADER
    if case.department_id is not None:
        return Holder.DEPARTMENT
    return Holder.DESK


async def my_department_ids(user_id: int) -> list[int]:
    return await column(DepartmentMember.filter(user_id=user_id), "department_id", int)


async def my_district_department_ids(user_id: int) -> list[int]:
    return await column(DistrictDepartmentMember.filter(user_id=user_id), "department_id", int)


async def is_reporter(caller: Caller, case: Case) -> bool:
    if case.reporter_id == caller.user.id:
        return True
    if case.resident_id is None:
        return False
    return await Resident.exists(id=case.resident_id, user_id=caller.user.id)


async def ties_of(caller: Caller, case: Case) -> Tie:
    user_id = caller.user.id
    ties = Tie.NONE
    if case.grid_id is not None and await GridAssignment.exists(
        user_id=user_id, grid_id=case.grid_id
    ):
        ties |= Tie.GRID
    if case.community_id is not None and await CommunityAssignment.exists(
        user_id=user_id, community_id=case.community_id
    ):
        ties |= Tie.COMMUNITY
    if caller.can(CASE_DISPATCH.resource, CASE_DISPATCH.action):
        ties |= Tie.DESK
    departments = await my_department_ids(user_id)
    if case.department_id is not None and case.department_id in departments:
        ties |= Tie.LEAD
    if departments and await CaseAssignment.exists(
        case_id=case.id,
        stint=case.stint,
        active=True,
        role=AssignmentRole.ASSISTING,
        department_id__in=departments,
    ):
        ties |= Tie.ASSISTING
    if case.district_department_id is not None and (
        case.district_department_id in await my_district_department_ids(user_id)
    ):
        ties |= Tie.DISTRICT
    if case.leader_id == user_id:
        ties |= Tie.LEADER
    if await is_reporter(caller, case):
        ties |= Tie.REPORTER
    elif case.entered_by_id is not None and caller.can(
        CASE_CALL_BACK.resource, CASE_CALL_BACK.action
    ):
        ties |= Tie.ON_BEHALF
    return ties


async def visible_case(caller: Caller, case_id: int, *, for_update: bool = False) -> Case:
    """A case of the current street the caller reads (their row rule), or NOT_FOUND: another
    street's case and a case outside one's rows look the same."""
    query = RULES.rows(caller, Case.filter(id=case_id))
    if for_update:
        query = query.select_for_update()
    found = await query.first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="caseId")
    return found


def roles_granted(services: Services, capability: Capability) -> list[str]:
    """The roles policy.csv grants a capability (who the dispatch desk is), read from the
    enforcer rather than written out again here."""
    policy = services.authorizer.enforcer.get_filtered_policy(
        2, capability.resource, capability.action
    )
    return sorted({line[0] for line in policy})


async def party_users(services: Services, case: Case) -> list[int]:
    """The accounts of the case's handling party (for its notifications)."""
    holder = holder_of(case)
    if holder is Holder.GRID:
        query = GridAssignment.filter(grid_id=case.grid_id)
        return await column(query, "user_id", int)
    if holder is Holder.COMMUNITY:
        query2 = CommunityAssignment.filter(community_id=case.community_id)
        return await column(query2, "user_id", int)
    if holder is Holder.LEADER:
        return [case.leader_id] if case.leader_id else []
    if holder is Holder.DEPARTMENT:
        members = DepartmentMember.filter(department_id=case.department_id)
        return await column(members, "user_id", int)
    if holder is Holder.DISTRICT:
        district = DistrictDepartmentMember.filter(department_id=case.district_department_id)
        return await column(district, "user_id", int)
    desk = Membership.filter(role__in=roles_granted(services, CASE_DISPATCH))
    return await column(desk, "user_id", int)


async def leader_for(category_id: int, duty: LeaderDuty) -> int | None:
    """The street leader with this duty for the category (one for the category first, else
    one for every category)."""
    rows = await CaseLeader.filter(duty=duty).order_by("id").values_list("user_id", "category_id")
    return _leader_among(rows, category_id)


async def warned_users(services: Services, case: Case) -> list[int]:
    """Who a deadline warning goes to: the handler (who signed, else the handling party) and
    their leader in charge (分管领导)."""
    return (await warned_users_of(services, [case]))[case.id]


async def _members(query: Any, key: str, ids: set[int]) -> dict[int, list[int]]:
    """``user_id`` of the rows whose ``key`` is one of ``ids``, by that key (one query)."""
    found: dict[int, list[int]] = defaultdict(list)
    if ids:
        for owner, user_id in await query.filter(**{f"{key}__in": sorted(ids)}).values_list(
            key, "user_id"
        ):
            found[int(owner)].append(int(user_id))
    return found


async def warned_users_of(services: Services, cases: Sequence[Case]) -> dict[int, list[int]]:
    """``warned_users`` of many cases at once, by case id: a query per kind of handling party
    and one for the leaders in charge, however many cases (the deadline scanner's batch)."""
    unsigned = [case for case in cases if case.handler_id is None]
    holders = {case.id: holder_of(case) for case in unsigned}

    def wanted(holder: Holder, attribute: str) -> set[int]:
        return {
            value
            for case in unsigned
            if holders[case.id] is holder and (value := getattr(case, attribute)) is not None
        }

    grids = await _members(GridAssignment.all(), "grid_id", wanted(Holder.GRID, "grid_id"))
    communities = await _members(
        CommunityAssignment.all(), "community_id", wanted(Holder.COMMUNITY, "community_id")
    )
    departments = await _members(
        DepartmentMember.all(), "department_id", wanted(Holder.DEPARTMENT, "department_id")
    )
    districts = await _members(
        DistrictDepartmentMember.all(),
        "department_id",
        wanted(Holder.DISTRICT, "district_department_id"),
    )
    desk: list[int] = []
    if any(holder is Holder.DESK for holder in holders.values()):
        query = Membership.filter(role__in=roles_granted(services, CASE_DISPATCH))
        desk = await column(query, "user_id", int)
    leaders = (
        await CaseLeader.filter(duty=LeaderDuty.IN_CHARGE)
        .order_by("id")
        .values_list("user_id", "category_id")
    )
    found: dict[int, list[int]] = {}
    for case in cases:
        recipients: set[int] = set()
        if case.handler_id is not None:
            recipients.add(case.handler_id)
        else:
            holder = holders[case.id]
            if holder is Holder.GRID:
                recipients.update(grids.get(case.grid_id or 0, []))
            elif holder is Holder.COMMUNITY:
                recipients.update(communities.get(case.community_id or 0, []))
            elif holder is Holder.LEADER:
                recipients.update([case.leader_id] if case.leader_id else [])
            elif holder is Holder.DEPARTMENT:
                recipients.update(departments.get(case.department_id or 0, []))
            elif holder is Holder.DISTRICT:
                recipients.update(districts.get(case.district_department_id or 0, []))
            else:
                recipients.update(desk)
        leader = _leader_among(leaders, case.category_id)
        if leader is not None:
            recipients.add(leader)
        found[case.id] = sorted(recipients)
    return found


def _leader_among(rows: Sequence[tuple[Any, Any]], category_id: int) -> int | None:
    """``leader_for`` over rows read once: the category's own leader first, else the first
    for every category."""
    general = None
    for user_id, category in rows:
        if category == category_id:
            return int(user_id)
        if category is None and general is None:
            general = int(user_id)
    return general
