"""Similar-case search (相似案例检索): CJK character bigrams and single characters, BM25.

Chinese has no spaces, so a text becomes search terms: each run of CJK characters gives its
single characters and its bigrams (电梯故障 → 电 梯 故 障 电梯 梯故 故障), each run of Latin
letters or digits one lower-case word. Each term is written as ASCII (``u7535``, ``b7535x68af``,
``w2020``) prefixed with the street (``s12…``), so that both databases' tokenizers read it as
one token whatever their locale, and so that a term of one street never matches another's.

The terms are stored in ``LibraryCase.search`` (space separated); a query asks for its bigrams
(its single characters only when it has no bigram), ranked with BM25
(k1 = 1.2, b = 0.75, as SQLite FTS5's ``bm25()``): on SQLite by FTS5 itself (the
``library_search`` table, its rowid the case's ID), on PostgreSQL by the same formula over the
rows a GIN index on ``to_tsvector('simple', search)`` finds. The document count and average
length are the whole library's, as FTS5 keeps them; a term's document frequency is the
street's own (terms are street-prefixed). So both give the same ranking, within rounding.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from tortoise import connections

from models.sql import Statement

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z0-9]+")
K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 200


def terms(text: str) -> list[str]:
    """The search terms of a text, in order (repeats kept: they are term frequencies)."""
    found: list[str] = []
    for run in _CJK.findall(text):
        codes = [f"{ord(ch):x}" for ch in run]
        found.extend(f"u{c}" for c in codes)
        found.extend(f"b{a}x{b}" for a, b in itertools.pairwise(codes))
    found.extend(f"w{word.lower()}" for word in _WORD.findall(_CJK.sub(" ", text)))
    return found


def tokens(street_id: int, text: str) -> list[str]:
    return [f"s{street_id}{term}" for term in terms(text)]


def query_tokens(street_id: int, text: str) -> list[str]:
    """The distinct tokens of a query, in first-seen order: its bigrams and words when it has
    a bigram (a single character matches too much of a large library to rank by, and costs
    both databases a pass over most of it), its single characters only when it has none."""
    found = list(dict.fromkeys(terms(text)))
    if any(term.startswith("b") for term in found):
        found = [term for term in found if not term.startswith("u")]
    return [f"s{street_id}{term}" for term in found[:MAX_QUERY_TERMS]]


@dataclass(frozen=True)
class Hit:
    case_id: int
    score: float  # higher is closer


_INDEX_SQLITE = Statement(
    'INSERT INTO "library_search" ("rowid", "search", "tenant_id") VALUES (:case, :search, :street)'
)
_SEARCH_POSTGRES = Statement(
    """
    WITH "hits" AS (
        SELECT c."id", c."search_length" AS "dl", u.lexeme AS "term",
               array_length(u.positions, 1) AS "tf"
        FROM "library_case" c, unnest(to_tsvector('simple', c."search")) AS u
        WHERE c."tenant_id" = :street AND c."status" = 'PUBLISHED'
          AND to_tsvector('simple', c."search") @@ to_tsquery('simple', :tsquery)
          AND u.lexeme IN (:terms)
    ), "df" AS (SELECT "term", count(*) AS "n" FROM "hits" GROUP BY "term")
    SELECT h."id" AS "case_id",
           sum(greatest(ln((CAST(:docs AS float8) - d."n" + 0.5) / (d."n" + 0.5)), 0.000001)
               * h."tf" * (CAST(:k1 AS float8) + 1)
               / (h."tf" + CAST(:k1 AS float8) * (1 - CAST(:b AS float8)
                  + CAST(:b AS float8) * h."dl" / CAST(:avgdl AS float8)))) AS "score"
    FROM "hits" h JOIN "df" d ON d."term" = h."term"
    GROUP BY h."id" ORDER BY "score" DESC, h."id" LIMIT :limit
    """
)


@functools.cache
def _search_sqlite() -> Statement:
    return Statement(
        'SELECT "rowid" AS "case_id", bm25("library_search") AS "rank" FROM "library_search" '
        'WHERE "library_search" MATCH :match ORDER BY "rank", "rowid" LIMIT :limit',
        unscoped="an FTS5 match on street-prefixed terms (s<street>…), which only the street's own "
        "cases hold; the cases found are then read in the street's scope. Filtering on the "
        "table's tenant column would read every candidate's row and triple the cost",
    )


@functools.cache
def _library_size() -> Statement:
    return Statement(
        'SELECT count(*) AS "n", coalesce(sum("search_length"), 0) AS "length" '
        'FROM "library_case" WHERE "status" = \'PUBLISHED\'',
        unscoped="BM25's document count and average length are the whole library's, as SQLite "
        "FTS5 keeps them; no row of any street is read",
    )


def _postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def index(case_id: int, search: str) -> None:
    """Make a published case findable (SQLite: its FTS5 row; PostgreSQL: the GIN index on the
    row itself keeps up)."""
    if not _postgres():
        await _INDEX_SQLITE.run(search=search, case=case_id)


async def similar(street_id: int, text: str, limit: int) -> list[Hit]:
    """The street's published cases closest to ``text``, best first (BM25)."""
    found = query_tokens(street_id, text)
    if not found:
        return []
    if not _postgres():
        match = " OR ".join(f'"{t}"' for t in found)
        rows = await _search_sqlite().fetch(match=match, limit=limit)
        return [Hit(int(r["case_id"]), -float(r["rank"])) for r in rows]
    size = (await _library_size().fetch())[0]
    docs, length = int(size["n"]), float(size["length"])
    if docs == 0:
        return []
    rows = await _SEARCH_POSTGRES.fetch(
        tsquery=" | ".join(found),
        terms=found,
        docs=float(docs),
        avgdl=length / docs,
        k1=K1,
        b=B,
        limit=limit,
    )
    return [Hit(int(r["case_id"]), float(r["score"])) for r in rows]
