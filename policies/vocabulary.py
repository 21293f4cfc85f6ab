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
    Capability(
        "staff", "assign"
    ): "assign staff to grids (网格长、网格员) and communities (社区两委)",
    Capability("tag", "read"): "list the street's resident tags (居民标签)",
    Capability("tag", "manage"): "create, rename and delete the street's resident tags",
    Capability(
        "resident", "read"
    ): "list residents (居民) and their tags, row rule: grid staff see their own grids only",
    Capability(
        "resident", "pii"
    ): "see residents' phone, masked ID number and address unmasked (个人信息)",
    Capability("resident", "manage"): "register and edit residents, link a resident to an account",
    Capability("resident", "tag"): "tag and untag residents",
    Capability("resident", "import"): "bulk-import residents from a CSV file (批量导入)",
    Capability(
        "message", "staff"
    ): "one-to-one message threads with residents of one's grids (网格长直通车)",
    Capability("message", "resident"): "a resident's own message threads with grid staff",
    Capability(
        "notice", "send"
    ): "send notices to the street, communities, grids or tags (一键群发) and see their counts",
    Capability("notice", "receive"): "a resident's own notice inbox and read receipts",
    Capability(
        "people", "handover"
    ): "hand a leaving grid chief's grids, residents and threads to a successor (账号继承)",
    Capability(
        "delegate", "read"
    ): "list representatives and deliberators (人大代表、议事员) and their QR codes",
    Capability(
        "delegate", "find"
    ): "a resident finds the representatives of their grid or community (扫码找代表)",
    Capability(
        "delegate", "manage"
    ): "create representative and deliberator profiles, groups, issue and revoke QR codes",
    Capability("visit", "record"): "record household visits (走访日志)",
    Capability(
        "visit", "read"
    ): "monthly visit counts against the street's target, grid staff see their own",
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
    Capability("vote", "read"): "see the street's votes (网上票决), their turnout and, once "
    "published, their results",
    Capability("vote", "manage"): "draft, open, close, publish and cancel votes, see the count "
    "once closed and the electorate list (人大工作人员)",
    Capability("vote", "cast"): "cast a ballot in a vote one is on the electorate of",
    Capability("vote_tally", "read"): "see the live count of an open named ballot (staff console, "
    "大屏); never of a secret one",
    Capability("tenant", "create"): "create streets (tenants) and their first administrator",
    Capability("tenant", "read"): "list every street of the platform",
}

PLATFORM_DOMAIN = "platform"
PLATFORM_CAPABILITIES = frozenset({Capability("tenant", "create"), Capability("tenant", "read")})


def street_domain(street_id: int) -> str:
    return f"street:{street_id}"


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def street_of_domain(domain: str) -> int | None:
    """The street id of a ``street:N`` domain; None for the platform domain."""
    prefix, _, rest = domain.partition(":")
    return int(rest) if prefix == "street" and rest.isdigit() else None


def user_of_subject(subject: str) -> int | None:
    prefix, _, rest = subject.partition(":")
    return int(rest) if prefix == "user" and rest.isdigit() else None
