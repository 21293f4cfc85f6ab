"""The station domain's row rules (行级规则): which suggestions a caller sees.

Each line below is one rule; ``policies/rows.py`` says how rules work. ``suggestion:read``
decides who reaches suggestions at all; these decide which. ``SELF`` for a suggestion means
one the caller wrote, one addressed to the representative or deliberator the caller is, or one
forwarded to a department the caller works in. Congress staff and the street's leaders see
every suggestion of the street (a private writer stays hidden from them: ``writer`` is shown
to the addressee and the writer alone, in the schema).
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q, Subquery

from models.accounts import Role
from models.cases import DepartmentMember
from models.outreach import Delegate
from models.station import Suggestion
from policies.rows import RowRule, RowRules, Scope


def _own(who: Any) -> Q:
    uid = who.user.id
    mine = Delegate.filter(user_id=uid).values("id")
    departments = DepartmentMember.filter(user_id=uid).values("department_id")
    return (
        Q(writer_id=uid)
        | Q(delegate_id__in=Subquery(mine))
        | Q(department_id__in=Subquery(departments))
    )


RULES = RowRules(
    # 居民、楼道长: the suggestions they wrote.
    # 人大代表、议事员: those addressed to them. 街道科室: those forwarded to their department.
    RowRule(
        Suggestion,
        Scope.SELF,
        roles=(
            Role.RESIDENT,
            Role.BUILDING_CHIEF,
            Role.REPRESENTATIVE,
            Role.DELIBERATOR,
            Role.STREET_DEPARTMENT,
        ),
    ),
    # 人大工委、街道领导: every suggestion of the street.
    RowRule(Suggestion, Scope.STREET, roles=(Role.CONGRESS_STAFF, Role.STREET_LEADER)),
    reads={Suggestion: {Scope.SELF: _own}},
)
