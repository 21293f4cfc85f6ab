"""The audit log: every change appends an entry, the sequencer makes it a leaf of the street's
Merkle tree, checkpoints are signed, and `gongzhi audit verify` finds a rewritten history —
even one with every hash the database holds recomputed — against any earlier checkpoint."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

from core import notes, tlog
from core.ids import to_global_id
from models.accounts import Role
from models.audit import (
    AuditCheckpoint,
    AuditEntry,
    AuditNode,
    AuditTree,
    DistrictCheckpoint,
    change_digest,
    entry_leaf,
)
from resolvers.audit.sequencer import audit_keys
from resolvers.audit.settings import AuditSettings
from resolvers.events import changing
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.audit.support import run_cli, run_verify, sequence_now
from tests.support import Api, StreetFixture, add_member, error_codes, make_street

TRAIL = """
query($subject: ID!) {
  auditTrail(subject: $subject) {
    totalCount
    edges { node { id status sequence action subject change digest leaf prevHash hash
                   actor { username } } }
  }
}
"""
PROOF = """
query($entry: ID!, $size: Int) {
  auditInclusionProof(entry: $entry, treeSize: $size) {
    __typename
    ... on AuditInclusionProof { leafIndex treeSize leafHash hashes
                                 entry { sequence leaf } checkpoint { size rootHash note } }
    ... on AuditProofPending { sequenced entry { status } }
  }
}
"""
CONSISTENCY = """
query($from: Int!, $to: Int!) {
  auditConsistencyProof(from: $from, to: $to) {
    fromSize toSize fromRoot toRoot hashes toCheckpoint { note }
  }
}
"""
CHECKPOINT = """
query($street: String!) {
  auditCheckpoint(street: $street) {
    streetCode origin verifierKeys checkpoint { size rootHash keyId note }
  }
}
"""
CREATE_COMMUNITY = """
mutation($code: String!) {
  createCommunity(input: {code: $code, name: "社区"}) {
    __typename ... on CreateCommunitySuccess { community { id } }
  }
}
"""
GRANT = """
mutation($account: ID!) {
  grantRole(input: {accountId: $account, role: GRID_WORKER}) {
    __typename ... on GrantRoleSuccess { membership { id } }
  }
}
"""
REVOKE = """
mutation($m: ID!) { revokeRole(input: {membershipId: $m}) { __typename } }
"""
RENAME = """mutation($name: String!) { updateStreet(input: {name: $name}) { __typename } }"""


async def street_with_history(api: Api, services: Services) -> tuple[StreetFixture, str]:
    """A street with five entries, a checkpoint signed at 3 and another at 5."""
    street = await make_street(services)
    token = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(CREATE_COMMUNITY, {"code": "a1"}, token=token)
    community = body["data"]["createCommunity"]["community"]["id"]
    member = await add_member(services, street.street_id, Role.RESIDENT)
    body = await api.gql(GRANT, {"account": to_global_id("Account", member.id)}, token=token)
    membership = body["data"]["grantRole"]["membership"]["id"]
    await sequence_now(services)
    body = await api.gql(REVOKE, {"m": membership}, token=token)
    assert body["data"]["revokeRole"]["__typename"] == "RevokeRoleSuccess"
    body = await api.gql(RENAME, {"name": "新名字"}, token=token)
    assert body["data"]["updateStreet"]["__typename"] == "UpdateStreetSuccess"
    await sequence_now(services)
    return street, community


async def held_checkpoint(services: Services, street_id: int, path: Path) -> Path:
    """What a witness keeps: the street's latest signed checkpoint, in a file."""
    with street_scope(street_id, writable=False):
        latest = await AuditCheckpoint.all().order_by("-size").first()
    assert latest is not None
    return keep(path, latest.note)


