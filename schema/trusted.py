"""Trusted documents (受信文档, persisted queries): run a known operation by its hash.

A request names a document in one of two ways instead of (or besides) sending its text:

* ``{"documentId": "sha256:<hex>", "variables": …}`` (the GraphQL-over-HTTP draft's appendix);
* ``{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}}`` (Apollo's
  automatic persisted queries, APQ: an unknown hash is answered ``PERSISTED_QUERY_NOT_FOUND``
  and the client sends the text with its hash once, which this process then keeps).

The known documents are ``schema/trusted-documents.json``, a manifest in Apollo's
``persisted-query-manifest`` format generated from ``clients/operations/`` (``npm run
trusted-documents`` in ``clients/``). With ``GONGZHI_TRUSTED_DOCUMENTS=require``, mini-program
and display clients (``X-Client-Kind: mini-program`` or ``display``, or an account whose role
in the street is ``DISPLAY``) may run only those; staff tools and GraphiQL send full documents.
A refused request is answered HTTP 400 with a GraphQL error and nothing is executed.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.i18n import translate
from core.settings import TrustedDocuments as Mode

MANIFEST_PATH = Path(__file__).resolve().parent / "trusted-documents.json"
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
DOCUMENT_ID_PREFIX = "sha256:"
# Client kinds that may run only trusted documents when the setting is `require`.
RESTRICTED_KINDS = frozenset({"mini-program", "miniprogram", "display"})
RESTRICTED_ROLES = frozenset({"DISPLAY"})
# Documents learned through APQ (text sent with its hash), kept per process.
LEARNED_MAX = 1000


class DocumentCode(StrEnum):
    """``extensions.code`` of a refused document (as Apollo's clients know them)."""

    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_REQUIRED = "PERSISTED_QUERY_REQUIRED"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"


class DocumentRefused(Exception):
    """The request's document is not run: answered HTTP 400, nothing executed."""

    def __init__(self, code: DocumentCode, message_key: str) -> None:
        self.code = code
        self.message_key = message_key
        super().__init__(code.value)

    def as_error(self, locale: str) -> dict[str, Any]:
        """The error as it appears in ``errors[]``."""
        # Apollo's link retries on the message "PersistedQueryNotFound" as well as on the code:
        # the catalogues' texts start with it.
        message = translate(self.message_key, locale)
        return {"message": message, "extensions": {"code": self.code.value}}


@dataclass(frozen=True)
class TrustedDocument:
    id: str  # sha256 of body, hex
    name: str
    type: str  # query | mutation | subscription
    body: str


def document_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def read_manifest(path: Path = MANIFEST_PATH) -> list[TrustedDocument]:
    """The manifest's operations; refuses a manifest whose ids are not its bodies' hashes."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != MANIFEST_FORMAT or data.get("version") != 1:
        raise ValueError(f"{path}: not an {MANIFEST_FORMAT} (version 1)")
    documents = []
    for entry in data["operations"]:
        document = TrustedDocument(entry["id"], entry["name"], entry["type"], entry["body"])
        if document_hash(document.body) != document.id:
            raise ValueError(f"{path}: the id of {document.name} is not the hash of its body")
        documents.append(document)
    return documents


class DocumentStore:
    """The trusted documents of this process and how a request's document is found."""

    def __init__(self, mode: Mode, documents: Iterable[TrustedDocument] = ()) -> None:
        self.mode = mode
        self.by_id: dict[str, TrustedDocument] = {d.id: d for d in documents}
        self._bodies = frozenset(d.body for d in self.by_id.values())
        self._learned: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def load(cls, mode: Mode, path: Path = MANIFEST_PATH) -> DocumentStore:
        return cls(mode, read_manifest(path))

    def expand(self, request: Any) -> None:
        """Fill in ``query`` of a request object (or of each in a batch) named by its
        ``documentId`` or APQ hash; check a hash sent with its text. Raises
        ``DocumentRefused``; leaves anything that is not a request object to the caller."""
        if isinstance(request, list):
            for item in request:
                self.expand(item)
            return
        if not isinstance(request, dict):
            return
        wanted = self._wanted_hash(request)
        if wanted is None:
            return
        if self.mode is Mode.OFF:
            raise DocumentRefused(
                DocumentCode.PERSISTED_QUERY_NOT_SUPPORTED, "document.not_supported"
            )
        query = request.get("query")
        if isinstance(query, str) and query:
            if document_hash(query) != wanted:
                raise DocumentRefused(
                    DocumentCode.PERSISTED_QUERY_HASH_MISMATCH, "document.hash_mismatch"
                )
            if wanted not in self.by_id:
                self._learn(wanted, query)
            return
        known = self.by_id.get(wanted)
        body = known.body if known else self._learned.get(wanted)
        if body is None:
            raise DocumentRefused(DocumentCode.PERSISTED_QUERY_NOT_FOUND, "document.not_found")
        if not known:
            self._learned.move_to_end(wanted)
        request["query"] = body

    def check(self, query: str | None, *, restricted: bool) -> None:
        """Refuse a document outside the manifest from a restricted client under ``require``."""
        if restricted and self.mode is Mode.REQUIRE and query not in self._bodies:
            raise DocumentRefused(DocumentCode.PERSISTED_QUERY_REQUIRED, "document.required")

    def must_check(self) -> bool:
        return self.mode is Mode.REQUIRE

    @staticmethod
    def _wanted_hash(request: Mapping[str, Any]) -> str | None:
        document_id = request.get("documentId")
        if document_id is not None:
            if not isinstance(document_id, str) or not document_id.startswith(DOCUMENT_ID_PREFIX):
                raise DocumentRefused(DocumentCode.PERSISTED_QUERY_NOT_FOUND, "document.not_found")
            return document_id[len(DOCUMENT_ID_PREFIX) :].lower()
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            return None
        sha = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(sha, str) or persisted.get("version") != 1:
            raise DocumentRefused(
                DocumentCode.PERSISTED_QUERY_NOT_SUPPORTED, "document.not_supported"
            )
        return sha.lower()

    def _learn(self, sha: str, query: str) -> None:
        self._learned[sha] = query
        self._learned.move_to_end(sha)
        while len(self._learned) > LEARNED_MAX:
            self._learned.popitem(last=False)


def is_restricted(client_kind: str | None, roles: Iterable[str]) -> bool:
    """A mini-program or display client: by what it says it is, or by its role."""
    if client_kind and client_kind.strip().lower() in RESTRICTED_KINDS:
        return True
    return not RESTRICTED_ROLES.isdisjoint(roles)
