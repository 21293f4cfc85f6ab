"""Checking the audit log from tests: the CLI as an operator runs it, and in process."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from models.audit import AuditHead
from resolvers.audit.sequencer import audit_keys, sequence_now
from resolvers.audit.settings import AuditSettings
from resolvers.audit.verify import ChainReport, verify
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import StreetFixture, database_env

__all__ = [
    "checker_env",
    "run_cli",
    "run_verify",
    "seed_every_row",
    "sequence_now",
    "verify_here",
]


def checker_env(services: Services) -> dict[str, str]:
    """What someone checking the log from outside has: the database and the public keys
    (never the signing key)."""
    env = {**os.environ, **database_env(services.settings)}
    env.pop("GONGZHI_REDIS_URL", None)
    env.pop("GONGZHI_ENV", None)
    env["GONGZHI_AUDIT_PUBLIC_KEYS"] = " ".join(v.text for v in audit_keys(services).verifiers)
    return env


async def run_cli(
    services: Services, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gongzhi.cli",
        *args,
        env=env or checker_env(services),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def run_verify(
    services: Services, street: str | None, *checkpoints: Path, sequence: bool = True
) -> tuple[int, str]:
    """``gongzhi audit verify`` (after sequencing what is committed, unless told not to)."""
    if sequence:
        await sequence_now(services)
    args = ["audit", "verify"] + (["--street", street] if street else [])
    for path in checkpoints:
        args += ["--checkpoint", str(path)]
    return await run_cli(services, *args)


async def verify_here(services: Services, street: str) -> ChainReport:
    """The same check, in this process, after sequencing what is committed."""
    await sequence_now(services)
    settings = services.settings.section(AuditSettings)
    (report,) = await verify(audit_keys(services), settings, street)
    return report


async def seed_every_row(services: Services, street: StreetFixture, index: int) -> None:
    """The audit log's rows of a street (for the isolation tests): its entries are there from
    its creation; sequencing them writes its tree, its nodes and a signed checkpoint. The old
    chain's head is no longer written (streets from before the log keep theirs): one of an
    empty chain stands for it."""
    await sequence_now(services)
    with street_scope(street.street_id):
        await AuditHead.get_or_create(tenant_id=street.street_id)
