"""身边: what concerns where a resident lives, newest first, in one paged feed.

The feed reads every domain's ``nearby`` source (``resolvers/neighbourhood.py``), in the domain
list's order: this domain's own (the notices addressed to the resident: their street,
community, grid, tags; the street's legal information articles, notices of the LEGAL
category; the public outcomes of cases of their community: resolved or closed cases marked
public, with their result, no reporter), then the others' (the liaison station's activities
open to residents, of the street or the resident's community, once their notice is approved).

The feed is ordered by time, then kind (in the sources' order), then id, newest first; its
cursor is that key, so a page continues exactly after the last item shown, across every
source.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from core.errors import ErrorCode, Refused
from models.cases import Case, CaseState
from models.notices import NoticeCategory
from models.people import Resident
from resolvers.caller import Caller
from resolvers.neighbourhood import NearbyEntry, NearbySource, Neighbour
from resolvers.notices import notices_for_resident
from resolvers.pagination import check_page_size

NearbyItem = NearbyEntry


@dataclass(frozen=True)
class NearbyPage:
    items: list[NearbyEntry]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
    ranks: dict[str, int]

    @property
    def cursors(self) -> list[str]:
        return [cursor(item) for item in self.items]


def cursor(item: NearbyEntry) -> str:
    raw = f"{item.at.isoformat()}|{item.kind}|{item.ref_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _key(item: NearbyEntry, ranks: dict[str, int]) -> tuple[datetime, int, int]:
    return (item.at, -ranks[item.kind], item.ref_id)


def decode(cursor: str, ranks: dict[str, int]) -> tuple[datetime, int, int]:
    try:
        at, kind, ref = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        found = datetime.fromisoformat(at)
        if found.tzinfo is None:
            raise ValueError(at)
        return (found, -ranks[kind], int(ref))
    except (ValueError, KeyError, UnicodeDecodeError, binascii.Error) as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "error.bad_cursor", "after") from exc


def _summary(text: str) -> str:
    return text if len(text) <= 120 else f"{text[:119]}…"


# -- this domain's own sources -------------------------------------------------------------------


async def _resident(who: Neighbour) -> Resident:
    return await Resident.get(id=who.resident_id)


def _notices_of(category: NoticeCategory, kind: str) -> NearbySource:
    async def entries(who: Neighbour, before: datetime | None, limit: int) -> list[NearbyEntry]:
        query = (await notices_for_resident(await _resident(who))).filter(category=category)
        if before is not None:
            query = query.filter(created_at__lte=before)
        return [
            NearbyEntry(kind, "Notice", n.id, n.title, _summary(n.body), n.created_at)
            for n in await query.order_by("-created_at", "-id").limit(limit)
        ]

    async def count(who: Neighbour) -> int:
        query = await notices_for_resident(await _resident(who))
        return await query.filter(category=category).count()

    label = "通知公告" if category is NoticeCategory.NOTICE else "法治宣传 (legal articles)"
    return NearbySource(kind, label, entries, count)


def _public_cases(who: Neighbour) -> Q | None:
    if who.community_id is None:
        return None
    return Q(
        Q(state=CaseState.RESOLVED) | Q(state=CaseState.CLOSED),
        public=True,
        community_id=who.community_id,
        resolved_at__not_isnull=True,
    )


async def _case_entries(who: Neighbour, before: datetime | None, limit: int) -> list[NearbyEntry]:
    where = _public_cases(who)
    if where is None:
        return []
    query = Case.filter(where)
    if before is not None:
        query = query.filter(resolved_at__lte=before)
    found = []
    for case in await query.order_by("-resolved_at", "-id").limit(limit):
        assert case.resolved_at is not None
        found.append(
            NearbyEntry(
                "CASE_OUTCOME", "Case", case.id, case.title, _summary(case.result), case.resolved_at
            )
        )
    return found


async def _case_count(who: Neighbour) -> int:
    where = _public_cases(who)
    return 0 if where is None else await Case.filter(where).count()


SOURCES: tuple[NearbySource, ...] = (
    _notices_of(NoticeCategory.NOTICE, "NOTICE"),
    _notices_of(NoticeCategory.LEGAL, "LEGAL_ARTICLE"),
    NearbySource("CASE_OUTCOME", "身边事 (a public case's result)", _case_entries, _case_count),
)
"""This domain's part of the feed (declared in its descriptor, like the others')."""


# -- the feed ------------------------------------------------------------------------------------


async def feed(caller: Caller, first: int | None, after: str | None) -> NearbyPage:
    """The caller's feed: empty when their account is linked to no resident of the street."""
    sources: Sequence[NearbySource] = caller.services.nearby
    ranks = {source.kind: rank for rank, source in enumerate(sources)}
    size = check_page_size(first, caller.services.settings.max_page_size)
    before = decode(after, ranks) if after else None
    resident = await Resident.filter(user_id=caller.user.id).first()
    if resident is None:
        return NearbyPage([], False, bool(after), 0, ranks)
    who = Neighbour(
        user_id=caller.user.id,
        resident_id=resident.id,
        community_id=resident.community_id,
        grid_id=resident.grid_id,
        roles=frozenset(caller.roles()),
    )
    # Each source gives its newest at or before the cursor's time: a page's worth past the
    # items of that very time the cursor has already passed (ties are cut by kind and ID).
    wanted = 2 * size + 1
    items: list[NearbyEntry] = []
    total = 0
    for source in sources:
        total += await source.count(who)
        items.extend(await source.entries(who, before[0] if before else None, wanted))
    if before is not None:
        items = [item for item in items if _key(item, ranks) < before]
    items.sort(key=lambda item: _key(item, ranks), reverse=True)
    return NearbyPage(items[:size], len(items) > size, bool(after), total, ranks)
