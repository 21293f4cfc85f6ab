"""Capabilities of the cases domain: reported matters and their handling (民情事项).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Which cases a
role reads is a row rule (``resolvers/cases/rows.py``); which case a role may act on is the
case's level and handling party (``resolvers/cases/access.py``).
"""

from __future__ import annotations

from policies.vocabulary import Capability

CASE_READ = Capability(
    "case",
    "read",
    "see cases (民情事项) within one's row rule: one's own, one's grids, community, department, or the whole street",
)
CASE_COUNT = Capability(
    "case_count",
    "read",
    "see how many cases there are, by state and level, without any case (大屏)",
)
CASE_MAP = Capability(
    "case_map", "read", "see the public map of cases marked public, without personal data"
)
CASE_DESK = Capability(
    "case_desk",
    "read",
    "watch the street's dispatch desk (值班台): every new, escalated, overdue or re-reported case, live",
)
CASE_REPORT = Capability("case", "report", "report a matter (我要报事、巡查上报)")
CASE_REPORT_FOR = Capability(
    "case",
    "report_for",
    "enter a case on behalf of a resident without a phone, or from the hotline (代录)",
)
CASE_RESOLVE_ON_SPOT = Capability(
    "case", "resolve_on_spot", "report a matter already solved on the spot (事事必报, 上报为已办结)"
)
CASE_HANDLE = Capability(
    "case",
    "handle",
    "at one's own level: sign for a case, resolve it, escalate it or send it back (签收、办结、上报、回退)",
)
CASE_DISPATCH = Capability(
    "case",
    "dispatch",
    "at the street's dispatch desk: close directly, transfer to departments, link to a district department (直接结案、内部流转、外部联动)",
)
CASE_DISTRICT_HANDLE = Capability(
    "case",
    "district_handle",
    "a district department's one write into a street: sign, handle, resolve or send back the cases linked to it (区级部门)",
)
CASE_RATE = Capability(
    "case", "rate", "rate the result of one's own case and report it again if unsatisfied"
)
CASE_CALL_BACK = Capability(
    "case",
    "call_back",
    "call a reporter back: record their satisfaction (回访), or their rating on their behalf",
)
CASE_PROJECT = Capability(
    "case", "project", "turn a large matter into a livelihood project (转为民生实事)"
)
CASE_CONFIGURE = Capability(
    "case",
    "configure",
    "set the street's categories, deadlines, closure levels, departments, leaders and grid boundaries",
)

CAPABILITIES = (
    CASE_READ,
    CASE_COUNT,
    CASE_MAP,
    CASE_DESK,
    CASE_REPORT,
    CASE_REPORT_FOR,
    CASE_RESOLVE_ON_SPOT,
    CASE_HANDLE,
    CASE_DISPATCH,
    CASE_DISTRICT_HANDLE,
    CASE_RATE,
    CASE_CALL_BACK,
    CASE_PROJECT,
    CASE_CONFIGURE,
)
