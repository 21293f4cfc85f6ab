"""Settings of the votes domain (env ``GONGZHI_VOTE_CLOSING_SOON_MINUTES`` …)."""

from __future__ import annotations

from core.settings import SettingsSection


class VoteSettings(SettingsSection):
    """The electorate is reminded this long before a vote closes (截止提醒), and the scheduler
    opens and closes votes by their times this often."""

    vote_closing_soon_minutes: int = 60
    vote_scan_seconds: float = 15.0
