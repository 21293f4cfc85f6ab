"""Capabilities of the tenancy domain: Streets, their communities and grids, districts, and the platform's streets (街道、社区、网格).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

STREET_READ = Capability(
    "street", "read", "see the street's name, district and settings (街道信息)"
)
STREET_UPDATE = Capability("street", "update", "rename the street, change its settings")
PLACE_READ = Capability("place", "read", "list communities and grids (社区、网格)")
PLACE_MANAGE = Capability("place", "manage", "create and rename communities and grids")
DISTRICT_READ = Capability(
    "district", "read", "read roll-ups across every street of one's district (区级汇总)"
)
TENANT_CREATE = Capability(
    "tenant", "create", "create streets (tenants) and their first administrator", platform=True
)
TENANT_READ = Capability("tenant", "read", "list every street of the platform", platform=True)

CAPABILITIES = (
    STREET_READ,
    STREET_UPDATE,
    PLACE_READ,
    PLACE_MANAGE,
    DISTRICT_READ,
    TENANT_CREATE,
    TENANT_READ,
)