def keep(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


async def rewrite_the_tree(street_id: int) -> None:
    """What someone with the database (and this code, but not the key) can do: recompute the
    tree from the entries as they now are, and drop every stored checkpoint."""
    with street_scope(street_id):
        entries = await AuditEntry.filter(sequence__not_isnull=True).order_by("sequence")
        await AuditNode.all().delete()
        await AuditCheckpoint.all().delete()
        nodes, root = tlog.extend(0, {}, [entry_leaf(e) for e in entries])
        await AuditNode.bulk_create(
            [
                AuditNode(tenant_id=street_id, level=lv, position=p, hash=h.hex())
                for (lv, p), h in nodes.items()
            ]
        )
        await AuditTree.filter(tenant_id=street_id).update(
            size=len(entries), root=root.hex(), checkpoint_size=len(entries)
        )
    with unscoped("tampering with the district's log too"):
        await DistrictCheckpoint.filter(street_id=street_id).delete()


async def edit(street_id: int, sequence: int, **values: object) -> None:
    with street_scope(street_id):
        await AuditEntry.filter(sequence=sequence).update(**values)


async def test_each_change_appends_to_the_trail_of_its_record(api: Api, services: Services) -> None:
    street, community = await street_with_history(api, services)
    token = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(TRAIL, {"subject": community}, token=token)
    trail = body["data"]["auditTrail"]
    assert trail["totalCount"] == 1
    entry = trail["edges"][0]["node"]
    assert entry["action"] == "community.created"
    assert entry["change"] == {"code": "a1", "name": "社区"}
    assert entry["actor"] == {"username": street.admin_username}
    assert (entry["status"], entry["sequence"]) == ("SEQUENCED", 2)
    assert (entry["prevHash"], entry["hash"]) == ("", "")  # the old chain's fields
    with unscoped("test check"):
        entries = await AuditEntry.filter(tenant_id=street.street_id).order_by("sequence")
    assert [e.action for e in entries] == [
        "street.created",
        "community.created",
        "role.granted",
        "role.revoked",
        "street.renamed",
    ]
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]


async def test_the_trail_is_for_those_allowed(api: Api, services: Services) -> None:
    street = await make_street(services)
    subject = to_global_id("Street", street.street_id)
    for role in (Role.RESIDENT, Role.DISPLAY, Role.GRID_CHIEF):
        user = await add_member(services, street.street_id, role)
        body = await api.as_user(user.username, TRAIL, {"subject": subject})
        assert error_codes(body) == ["FORBIDDEN"], role
        body = await api.as_user(user.username, CONSISTENCY, {"from": 0, "to": 1})
        assert error_codes(body) == ["FORBIDDEN"], role
    leader = await add_member(services, street.street_id, Role.STREET_LEADER)
    body = await api.as_user(leader.username, TRAIL, {"subject": subject})
    assert body["data"]["auditTrail"]["edges"][0]["node"]["action"] == "street.created"


async def test_an_inclusion_proof_leads_to_the_signed_root(api: Api, services: Services) -> None:
    street, community = await street_with_history(api, services)
    token = await api.login(street.admin_username, street.admin_password)
    trail = (await api.gql(TRAIL, {"subject": community}, token=token))["data"]["auditTrail"]
    entry_id = trail["edges"][0]["node"]["id"]
    body = await api.gql(PROOF, {"entry": entry_id}, token=token)
    proof = body["data"]["auditInclusionProof"]
    assert proof["__typename"] == "AuditInclusionProof"
    assert (proof["leafIndex"], proof["treeSize"]) == (1, 5)
    checkpoint, _ = notes.open_checkpoint(
        proof["checkpoint"]["note"], audit_keys(services).verifiers
    )
    assert checkpoint.origin.endswith(f"/audit/{street.code}") and checkpoint.size == 5
    leaf = tlog.leaf_hash(proof["entry"]["leaf"].encode())
    assert base64.b64encode(leaf).decode() == proof["leafHash"]
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    tlog.verify_inclusion(1, 5, leaf, hashes, checkpoint.root)
    # against the earlier checkpoint, of 3 entries
    body = await api.gql(PROOF, {"entry": entry_id, "size": 3}, token=token)
    earlier = body["data"]["auditInclusionProof"]
    old, _ = notes.open_checkpoint(earlier["checkpoint"]["note"], audit_keys(services).verifiers)
    tlog.verify_inclusion(1, 3, leaf, [base64.b64decode(h) for h in earlier["hashes"]], old.root)
    # and the tree of 5 extends the tree of 3
    body = await api.gql(CONSISTENCY, {"from": 3, "to": 5}, token=token)
    consistency = body["data"]["auditConsistencyProof"]
    tlog.verify_consistency(
        3, 5, old.root, checkpoint.root, [base64.b64decode(h) for h in consistency["hashes"]]
    )


async def test_a_proof_before_a_checkpoint_includes_the_entry_is_pending(
    api: Api, services: Services
) -> None:
    street, _ = await street_with_history(api, services)
    token = await api.login(street.admin_username, street.admin_password)
    await api.gql(RENAME, {"name": "又一个名字"}, token=token)
    trail = await api.gql(TRAIL, {"subject": to_global_id("Street", street.street_id)}, token=token)
    last = trail["data"]["auditTrail"]["edges"][-1]["node"]
    body = await api.gql(PROOF, {"entry": last["id"]}, token=token)
    # not in a signed checkpoint yet (the clock is frozen: no second has passed)
    assert body["data"]["auditInclusionProof"]["__typename"] == "AuditProofPending"
    await sequence_now(services)
    body = await api.gql(PROOF, {"entry": last["id"]}, token=token)
    assert body["data"]["auditInclusionProof"]["__typename"] == "AuditInclusionProof"


