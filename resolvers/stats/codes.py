"""The stats domain's own error codes."""

from __future__ import annotations

from enum import StrEnum


class StatsCode(StrEnum):
    PAIRING_UNKNOWN = "PAIRING_UNKNOWN"  # no such pairing code (or not this screen's)
    PAIRING_EXPIRED = "PAIRING_EXPIRED"  # the code's few minutes are over
    PAIRING_USED = "PAIRING_USED"  # the code was already claimed (or collected)
    PAIRING_WAITING = "PAIRING_WAITING"  # not claimed by an administrator yet: ask again
    SCREEN_REVOKED = "SCREEN_REVOKED"  # the screen was revoked already
    SCREEN_SCOPE = "SCREEN_SCOPE"  # a screen reads only the scope it was paired for
