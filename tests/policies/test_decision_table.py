"""The reviewed decision table (决策表): every role × every capability, written out by hand.

A person reviews a grant here, not in policy.csv: the table below is the intended state, kept
independent of policy.csv, and the test asks a real casbin enforcer (model.conf + policy.csv,
as the app builds it) for every cell. A grant added, dropped or moved by mistake in policy.csv,
or a matcher in model.conf that stops comparing something, fails naming every cell that differs.
A capability added to the vocabulary fails until a row for it is written here.

How to read a row: one row per capability (``resource:action``), one column per role, in the
order of the header line (the roles of ``models.accounts.Role``):

    RE 居民 RESIDENT            BC 楼道长 BUILDING_CHIEF      GW 网格员 GRID_WORKER
    GC 网格长 GRID_CHIEF         CS 社区两委 COMMUNITY_STAFF   SR 片区审核员 STREET_REVIEWER
    SD 街道科室 STREET_DEPARTMENT SL 街道领导 STREET_LEADER     SA 街道管理员 STREET_ADMIN
    DD 区级部门 DISTRICT_DEPARTMENT DA 区指挥中心 DISTRICT_ADMIN  RP 人大代表 REPRESENTATIVE
    DL 议事员 DELIBERATOR         CG 人大工委 CONGRESS_STAFF    PR 专业人士 PROFESSIONAL
    DS 大屏 DISPLAY               PA 平台管理员 PLATFORM_ADMIN

    x   allowed: a user holding the role in a street may do it in that street
    p   allowed on the platform only: held in the platform domain, asked there
    .   denied, in a street and on the platform

District roles are held in every street of the district (see policies/enforcer.py), so their
cells read like any street role's.
"""

from __future__ import annotations

import casbin
import pytest

from models.accounts import Role
from policies.enforcer import new_enforcer


def vocabulary() -> dict[str, object]:
    """Every capability the schema can declare, by ``"resource:action"``.

    The one place this test learns the vocabulary: re-point it when the vocabulary moves.
    """
    from gongzhi.platform import capability_vocabulary

    CAPABILITIES = capability_vocabulary()
    return {f"{cap.resource}:{cap.action}": cap for cap in CAPABILITIES}


