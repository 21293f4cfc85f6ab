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
    Capability("tenant", "create"): "create streets (tenants) and their first administrator",
    Capability("tenant", "read"): "list every street of the platform",
}

PLATFORM_DOMAIN = "platform"
PLATFORM_CAPABILITIES = frozenset({Capability("tenant", "create"), Capability("tenant", "read")})


def street_domain(street_id: int) -> str:
    return f"street:{street_id}"


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"
