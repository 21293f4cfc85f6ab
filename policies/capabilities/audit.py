"""Capabilities of the audit domain: The audit trail (留痕).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

AUDIT_READ = Capability("audit", "read", "read the audit trail (留痕) of the street's records")

CAPABILITIES = (AUDIT_READ,)
