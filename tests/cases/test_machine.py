"""The handling chain's table (流转规则), written out by hand: every state a case can be in ×
every action × every role → allowed (``ok``) or the typed refusal a user is told.

A role's column is the person of that role a case naturally meets: the reporter (a resident),
the chief and a worker of the case's grid, staff of its community, a reviewer at the street's
dispatch desk, a member of the department it was transferred to (lead) or of an assisting one,
the leader of its re-report round, a member of the district department it was linked to, a
district admin, a big screen. ``FB`` is the capability missing (FORBIDDEN, asked of a real
casbin enforcer with policy.csv); every other cell is ``machine.decide``'s answer:

    ok allowed        NY NOT_YOURS       AS ALREADY_SIGNED    NS NOT_SIGNED
    IT INVALID_TRANSITION                TL TOP_LEVEL         NB NOTHING_BELOW
    CL CLOSURE_LEVEL  NR NOT_RESOLVED    AR ALREADY_RATED     NM NO_MORE_ROUNDS

The situations are the states × who holds the case (grid, community, desk, department, leader,
district), plus an urgent case at the grid (closure level), a case that started at the desk
(nothing below), and the states after the result. The API's tests (``test_flow.py``,
``test_bad_input.py``) check that the operations answer what this table says.
"""

from __future__ import annotations

import casbin
import pytest

from core.errors import Refused
from models.accounts import Role
from models.cases import CaseLevel as L
from models.cases import CaseState as S
from models.cases import Satisfaction as Sat
from policies.enforcer import new_enforcer
from resolvers.cases.machine import Action as A
from resolvers.cases.machine import Holder as H
from resolvers.cases.machine import Standing, Tie, decide

SITUATIONS = {
    "GRID PENDING": Standing(S.PENDING, H.GRID, L.GRID),
    "GRID HANDLING": Standing(S.HANDLING, H.GRID, L.GRID),
    "GRID HANDLING urgent": Standing(S.HANDLING, H.GRID, L.GRID, lowest_level=L.STREET),
    "COMMUNITY PENDING": Standing(S.PENDING, H.COMMUNITY, L.GRID),
    "COMMUNITY HANDLING": Standing(S.HANDLING, H.COMMUNITY, L.GRID),
    "DESK PENDING": Standing(S.PENDING, H.DESK, L.GRID),
    "DESK HANDLING": Standing(S.HANDLING, H.DESK, L.GRID),
    "DESK HANDLING from desk": Standing(S.HANDLING, H.DESK, L.STREET),
    "DEPARTMENT PENDING": Standing(S.PENDING, H.DEPARTMENT, L.GRID),
    "DEPARTMENT HANDLING": Standing(S.HANDLING, H.DEPARTMENT, L.GRID),
    "LEADER PENDING": Standing(S.PENDING, H.LEADER, L.GRID, round=2),
    "LEADER HANDLING": Standing(S.HANDLING, H.LEADER, L.GRID, round=2),
    "DISTRICT PENDING": Standing(S.PENDING, H.DISTRICT, L.GRID),
    "DISTRICT HANDLING": Standing(S.HANDLING, H.DISTRICT, L.GRID),
    "RESOLVED unrated": Standing(S.RESOLVED, H.GRID, L.GRID),
    "RESOLVED unsatisfied": Standing(S.RESOLVED, H.GRID, L.GRID, satisfaction=Sat.UNSATISFIED),
    "CLOSED satisfied": Standing(S.CLOSED, H.GRID, L.GRID, satisfaction=Sat.SATISFIED),
    "CLOSED round 3": Standing(S.CLOSED, H.LEADER, L.GRID, round=3, satisfaction=Sat.UNSATISFIED),
}

