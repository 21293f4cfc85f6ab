"""Capabilities of the stats domain: the dashboard and the big screens (一屏).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

DASHBOARD_READ = Capability(
    "dashboard",
    "read",
    "the dashboard of the street or a community (一屏统览): counts and rates, never a person",
)
SCREEN_MANAGE = Capability(
    "screen", "manage", "pair the street's big screens, list and revoke them (大屏绑定)"
)

CAPABILITIES = (DASHBOARD_READ, SCREEN_MANAGE)
