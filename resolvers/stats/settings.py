"""Settings of the stats domain (env ``GONGZHI_DASHBOARD_MAX_DAYS``)."""

from __future__ import annotations

from core.settings import SettingsSection


class StatsSettings(SettingsSection):
    """A dashboard's range of dates is at most this many days (both ends included)."""

    dashboard_max_days: int = 366
