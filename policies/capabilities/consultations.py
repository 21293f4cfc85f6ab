"""Capabilities of the consultations domain: the consultation bell (小区协商铃).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Which
consultations a holder sees is the domain's row rules (``resolvers/consultations/rows.py``).
"""

from __future__ import annotations

from policies.vocabulary import Capability

CONSULTATION_READ = Capability(
    "consultation",
    "read",
    "see consultations (协商铃): one's own rings, those one is invited to, one's community's or the street's",
)
CONSULTATION_RING = Capability(
    "consultation",
    "ring",
    "ring the bell (提出协商申请), for oneself or, as a community worker, on a resident's behalf",
)
CONSULTATION_HANDLE = Capability(
    "consultation",
    "handle",
    "accept and classify rings, invite the parties and take the consultation's steps (受理、约请、会议、通报)",
)
CONSULTATION_RESPOND = Capability(
    "consultation",
    "respond",
    "answer an invitation as a party: accept or decline, give a position, sign off or object (协商方)",
)
CONSULTATION_CHECK_IN = Capability(
    "consultation", "check_in", "scan invitees' check-in links at the meeting's door (签到)"
)
CONSULTATION_EVALUATE = Capability(
    "consultation", "evaluate", "rate an announced outcome (评价协商结果)"
)
CONSULTATION_FIGURES = Capability(
    "consultation_figures",
    "read",
    "see the bell's figures (rings, completion and satisfaction rates, hot categories), no personal data",
)
CONSULTATION_LIBRARY_READ = Capability(
    "consultation_library", "read", "read the street's case library (案例库) and find similar cases"
)
CONSULTATION_LIBRARY_PUBLISH = Capability(
    "consultation_library",
    "publish",
    "review a prepared case and publish it to the street's library (审核发布)",
)
BELL_LOG_WRITE = Capability(
    "bell_log", "write", "log one's bell work (协商铃工作日志): visits, calls, coordination"
)
BELL_LOG_READ = Capability("bell_log", "read", "follow the bell work log of the street, live")
BELL_TERMINAL_MANAGE = Capability(
    "bell_terminal", "manage", "register a community centre's bell terminal (协商铃终端)"
)

CAPABILITIES = (
    CONSULTATION_READ,
    CONSULTATION_RING,
    CONSULTATION_HANDLE,
    CONSULTATION_RESPOND,
    CONSULTATION_CHECK_IN,
    CONSULTATION_EVALUATE,
    CONSULTATION_FIGURES,
    CONSULTATION_LIBRARY_READ,
    CONSULTATION_LIBRARY_PUBLISH,
    BELL_LOG_WRITE,
    BELL_LOG_READ,
    BELL_TERMINAL_MANAGE,
)
