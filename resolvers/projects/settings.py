"""Settings of the projects domain (env ``GONGZHI_PROJECT_YELLOW_DAYS`` …)."""

from __future__ import annotations

from core.settings import SettingsSection


class ProjectSettings(SettingsSection):
    """A milestone turns yellow this many days before its planned date (red once it passed);
    supervision opinions are answered within so many working days (答复时限); the deadline
    scanner looks for new warnings this often."""

    project_yellow_days: int = 3
    opinion_reply_working_days: int = 5
    deadline_scan_seconds: float = 60.0
