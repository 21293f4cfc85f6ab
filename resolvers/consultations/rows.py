"""The consultations domain's row rules (行级规则): which consultations a caller sees.

Each line below is one rule; ``policies/rows.py`` says how rules work. ``consultation:read``
decides who reaches the bell at all; these decide which consultations: requesters their own
rings (and parties the consultations they are invited to), community staff and grid staff
their community's, street staff all; residents of a compound its announced outcomes. A
professional (专业人士) sees only what they are
invited to. Displays hold no rule: they see figures only.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery

from models.accounts import Role
from models.consultations import BellLogEntry, Consultation, Invitation, Step
from models.people import CommunityAssignment, GridAssignment, Resident
from models.tenancy import Grid
from policies.rows import RowRule, RowRules, Scope


def _own_or_invited(who: Any) -> Q:
    """Rings one made or had entered for one, rings one entered, invitations one holds, and
    the announced outcomes of one's own compound (to evaluate them)."""
    uid = who.user.id
    invited = Invitation.filter(user_id=uid).values("consultation_id")
    home = Resident.filter(user_id=uid, building_id__not_isnull=True).values(
        "building__compound_id"
    )
    announced = Q(step__in=[Step.ANNOUNCED, Step.EVALUATED], compound_id__in=Subquery(home))
    return Q(requester_id=uid) | Q(entered_by_id=uid) | Q(id__in=Subquery(invited)) | announced


def own_community_ids(who: Any) -> Q:
    """The communities one serves: as community staff, or through one's grids."""
    uid = who.user.id
    staffed = CommunityAssignment.filter(user_id=uid).values("community_id")
    grids = GridAssignment.filter(user_id=uid).values("grid_id")
    gridded = Grid.filter(id__in=Subquery(grids)).values("community_id")
    return Q(community_id__in=Subquery(staffed)) | Q(community_id__in=Subquery(gridded))


STREET_STAFF = (Role.STREET_REVIEWER, Role.STREET_LEADER, Role.STREET_ADMIN, Role.DISTRICT_ADMIN)
COMMUNITY_WORKERS = (Role.COMMUNITY_STAFF, Role.GRID_CHIEF, Role.GRID_WORKER)
PARTIES = (Role.RESIDENT, Role.BUILDING_CHIEF, Role.STREET_DEPARTMENT, Role.PROFESSIONAL)

RULES = RowRules(
    # 街道: the street's reviewers, leaders and administrators (and the district, read-only)
    # see every consultation of the street ...
    RowRule(Consultation, Scope.STREET, roles=STREET_STAFF),
    # ... community workers their communities' and their own ...
    RowRule(Consultation, Scope.OWN_COMMUNITIES | Scope.SELF, roles=COMMUNITY_WORKERS),
    # ... requesters their own rings, parties and professionals what they are invited to.
    RowRule(Consultation, Scope.SELF, roles=PARTIES),
    # 协商铃工作日志: the street follows every worker's log, grid staff their own.
    RowRule(BellLogEntry, Scope.STREET, roles=(Role.COMMUNITY_STAFF, *STREET_STAFF)),
    RowRule(BellLogEntry, Scope.SELF, roles=(Role.GRID_CHIEF, Role.GRID_WORKER)),
    reads={
        Consultation: {
            Scope.SELF: _own_or_invited,
            Scope.OWN_COMMUNITIES: own_community_ids,
        },
        BellLogEntry: {Scope.SELF: lambda who: Q(worker_id=who.user.id)},
    },
)
