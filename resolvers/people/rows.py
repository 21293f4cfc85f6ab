"""The people domain's row rules (行级规则): which residents, threads and visits.

Each line below is one rule; ``policies/rows.py`` says how rules work. Capabilities
(``policy.csv``) decide who reaches a field at all; these decide which rows it returns.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery

from models.accounts import Role
from models.people import GridAssignment, MessageThread, Resident, VisitLog
from policies.rows import RowRule, RowRules, Scope


def _own_grids(who: Any) -> Q:
    served = GridAssignment.filter(user_id=who.user.id).values("grid_id")
    return Q(grid_id__in=Subquery(served))


def _own_threads(who: Any) -> Q:
    """The threads one takes part in: as the staff member, or as the resident."""
    mine = Resident.filter(user_id=who.user.id).values("id")
    return Q(staff_id=who.user.id) | Q(resident_id__in=Subquery(mine))


# Who sees the whole street's people: community staff (社区两委), the street's reviewers,
# leaders and administrators, and the district (read-only).
STREET_STAFF = (
    Role.COMMUNITY_STAFF,
    Role.STREET_REVIEWER,
    Role.STREET_LEADER,
    Role.STREET_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.DISTRICT_DEPARTMENT,
)

RULES = RowRules(
    # 居民: community staff (社区两委), the street's reviewers, leaders and administrators and
    # the district (read-only) see every resident of the street ...
    RowRule(
        Resident,
        Scope.STREET,
        roles=STREET_STAFF,
    ),
    # ... a grid chief or grid worker sees the residents of their own grids only.
    RowRule(Resident, Scope.OWN_GRIDS, roles=(Role.GRID_CHIEF, Role.GRID_WORKER)),
    # 网格长直通车: a resident sees only their own threads, grid staff theirs.
    RowRule(
        MessageThread,
        Scope.SELF,
        roles=(Role.RESIDENT, Role.BUILDING_CHIEF, Role.GRID_CHIEF, Role.GRID_WORKER),
    ),
    # 走访日志: the same staff see every visiting worker's visits, grid staff their own.
    RowRule(
        VisitLog,
        Scope.STREET,
        roles=STREET_STAFF,
    ),
    RowRule(VisitLog, Scope.SELF, roles=(Role.GRID_CHIEF, Role.GRID_WORKER)),
    reads={
        Resident: {Scope.OWN_GRIDS: _own_grids},
        MessageThread: {Scope.SELF: _own_threads},
        VisitLog: {Scope.SELF: lambda who: Q(worker_id=who.user.id)},
    },
)
