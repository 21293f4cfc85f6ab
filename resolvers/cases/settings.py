"""Settings of the cases domain (env ``GONGZHI_CASE_SCAN_SECONDS`` …)."""

from __future__ import annotations

from core.settings import SettingsSection


class CaseDomainSettings(SettingsSection):
    """How often the deadline scanner looks for warnings to send, and how large a short video
    or a voice note may be (photos follow ``max_upload_bytes``)."""

    case_scan_seconds: float = 60.0
    case_video_max_bytes: int = 20 * 1024 * 1024
    case_voice_max_bytes: int = 5 * 1024 * 1024
