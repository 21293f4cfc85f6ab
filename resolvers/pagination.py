"""Keyset pagination for connections: ``first``/``after`` over ascending IDs, at most 100."""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.fields import BigIntField
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.errors import ErrorCode, Refused
from core.ids import BIGINT_KEY_MAX, INT_KEY_MAX, parse_key

T = TypeVar("T", bound=Model)
DEFAULT_PAGE_SIZE = 20
_PREFIX = "k:"


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{pk}".encode()).decode().rstrip("=")


def key_limit(model: type[Model]) -> int:
    """The largest key of the model's primary key column (a cursor beyond it is forged)."""
    return BIGINT_KEY_MAX if isinstance(model._meta.pk, BigIntField) else INT_KEY_MAX


def decode_cursor(cursor: str, largest: int = INT_KEY_MAX) -> int:
    """The key a cursor names, within what the column holds (``largest``); anything else is
    refused as a bad cursor."""
    try:
        if len(cursor) > 40:
            raise ValueError(cursor[:20])
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        return parse_key(raw[len(_PREFIX) :], largest)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_cursor", "after") from exc


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool
    has_previous_page: bool
    total_count: int

    @property
    def cursors(self) -> list[str]:
        return [encode_cursor(item.pk) for item in self.items]


def check_page_size(first: int | None, max_page_size: int) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > max_page_size:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.page_size", "first", max=max_page_size)
    return size


async def keyset_page(
    queryset: QuerySet[T],
    first: int | None,
    after: str | None,
    max_page_size: int,
    *,
    newest_first: bool = False,
) -> Page[T]:
    size = check_page_size(first, max_page_size)
    total = await queryset.count()
    query = queryset
    if after:
        pk = decode_cursor(after, key_limit(queryset.model))
        query = query.filter(id__lt=pk) if newest_first else query.filter(id__gt=pk)
    rows = await query.order_by("-id" if newest_first else "id").limit(size + 1)
    return Page(
        items=list(rows[:size]),
        has_next_page=len(rows) > size,
        has_previous_page=bool(after),
        total_count=total,
    )


# -- pages of many parents at once (a nested connection under a page of rows) ---------------

# A nested page asked for by one parent row: (parent id, checked page size, ``after`` cursor).
PageKey = tuple[int, int, str | None]


def page_key(parent_id: int, first: int | None, after: str | None, max_page_size: int) -> PageKey:
    """The key of one parent's page for a batch loader, its size and cursor checked here (a
    bad one is the caller's error, not the whole batch's)."""
    if after:
        decode_cursor(after, BIGINT_KEY_MAX)  # against the model's own column in keyset_pages
    return (parent_id, check_page_size(first, max_page_size), after)


async def keyset_pages(
    queryset: QuerySet[T], parent: str, keys: Sequence[PageKey], *, newest_first: bool = False
) -> list[Page[T]]:
    """The pages of many parents (``parent``: the foreign-key column, e.g. ``project_id``) in
    a fixed number of statements whatever their number: one grouped count for the totals,
    then for each distinct (size, after) the first rows of every parent (a window per parent)
    and those rows. Sizes come checked (``check_page_size``)."""
    parent_ids = sorted({key[0] for key in keys})
    totals = {
        row[parent]: int(row["n"])
        for row in await queryset.filter(**{f"{parent}__in": parent_ids})
        .annotate(n=Count("id"))
        .group_by(parent)
        .values(parent, "n")
    }
    pages: dict[PageKey, Page[T]] = {}
    for (size, after), group in _groups(keys).items():
        query = queryset.filter(**{f"{parent}__in": sorted(group)})
        if after:
            pk = decode_cursor(after, key_limit(queryset.model))
            query = query.filter(id__lt=pk) if newest_first else query.filter(id__gt=pk)
        ids = await _first_ids_per_parent(query, parent, size + 1, newest_first)
        rows: dict[int, list[T]] = {pid: [] for pid in group}
        if ids:
            for row in await queryset.filter(id__in=ids).order_by("-id" if newest_first else "id"):
                rows[getattr(row, parent)].append(row)
        for pid in group:
            found = rows[pid]
            pages[(pid, size, after)] = Page(
                items=found[:size],
                has_next_page=len(found) > size,
                has_previous_page=bool(after),
                total_count=totals.get(pid, 0),
            )
    return [pages[key] for key in keys]


def _groups(keys: Sequence[PageKey]) -> dict[tuple[int, str | None], set[int]]:
    groups: dict[tuple[int, str | None], set[int]] = defaultdict(set)
    for parent_id, size, after in keys:
        groups[(size, after)].add(parent_id)
    return groups


async def _first_ids_per_parent(
    query: QuerySet[T], parent: str, limit: int, newest_first: bool
) -> list[int]:
    """The IDs of the first ``limit`` rows of each parent in ``query``, in page order.

    Raw SQL (the one statement here Tortoise cannot build: a window function in a derived
    table): the ORM writes the inner query, street scope included, and this wraps it with
    ``ROW_NUMBER() OVER (PARTITION BY parent)`` and keeps the first rows of each parent."""
    if limit <= 0:
        return []
    inner = query.values("id", parent)
    inner.sql()  # builds the statement (and picks the connection)
    text, params = inner.query.get_parameterized_sql()
    db = query.model._meta.db
    ordering = "DESC" if newest_first else "ASC"
    sql = (
        f'SELECT "id" FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "{parent}" '
        f'ORDER BY "id" {ordering}) AS "n" FROM ({text}) AS "candidates") AS "ranked" '
        f'WHERE "n" <= {int(limit)}'
    )
    return [int(row["id"]) for row in await db.execute_query_dict(sql, list(params))]
