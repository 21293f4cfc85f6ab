"""A street's set-up for cases (``case:configure``, the street's administrator): categories,
departments and their members, leaders' duties, the SLA table, closure levels, settings and
grid outlines. District departments belong to the district: they are made by the platform
(``create_district_department``, used by the demo and tests), never by a street.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import Membership, Role
from models.cases import (
    CaseCategory,
    CaseLeader,
    CaseLevel,
    CaseSettings,
    CategoryKind,
    ClosureRule,
    DeadlineRule,
    Department,
    DepartmentMember,
    DistrictDepartment,
    DistrictDepartmentMember,
    GridBoundary,
    LeaderDuty,
    Urgency,
)
from models.columns import max_length
from models.tenancy import Grid
from resolvers.caller import Caller
from resolvers.cases import geo
from resolvers.events import Change, changing

BAD = ErrorCode.BAD_USER_INPUT
MAX_DAYS = 60


def _gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


async def _audited(change: Change, action: str, subject: str, detail: dict[str, Any]) -> None:
    await change.audit(action, subject, detail)


@dataclass(frozen=True)
class CategoryInput:
    code: str
    name: str
    kind: CategoryKind
    description: str = ""
    keywords: str = ""
    service_group: str = ""
    active: bool = True


async def save_category(
    caller: Caller, new: CategoryInput, category_id: int | None
) -> CaseCategory:
    """Add a category to the street's taxonomy, or edit one (a category in use is kept:
    deactivate it instead)."""
    code = validators.code(new.code.strip().lower())
    name = validators.text(new.name, "name", max_length(CaseCategory, "name"))
    description = validators.text(
        new.description, "description", max_length(CaseCategory, "description"), required=False
    )
    keywords = validators.text(
        new.keywords, "keywords", max_length(CaseCategory, "keywords"), required=False
    )
    group = validators.text(
        new.service_group, "serviceGroup", max_length(CaseCategory, "service_group"), required=False
    )
    async with changing(caller.services, caller.user) as change:
        if category_id is None:
            row = CaseCategory(code=code)
        else:
            found = await CaseCategory.filter(id=category_id).select_for_update().first()
            if found is None:
                raise Refused(ErrorCode.NOT_FOUND, "case.category_not_found", "categoryId")
            row = found
        if await CaseCategory.filter(code=code).exclude(id=row.id or 0).exists():
            raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
        row.code, row.name, row.kind = code, name, new.kind
        row.description, row.keywords, row.service_group = description, keywords, group
        row.active = new.active
        if row.id is None:
            row.sort_order = await CaseCategory.all().count() + 1
        await row.save()
        await _audited(
            change,
            "case.category_saved",
            _gid("CaseCategory", row.id),
            {"code": code, "name": name, "kind": new.kind.value, "active": new.active},
        )
    return row


async def create_department(caller: Caller, code: str, name: str) -> Department:
    code = validators.code(code.strip().lower())
    name = validators.text(name, "name", max_length(Department, "name"))
    async with changing(caller.services, caller.user) as change:
        if await Department.filter(code=code).exists():
            raise Refused(ErrorCode.ALREADY_EXISTS, "input.code_taken", "code", code=code)
        row = await Department.create(code=code, name=name)
        await _audited(
            change,
            "case.department_created",
            _gid("Department", row.id),
            {"code": code, "name": name},
        )
    return row


async def add_department_member(
    caller: Caller, department_id: int, user_id: int
) -> DepartmentMember:
    """A STREET_DEPARTMENT account of the street joins a department."""
    async with changing(caller.services, caller.user) as change:
        if not await Department.exists(id=department_id):
            raise Refused(ErrorCode.NOT_FOUND, "case.department_not_found", "departmentId")
        if not await Membership.exists(user_id=user_id, role=Role.STREET_DEPARTMENT):
            raise Refused(ErrorCode.NOT_FOUND, "case.not_department_staff", "accountId")
        row, created = await DepartmentMember.get_or_create(
            department_id=department_id, user_id=user_id
        )
        if created:
            await _audited(
                change,
                "case.department_member_added",
                _gid("Department", department_id),
                {"account": _gid("Account", user_id)},
            )
    return row


async def set_leader(
    caller: Caller, user_id: int, duty: LeaderDuty, category_id: int | None
) -> CaseLeader:
    """A STREET_LEADER's duty for cases: in charge (分管, of one category or all) or head (主要)."""
    async with changing(caller.services, caller.user) as change:
        if not await Membership.exists(user_id=user_id, role=Role.STREET_LEADER):
            raise Refused(ErrorCode.NOT_FOUND, "case.not_leader", "accountId")
        if category_id is not None and not await CaseCategory.exists(id=category_id):
            raise Refused(ErrorCode.NOT_FOUND, "case.category_not_found", "categoryId")
        row, created = await CaseLeader.get_or_create(
            user_id=user_id, duty=duty, category_id=category_id
        )
        if created:
            await _audited(
                change,
                "case.leader_set",
                _gid("Account", user_id),
                {"duty": duty.value, "category": category_id},
            )
    return row


