"""Settings of the audit log (env ``GONGZHI_AUDIT_SIGNING_KEY`` …)."""

from __future__ import annotations

from pathlib import Path

from core.settings import SettingsSection


class AuditSettings(SettingsSection):
    """The checkpoint signing key (a C2SP signed-note key, ``PRIVATE+KEY+name+id+base64``, or
    a file holding it: never in the database), earlier public keys still trusted (rotation),
    where checkpoints are witnessed outside the database, and how often they are signed."""

    audit_signing_key: str | None = None
    audit_signing_key_file: Path | None = None
    audit_public_keys: str = ""
    """Verifier keys (``name+id+base64``) of earlier signing keys, separated by spaces,
    commas or newlines: checkpoints they signed still verify."""
    audit_witness_dir: Path | None = None
    audit_origin: str = ""
    """The checkpoints' origin line before ``/<street code>``; the host of
    ``GONGZHI_PUBLIC_BASE_URL`` followed by ``/audit`` when empty."""
    audit_checkpoint_seconds: float = 1.0
    audit_checkpoint_entries: int = 1000
    audit_sequence_delay_ms: float = 50.0
    """After a commit wakes it, the sequencer waits this long to take more entries at once."""
    audit_poll_seconds: float = 0.5
