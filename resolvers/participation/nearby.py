"""身边: what concerns where a resident lives, newest first, in one paged feed.

Today two sources: the notices addressed to the resident (their street, community, grid, tags:
the notices domain's inbox query) and the public outcomes of cases of their community
(resolved or closed cases marked public, with their result; no reporter). The street's legal
information articles and activities join when their domains exist.

The feed is ordered by time, then kind, then id, newest first; its cursor is that key, so a
page continues exactly after the last item shown, across both sources.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from core.errors import ErrorCode, Refused
from models.cases import Case, CaseState
from models.people import Resident
from resolvers.caller import Caller
from resolvers.notices import notices_for_resident
from resolvers.pagination import check_page_size


class NearbyKind(StrEnum):
    NOTICE = "NOTICE"  # 通知公告
    CASE_OUTCOME = "CASE_OUTCOME"  # 身边事 (a public case's result)


_RANK = {NearbyKind.NOTICE: 0, NearbyKind.CASE_OUTCOME: 1}


@dataclass(frozen=True)
class NearbyItem:
    kind: NearbyKind
    ref_id: int
    title: str
    summary: str
    at: datetime

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, -_RANK[self.kind], self.ref_id)

    @property
    def cursor(self) -> str:
        raw = f"{self.at.isoformat()}|{self.kind.value}|{self.ref_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode()


@dataclass(frozen=True)
class NearbyPage:
    items: list[NearbyItem]
    has_next_page: bool
    has_previous_page: bool
    total_count: int

    @property
    def cursors(self) -> list[str]:
        return [item.cursor for item in self.items]


def decode(cursor: str) -> tuple[datetime, int, int]:
    try:
        at, kind, ref = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        found = datetime.fromisoformat(at)
        if found.tzinfo is None:
            raise ValueError(at)
        return (found, -_RANK[NearbyKind(kind)], int(ref))
    except (ValueError, KeyError, UnicodeDecodeError, binascii.Error) as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_cursor", "after") from exc


def _summary(text: str) -> str:
    return text if len(text) <= 120 else f"{text[:119]}…"


async def feed(caller: Caller, first: int | None, after: str | None) -> NearbyPage:
    """The caller's feed: empty when their account is linked to no resident of the street."""
    size = check_page_size(first, caller.services.settings.max_page_size)
    resident = await Resident.filter(user_id=caller.user.id).first()
    if resident is None:
        return NearbyPage([], False, bool(after), 0)
    before = decode(after) if after else None
    wanted = size + 1
    notices = await notices_for_resident(resident)
    total = await notices.count()
    if before is not None:
        notices = notices.filter(created_at__lte=before[0])
    items = [
        NearbyItem(NearbyKind.NOTICE, n.id, n.title, _summary(n.body), n.created_at)
        for n in await notices.order_by("-created_at", "-id").limit(wanted + size)
    ]
    if resident.community_id is not None:
        cases = Case.filter(
            Q(state=CaseState.RESOLVED) | Q(state=CaseState.CLOSED),
            public=True,
            community_id=resident.community_id,
            resolved_at__not_isnull=True,
        )
        total += await cases.count()
        if before is not None:
            cases = cases.filter(resolved_at__lte=before[0])
        for case in await cases.order_by("-resolved_at", "-id").limit(wanted + size):
            assert case.resolved_at is not None
            items.append(
                NearbyItem(
                    NearbyKind.CASE_OUTCOME,
                    case.id,
                    case.title,
                    _summary(case.result),
                    case.resolved_at,
                )
            )
    if before is not None:
        items = [item for item in items if item.key < before]
    items.sort(key=lambda item: item.key, reverse=True)
    return NearbyPage(items[:size], len(items) > size, bool(after), total)