async def set_deadline_rule(
    caller: Caller,
    level: CaseLevel,
    urgency: Urgency,
    category_id: int | None,
    sign_days: int,
    resolve_days: int,
) -> DeadlineRule:
    """One row of the SLA table (时限): working days to sign and to resolve."""
    validators.in_range(sign_days, 0, MAX_DAYS, "signDays", "input.number_range")
    validators.in_range(resolve_days, 1, MAX_DAYS, "resolveDays", "input.number_range")
    async with changing(caller.services, caller.user) as change:
        if category_id is not None and not await CaseCategory.exists(id=category_id):
            raise Refused(ErrorCode.NOT_FOUND, "case.category_not_found", "categoryId")
        row = await DeadlineRule.filter(
            level=level, urgency=urgency, category_id=category_id
        ).first()
        if row is None:
            row = DeadlineRule(level=level, urgency=urgency, category_id=category_id)
        row.sign_days, row.resolve_days = sign_days, resolve_days
        await row.save()
        await _audited(
            change,
            "case.deadline_rule_set",
            _gid("DeadlineRule", row.id),
            {
                "level": level.name,
                "urgency": urgency.value,
                "category": category_id,
                "signDays": sign_days,
                "resolveDays": resolve_days,
            },
        )
    return row


async def set_closure_rule(
    caller: Caller, urgency: Urgency | None, category_id: int | None, lowest: CaseLevel
) -> ClosureRule:
    """小事不出网格: the lowest level that may resolve cases of this urgency and/or category."""
    async with changing(caller.services, caller.user) as change:
        if category_id is not None and not await CaseCategory.exists(id=category_id):
            raise Refused(ErrorCode.NOT_FOUND, "case.category_not_found", "categoryId")
        row = await ClosureRule.filter(urgency=urgency, category_id=category_id).first()
        if row is None:
            row = ClosureRule(urgency=urgency, category_id=category_id)
        row.lowest_level = lowest
        await row.save()
        await _audited(
            change,
            "case.closure_rule_set",
            _gid("ClosureRule", row.id),
            {
                "urgency": urgency.value if urgency else None,
                "category": category_id,
                "lowest": lowest.name,
            },
        )
    return row


async def update_settings(
    caller: Caller, yellow_percent: int, require_grid: bool, max_rounds: int
) -> CaseSettings:
    validators.in_range(yellow_percent, 1, 99, "yellowPercent", "input.number_range")
    validators.in_range(max_rounds, 1, 3, "maxRounds", "input.number_range")
    async with changing(caller.services, caller.user) as change:
        row = await CaseSettings.first()
        if row is None:
            row = CaseSettings()
        row.yellow_percent, row.require_grid, row.max_rounds = (
            yellow_percent,
            require_grid,
            max_rounds,
        )
        row.updated_at = change.at
        await row.save()
        await _audited(
            change,
            "case.settings_updated",
            _gid("Street", change.street_id),
            {"yellowPercent": yellow_percent, "requireGrid": require_grid, "maxRounds": max_rounds},
        )
    return row


async def set_grid_boundary(caller: Caller, grid_id: int, geometry: Any) -> GridBoundary:
    """A grid's outline (GeoJSON Polygon or MultiPolygon, WGS 84), checked with shapely."""
    shape, (min_x, min_y, max_x, max_y) = geo.outline(geometry)
    async with changing(caller.services, caller.user) as change:
        if not await Grid.exists(id=grid_id):
            raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
        row = await GridBoundary.filter(grid_id=grid_id).first()
        if row is None:
            row = GridBoundary(grid_id=grid_id)
        row.geometry = shape
        row.min_longitude, row.min_latitude = min_x, min_y
        row.max_longitude, row.max_latitude = max_x, max_y
        row.updated_at = change.at
        await row.save()
        await _audited(
            change,
            "case.grid_boundary_set",
            _gid("Grid", grid_id),
            {"bounds": [min_x, min_y, max_x, max_y]},
        )
    return row


async def create_district_department(district_id: int, code: str, name: str) -> DistrictDepartment:
    """A department of a district (区级部门): the platform's, not a street's (demo, tests)."""
    row, _ = await DistrictDepartment.get_or_create(
        district_id=district_id, code=validators.code(code), defaults={"name": name}
    )
    return row


async def add_district_department_member(department_id: int, user_id: int) -> None:
    await DistrictDepartmentMember.get_or_create(department_id=department_id, user_id=user_id)
