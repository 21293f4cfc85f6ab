"""Keyset pagination for connections: ``first``/``after`` over ascending IDs, at most 100."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.errors import ErrorCode, Refused

T = TypeVar("T", bound=Model)
DEFAULT_PAGE_SIZE = 20
_PREFIX = "k:"


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        return int(raw[len(_PREFIX) :])
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
        pk = decode_cursor(after)
        query = query.filter(id__lt=pk) if newest_first else query.filter(id__gt=pk)
    rows = await query.order_by("-id" if newest_first else "id").limit(size + 1)
    return Page(
        items=list(rows[:size]),
        has_next_page=len(rows) > size,
        has_previous_page=bool(after),
        total_count=total,
    )
