"""Similar-case search (相似案例检索): CJK character bigrams and single characters, BM25.

Chinese has no spaces, so a text becomes search terms: each run of CJK characters gives its
single characters and its bigrams (电梯故障 → 电 梯 故 障 电梯 梯故 故障), each run of Latin
letters or digits one lower-case word. Each term is written as ASCII (``u7535``, ``b7535x68af``,
``w2020``) prefixed with the street (``s12…``), so that both databases' tokenizers read it as
one token whatever their locale, and so that a term of one street never matches another's.

The terms are stored in ``LibraryCase.search`` (space separated); a query asks for its bigrams
(its single characters only when it has no bigram), ranked with BM25
(k1 = 1.2, b = 0.75, as SQLite FTS5's ``bm25()``): on SQLite by FTS5 itself, in the street's
own table ``library_search_<street>`` (its rowid the case's ID, made when the street publishes
its first case), on PostgreSQL by the same formula over the rows a GIN index on
``to_tsvector('simple', search)`` finds. The document count, average length and each term's
document frequency are the street's own on both. So both give the same ranking, within rounding.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from tortoise import connections

from models.sql import Statement
from tenants.scoping import current_street_id

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


_LIBRARY_SIZE = Statement(
    'SELECT count(*) AS "n", coalesce(sum("search_length"), 0) AS "length" '
    'FROM "library_case" WHERE "tenant_id" = :street AND "status" = \'PUBLISHED\''
)
CANDIDATES = 200
"""On PostgreSQL, BM25 is computed in two passes. First each query term's cases are read
from the GIN index (one index scan a term), which gives its document frequency, and the cases
are ranked by BM25 as if every term frequency were 1 (IDF and length normalization: no
case's vector is opened). Then only the best CANDIDATES of them are scored by the full BM25
(term frequencies from their vectors). Opening the vector of every case that shares one
term with the query (a frequent bigram is in thousands) was what made a large library slow;
the cases a query should find share its rare terms, and are among the candidates."""

_IDF = 'greatest(ln((CAST(:docs AS float8) - d."n" + 0.5) / (d."n" + 0.5)), 0.000001)'
_SEARCH_POSTGRES = Statement(
    f"""
    WITH "posting" AS MATERIALIZED (
        SELECT q."term", c."id", c."search_length" AS "dl"
        FROM unnest(CAST(ARRAY[:terms] AS text[])) AS q("term")
        JOIN "library_case" c ON c."tenant_id" = :street AND c."status" = 'PUBLISHED'
          AND c."search_vector" @@ to_tsquery('simple', q."term")
    ), "df" AS MATERIALIZED (
        SELECT "term", count(*) AS "n" FROM "posting" GROUP BY "term"
    ), "candidate" AS MATERIALIZED (
        SELECT p."id" FROM "posting" p JOIN "df" d ON d."term" = p."term"
        GROUP BY p."id" ORDER BY sum({_IDF} * (CAST(:k1 AS float8) + 1)
            / (1 + CAST(:k1 AS float8) * (1 - CAST(:b AS float8)
               + CAST(:b AS float8) * p."dl" / CAST(:avgdl AS float8)))) DESC, p."id"
        LIMIT :candidates
    ), "hits" AS (
        SELECT c."id", c."search_length" AS "dl", u.lexeme AS "term",
               array_length(u.positions, 1) AS "tf"
        FROM "library_case" c, unnest(c."search_vector") AS u
        WHERE c."tenant_id" = :street AND c."id" IN (SELECT "id" FROM "candidate")
          AND u.lexeme IN (:terms)
    )
    SELECT h."id" AS "case_id",
           sum({_IDF} * h."tf" * (CAST(:k1 AS float8) + 1)
               / (h."tf" + CAST(:k1 AS float8) * (1 - CAST(:b AS float8)
                  + CAST(:b AS float8) * h."dl" / CAST(:avgdl AS float8)))) AS "score"
    FROM "hits" h JOIN "df" d ON d."term" = h."term"
    GROUP BY h."id" ORDER BY "score" DESC, h."id" LIMIT :limit
    """
)


def fts_table(street_id: int) -> str:
    """The street's own FTS5 table (SQLite): its statistics are the street's alone."""
    return f"library_search_{int(street_id)}"


@functools.cache
def _sqlite_statements(street_id: int) -> tuple[Statement, Statement, Statement, Statement]:
    table = fts_table(street_id)
    create = Statement(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS "{table}" '
        'USING fts5("search", "tenant_id" UNINDEXED, tokenize = \'unicode61\')',
        unscoped="the street's own FTS5 table (library_search_<street>), named after the "
        "active street; no row is read",
    )
    exists = Statement(
        'SELECT count(*) AS "n" FROM "sqlite_master" WHERE "name" = :table',
        unscoped="SQLite's catalogue: is there a library_search_<street> table yet",
    )
    insert = Statement(
        f'INSERT INTO "{table}" ("rowid", "search", "tenant_id") VALUES (:case, :search, :street)'
    )
    search = Statement(
        f'SELECT "rowid" AS "case_id", bm25("{table}") AS "rank" FROM "{table}" '
        f'WHERE "{table}" MATCH :match ORDER BY "rank", "rowid" LIMIT :limit',
        unscoped="the active street's own FTS5 table (library_search_<street>), which holds "
        "only its cases; filtering on its tenant column would read every candidate's row",
    )
    return create, exists, insert, search


def _postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def index(case_id: int, search: str) -> None:
    """Make a published case findable (SQLite: its FTS5 row; PostgreSQL: the GIN index on the
    row itself keeps up)."""
    if not _postgres():
        create, _, insert, _ = _sqlite_statements(current_street_id())
        await create.run()
        await insert.run(search=search, case=case_id)


async def similar(street_id: int, text: str, limit: int) -> list[Hit]:
    """The street's published cases closest to ``text``, best first (BM25)."""
    found = query_tokens(street_id, text)
    if not found:
        return []
    if not _postgres():
        _, exists, _, search = _sqlite_statements(street_id)
        if not (await exists.fetch(table=fts_table(street_id)))[0]["n"]:
            return []
        match = " OR ".join(f'"{t}"' for t in found)
        rows = await search.fetch(match=match, limit=limit)
        return [Hit(int(r["case_id"]), -float(r["rank"])) for r in rows]
    size = (await _LIBRARY_SIZE.fetch())[0]
    docs, length = int(size["n"]), float(size["length"])
    if docs == 0:
        return []
    rows = await _SEARCH_POSTGRES.fetch(
        terms=found,
        candidates=CANDIDATES,
        docs=float(docs),
        avgdl=length / docs,
        k1=K1,
        b=B,
        limit=limit,
    )
    return [Hit(int(r["case_id"]), float(r["score"])) for r in rows]
