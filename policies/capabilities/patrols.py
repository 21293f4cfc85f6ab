"""Capabilities of the patrols domain (定位巡防): walking a patrol, the street's key points,
the blind spots.

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Only the one
walking a patrol adds to it (checked in ``resolvers/patrols/walking.py``).
"""

from __future__ import annotations

from policies.vocabulary import Capability

PATROL_WALK = Capability(
    "patrol",
    "walk",
    "walk a patrol: start it, send its GPS points, check in at key points, record findings, stop it (定位巡防)",
)
PATROL_MONITOR = Capability(
    "patrol_map",
    "read",
    "see the street's patrols, their routes and the blind spots of its grids (巡防盲区)",
)
KEY_POINT_READ = Capability(
    "key_point", "read", "see the street's key points of patrols (巡防点位)"
)
KEY_POINT_MANAGE = Capability("key_point", "manage", "add the street's key points of patrols")

CAPABILITIES = (PATROL_WALK, PATROL_MONITOR, KEY_POINT_READ, KEY_POINT_MANAGE)
