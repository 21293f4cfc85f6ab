"""Capabilities of the groups domain: grid group chats (群聊).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Which groups
one reads and writes in is membership, and moderation is the group owner's.
"""

from __future__ import annotations

from policies.vocabulary import Capability

GROUP_TAKE_PART = Capability(
    "group", "take_part", "read and write in the group chats one is a member of (群聊)"
)
GROUP_MANAGE = Capability(
    "group",
    "manage",
    "create group chats of one's grids, add and remove members, pin, mute, remove messages",
)

CAPABILITIES = (GROUP_TAKE_PART, GROUP_MANAGE)
