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
its first case), on PostgreSQL by the same formula over the street's postings
(``library_posting``: term, case, term frequency, case length), which one covering index
(street, term) gives without opening a case. The document count, average length and each
term's document frequency are the street's own on both. So both give the same ranking, within
rounding.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from tortoise import connections

from models.consultations import LibraryPosting, LibraryStats
from models.sql import Statement
from tenants.scoping import current_street_id

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z0-9]+")
K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 200
MAX_WORD = 64
"""A longer run of letters or digits (a pasted link) is one term of its first 64."""


def terms(text: str) -> list[str]:
    """The search terms of a text, in order (repeats kept: they are term frequencies)."""
    found: list[str] = []
    for run in _CJK.findall(text):
        codes = [f"{ord(ch):x}" for ch in run]
        found.extend(f"u{c}" for c in codes)
        found.extend(f"b{a}x{b}" for a, b in itertools.pairwise(codes))
    found.extend(f"w{word.lower()[:MAX_WORD]}" for word in _WORD.findall(_CJK.sub(" ", text)))
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


_COUNT_PUBLISHED = Statement(
    'INSERT INTO "library_stats" ("tenant_id", "documents", "length") VALUES (:street, 1, :length) '
    'ON CONFLICT ("tenant_id") DO UPDATE SET "documents" = "library_stats"."documents" + 1, '
    '"length" = "library_stats"."length" + excluded."length"'
)
"""One more published case in the street's library size: one statement, safe when two
reviewers publish at once (the row is the street's, made by its first case)."""

_SEARCH_POSTGRES = Statement(
    """
    WITH "posting" AS MATERIALIZED (
        SELECT "term", "case_id", CAST("tf" AS float8) AS "tf", CAST("dl" AS float8) AS "dl"
        FROM "library_posting" WHERE "tenant_id" = :street AND "term" IN (:terms)
    ), "idf" AS (
        SELECT "term", greatest(ln((CAST(:docs AS float8) - count(*) + 0.5)
                                   / (count(*) + 0.5)), 0.000001) AS "idf"
        FROM "posting" GROUP BY "term"
    )
    SELECT p."case_id", sum(i."idf" * p."tf" * (CAST(:k1 AS float8) + 1)
               / (p."tf" + CAST(:k1 AS float8) * (1 - CAST(:b AS float8)
                  + CAST(:b AS float8) * p."dl" / CAST(:avgdl AS float8)))) AS "score"
    FROM "posting" p JOIN "idf" i ON i."term" = p."term"
    GROUP BY p."case_id" ORDER BY "score" DESC, p."case_id" LIMIT :limit
    """
)
"""BM25 in one pass over the query terms' postings: each term's are one range of the covering
index (an index-only scan), which gives its document frequency too; the arithmetic is in
float8 (numeric arithmetic over tens of thousands of postings was most of the time)."""


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


async def index(case_id: int, search: str, length: int) -> None:
    """Make a published case findable: its postings (what PostgreSQL reads; SQLite keeps them
    too, so both hold the same rows) and, on SQLite, its FTS5 row."""
    street_id = current_street_id()
    prefix = f"s{street_id}"
    counts = Counter(t[len(prefix) :] for t in search.split() if t.startswith(prefix))
    await LibraryPosting.bulk_create(
        [LibraryPosting(case_id=case_id, term=t, tf=n, dl=length) for t, n in counts.items()]
    )
    await _COUNT_PUBLISHED.run(length=length)
    if not _postgres():
        create, _, insert, _ = _sqlite_statements(street_id)
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
    size = await LibraryStats.first()
    if size is None or size.documents == 0:
        return []
    docs, length = size.documents, float(size.length)
    prefix = len(f"s{street_id}")
    rows = await _SEARCH_POSTGRES.fetch(
        terms=[token[prefix:] for token in found],
        docs=float(docs),
        avgdl=length / docs,
        k1=K1,
        b=B,
        limit=limit,
    )
    return [Hit(int(r["case_id"]), float(r["score"])) for r in rows]
