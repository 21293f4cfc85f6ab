"""Merkle trees of a verifiable log, as RFC 9162 (Certificate Transparency 2.0) defines them.

A log of ``n`` entries is a binary Merkle tree over their leaf hashes (RFC 9162 §2.1.1):

* a leaf is ``SHA-256(0x00 || data)``, an interior node ``SHA-256(0x01 || left || right)``, the
  empty tree ``SHA-256("")``;
* the tree of ``n > 1`` leaves splits at ``k``, the largest power of two below ``n``.

Every hash a proof needs is the hash of a range of leaves that is either a *perfect* subtree
(``2**level`` leaves starting at a multiple of ``2**level``: a stored node) or the right edge
of the tree, folded from perfect subtrees. So a log stores its perfect nodes, ``(level,
index)``, and the proofs are computed in two steps: ``*_nodes`` says which stored nodes are
needed (``O(log n)`` of them, read at once), then ``inclusion_proof`` / ``consistency_proof``
fold them with the same hashing. ``verify_inclusion`` and ``verify_consistency`` are the RFC's
verification algorithms (§2.1.3.2, §2.1.4.2), for anyone holding a checkpoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]
"""A perfect subtree: ``(level, index)``, the ``2**level`` leaves from ``index * 2**level``."""


class ProofError(ValueError):
    """A proof that does not prove what it claims, or a request no proof can answer."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n > 1``)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees whose fold is the hash of leaves ``[start, end)``, left to right,
    for a range as RFC 9162's recursion makes them (``start`` aligned to a power of two at
    least ``end - start``): one per binary digit of its size, largest first."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its perfect subtrees (``range_nodes`` order)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def root_nodes(size: int) -> list[Node]:
    """The stored nodes the root of a tree of ``size`` leaves is folded from."""
    return range_nodes(0, size)


# -- which ranges a proof is made of (RFC 9162 §2.1.3.1 PATH, §2.1.4.1 SUBPROOF) ---------------


def _path(index: int, start: int, end: int, out: list[tuple[int, int]]) -> None:
    size = end - start
    if size <= 1:
        return
    k = _split(size)
    if index < k:
        _path(index, start, start + k, out)
        out.append((start + k, end))
    else:
        _path(index - k, start + k, end, out)
        out.append((start, start + k))


def _subproof(m: int, start: int, end: int, whole: bool, out: list[tuple[int, int]]) -> None:
    size = end - start
    if m == size:
        if not whole:
            out.append((start, end))
        return
    k = _split(size)
    if m <= k:
        _subproof(m, start, start + k, whole, out)
        out.append((start + k, end))
    else:
        _subproof(m - k, start + k, end, False, out)
        out.append((start, start + k))


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    out: list[tuple[int, int]] = []
    _path(index, 0, size, out)
    return out


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from {old} to {new}")
    out: list[tuple[int, int]] = []
    if 0 < old < new:
        _subproof(old, 0, new, True, out)
    return out


def nodes_of(ranges: Iterable[tuple[int, int]]) -> list[Node]:
    """Every stored node the ranges are folded from (each once)."""
    return list(dict.fromkeys(node for a, b in ranges for node in range_nodes(a, b)))


def hashes_of(ranges: Iterable[tuple[int, int]], stored: Mapping[Node, bytes]) -> list[bytes]:
    return [fold([stored[node] for node in range_nodes(a, b)]) for a, b in ranges]