# fmt: off
COLUMNS =                                       "RE  GC  GW  CS  SR  SD  SDa SL  DD  DA  DS"
TABLE = {
    ("GRID PENDING", A.SIGN):                    "FB  ok  ok  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID PENDING", A.RESOLVE):                 "FB  NS  NS  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID PENDING", A.ESCALATE):                "FB  NS  NS  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID PENDING", A.SEND_BACK):               "FB  NB  NB  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID PENDING", A.CLOSE_DIRECTLY):          "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID PENDING", A.TRANSFER):                "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID PENDING", A.LINK):                    "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID PENDING", A.PART_DONE):               "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("GRID PENDING", A.RATE):                    "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("GRID PENDING", A.REREPORT):                "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING", A.SIGN):                   "FB  AS  AS  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING", A.RESOLVE):                "FB  ok  ok  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING", A.ESCALATE):               "FB  ok  ok  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING", A.SEND_BACK):              "FB  NB  NB  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING", A.CLOSE_DIRECTLY):         "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING", A.TRANSFER):               "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING", A.LINK):                   "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING", A.PART_DONE):              "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("GRID HANDLING", A.RATE):                   "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING", A.REREPORT):               "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING urgent", A.SIGN):            "FB  AS  AS  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING urgent", A.RESOLVE):         "FB  CL  CL  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING urgent", A.ESCALATE):        "FB  ok  ok  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING urgent", A.SEND_BACK):       "FB  NB  NB  NY  NY  NY  NY  NY  NY  FB  FB",
    ("GRID HANDLING urgent", A.CLOSE_DIRECTLY):  "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING urgent", A.TRANSFER):        "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING urgent", A.LINK):            "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING urgent", A.PART_DONE):       "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("GRID HANDLING urgent", A.RATE):            "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("GRID HANDLING urgent", A.REREPORT):        "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY PENDING", A.SIGN):               "FB  NY  NY  ok  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY PENDING", A.RESOLVE):            "FB  NY  NY  NS  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY PENDING", A.ESCALATE):           "FB  NY  NY  NS  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY PENDING", A.SEND_BACK):          "FB  NY  NY  ok  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY PENDING", A.CLOSE_DIRECTLY):     "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY PENDING", A.TRANSFER):           "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY PENDING", A.LINK):               "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY PENDING", A.PART_DONE):          "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("COMMUNITY PENDING", A.RATE):               "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY PENDING", A.REREPORT):           "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY HANDLING", A.SIGN):              "FB  NY  NY  AS  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY HANDLING", A.RESOLVE):           "FB  NY  NY  ok  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY HANDLING", A.ESCALATE):          "FB  NY  NY  ok  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY HANDLING", A.SEND_BACK):         "FB  NY  NY  ok  NY  NY  NY  NY  NY  FB  FB",
    ("COMMUNITY HANDLING", A.CLOSE_DIRECTLY):    "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY HANDLING", A.TRANSFER):          "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY HANDLING", A.LINK):              "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY HANDLING", A.PART_DONE):         "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("COMMUNITY HANDLING", A.RATE):              "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("COMMUNITY HANDLING", A.REREPORT):          "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK PENDING", A.SIGN):                    "FB  NY  NY  NY  ok  NY  NY  NY  NY  FB  FB",
    ("DESK PENDING", A.RESOLVE):                 "FB  NY  NY  NY  NS  NY  NY  NY  NY  FB  FB",
    ("DESK PENDING", A.ESCALATE):                "FB  NY  NY  NY  NS  NY  NY  NY  NY  FB  FB",
    ("DESK PENDING", A.SEND_BACK):               "FB  NY  NY  NY  ok  NY  NY  NY  NY  FB  FB",
    ("DESK PENDING", A.CLOSE_DIRECTLY):          "FB  FB  FB  FB  NS  FB  FB  FB  FB  FB  FB",
    ("DESK PENDING", A.TRANSFER):                "FB  FB  FB  FB  NS  FB  FB  FB  FB  FB  FB",
    ("DESK PENDING", A.LINK):                    "FB  FB  FB  FB  NS  FB  FB  FB  FB  FB  FB",
    ("DESK PENDING", A.PART_DONE):               "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("DESK PENDING", A.RATE):                    "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK PENDING", A.REREPORT):                "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING", A.SIGN):                   "FB  NY  NY  NY  AS  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING", A.RESOLVE):                "FB  NY  NY  NY  ok  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING", A.ESCALATE):               "FB  NY  NY  NY  IT  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING", A.SEND_BACK):              "FB  NY  NY  NY  ok  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING", A.CLOSE_DIRECTLY):         "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING", A.TRANSFER):               "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING", A.LINK):                   "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING", A.PART_DONE):              "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("DESK HANDLING", A.RATE):                   "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING", A.REREPORT):               "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING from desk", A.SIGN):         "FB  NY  NY  NY  AS  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING from desk", A.RESOLVE):      "FB  NY  NY  NY  ok  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING from desk", A.ESCALATE):     "FB  NY  NY  NY  IT  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING from desk", A.SEND_BACK):    "FB  NY  NY  NY  NB  NY  NY  NY  NY  FB  FB",
    ("DESK HANDLING from desk", A.CLOSE_DIRECTLY): "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING from desk", A.TRANSFER):     "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING from desk", A.LINK):         "FB  FB  FB  FB  ok  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING from desk", A.PART_DONE):    "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("DESK HANDLING from desk", A.RATE):         "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DESK HANDLING from desk", A.REREPORT):     "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT PENDING", A.SIGN):              "FB  NY  NY  NY  NY  ok  NY  NY  NY  FB  FB",
    ("DEPARTMENT PENDING", A.RESOLVE):           "FB  NY  NY  NY  NY  NS  NY  NY  NY  FB  FB",
    ("DEPARTMENT PENDING", A.ESCALATE):          "FB  NY  NY  NY  NY  NS  NY  NY  NY  FB  FB",
    ("DEPARTMENT PENDING", A.SEND_BACK):         "FB  NY  NY  NY  NY  ok  NY  NY  NY  FB  FB",
    ("DEPARTMENT PENDING", A.CLOSE_DIRECTLY):    "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT PENDING", A.TRANSFER):          "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT PENDING", A.LINK):              "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT PENDING", A.PART_DONE):         "FB  NY  NY  NY  NY  NY  ok  NY  FB  FB  FB",
    ("DEPARTMENT PENDING", A.RATE):              "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT PENDING", A.REREPORT):          "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.SIGN):             "FB  NY  NY  NY  NY  AS  NY  NY  NY  FB  FB",
    ("DEPARTMENT HANDLING", A.RESOLVE):          "FB  NY  NY  NY  NY  ok  NY  NY  NY  FB  FB",
    ("DEPARTMENT HANDLING", A.ESCALATE):         "FB  NY  NY  NY  NY  IT  NY  NY  NY  FB  FB",
    ("DEPARTMENT HANDLING", A.SEND_BACK):        "FB  NY  NY  NY  NY  ok  NY  NY  NY  FB  FB",
    ("DEPARTMENT HANDLING", A.CLOSE_DIRECTLY):   "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.TRANSFER):         "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.LINK):             "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.PART_DONE):        "FB  NY  NY  NY  NY  NY  ok  NY  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.RATE):             "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DEPARTMENT HANDLING", A.REREPORT):         "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("LEADER PENDING", A.SIGN):                  "FB  NY  NY  NY  NY  NY  NY  ok  NY  FB  FB",
    ("LEADER PENDING", A.RESOLVE):               "FB  NY  NY  NY  NY  NY  NY  NS  NY  FB  FB",
    ("LEADER PENDING", A.ESCALATE):              "FB  NY  NY  NY  NY  NY  NY  NS  NY  FB  FB",
    ("LEADER PENDING", A.SEND_BACK):             "FB  NY  NY  NY  NY  NY  NY  NB  NY  FB  FB",
    ("LEADER PENDING", A.CLOSE_DIRECTLY):        "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER PENDING", A.TRANSFER):              "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER PENDING", A.LINK):                  "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER PENDING", A.PART_DONE):             "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("LEADER PENDING", A.RATE):                  "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("LEADER PENDING", A.REREPORT):              "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("LEADER HANDLING", A.SIGN):                 "FB  NY  NY  NY  NY  NY  NY  AS  NY  FB  FB",
    ("LEADER HANDLING", A.RESOLVE):              "FB  NY  NY  NY  NY  NY  NY  ok  NY  FB  FB",
    ("LEADER HANDLING", A.ESCALATE):             "FB  NY  NY  NY  NY  NY  NY  IT  NY  FB  FB",
    ("LEADER HANDLING", A.SEND_BACK):            "FB  NY  NY  NY  NY  NY  NY  NB  NY  FB  FB",
    ("LEADER HANDLING", A.CLOSE_DIRECTLY):       "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER HANDLING", A.TRANSFER):             "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER HANDLING", A.LINK):                 "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("LEADER HANDLING", A.PART_DONE):            "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("LEADER HANDLING", A.RATE):                 "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("LEADER HANDLING", A.REREPORT):             "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DISTRICT PENDING", A.SIGN):                "FB  NY  NY  NY  NY  NY  NY  NY  ok  FB  FB",
    ("DISTRICT PENDING", A.RESOLVE):             "FB  NY  NY  NY  NY  NY  NY  NY  NS  FB  FB",
    ("DISTRICT PENDING", A.ESCALATE):            "FB  NY  NY  NY  NY  NY  NY  NY  NS  FB  FB",
    ("DISTRICT PENDING", A.SEND_BACK):           "FB  NY  NY  NY  NY  NY  NY  NY  ok  FB  FB",
    ("DISTRICT PENDING", A.CLOSE_DIRECTLY):      "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT PENDING", A.TRANSFER):            "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT PENDING", A.LINK):                "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT PENDING", A.PART_DONE):           "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("DISTRICT PENDING", A.RATE):                "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DISTRICT PENDING", A.REREPORT):            "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DISTRICT HANDLING", A.SIGN):               "FB  NY  NY  NY  NY  NY  NY  NY  AS  FB  FB",
    ("DISTRICT HANDLING", A.RESOLVE):            "FB  NY  NY  NY  NY  NY  NY  NY  ok  FB  FB",
    ("DISTRICT HANDLING", A.ESCALATE):           "FB  NY  NY  NY  NY  NY  NY  NY  TL  FB  FB",
    ("DISTRICT HANDLING", A.SEND_BACK):          "FB  NY  NY  NY  NY  NY  NY  NY  ok  FB  FB",
    ("DISTRICT HANDLING", A.CLOSE_DIRECTLY):     "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT HANDLING", A.TRANSFER):           "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT HANDLING", A.LINK):               "FB  FB  FB  FB  NY  FB  FB  FB  FB  FB  FB",
    ("DISTRICT HANDLING", A.PART_DONE):          "FB  NY  NY  NY  NY  NY  NY  NY  FB  FB  FB",
    ("DISTRICT HANDLING", A.RATE):               "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("DISTRICT HANDLING", A.REREPORT):           "NR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unrated", A.SIGN):                "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unrated", A.RESOLVE):             "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unrated", A.ESCALATE):            "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unrated", A.SEND_BACK):           "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unrated", A.CLOSE_DIRECTLY):      "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unrated", A.TRANSFER):            "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unrated", A.LINK):                "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unrated", A.PART_DONE):           "FB  IT  IT  IT  IT  IT  IT  IT  FB  FB  FB",
    ("RESOLVED unrated", A.RATE):                "ok  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unrated", A.REREPORT):            "IT  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unsatisfied", A.SIGN):            "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unsatisfied", A.RESOLVE):         "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unsatisfied", A.ESCALATE):        "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unsatisfied", A.SEND_BACK):       "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("RESOLVED unsatisfied", A.CLOSE_DIRECTLY):  "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unsatisfied", A.TRANSFER):        "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unsatisfied", A.LINK):            "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unsatisfied", A.PART_DONE):       "FB  IT  IT  IT  IT  IT  IT  IT  FB  FB  FB",
    ("RESOLVED unsatisfied", A.RATE):            "AR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("RESOLVED unsatisfied", A.REREPORT):        "ok  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("CLOSED satisfied", A.SIGN):                "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED satisfied", A.RESOLVE):             "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED satisfied", A.ESCALATE):            "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED satisfied", A.SEND_BACK):           "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED satisfied", A.CLOSE_DIRECTLY):      "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED satisfied", A.TRANSFER):            "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED satisfied", A.LINK):                "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED satisfied", A.PART_DONE):           "FB  IT  IT  IT  IT  IT  IT  IT  FB  FB  FB",
    ("CLOSED satisfied", A.RATE):                "AR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("CLOSED satisfied", A.REREPORT):            "IT  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("CLOSED round 3", A.SIGN):                  "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED round 3", A.RESOLVE):               "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED round 3", A.ESCALATE):              "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED round 3", A.SEND_BACK):             "FB  IT  IT  IT  IT  IT  IT  IT  IT  FB  FB",
    ("CLOSED round 3", A.CLOSE_DIRECTLY):        "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED round 3", A.TRANSFER):              "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED round 3", A.LINK):                  "FB  FB  FB  FB  IT  FB  FB  FB  FB  FB  FB",
    ("CLOSED round 3", A.PART_DONE):             "FB  IT  IT  IT  IT  IT  IT  IT  FB  FB  FB",
    ("CLOSED round 3", A.RATE):                  "AR  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
    ("CLOSED round 3", A.REREPORT):              "NM  FB  FB  FB  FB  FB  FB  FB  FB  FB  FB",
}
# fmt: on

