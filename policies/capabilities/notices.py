"""Capabilities of the notices domain: Notices to residents (一键群发).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

NOTICE_SEND = Capability(
    "notice",
    "send",
    "send notices to the street, communities, grids or tags (一键群发) and see their counts",
)
NOTICE_RECEIVE = Capability("notice", "receive", "a resident's own notice inbox and read receipts")

CAPABILITIES = (
    NOTICE_SEND,
    NOTICE_RECEIVE,
)