def inclusion_proof(index: int, size: int, stored: Mapping[Node, bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` (``stored`` holding at least
    ``nodes_of(inclusion_ranges(index, size))``)."""
    return hashes_of(inclusion_ranges(index, size), stored)


def consistency_proof(old: int, new: int, stored: Mapping[Node, bytes]) -> list[bytes]:
    return hashes_of(consistency_ranges(old, new), stored)


# -- verifying (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    if len(leaf) != HASH_SIZE or any(len(h) != HASH_SIZE for h in proof):
        raise ProofError("a hash of the wrong length")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ``ProofError`` unless ``proof`` shows leaf ``index`` of the tree ``root``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError("the proof does not lead to the root")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ``ProofError`` unless the tree ``new_root`` (``new`` leaves) extends the tree
    ``old_root`` (``old`` leaves)."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from {old} to {new}")
    if any(len(h) != HASH_SIZE for h in proof):
        raise ProofError("a hash of the wrong length")
    if old == new:
        if proof:
            raise ProofError("a proof between equal trees must be empty")
        if old_root != new_root:
            raise ProofError("the two roots of one size differ")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node of the path
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    if fr != old_root:
        raise ProofError("the proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the proof does not lead to the new root")


# -- growing a tree -----------------------------------------------------------------------------


def frontier_nodes(size: int) -> list[Node]:
    """The stored nodes a tree of ``size`` needs to grow: its root's nodes."""
    return root_nodes(size)


def extend(
    size: int, frontier: Mapping[Node, bytes], leaves: Sequence[bytes]
) -> tuple[dict[Node, bytes], bytes]:
    """Append ``leaves`` (leaf hashes) to a tree of ``size`` whose ``frontier_nodes`` are
    given: every new perfect node, and the new root."""
    new: dict[Node, bytes] = {}
    known: dict[Node, bytes] = dict(frontier)
    end = size + len(leaves)
    for offset, leaf in enumerate(leaves):
        index = size + offset
        node = (0, index)
        new[node] = known[node] = leaf
        level = 0
        while index & 1:  # a right child completes its parent
            parent = (level + 1, index >> 1)
            new[parent] = known[parent] = node_hash(known[(level, index - 1)], known[node])
            level, index = parent
            node = parent
    root = fold([known[node] for node in root_nodes(end)])
    return new, root


class Compact:
    """A tree grown leaf by leaf in ``O(log n)`` memory (its compact range): for recomputing a
    root from the entries alone."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        self._stack.append(leaf)
        self.size += 1
        n = self.size
        while not n & 1:
            right = self._stack.pop()
            self._stack.append(node_hash(self._stack.pop(), right))
            n >>= 1

    def root(self) -> bytes:
        return fold(self._stack)


def subtree_hash(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH of ``leaves[start:end]`` (RFC 9162 §2.1.1), straight from its definition."""
    size = end - start
    if size == 0:
        return EMPTY_ROOT
    if size == 1:
        return leaves[start]
    k = _split(size)
    return node_hash(subtree_hash(leaves, start, start + k), subtree_hash(leaves, start + k, end))


def first_difference(
    size: int,
    root: bytes,
    claimed: Callable[[Node], bytes | None],
    recomputed: Callable[[int, int], bytes],
) -> tuple[int, int]:
    """Where leaves ``[0, size)`` stop matching a trusted ``root``. From the root down, a pair
    of children is trusted when it hashes to its trusted parent, each child taken as stored
    (``claimed``) or as ``recomputed`` from the leaves; the search goes into the left-most child
    whose recomputed hash is not the trusted one. Returns the smallest range ``[start, end)``
    found: one leaf while the stored nodes (or the recomputed ones) on the way are intact."""
    start, end, trusted = 0, size, root
    while end - start > 1:
        k = _split(end - start)
        left_r, right_r = recomputed(start, start + k), recomputed(start + k, end)
        lefts = [left_r, _range_claim(start, start + k, claimed)]
        rights = [right_r, _range_claim(start + k, end, claimed)]
        pair = next(
            (
                (left, right)
                for left in lefts
                if left is not None
                for right in rights
                if right is not None and node_hash(left, right) == trusted
            ),
            None,
        )
        if pair is None:
            return start, end  # neither the leaves nor the stored tree tell more
        left, right = pair
        if left != left_r:
            end, trusted = start + k, left
        else:
            start, trusted = start + k, right
    return start, end


def _range_claim(start: int, end: int, claimed: Callable[[Node], bytes | None]) -> bytes | None:
    hashes = []
    for node in range_nodes(start, end):
        found = claimed(node)
        if found is None:
            return None
        hashes.append(found)
    return fold(hashes)