# fmt: off
ROLES =                   "RE BC GW GC CS SR SD SL SA DD DA RP DL CG PR DS PA"
DECISIONS = {
    "street:read":         "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .",
    "street:update":       ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "place:read":          "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .",
    "place:manage":        ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "member:read":         ".  .  .  .  .  .  .  x  x  .  x  .  .  .  .  .  .",
    "member:grant":        ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "district:read":       ".  .  .  .  .  .  .  .  .  x  x  .  .  .  .  .  .",
    "event:read":          ".  .  x  x  x  x  x  x  x  .  x  .  .  x  .  x  .",
    "audit:read":          ".  .  .  .  .  x  .  x  x  .  x  .  .  .  .  .  .",
    "staff:assign":        ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "tag:read":            ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "tag:manage":          ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "resident:read":       ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "resident:pii":        ".  .  x  x  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "resident:manage":     ".  .  .  x  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "resident:tag":        ".  .  x  x  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "resident:import":     ".  .  .  .  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "message:staff":       ".  .  x  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "message:resident":    "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "notice:send":         ".  .  .  x  x  .  .  x  x  .  .  .  .  .  .  .  .",
    "notice:receive":      "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "people:handover":     ".  .  .  .  .  .  .  x  x  .  .  .  .  .  .  .  .",
    "delegate:read":       ".  .  x  x  x  x  x  x  x  .  .  x  x  x  .  .  .",
    "delegate:find":       "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "delegate:manage":     ".  .  .  .  .  .  .  .  x  .  .  .  .  x  .  .  .",
    "visit:record":        ".  .  x  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "visit:read":          ".  .  x  x  x  .  .  x  x  .  .  .  .  .  .  .  .",
    "project:read":        "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .",
    "project_people:read": "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .  .",
    "project:manage":      ".  .  .  .  .  .  .  x  x  .  .  .  .  .  .  .  .",
    "project:progress":    ".  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .",
    "project:fund":        ".  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .",
    "project:supervise":   ".  .  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "project:reply":       ".  .  .  .  .  .  x  x  .  .  .  .  .  .  .  .  .",
    "project:rate":        "x  x  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "project:follow":      "x  x  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "vote:read":           "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .",
    "vote:manage":         ".  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .  .",
    "vote:cast":           "x  x  x  x  x  x  x  x  x  .  .  x  x  x  x  .  .",
    "vote_tally:read":     ".  .  .  .  .  .  .  x  .  .  .  .  .  x  .  x  .",
    "case:read":           "x  x  x  x  x  x  x  x  x  x  x  .  .  .  .  .  .",
    "case_count:read":     "x  x  x  x  x  x  x  x  x  x  x  .  .  .  .  x  .",
    "case_map:read":       "x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .",
    "case_desk:read":      ".  .  .  .  .  x  .  x  x  .  .  .  .  .  .  .  .",
    "case:report":         "x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "case:report_for":     ".  .  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .",
    "case:resolve_on_spot": ".  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "case:handle":         ".  .  x  x  x  x  x  x  .  .  .  .  .  .  .  .  .",
    "case:dispatch":       ".  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .",
    "case:district_handle": ".  .  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .",
    "case:rate":           "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "case:call_back":      ".  .  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .",
    "case:project":        ".  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .",
    "case:configure":      ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "consultation:read":   "x  x  x  x  x  x  x  x  x  .  x  .  .  .  x  .  .",
    "consultation:ring":   "x  x  x  x  x  .  x  .  .  .  .  .  .  .  .  .  .",
    "consultation:handle": ".  .  .  x  x  x  .  .  .  .  .  .  .  .  .  .  .",
    "consultation:respond":"x  x  x  x  x  .  x  x  .  .  .  .  .  .  x  .  .",
    "consultation:check_in":".  .  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "consultation:evaluate":"x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "consultation_figures:read":".  .  .  x  x  x  .  x  x  .  x  .  .  .  .  x  .",
    "consultation_library:read":"x  x  x  x  x  x  x  x  x  x  x  x  x  x  x  .  .",
    "consultation_library:publish":".  .  .  .  .  x  .  x  .  .  .  .  .  .  .  .  .",
    "bell_log:write":      ".  .  x  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "bell_log:read":       ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "bell_terminal:manage":".  .  .  .  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "dashboard:read":     ".  .  .  .  x  x  .  x  x  x  x  .  .  x  .  x  .",
    "screen:manage":      ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "suggestion:read":     "x  x  .  .  .  .  x  x  .  .  .  x  x  x  .  .  .",
    "suggestion:write":    "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "suggestion:answer":   ".  .  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "suggestion:department_reply":".  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .",
    "suggestion:rate":     "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "station:manage":      ".  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .  .",
    "station_task:read":   ".  .  .  .  .  .  .  .  .  .  .  x  x  x  .  .  .",
    "station_task:claim":  ".  .  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "watch_list:manage":   ".  .  .  .  .  x  .  .  .  .  .  .  .  x  .  .  .",
    "key_person:read":     ".  .  .  .  .  x  .  x  .  .  .  .  .  x  .  .  .",
    "key_person:manage":   ".  .  .  .  .  x  .  .  .  .  .  .  .  x  .  .  .",
    "key_matter:read":     ".  .  .  .  .  x  .  x  .  .  .  .  .  x  .  .  .",
    "key_matter:manage":   ".  .  .  .  .  x  .  .  .  .  .  .  .  x  .  .  .",
    "review:decide":       ".  .  .  .  .  x  .  x  .  .  .  .  .  x  .  .  .",
    "station_figures:read":".  .  .  .  .  x  .  x  .  .  .  .  .  x  .  x  .",
    "difficult_matter:read":".  .  .  .  .  x  .  x  .  .  .  .  .  x  .  .  .",
    "activity:read":       "x  x  .  .  .  .  .  .  .  .  .  x  x  x  .  .  .",
    "activity:join":       "x  x  .  .  .  .  .  .  .  .  .  x  x  .  .  .  .",
    "house:read":          ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "house:manage":        ".  .  x  x  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "organisation:read":   ".  .  x  x  x  x  x  x  x  .  .  .  .  .  .  .  .",
    "organisation:manage": ".  .  .  x  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "bases:import":        ".  .  .  .  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "bases_map:read":      ".  .  x  x  x  x  x  x  x  .  x  .  .  .  .  x  .",
    "group:take_part":     "x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "group:manage":        ".  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "reward:configure":    ".  .  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .",
    "reward:grant":        ".  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .",
    "reward_ledger:read":  ".  .  .  .  .  x  .  x  x  .  .  .  .  .  .  .  .",
    "reward:read":         "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "reporter_ranking:read":"x  x  x  x  x  x  x  x  x  .  .  .  .  .  .  x  .",
    "reporter_ranking:consent":"x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "wish:read":           "x  x  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "wish:post":           "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "wish:post_for":       ".  .  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "wish:claim":          "x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "wish:confirm":        "x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "wish_count:read":     ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  x  .",
    "circle:read":        "x  x  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "circle:join":        "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "circle:moderate":    ".  .  .  .  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "nearby:read":        "x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .",
    "patrol:walk":        "x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .",
    "patrol_map:read":    ".  .  x  x  x  x  .  x  x  .  .  .  .  .  .  x  .",
    "key_point:read":     "x  x  x  x  x  x  .  x  x  .  .  .  .  .  .  .  .",
    "key_point:manage":   ".  .  .  .  x  .  .  .  x  .  .  .  .  .  .  .  .",
    "tenant:create":       ".  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  p",
    "tenant:read":         ".  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  p",
}
# fmt: on

