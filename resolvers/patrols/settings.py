"""Settings of the patrols domain (env ``GONGZHI_PATROL_MAX_SPEED_MPS`` …)."""

from __future__ import annotations

from core.settings import SettingsSection


class PatrolSettings(SettingsSection):
    """The fastest a patrol may move between two points before the later one is flagged
    (metres per second: 30 is 108 km/h, far beyond walking or an e-bike, well below a GPS
    jump of kilometres in a second), and how far ahead of the server's clock a phone's
    time may be."""

    patrol_max_speed_mps: float = 30.0
    patrol_clock_skew_s: float = 120.0