ROLE_OF = {
    "RE": Role.RESIDENT,
    "GC": Role.GRID_CHIEF,
    "GW": Role.GRID_WORKER,
    "CS": Role.COMMUNITY_STAFF,
    "SR": Role.STREET_REVIEWER,
    "SD": Role.STREET_DEPARTMENT,
    "SDa": Role.STREET_DEPARTMENT,
    "SL": Role.STREET_LEADER,
    "DD": Role.DISTRICT_DEPARTMENT,
    "DA": Role.DISTRICT_ADMIN,
    "DS": Role.DISPLAY,
}
SHORT = {
    "NOT_YOURS": "NY",
    "ALREADY_SIGNED": "AS",
    "NOT_SIGNED": "NS",
    "INVALID_TRANSITION": "IT",
    "TOP_LEVEL": "TL",
    "NOTHING_BELOW": "NB",
    "CLOSURE_LEVEL": "CL",
    "NOT_RESOLVED": "NR",
    "ALREADY_RATED": "AR",
    "NO_MORE_ROUNDS": "NM",
}
# The capability each action's mutation requires (a district department has its own).
CAPABILITY = {
    A.SIGN: "handle",
    A.RESOLVE: "handle",
    A.ESCALATE: "handle",
    A.SEND_BACK: "handle",
    A.PART_DONE: "handle",
    A.CLOSE_DIRECTLY: "dispatch",
    A.TRANSFER: "dispatch",
    A.LINK: "dispatch",
    A.RATE: "rate",
    A.REREPORT: "rate",
}
DISTRICT_MUTATIONS = {A.SIGN, A.RESOLVE, A.SEND_BACK, A.ESCALATE}


