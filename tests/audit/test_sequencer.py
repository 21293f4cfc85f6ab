"""Sequenced after commit: a change of a street no longer waits for another change of the same
street, any number of sequencers grow one tree, the signing key is required in production,
and the chains written before the log become the first leaves of their street's tree."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from core import notes, tlog
from core.ids import to_global_id
from core.settings import Env, Settings, SettingsError
from gongzhi.app import create_app
from models.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditTree,
    change_digest,
    entry_hash,
    entry_leaf,
)
from resolvers.audit.sequencer import sequence_now, sequence_round
from resolvers.events import changing
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.audit.support import run_cli, verify_here
from tests.conftest import needs_postgres
from tests.support import make_street

HANG_GUARD = 60  # seconds: a hang is a failure, not a measurement

DATA = Path(__file__).parent / "data"


async def audit_once(services: Services, street_id: int, n: int) -> None:
    with street_scope(street_id):
        async with changing(services, None) as change:
            await change.audit("test.write", to_global_id("Community", n), {"n": n})


@needs_postgres
async def test_a_held_transaction_does_not_hold_up_another_in_the_same_street(
    services: Services,
) -> None:
    """Before the log, the second change waited on the street's chain head until the first
    committed; now it commits while the first is still open."""
    street = await make_street(services)
    written, release = asyncio.Event(), asyncio.Event()

    async def held() -> None:
        with street_scope(street.street_id):
            async with changing(services, None) as change:
                await change.audit("test.held", to_global_id("Community", 1), {"held": True})
                written.set()
                await release.wait()

    holder = asyncio.create_task(held())
    await asyncio.wait_for(written.wait(), HANG_GUARD)
    await asyncio.wait_for(audit_once(services, street.street_id, 2), HANG_GUARD)
    with unscoped("test check"):
        committed = await AuditEntry.filter(tenant_id=street.street_id, action="test.write")
    assert len(committed) == 1 and not holder.done()
    release.set()
    await holder
    report = await verify_here(services, street.code)
    assert report.intact and report.entries == 3


async def test_racing_sequencers_grow_one_tree(services: Services) -> None:
    """Writers in two streets while several sequencers run at once (on PostgreSQL, each on
    its own connection, the advisory lock of each street deciding): one dense sequence per
    street, one tree, its root what the entries recompute to."""
    streets = [await make_street(services) for _ in range(2)]

    async def writers() -> None:
        for n in range(30):
            await asyncio.gather(*(audit_once(services, s.street_id, n) for s in streets))

    async def sequencers() -> None:
        for _ in range(10):
            await asyncio.gather(
                sequence_round(services),
                sequence_round(services),
                sequence_round(services, wait=True),
                sequence_now(services),
            )

    await asyncio.wait_for(asyncio.gather(writers(), sequencers()), HANG_GUARD * 5)
    await sequence_now(services)
    for street in streets:
        with street_scope(street.street_id, writable=False):
            entries = await AuditEntry.all().order_by("sequence")
            tree = await AuditTree.get()
        assert [e.sequence for e in entries] == list(range(1, 32))
        assert tree.size == 31
        compact = tlog.Compact()
        for entry in entries:
            compact.append(entry_leaf(entry))
        assert compact.root().hex() == tree.root
        report = await verify_here(services, street.code)
        assert report.intact, report


def test_the_server_refuses_to_start_in_production_without_a_signing_key(
    tmp_path: Path,
) -> None:
    strong = "k3y-" + "x7Qp9Lm2Zr5Tn8Vb4Wc6Yd1" * 2
    base = {
        "env": Env.PRODUCTION,
        "secret_key": strong,
        "database_url": f"sqlite://{tmp_path / 'db.sqlite3'}",
    }
    with pytest.raises(SettingsError, match="GONGZHI_AUDIT_SIGNING_KEY"):
        create_app(Settings(**base))
    with pytest.raises(SettingsError, match="GONGZHI_AUDIT_SIGNING_KEY"):
        create_app(Settings(**base, section_values={"AuditSettings": {"audit_signing_key": "x"}}))
    key = notes.generate_signer("gongzhi.example.cn/audit")
    key_file = tmp_path / "audit.key"
    key_file.write_text(key.text)
    values = {"AuditSettings": {"audit_signing_key_file": str(key_file)}}
    app = create_app(Settings(**base, section_values=values))
    assert app.state.services is not None


async def test_gongzhi_serve_refuses_to_start_without_a_signing_key(
    services: Services, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "GONGZHI_ENV": "production",
        "GONGZHI_SECRET_KEY": "k3y-" + "x7Qp9Lm2Zr5Tn8Vb4Wc6Yd1" * 2,
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}",
    }
    env.pop("GONGZHI_AUDIT_SIGNING_KEY", None)
    code, out = await run_cli(services, "serve", "--port", "1", env=env)
    assert code == 2 and "GONGZHI_AUDIT_SIGNING_KEY" in out


async def test_a_demo_database_with_history_moves_to_the_log(
    services: Services, tmp_path: Path
) -> None:
    """A copy of a demo database written before the log (three streets, 42 hash-chained
    entries each): migrated, its entries become the first leaves of each street's tree, in
    their sequence order; verify accepts the old chain's fields and the tree, and an old entry
    rewritten with the old chain recomputed (the attack the old chain could not see) is caught
    against the first checkpoint."""
    database = tmp_path / "demo.sqlite3"
    with gzip.open(DATA / "demo-before-tlog.sqlite3.gz") as packed, database.open("wb") as out:
        shutil.copyfileobj(packed, out)
    key = notes.generate_signer("demo.example/audit")
    env = {
        **os.environ,
        "GONGZHI_DATABASE_URL": f"sqlite://{database}",
        "GONGZHI_ENV": "dev",
        "GONGZHI_AUDIT_SIGNING_KEY": key.text,
    }
    env.pop("GONGZHI_REDIS_URL", None)
    checker = {**env, "GONGZHI_AUDIT_PUBLIC_KEYS": key.verifier.text}
    checker.pop("GONGZHI_AUDIT_SIGNING_KEY")
    assert (await run_cli(services, "migrate", env=env))[0] == 0
    code, out = await run_cli(services, "audit", "verify", env=checker)
    assert code == 0, out
    assert "wulidun: intact (42 entries, 0 checkpoints)" in out
    code, out = await run_cli(services, "audit", "sequence", env=env)
    assert code == 0, out
    code, out = await run_cli(services, "audit", "verify", env=checker)
    assert code == 0 and "wulidun: intact (42 entries, 2 checkpoints)" in out, out  # + district
    code, printed = await run_cli(services, "audit", "checkpoint", "--street", "wulidun", env=env)
    checkpoint, _ = notes.open_checkpoint(printed, [key.verifier])
    assert checkpoint.size == 42 and checkpoint.origin == "gongzhi.example.cn/audit/wulidun"

    forge_entry(database, "wulidun", 7)
    code, out = await run_cli(services, "audit", "verify", "--street", "wulidun", env=checker)
    assert code == 1 and "wulidun: BROKEN at entry 7: differs from what the checkpoint" in out


def forge_entry(database: Path, street_code: str, sequence: int) -> None:
    """The old chain's blind spot, as a DBA would do it: rewrite an entry's change and digest,
    recompute every later hash with the project's own ``entry_hash``, move the head."""
    forged = {"forged": True}
    with sqlite3.connect(database) as db:
        (street_id,) = db.execute("SELECT id FROM street WHERE code = ?", (street_code,)).fetchone()
        db.execute(
            "UPDATE audit_entry SET change = ?, digest = ? WHERE tenant_id = ? AND sequence = ?",
            (json.dumps(forged), change_digest(forged), street_id, sequence),
        )
        rows = db.execute(
            "SELECT id, sequence, at, actor_id, action, subject, digest FROM audit_entry "
            "WHERE tenant_id = ? AND hash != '' ORDER BY sequence",
            (street_id,),
        ).fetchall()
        previous = GENESIS_HASH
        for row_id, seq, at, actor, action, subject, digest in rows:
            hashed = entry_hash(
                street_id=street_id,
                sequence=seq,
                at=datetime.fromisoformat(at),
                actor_id=actor,
                action=action,
                subject=subject,
                digest=digest,
                prev_hash=previous,
            )
            db.execute(
                "UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?",
                (previous, hashed, row_id),
            )
            previous = hashed
        db.execute("UPDATE audit_head SET hash = ? WHERE tenant_id = ?", (previous, street_id))
