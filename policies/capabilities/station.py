"""Capabilities of the station domain: the liaison station (基层单元, 代表联络站).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Which
suggestions a holder sees is the domain's row rules (``resolvers/station/rows.py``).
"""

from __future__ import annotations

from policies.vocabulary import Capability

SUGGESTION_READ = Capability(
    "suggestion",
    "read",
    "see suggestions (代表建议): one's own, those addressed to one, those forwarded to one's department, or the street's",
)
SUGGESTION_WRITE = Capability(
    "suggestion", "write", "write a suggestion to a representative from their card (扫码找代表)"
)
SUGGESTION_ANSWER = Capability(
    "suggestion",
    "answer",
    "accept, answer or forward a suggestion addressed to oneself (代表受理、答复、转办)",
)
SUGGESTION_DEPARTMENT_REPLY = Capability(
    "suggestion",
    "department_reply",
    "reply to a suggestion forwarded to one's department (部门回复)",
)
SUGGESTION_RATE = Capability("suggestion", "rate", "rate the answer to one's own suggestion (评价)")
STATION_MANAGE = Capability(
    "station",
    "manage",
    "run the station (人大工委): post and confirm tasks, mark difficult matters, the reply deadlines",
)
STATION_TASK_READ = Capability("station_task", "read", "see the station's tasks (抢单任务)")
STATION_TASK_CLAIM = Capability(
    "station_task", "claim", "claim a task's place and report back (抢单、反馈)"
)
WATCH_LIST_MANAGE = Capability(
    "watch_list", "manage", "keep the street's watch list (重点词) for review before publishing"
)
KEY_PERSON_READ = Capability(
    "key_person", "read", "see the street's key people (重点人), their names masked, and why"
)
KEY_PERSON_MANAGE = Capability(
    "key_person",
    "manage",
    "keep the street's key people (重点人): their content, and content about them, is reviewed",
)
KEY_MATTER_READ = Capability(
    "key_matter", "read", "see the street's key matters (重点事): suggestions, cases, projects"
)
KEY_MATTER_MANAGE = Capability(
    "key_matter",
    "manage",
    "mark suggestions, cases and projects as key matters (重点事): their content is reviewed",
)
REVIEW_DECIDE = Capability(
    "review", "decide", "approve, edit or reject content before it is published (审核)"
)
STATION_FIGURES = Capability(
    "station_figures",
    "read",
    "see the station's figures and the difficult-matters list, no personal data (联络站数据)",
)

DIFFICULT_READ = Capability(
    "difficult_matter",
    "read",
    "see the difficult-matters list (办理疑难清单): titles, owners, last actions",
)
ACTIVITY_READ = Capability(
    "activity", "read", "see the station's activities and their attendance (活动)"
)
ACTIVITY_JOIN = Capability(
    "activity", "join", "sign up for an activity open to one, or give up one's place (报名)"
)

CAPABILITIES = (
    SUGGESTION_READ,
    SUGGESTION_WRITE,
    SUGGESTION_ANSWER,
    SUGGESTION_DEPARTMENT_REPLY,
    SUGGESTION_RATE,
    STATION_MANAGE,
    STATION_TASK_READ,
    STATION_TASK_CLAIM,
    WATCH_LIST_MANAGE,
    KEY_PERSON_READ,
    KEY_PERSON_MANAGE,
    KEY_MATTER_READ,
    KEY_MATTER_MANAGE,
    REVIEW_DECIDE,
    STATION_FIGURES,
    DIFFICULT_READ,
    ACTIVITY_READ,
    ACTIVITY_JOIN,
)