def ties(column: str, s: Standing) -> Tie:
    """How the column's person is tied to a case in this situation."""
    fixed = {
        "RE": Tie.REPORTER,
        "GC": Tie.GRID,
        "GW": Tie.GRID,
        "CS": Tie.COMMUNITY,
        "SR": Tie.DESK,
    }
    if column in fixed:
        return fixed[column]
    if column == "SD" and s.holder is H.DEPARTMENT:
        return Tie.LEAD
    if column == "SDa" and s.holder is H.DEPARTMENT:
        return Tie.ASSISTING
    if column == "SL" and (s.holder is H.LEADER or s.round > 1):
        return Tie.LEADER
    if column == "DD" and s.holder is H.DISTRICT:
        return Tie.DISTRICT
    return Tie.NONE


def enforcer(role: Role) -> casbin.Enforcer:
    found = new_enforcer()
    found.add_grouping_policy("user:1", role.value, "street:1")
    return found


ENFORCERS = {column: enforcer(role) for column, role in ROLE_OF.items()}


def may(column: str, action: A) -> bool:
    action_name = CAPABILITY[action]
    if column == "DD" and action in DISTRICT_MUTATIONS:
        action_name = "district_handle"
    return bool(ENFORCERS[column].enforce("user:1", "street:1", "case", action_name))


