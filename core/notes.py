"""Signed notes and checkpoints, in the C2SP formats transparency logs share.

* A *signed note* (c2sp.org/signed-note, as Go's ``golang.org/x/mod/sumdb/note``): UTF-8 text
  ending in a newline, a blank line, then one line per signature ``— <key name>
  <base64(key ID || signature)>``. A key ID is the first four bytes of ``SHA-256(name || "\\n"
  || 0x01 || public key)`` for an Ed25519 key (algorithm byte 0x01). Keys are written as Go
  writes them: ``<name>+<key ID hex>+<base64(0x01 || public key)>`` for a verifier, and
  ``PRIVATE+KEY+<name>+<key ID hex>+<base64(0x01 || seed)>`` for a signer.
* A *checkpoint* (c2sp.org/tlog-checkpoint) is a note whose text is the log's origin line, its
  size in decimal and its root hash in base64, one per line, then optional extension lines.

Existing tooling (Go's ``note`` package, ``sigsum``, witnesses) reads what this writes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # an em dash and a space
_PRIVATE = "PRIVATE+KEY+"


class NoteError(ValueError):
    """A note, key or checkpoint that cannot be read, or whose signature does not hold."""


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("not base64") from exc


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"a key name must be non-empty, without spaces or '+': {name!r}")
    return name


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4]


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key that can check a note's signature."""

    name: str
    key_id: bytes
    key: Ed25519PublicKey

    @property
    def text(self) -> str:
        raw = base64.b64encode(bytes([ED25519]) + _raw_public(self.key)).decode()
        return f"{self.name}+{self.key_id.hex()}+{raw}"

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes."""

    name: str
    key_id: bytes
    key: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.key.public_key())

    @property
    def text(self) -> str:
        seed = self.key.private_bytes_raw()
        raw = base64.b64encode(bytes([ED25519]) + seed).decode()
        return f"{_PRIVATE}{self.name}+{self.key_id.hex()}+{raw}"

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end in a newline)."""
        check_text(text)
        signature = self.key.sign(text.encode())
        line = base64.b64encode(self.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {line}\n"


def generate_signer(name: str) -> Signer:
    key = Ed25519PrivateKey.generate()
    return Signer(_check_name(name), key_id(name, _raw_public(key.public_key())), key)


def signer_from_seed(name: str, seed: bytes) -> Signer:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    return Signer(_check_name(name), key_id(name, _raw_public(key.public_key())), key)


def _split_key(text: str, parts: int) -> list[str]:
    fields = text.strip().split("+", parts - 1)
    if len(fields) != parts:
        raise NoteError("a key has the form name+keyid+base64")
    return fields


def _key_material(name: str, hex_id: str, encoded: str, size: int) -> tuple[bytes, bytes]:
    _check_name(name)
    try:
        wanted = bytes.fromhex(hex_id)
    except ValueError as exc:
        raise NoteError("a key ID is 8 hex digits") from exc
    raw = _b64decode(encoded)
    if len(wanted) != 4 or len(raw) != size + 1 or raw[0] != ED25519:
        raise NoteError("not an Ed25519 key")
    return wanted, raw[1:]


def parse_signer(text: str) -> Signer:
    if not text.strip().startswith(_PRIVATE):
        raise NoteError("a signing key starts with PRIVATE+KEY+")
    name, hex_id, encoded = _split_key(text.strip()[len(_PRIVATE) :], 3)
    wanted, seed = _key_material(name, hex_id, encoded, 32)
    signer = signer_from_seed(name, seed)
    if signer.key_id != wanted:
        raise NoteError("the key ID does not match the key")
    return signer


def parse_verifier(text: str) -> Verifier:
    name, hex_id, encoded = _split_key(text, 3)
    wanted, public = _key_material(name, hex_id, encoded, 32)
    if key_id(name, public) != wanted:
        raise NoteError("the key ID does not match the key")
    return Verifier(name, wanted, Ed25519PublicKey.from_public_bytes(public))


def check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note's text holds a control character")


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """A note's text and its signatures, unchecked."""
    text, sep, block = note.rpartition("\n\n")
    if not sep:
        raise NoteError("a signed note has a blank line before its signatures")
    text += "\n"
    check_text(text)
    signatures = []
    if not block.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    for line in block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(encoded)
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append(Signature(_check_name(name), raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("a signed note has at least one signature")
    return text, signatures


def open_note(note: str, verifiers: Iterable[Verifier]) -> tuple[str, Verifier]:
    """The note's text and the known key that signed it. ``NoteError`` names why when no
    known key did: a signature of a known key that does not hold, or only unknown keys."""
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verifies(text.encode(), signature.signature):
            raise NoteError(f"bad signature by key {verifier.name}+{verifier.key_id.hex()}")
        return text, verifier
    seen = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in signatures)
    raise NoteError(f"signed by no known key (signed by {seen})")


@dataclass(frozen=True)
class Checkpoint:
    """A log's size and root hash, with its origin (which log)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not lines[0]:
            raise NoteError("a checkpoint has an origin, a size and a root hash")
        origin, size, root = lines[:3]
        if not size.isdigit() or (size.startswith("0") and size != "0"):
            raise NoteError("a checkpoint's size is a decimal number")
        decoded = _b64decode(root)
        if len(decoded) != 32:
            raise NoteError("a checkpoint's root hash is 32 bytes")
        return cls(origin, int(size), decoded, tuple(lines[3:]))


def open_checkpoint(note: str, verifiers: Sequence[Verifier]) -> tuple[Checkpoint, Verifier]:
    text, verifier = open_note(note, verifiers)
    return Checkpoint.parse(text), verifier
