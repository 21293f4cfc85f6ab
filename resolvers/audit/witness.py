"""Witnesses outside the database: every signed checkpoint is also written to a folder the
database cannot reach (``GONGZHI_AUDIT_WITNESS_DIR``: another disk, a mounted share, a folder
a backup job copies away), one file per checkpoint, ``<dir>/<street code>/<size>.checkpoint``,
plus ``latest``. ``gongzhi audit verify`` reads them back, so rewriting a street's history
means rewriting these too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from models.audit import AuditCheckpoint
from resolvers.audit.settings import AuditSettings
from resolvers.services import Services
from tenants.scoping import street_scope

log = logging.getLogger(__name__)


def street_folder(root: Path, street_code: str) -> Path:
    return root / street_code


def _write(path: Path, text: str) -> None:
    """Write whole or not at all (a reader never sees half a checkpoint)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


async def witness(services: Services, street_code: str, checkpoint: AuditCheckpoint) -> None:
    """Write a committed checkpoint to the witness folder, if one is set."""
    folder = services.settings.section(AuditSettings).audit_witness_dir
    if folder is None:
        return
    street = street_folder(folder, street_code)
    try:
        _write(street / f"{checkpoint.size:012d}.checkpoint", checkpoint.note)
        _write(street / "latest", checkpoint.note)
    except OSError as exc:  # the database keeps it; the next checkpoint tries again
        log.warning("audit witness %s: %s", folder, exc)
        return
    with street_scope(checkpoint.tenant_id):
        await AuditCheckpoint.filter(id=checkpoint.id).update(witnessed_at=services.clock.now())


def witnessed(folder: Path, street_code: str) -> list[tuple[str, str]]:
    """Every checkpoint the folder holds for a street: (file name, note)."""
    street = street_folder(folder, street_code)
    if not street.is_dir():
        return []
    return [
        (str(path), path.read_text(encoding="utf-8"))
        for path in sorted(street.glob("*.checkpoint"))
    ]