def cell(situation: str, action: A, column: str) -> str:
    if not may(column, action):
        return "FB"
    try:
        decide(SITUATIONS[situation], action, ties(column, SITUATIONS[situation]))
    except Refused as refused:
        return SHORT[str(refused.code)]
    return "ok"


def test_the_table_covers_every_situation_and_action() -> None:
    assert set(TABLE) == {(name, action) for name in SITUATIONS for action in A}
    assert {s.state for s in SITUATIONS.values()} == set(S)
    assert {s.holder for s in SITUATIONS.values()} == set(H)


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_every_cell_is_as_the_table_says(situation: str) -> None:
    columns = COLUMNS.split()
    differences = []
    for action in A:
        expected = TABLE[situation, action].split()
        assert len(expected) == len(columns), (situation, action)
        for column, mark in zip(columns, expected, strict=True):
            found = cell(situation, action, column)
            if found != mark:
                differences.append(f"{situation} × {action.value} × {column}: {mark} ≠ {found}")
    assert differences == [], "\n".join(differences)


def test_an_allowed_action_takes_the_case_where_the_chain_says() -> None:
    s = SITUATIONS
    assert decide(s["GRID HANDLING"], A.ESCALATE, Tie.GRID).holder is H.COMMUNITY
    assert decide(s["COMMUNITY HANDLING"], A.ESCALATE, Tie.COMMUNITY).holder is H.DESK
    assert decide(s["DESK HANDLING"], A.LINK, Tie.DESK).holder is H.DISTRICT
    assert decide(s["DESK HANDLING"], A.TRANSFER, Tie.DESK).holder is H.DEPARTMENT
    assert decide(s["DESK HANDLING"], A.SEND_BACK, Tie.DESK).holder is H.COMMUNITY
    assert decide(s["COMMUNITY PENDING"], A.SEND_BACK, Tie.COMMUNITY).holder is H.GRID
    assert decide(s["DISTRICT HANDLING"], A.SEND_BACK, Tie.DISTRICT).holder is H.DESK
    assert decide(s["DEPARTMENT HANDLING"], A.SEND_BACK, Tie.LEAD).holder is H.DESK
    assert decide(s["RESOLVED unsatisfied"], A.REREPORT, Tie.REPORTER).holder is H.LEADER
    resolved = decide(s["DISTRICT HANDLING"], A.RESOLVE, Tie.DISTRICT)
    assert (resolved.state, resolved.holder) == (S.RESOLVED, None)