ROLE_OF_COLUMN = {
    "RE": Role.RESIDENT,
    "BC": Role.BUILDING_CHIEF,
    "GW": Role.GRID_WORKER,
    "GC": Role.GRID_CHIEF,
    "CS": Role.COMMUNITY_STAFF,
    "SR": Role.STREET_REVIEWER,
    "SD": Role.STREET_DEPARTMENT,
    "SL": Role.STREET_LEADER,
    "SA": Role.STREET_ADMIN,
    "DD": Role.DISTRICT_DEPARTMENT,
    "DA": Role.DISTRICT_ADMIN,
    "RP": Role.REPRESENTATIVE,
    "DL": Role.DELIBERATOR,
    "CG": Role.CONGRESS_STAFF,
    "PR": Role.PROFESSIONAL,
    "DS": Role.DISPLAY,
    "PA": Role.PLATFORM_ADMIN,
}
READ_ONLY_ROLES = (Role.DISTRICT_ADMIN, Role.DISTRICT_DEPARTMENT, Role.DISPLAY)

USER = "user:1"
STREET = "street:1"
OTHER_STREET = "street:2"
PLATFORM = "platform"


def columns() -> list[Role]:
    return [ROLE_OF_COLUMN[code] for code in ROLES.split()]


def table() -> dict[tuple[str, Role], str]:
    """(capability, role) → "x", "p" or "."."""
    cells = {}
    for capability, row in DECISIONS.items():
        marks = row.split()
        assert len(marks) == len(columns()), (
            f"{capability}: {len(marks)} cells, not {len(columns())}"
        )
        for role, mark in zip(columns(), marks, strict=True):
            assert mark in {"x", "p", "."}, f"{capability} × {role}: unknown mark {mark!r}"
            cells[capability, role] = mark
    return cells


def enforcer_holding(role: Role, domain: str) -> casbin.Enforcer:
    enforcer = new_enforcer()
    enforcer.add_grouping_policy(USER, role.value, domain)
    return enforcer


def allowed(enforcer: casbin.Enforcer, domain: str, capability: str) -> bool:
    cap = vocabulary()[capability]
    return bool(enforcer.enforce(USER, domain, cap.resource, cap.action))  # type: ignore[attr-defined]


def granted(role: Role, held_in: str, asked_in: str) -> set[str]:
    enforcer = enforcer_holding(role, held_in)
    return {name for name in vocabulary() if allowed(enforcer, asked_in, name)}


def test_the_table_has_one_column_per_role() -> None:
    assert columns() == list(Role)


def test_the_table_has_a_row_for_every_capability_of_the_vocabulary() -> None:
    missing = sorted(set(vocabulary()) - set(DECISIONS))
    unknown = sorted(set(DECISIONS) - set(vocabulary()))
    assert (missing, unknown) == ([], []), f"no row for {missing}; not in the vocabulary {unknown}"


def test_casbin_decides_every_cell_as_the_table_says() -> None:
    differences = []
    for role in columns():
        in_street = granted(role, STREET, STREET)
        on_platform = granted(role, PLATFORM, PLATFORM)
        for capability in DECISIONS:
            if capability not in vocabulary():
                continue  # reported by the completeness test
            actual = "x" if capability in in_street else "p" if capability in on_platform else "."
            expected = table()[capability, role]
            if actual != expected:
                differences.append(
                    f"{capability} × {role.value}: table {expected!r}, casbin {actual!r}"
                )
    assert differences == [], "\n".join(differences)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_a_role_held_in_one_street_grants_nothing_in_another(role: Role) -> None:
    assert granted(role, STREET, OTHER_STREET) == set()


def test_the_platform_admin_creates_and_lists_streets_on_the_platform_only() -> None:
    tenant = {"tenant:create", "tenant:read"}
    assert granted(Role.PLATFORM_ADMIN, PLATFORM, PLATFORM) == tenant
    assert granted(Role.PLATFORM_ADMIN, STREET, STREET) == set()
    for role in set(Role) - {Role.PLATFORM_ADMIN}:
        assert granted(role, STREET, STREET) & tenant == set(), role
        assert granted(role, STREET, PLATFORM) == set(), role


# The one write a district account makes into a street (policy.csv says so too): a district
# department acts on the cases linked (escalated) to it, and on no other (tests/cases/).
DISTRICT_WRITES = {Role.DISTRICT_DEPARTMENT: ["case:district_handle"]}


@pytest.mark.parametrize("role", READ_ONLY_ROLES, ids=lambda role: role.value)
def test_district_roles_and_displays_only_read(role: Role) -> None:
    held = granted(role, STREET, STREET)
    assert held, f"{role.value} should at least read"
    writes = sorted(name for name in held if not name.endswith(":read"))
    assert writes == DISTRICT_WRITES.get(role, [])
    assert {name for name, mark in DECISIONS.items() if table()[name, role] == "x"} == held


def test_every_capability_is_granted_to_someone() -> None:
    cells = table()
    nobody = [
        name for name in vocabulary() if all(cells.get((name, role)) == "." for role in columns())
    ]
    assert nobody == []
    holders = set().union(
        *(granted(role, STREET, STREET) | granted(role, PLATFORM, PLATFORM) for role in columns())
    )
    assert set(vocabulary()) - holders == set()
