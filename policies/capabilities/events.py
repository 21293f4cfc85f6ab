"""Capabilities of the events domain: Live events of a street (实时事件).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

EVENT_READ = Capability(
    "event", "read", "follow the street's live events (staff workbenches, 大屏)"
)

CAPABILITIES = (EVENT_READ,)
