"""The Merkle tree (RFC 9162) and signed notes (C2SP) against published test vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import notes, tlog

VECTORS = json.loads((Path(__file__).parent / "data" / "rfc9162_vectors.json").read_text())
LEAVES = [tlog.leaf_hash(bytes.fromhex(d)) for d in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(r) for r in VECTORS["roots"]]


def h(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def stored_nodes(leaves: list[bytes]) -> dict[tlog.Node, bytes]:
    nodes, _ = tlog.extend(0, {}, leaves)
    return nodes


def test_hashes() -> None:
    assert tlog.EMPTY_ROOT.hex() == VECTORS["empty_root"]
    for case in VECTORS["leaf_hashes"]:
        assert tlog.leaf_hash(bytes.fromhex(case["data"])).hex() == case["hash"]
    node = VECTORS["node_hash"]
    assert (
        tlog.node_hash(bytes.fromhex(node["left"]), bytes.fromhex(node["right"])).hex()
        == (node["hash"])
    )


def test_roots_of_every_prefix_grown_one_batch_at_a_time() -> None:
    for size in range(1, 9):
        assert tlog.subtree_hash(LEAVES, 0, size) == ROOTS[size - 1]
        compact = tlog.Compact()
        for leaf in LEAVES[:size]:
            compact.append(leaf)
        assert compact.root() == ROOTS[size - 1]
    # grown in uneven batches, from the frontier alone
    stored: dict[tlog.Node, bytes] = {}
    size = 0
    for batch in ([0], [1, 2], [3], [4, 5, 6], [7]):
        frontier = {n: stored[n] for n in tlog.frontier_nodes(size)}
        new, root = tlog.extend(size, frontier, [LEAVES[i] for i in batch])
        stored.update(new)
        size += len(batch)
        assert root == ROOTS[size - 1]


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"{c['leaf']}-{c['size']}")
def test_inclusion_vectors(case: dict) -> None:
    index, size, proof = case["leaf"] - 1, case["size"], h(case["proof"])
    stored = stored_nodes(LEAVES[:size])
    assert tlog.inclusion_proof(index, size, stored) == proof
    tlog.verify_inclusion(index, size, LEAVES[index], proof, ROOTS[size - 1])
    wrong = [
        (index + 1, size, LEAVES[index], proof),
        (index, size * 2, LEAVES[index], proof),
        (index, size, tlog.leaf_hash(b"other"), proof),
        (index, size, LEAVES[index], [*proof, ROOTS[size - 1]]),
        (index, size, LEAVES[index], [ROOTS[size - 1], *proof]),
        (index, size, LEAVES[index], proof[:-1]),
    ]
    if proof:
        flipped = [bytes([proof[0][0] ^ 8]) + proof[0][1:], *proof[1:]]
        wrong.append((index, size, LEAVES[index], flipped))
    for i, s, leaf, p in wrong:
        if not p and i == index and s == size and leaf == LEAVES[index]:
            continue  # a one-leaf tree's proof is empty: "removed component" is the same proof
        with pytest.raises(tlog.ProofError):
            tlog.verify_inclusion(i, s, leaf, p, ROOTS[size - 1])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_consistency_vectors(case: dict) -> None:
    old, new, proof = case["size1"], case["size2"], h(case["proof"])
    stored = stored_nodes(LEAVES[:new])
    assert tlog.consistency_proof(old, new, stored) == proof
    tlog.verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)
    if not proof:
        return
    for o, n, r1, r2, p in [
        (old - 1, new, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old, new * 2, ROOTS[old - 1], ROOTS[new - 1], proof),
        (old, new, ROOTS[new - 1], ROOTS[old - 1], proof),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], []),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], proof[:-1]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [*proof, ROOTS[new - 1]]),
        (old, new, ROOTS[old - 1], ROOTS[new - 1], [proof[0], *proof]),
    ]:
        with pytest.raises(tlog.ProofError):
            tlog.verify_consistency(o, n, r1, r2, p)


def test_every_proof_of_a_larger_tree_verifies() -> None:
    leaves = [tlog.leaf_hash(str(i).encode()) for i in range(37)]
    stored = stored_nodes(leaves)
    for size in range(1, 38):
        root = tlog.subtree_hash(leaves, 0, size)
        for index in range(size):
            proof = tlog.inclusion_proof(index, size, stored)
            tlog.verify_inclusion(index, size, leaves[index], proof, root)
        for old in range(0, size + 1):
            proof = tlog.consistency_proof(old, size, stored)
            tlog.verify_consistency(old, size, tlog.subtree_hash(leaves, 0, old), root, proof)


def test_proof_requests_out_of_range() -> None:
    with pytest.raises(tlog.ProofError):
        tlog.inclusion_ranges(5, 5)
    with pytest.raises(tlog.ProofError):
        tlog.consistency_ranges(6, 5)
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(1, 0, ROOTS[0], ROOTS[0], [])


def test_first_difference_names_the_changed_leaf() -> None:
    leaves = [tlog.leaf_hash(str(i).encode()) for i in range(21)]
    stored = stored_nodes(leaves)
    root = tlog.subtree_hash(leaves, 0, 21)
    for changed in (0, 7, 13, 20):
        edited = list(leaves)
        edited[changed] = tlog.leaf_hash(b"edited")
        where = tlog.first_difference(
            21, root, stored.get, lambda a, b, e=edited: tlog.subtree_hash(e, a, b)
        )
        assert where == (changed, changed + 1)


# -- signed notes -------------------------------------------------------------------------------

NOTE = VECTORS["signed_note"]


def test_signed_note_reference_example() -> None:
    signer = notes.parse_signer(NOTE["signer"])
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier.text == NOTE["verifier"]
    assert signer.text == NOTE["signer"]
    assert signer.sign(NOTE["text"]) == NOTE["note"]  # Ed25519 is deterministic
    text, by = notes.open_note(NOTE["note"], [notes.parse_verifier(NOTE["verifier"])])
    assert text == NOTE["text"] and by.name == "PeterNeumann"


def test_a_signed_note_that_does_not_hold() -> None:
    verifier = notes.parse_verifier(NOTE["verifier"])
    tampered = NOTE["note"].replace("cryptography", "cryptographs")
    with pytest.raises(notes.NoteError, match="bad signature"):
        notes.open_note(tampered, [verifier])
    other = notes.generate_signer("another")
    with pytest.raises(notes.NoteError, match="no known key"):
        notes.open_note(NOTE["note"], [other.verifier])
    for bad in ("", "text\n", NOTE["text"] + "\n— x\n", NOTE["note"].rstrip("\n")):
        with pytest.raises(notes.NoteError):
            notes.open_note(bad, [verifier])
    for bad_key in ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "x+y"):
        with pytest.raises(notes.NoteError):
            notes.parse_verifier(bad_key)


def test_checkpoint_text() -> None:
    signer = notes.generate_signer("gongzhi.example.cn/audit")
    checkpoint = notes.Checkpoint("gongzhi.example.cn/audit/wulidun", 8, ROOTS[7])
    assert checkpoint.text == (
        "gongzhi.example.cn/audit/wulidun\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    )
    opened, _ = notes.open_checkpoint(signer.sign(checkpoint.text), [signer.verifier])
    assert opened == checkpoint
    for bad in ("origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "origin\n8\nAAAA\n"):
        with pytest.raises(notes.NoteError):
            notes.Checkpoint.parse(bad)
