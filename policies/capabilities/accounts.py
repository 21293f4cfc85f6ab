"""Capabilities of the accounts domain: Accounts and role assignments (账号与角色).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

MEMBER_READ = Capability("member", "read", "list the street's accounts and their roles")
MEMBER_GRANT = Capability(
    "member", "grant", "create staff accounts, grant and revoke roles in the street"
)

CAPABILITIES = (
    MEMBER_READ,
    MEMBER_GRANT,
)
