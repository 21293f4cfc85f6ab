"""Every (resource, action) the schema can declare, with what it allows.

Fields declare one of these; ``policy.csv`` grants them to roles. A test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Capability:
    resource: str
    action: str

    def __str__(self) -> str:
        return f"{self.resource}:{self.action}"


CAPABILITIES: dict[Capability, str] = {
    Capability("street", "read"): "see the street's name, district and settings (街道信息)",
    Capability("street", "update"): "rename the street, change its settings",
    Capability("place", "read"): "list communities and grids (社区、网格)",
    Capability("place", "manage"): "create and rename communities and grids",
    Capability("member", "read"): "list the street's accounts and their roles",
    Capability("member", "grant"): "create staff accounts, grant and revoke roles in the street",
    Capability(
        "district", "read"
    ): "read roll-ups across every street of one's district (区级汇总)",
    Capability("event", "read"): "follow the street's live events (staff workbenches, 大屏)",
    Capability("audit", "read"): "read the audit trail (留痕) of the street's records",
    Capability("project", "read"): "see livelihood projects (民生实事): the progress board, the "
    "map, totals, milestones, funds and live progress, without personal data",
    Capability("project_people", "read"): "see who handles, reports on, supervises and rates a "
    "project: names, supervision opinions, rating comments (personal data, not for 大屏)",
    Capability("project", "manage"): "create projects, promote matters to projects, move them "
    "through their lifecycle (立项、审批、验收)",
    Capability("project", "progress"): "plan and complete milestones, report progress with "
    "photos, start and complete the work (承办部门)",
    Capability("project", "fund"): "record disbursements against a project's budget (资金使用)",
    Capability("project", "supervise"): "post supervision opinions and rate their replies "
    "(专项监督台, representatives and deliberators)",
    Capability("project", "reply"): "answer supervision opinions (承办部门答复)",
    Capability("project", "rate"): "rate a completed project, 1 to 5 (满意度)",
    Capability("project", "follow"): "follow a project and be told when its status changes",
    Capability("tenant", "create"): "create streets (tenants) and their first administrator",
    Capability("tenant", "read"): "list every street of the platform",
}

PLATFORM_DOMAIN = "platform"
PLATFORM_CAPABILITIES = frozenset({Capability("tenant", "create"), Capability("tenant", "read")})


def street_domain(street_id: int) -> str:
    return f"street:{street_id}"


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"
