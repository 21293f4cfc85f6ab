"""The cases domain's row rules (行级规则): which cases a caller reads.

Each line below is one rule; ``policies/rows.py`` says how rules work. ``case:read``
(``policy.csv``) decides who reaches the case fields at all; these decide which cases.

``SELF`` for a case means *the caller's own*: reported by them, entered by them, about the
resident they are, or given to them: signed by them, a re-report round they lead, or dispatched
to a department they work in (a street department after an internal transfer, a district
department after an external linkage). A department and a district department thus read only
the cases dispatched or escalated to them, without a scope of their own in ``policies/rows.py``.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery

from models.accounts import Role
from models.cases import (
    Case,
    CaseAssignment,
    DepartmentMember,
    DistrictDepartmentMember,
)
from models.people import CommunityAssignment, GridAssignment, Resident
from policies.rows import RowRule, RowRules, Scope


def _own(who: Any) -> Q:
    user_id = who.user.id
    residents = Resident.filter(user_id=user_id).values("id")
    departments = DepartmentMember.filter(user_id=user_id).values("department_id")
    district = DistrictDepartmentMember.filter(user_id=user_id).values("department_id")
    dispatched = CaseAssignment.filter(
        Q(department_id__in=Subquery(departments))
        | Q(district_department_id__in=Subquery(district))
    ).values("case_id")
    return (
        Q(reporter_id=user_id)
        | Q(entered_by_id=user_id)
        | Q(resident_id__in=Subquery(residents))
        | Q(handler_id=user_id)
        | Q(leader_id=user_id)
        | Q(id__in=Subquery(dispatched))
    )


def _own_grids(who: Any) -> Q:
    return Q(grid_id__in=Subquery(GridAssignment.filter(user_id=who.user.id).values("grid_id")))


def _own_communities(who: Any) -> Q:
    served = CommunityAssignment.filter(user_id=who.user.id).values("community_id")
    return Q(community_id__in=Subquery(served))


RULES = RowRules(
    # 居民、楼道长: their own cases (reported by them, or entered for them).
    RowRule(Case, Scope.SELF, roles=(Role.RESIDENT, Role.BUILDING_CHIEF)),
    # 网格员、网格长: the cases of their grids, and those they reported elsewhere.
    RowRule(Case, Scope.OWN_GRIDS | Scope.SELF, roles=(Role.GRID_WORKER, Role.GRID_CHIEF)),
    # 社区两委: the cases of their communities, and their own.
    RowRule(Case, Scope.OWN_COMMUNITIES | Scope.SELF, roles=(Role.COMMUNITY_STAFF,)),
    # 街道科室、区级部门: the cases dispatched (or escalated) to their department.
    RowRule(Case, Scope.SELF, roles=(Role.STREET_DEPARTMENT, Role.DISTRICT_DEPARTMENT)),
    # 片区审核员、街道领导、系统管理员, and the district's command centre (read-only roll-up):
    # every case of the street.
    RowRule(
        Case,
        Scope.STREET,
        roles=(Role.STREET_REVIEWER, Role.STREET_LEADER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN),
    ),
    # 大屏 and every other role: no case, only counts (``case_count:read``).
    reads={
        Case: {
            Scope.SELF: _own,
            Scope.OWN_GRIDS: _own_grids,
            Scope.OWN_COMMUNITIES: _own_communities,
        }
    },
)
