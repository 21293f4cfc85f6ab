"""Settings of the participation domain (env ``GONGZHI_RANKING_MIN_CASES``)."""

from __future__ import annotations

from core.settings import SettingsSection


class ParticipationSettings(SettingsSection):
    """How many verified cases a reporter (or a team) needs before the ranking lists them."""

    ranking_min_cases: int = 3