async def test_bad_proof_requests_are_refused(api: Api, services: Services) -> None:
    street, community = await street_with_history(api, services)
    token = await api.login(street.admin_username, street.admin_password)
    for variables in ({"from": 5, "to": 3}, {"from": 2, "to": 99}, {"from": -1, "to": 2}):
        body = await api.gql(CONSISTENCY, variables, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"], variables
        assert body["data"] is None
    trail = (await api.gql(TRAIL, {"subject": community}, token=token))["data"]["auditTrail"]
    entry_id = trail["edges"][0]["node"]["id"]
    for size in (4, 1):  # no checkpoint of 4 was signed; a tree of 1 cannot hold entry 2
        body = await api.gql(PROOF, {"entry": entry_id, "size": size}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"], size
    other = await make_street(services)
    with unscoped("test check"):
        foreign = await AuditEntry.filter(tenant_id=other.street_id).first()
    assert foreign is not None
    body = await api.gql(PROOF, {"entry": to_global_id("AuditEntry", foreign.id)}, token=token)
    assert error_codes(body) == ["NOT_FOUND"]


async def test_anyone_may_read_a_streets_checkpoint(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    body = await api.gql(CHECKPOINT, {"street": street.code})
    found = body["data"]["auditCheckpoint"]
    verifiers = [notes.parse_verifier(v) for v in found["verifierKeys"]]
    checkpoint, _ = notes.open_checkpoint(found["checkpoint"]["note"], verifiers)
    assert checkpoint.origin == found["origin"] and checkpoint.size == 5
    assert error_codes(await api.gql(CHECKPOINT, {"street": "nowhere"})) == ["NOT_FOUND"]
    code, out = await run_cli(services, "audit", "checkpoint", "--street", street.code)
    assert code == 0 and out == found["checkpoint"]["note"]


async def test_verify_passes_on_an_intact_log(api: Api, services: Services, tmp_path: Path) -> None:
    street, _ = await street_with_history(api, services)
    held = await held_checkpoint(services, street.street_id, tmp_path / "held.checkpoint")
    code, out = await run_verify(services, street.code, held)
    assert code == 0, out
    assert f"{street.code}: intact (5 entries, " in out


async def test_verify_finds_an_edited_entry(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    await edit(street.street_id, 2, change={"code": "a1", "name": "改过的名字"})
    code, out = await run_verify(services, street.code)
    assert code == 1
    assert f"{street.code}: BROKEN at entry 2" in out


async def test_verify_finds_an_entry_edited_with_its_digest(api: Api, services: Services) -> None:
    """The attack of the issue: the change and its digest rewritten (entries of the log have no
    chain hash left to recompute). The stored checkpoints no longer match, and the search down
    the signed tree names the entry."""
    street, _ = await street_with_history(api, services)
    forged = {"code": "a1", "name": "改过的名字"}
    await edit(street.street_id, 2, change=forged, digest=change_digest(forged))
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 2: differs from what the checkpoint" in out


async def test_verify_finds_an_edited_time_or_actor(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    await edit(street.street_id, 3, actor_id=None)
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 3" in out


async def test_a_rewritten_tree_is_caught_against_an_earlier_checkpoint(
    api: Api, services: Services, tmp_path: Path
) -> None:
    """Everything the database holds recomputed (entry, tree, stored checkpoints, the
    district's log): the database alone cannot tell, a checkpoint held elsewhere can."""
    street, _ = await street_with_history(api, services)
    held = await held_checkpoint(services, street.street_id, tmp_path / "held.checkpoint")
    forged = {"code": "a1", "name": "改过的名字"}
    await edit(street.street_id, 2, change=forged, digest=change_digest(forged))
    await rewrite_the_tree(street.street_id)
    code, out = await run_verify(services, street.code)
    assert code == 0, out  # nothing left in the database to compare with
    code, out = await run_verify(services, street.code, held)
    assert code == 1 and f"{street.code}: BROKEN at entry 1: entries 1..5 do not match" in out


async def test_verify_finds_a_deleted_entry(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with street_scope(street.street_id):
        await AuditEntry.filter(sequence=3).delete()
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 3: entry is missing" in out


async def test_verify_finds_the_last_entry_deleted(
    api: Api, services: Services, tmp_path: Path
) -> None:
    street, _ = await street_with_history(api, services)
    held = await held_checkpoint(services, street.street_id, tmp_path / "held.checkpoint")
    with street_scope(street.street_id):
        await AuditEntry.filter(sequence=5).delete()
    await rewrite_the_tree(street.street_id)
    code, out = await run_verify(services, street.code, held)
    assert code == 1 and "BROKEN at entry 5: entry is missing" in out


async def test_verify_finds_reordered_entries(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with street_scope(street.street_id):
        rows = AuditEntry.all()
        await rows.filter(sequence=2).update(sequence=-2)
        await rows.filter(sequence=3).update(sequence=2)
        await rows.filter(sequence=-2).update(sequence=3)
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 2" in out


async def test_a_truncated_and_regrown_log_is_caught(
    api: Api, services: Services, tmp_path: Path
) -> None:
    """The last two entries removed, the tree cut back to its checkpoint of 3, then the log
    grows again to 5 entries: the checkpoint of 5 held elsewhere no longer matches."""
    street, _ = await street_with_history(api, services)
    held = await held_checkpoint(services, street.street_id, tmp_path / "held.checkpoint")
    at_three = await note_of_size(street.street_id, 3)
    with street_scope(street.street_id):
        await AuditEntry.filter(sequence__gt=3).delete()
        await AuditCheckpoint.filter(size__gt=3).delete()
        await AuditNode.filter(position__gte=0).delete()
    with unscoped("tampering with the district's log too"):
        await DistrictCheckpoint.filter(street_id=street.street_id, size__gt=3).delete()
    await rewrite_the_tree(street.street_id)
    token = await api.login(street.admin_username, street.admin_password)
    for name in ("甲", "乙"):
        await api.gql(RENAME, {"name": name}, token=token)
    code, out = await run_verify(services, street.code)
    assert code == 0, out
    code, out = await run_verify(services, street.code, held)
    assert code == 1 and f"{street.code}: BROKEN at entry 1" in out
    # a witness that kept every checkpoint narrows it down to after the last one that matches
    folder = tmp_path / "witness" / street.code
    folder.mkdir(parents=True)
    (folder / "000000000003.checkpoint").write_text(at_three)
    (folder / "000000000005.checkpoint").write_text(held.read_text())
    env_dir = tmp_path / "witness"
    from tests.audit.support import checker_env

    env = {**checker_env(services), "GONGZHI_AUDIT_WITNESS_DIR": str(env_dir)}
    code, out = await run_cli(services, "audit", "verify", "--street", street.code, env=env)
    assert code == 1 and f"{street.code}: BROKEN at entry 4: entries 4..5" in out


async def note_of_size(street_id: int, size: int) -> str:
    with street_scope(street_id, writable=False):
        row = await AuditCheckpoint.get(size=size)
    return row.note


async def test_verify_refuses_checkpoints_it_cannot_use(
    api: Api, services: Services, tmp_path: Path
) -> None:
    street, _ = await street_with_history(api, services)
    other, _ = await street_with_history(api, services)
    held = (await held_checkpoint(services, street.street_id, tmp_path / "a")).read_text()
    stranger = notes.generate_signer("someone-else")
    text, _ = notes.split_note(held)
    bad = {
        "bad signature": held.replace(text.splitlines()[2], base64.b64encode(b"x" * 32).decode()),
        "no known key": stranger.sign(text),
        "not base64": held.replace("— ", "— x ", 1),
    }
    for reason, note in bad.items():
        path = tmp_path / "bad.checkpoint"
        path.write_text(note)
        code, out = await run_verify(services, street.code, path, sequence=False)
        assert code == 2 and "error:" in out, (reason, out)
    foreign = await held_checkpoint(services, other.street_id, tmp_path / "other")
    code, out = await run_verify(services, street.code, foreign, sequence=False)
    assert code == 2 and "is not street" in out


async def test_stored_checkpoints_are_witnessed_outside_the_database(
    services: Services, tmp_path: Path
) -> None:
    settings = services.settings.section(AuditSettings)
    settings.audit_witness_dir = tmp_path
    try:
        street = await make_street(services)
        await sequence_now(services)
    finally:
        settings.audit_witness_dir = None
    kept = (tmp_path / street.code / "latest").read_text()
    checkpoint, _ = notes.open_checkpoint(kept, audit_keys(services).verifiers)
    assert checkpoint.size == 1
    with unscoped("the district's log"):
        posted = await DistrictCheckpoint.filter(street_id=street.street_id).values_list(
            "note", flat=True
        )
    assert list(posted) == [kept]


async def test_concurrent_changes_take_distinct_sequences(services: Services) -> None:
    street = await make_street(services)

    async def one(n: int) -> None:
        with street_scope(street.street_id):
            async with changing(services, None) as change:
                await change.audit("test.parallel", to_global_id("Community", n), {"n": n})

    await asyncio.gather(*(one(n) for n in range(20)))
    await sequence_now(services)
    with unscoped("test check"):
        sequences = await AuditEntry.filter(tenant_id=street.street_id).values_list(
            "sequence", flat=True
        )
        tree = await AuditTree.get(tenant_id=street.street_id)
    assert sorted(sequences) == list(range(1, 22))
    assert tree.size == 21
    code, out = await run_verify(services, street.code)
    assert code == 0, out
