"""Capabilities of the projects domain: Livelihood projects and their supervision (民生实事项目).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

PROJECT_READ = Capability(
    "project",
    "read",
    "see livelihood projects (民生实事): the progress board, the map, totals, milestones, funds and live progress, without personal data",
)
PROJECT_PEOPLE_READ = Capability(
    "project_people",
    "read",
    "see who handles, reports on, supervises and rates a project: names, supervision opinions, rating comments (personal data, not for 大屏)",
)
PROJECT_MANAGE = Capability(
    "project",
    "manage",
    "create projects, promote matters to projects, move them through their lifecycle (立项、审批、验收)",
)
PROJECT_PROGRESS = Capability(
    "project",
    "progress",
    "plan and complete milestones, report progress with photos, start and complete the work (承办部门)",
)
PROJECT_FUND = Capability(
    "project", "fund", "record disbursements against a project's budget (资金使用)"
)
PROJECT_SUPERVISE = Capability(
    "project",
    "supervise",
    "post supervision opinions and rate their replies (专项监督台, representatives and deliberators)",
)
PROJECT_REPLY = Capability("project", "reply", "answer supervision opinions (承办部门答复)")
PROJECT_RATE = Capability("project", "rate", "rate a completed project, 1 to 5 (满意度)")
PROJECT_FOLLOW = Capability(
    "project", "follow", "follow a project and be told when its status changes"
)

CAPABILITIES = (
    PROJECT_READ,
    PROJECT_PEOPLE_READ,
    PROJECT_MANAGE,
    PROJECT_PROGRESS,
    PROJECT_FUND,
    PROJECT_SUPERVISE,
    PROJECT_REPLY,
    PROJECT_RATE,
    PROJECT_FOLLOW,
)
