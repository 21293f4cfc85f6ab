"""The checkpoint signing key and the public keys a checkpoint is checked against.

The signing key lives outside the database: ``GONGZHI_AUDIT_SIGNING_KEY`` (an environment
secret) or ``GONGZHI_AUDIT_SIGNING_KEY_FILE``. In production the server refuses to start
without one; in dev and test a key is derived from the secret key (never for production).
``GONGZHI_AUDIT_PUBLIC_KEYS`` lists earlier keys' verifier keys, so a rotated key's
checkpoints still verify.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core import notes
from core.settings import Settings, SettingsError
from resolvers.audit.settings import AuditSettings

DEV_KEY_NAME = "gongzhi-dev-audit"


@dataclass(frozen=True)
class AuditKeys:
    signer: notes.Signer | None
    verifiers: tuple[notes.Verifier, ...]
    origin_prefix: str

    @property
    def signing(self) -> notes.Signer:
        assert self.signer is not None, "loaded without the signing key"
        return self.signer

    def origin(self, street_code: str) -> str:
        """The origin line of a street's checkpoints: which log they are of."""
        return f"{self.origin_prefix}/{street_code}"


def parse_verifiers(text: str) -> list[notes.Verifier]:
    return [notes.parse_verifier(item) for item in re.split(r"[\s,]+", text.strip()) if item]


def _signer(settings: Settings, audit: AuditSettings, required: bool) -> notes.Signer | None:
    text = audit.audit_signing_key
    if not text and audit.audit_signing_key_file is not None:
        try:
            text = audit.audit_signing_key_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise SettingsError(f"GONGZHI_AUDIT_SIGNING_KEY_FILE: {exc}") from exc
    if text:
        try:
            return notes.parse_signer(text)
        except notes.NoteError as exc:
            raise SettingsError(f"GONGZHI_AUDIT_SIGNING_KEY: {exc}") from exc
    if settings.env.value == "production":
        if not required:
            return None
        raise SettingsError(
            "GONGZHI_AUDIT_SIGNING_KEY (or GONGZHI_AUDIT_SIGNING_KEY_FILE) is not set: the audit "
            "log's checkpoints must be signed with a key kept out of the database (make one "
            "with `gongzhi audit keygen --name <your host>/audit`)"
        )
    assert settings.secret_key
    seed = hashlib.sha256(f"gongzhi dev audit key|{settings.secret_key}".encode()).digest()
    return notes.signer_from_seed(DEV_KEY_NAME, seed)


def load_keys(settings: Settings, *, signing: bool = True) -> AuditKeys:
    """The keys the settings name; ``SettingsError`` when the server must not start. A
    checker (``signing=False``) needs only public keys: the signing key's, or
    ``GONGZHI_AUDIT_PUBLIC_KEYS``."""
    audit = settings.section(AuditSettings)
    signer = _signer(settings, audit, signing)
    try:
        older = parse_verifiers(audit.audit_public_keys)
    except notes.NoteError as exc:
        raise SettingsError(f"GONGZHI_AUDIT_PUBLIC_KEYS: {exc}") from exc
    prefix = audit.audit_origin.strip().rstrip("/")
    if not prefix:
        prefix = f"{urlsplit(settings.public_base_url).hostname or 'gongzhi'}/audit"
    verifiers = [signer.verifier] if signer else []
    verifiers += [v for v in older if not verifiers or v.key_id != signer_id(signer)]
    if not verifiers:
        raise SettingsError(
            "no key to check checkpoints against: set GONGZHI_AUDIT_PUBLIC_KEYS (the verifier "
            "keys the platform publishes) or the signing key"
        )
    return AuditKeys(signer, tuple(verifiers), prefix)


def signer_id(signer: notes.Signer | None) -> bytes:
    return signer.key_id if signer else b""
