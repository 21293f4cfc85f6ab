"""一键群发: notices fanned out on read.

Sending stores the notice and its target (a few rows, whatever the number of recipients). A
resident's inbox matches the notices whose target covers them: an area (the street, their
community, their grid) and, when the notice names tags, one of their tags. The index
``(tenant, kind, ref_id, notice)`` on targets serves both look-ups.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import from_global_id, to_global_id
from models.accounts import Role
from models.columns import column, max_length
from models.notices import Notice, NoticeCategory, NoticeReceipt, NoticeTarget, TargetKind
from models.people import CommunityAssignment, Resident, ResidentTag
from models.tenancy import Community, Grid
from policies.rows import RowRule, RowRules, Scope
from resolvers.caller import Caller
from resolvers.events import changing, check_still_signed_in
from resolvers.outbox import Event, stream
from resolvers.pagination import Page, check_page_size, decode_cursor
from resolvers.people.access import my_grid_ids, my_resident
from resolvers.people.residents import tags_by_ids
from resolvers.services import Services
from tenants.scoping import current_street_id, street_scope

NOTICE_SENT = "notice.sent"
TARGET_TYPES = {
    TargetKind.STREET: "Street",
    TargetKind.COMMUNITY: "Community",
    TargetKind.GRID: "Grid",
    TargetKind.TAG: "Tag",
}

NOTICE_AUDIENCE = "notice audience"
"""The areas a sender may address (the street, communities, grids): checked against what
they ask for when sending (``_allowed_areas``), not read as a filter on stored rows."""

# The notices domain's row rules (行级规则, see policies/rows.py).
RULES = RowRules(
    # 一键群发, sending: the street's leaders and administrators address the whole street,
    # community staff their communities (and any grid they serve), a grid chief their grids.
    RowRule(NOTICE_AUDIENCE, Scope.STREET, roles=(Role.STREET_LEADER, Role.STREET_ADMIN)),
    RowRule(
        NOTICE_AUDIENCE, Scope.OWN_COMMUNITIES | Scope.OWN_GRIDS, roles=(Role.COMMUNITY_STAFF,)
    ),
    RowRule(NOTICE_AUDIENCE, Scope.OWN_GRIDS, roles=(Role.GRID_CHIEF,)),
    # The notices sent: leaders and administrators see all, other senders their own.
    RowRule(Notice, Scope.STREET, roles=(Role.STREET_LEADER, Role.STREET_ADMIN)),
    RowRule(Notice, Scope.SELF, roles=(Role.COMMUNITY_STAFF, Role.GRID_CHIEF)),
    reads={Notice: {Scope.SELF: lambda who: Q(sender_id=who.user.id)}},
)


@dataclass(frozen=True)
class NoticeCounts:
    targeted: int
    delivered: int
    read: int


async def _allowed_areas(caller: Caller) -> tuple[set[int], set[int]] | None:
    """(communities, grids) the caller may address, or None for the whole street: the row
    rule on ``NOTICE_AUDIENCE``. Serving a community covers its grids."""
    scope = RULES.scope_for(caller, NOTICE_AUDIENCE)
    if Scope.STREET in scope:
        return None
    communities: set[int] = set()
    grids = set(await my_grid_ids(caller.user.id)) if Scope.OWN_GRIDS in scope else set()
    if Scope.OWN_COMMUNITIES in scope:
        communities = set(
            await column(CommunityAssignment.filter(user_id=caller.user.id), "community_id", int)
        )
        if communities:
            grids |= set(await column(Grid.filter(community_id__in=list(communities)), "id", int))
    return communities, grids


async def send_notice(
    caller: Caller,
    *,
    title: str,
    body: str,
    community_ids: Sequence[int] = (),
    grid_ids: Sequence[int] = (),
    tag_ids: Sequence[int] = (),
    category: NoticeCategory = NoticeCategory.NOTICE,
) -> Notice:
    """With no community and no grid, the notice goes to the whole street (by tag, if any).
    ``category`` LEGAL makes it one of the street's legal information articles (法治宣传)."""
    validators.text(title, "title", max_length(Notice, "title"))
    validators.text(body, "body", max_length(Notice, "body"))
    communities = set(community_ids)
    grids = set(grid_ids)
    if communities and await Community.filter(id__in=list(communities)).count() != len(communities):
        raise Refused(ErrorCode.NOT_FOUND, "input.community_not_found", "communityIds")
    if grids and await Grid.filter(id__in=list(grids)).count() != len(grids):
        raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridIds")
    await tags_by_ids(tag_ids)
    allowed = await _allowed_areas(caller)
    if allowed is not None:
        own_communities, own_grids = allowed
        if (not communities and not grids) or not (
            communities <= own_communities and grids <= own_grids
        ):
            raise Refused(ErrorCode.FORBIDDEN, "input.notice_target_outside", "gridIds")
    street_id = current_street_id()
    targets: list[tuple[TargetKind, int]] = [(TargetKind.COMMUNITY, c) for c in sorted(communities)]
    targets += [(TargetKind.GRID, g) for g in sorted(grids)]
    if not targets:
        targets.append((TargetKind.STREET, street_id))
    targets += [(TargetKind.TAG, t) for t in sorted(set(tag_ids))]
    async with changing(caller.services, caller.user) as change:
        notice = await Notice.create(
            sender_id=caller.user.id,
            title=title.strip(),
            body=body.strip(),
            has_tags=bool(tag_ids),
            category=category,
            created_at=change.at,
        )
        await NoticeTarget.bulk_create(
            [
                NoticeTarget(tenant_id=street_id, notice_id=notice.id, kind=kind, ref_id=ref)
                for kind, ref in targets
            ]
        )
        # One event per notice, whatever the number of recipients: it carries the target, and
        # each connected resident's subscription decides whether the target covers them.
        await change.record(
            NOTICE_SENT,
            to_global_id("Notice", notice.id),
            {
                "title": notice.title,
                "body": notice.body,
                "category": category.value,
                "targets": [
                    {"kind": kind.value, "id": to_global_id(TARGET_TYPES[kind], ref)}
                    for kind, ref in targets
                ],
            },
        )
    return notice


async def _resident_notices(resident: Resident) -> QuerySet[Notice]:
    area = Q(kind=TargetKind.STREET)
    if resident.community_id is not None:
        area |= Q(kind=TargetKind.COMMUNITY, ref_id=resident.community_id)
    if resident.grid_id is not None:
        area |= Q(kind=TargetKind.GRID, ref_id=resident.grid_id)
    # The resident's tags stay a subquery: one round trip less than reading them first.
    my_tags = Subquery(ResidentTag.filter(resident_id=resident.id).values("tag_id"))
    query = Notice.filter(id__in=Subquery(NoticeTarget.filter(area).values("notice_id")))
    by_tag = Q(has_tags=False) | Q(
        id__in=Subquery(
            NoticeTarget.filter(kind=TargetKind.TAG, ref_id__in=my_tags).values("notice_id")
        )
    )
    return query.filter(by_tag)


async def notices_for_resident(resident: Resident) -> QuerySet[Notice]:
    """The notices addressed to this resident (street, community, grid, their tags): the
    inbox's query, for other domains' feeds (身边)."""
    return await _resident_notices(resident)


async def inbox(
    caller: Caller,
    first: int | None,
    after: str | None,
    unread_only: bool = False,
    with_total: bool = True,
) -> tuple[Page[Notice], dict[int, datetime]]:
    """My notices, newest first, with when I read each one. ``with_total=False`` skips the
    count (0) when the client did not ask for it: one query less on every inbox refresh."""
    size = check_page_size(first, caller.services.settings.max_page_size)
    resident = await my_resident(caller.user.id)
    if resident is None:
        return Page([], False, bool(after), 0), {}
    query = await _resident_notices(resident)
    if unread_only:
        query = query.exclude(
            id__in=Subquery(NoticeReceipt.filter(resident_id=resident.id).values("notice_id"))
        )
    total = await query.count() if with_total else 0
    if after:
        query = query.filter(id__lt=decode_cursor(after))
    rows = list(await query.order_by("-id").limit(size + 1))
    items = rows[:size]
    read = (
        dict(
            await NoticeReceipt.filter(
                resident_id=resident.id, notice_id__in=[n.id for n in items]
            ).values_list("notice_id", "read_at")
        )
        if items
        else {}
    )
    return Page(items, len(rows) > size, bool(after), total), read


async def mark_read(caller: Caller, notice_id: int) -> tuple[Notice, datetime]:
    resident = await my_resident(caller.user.id)
    if resident is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.not_a_resident")
    notice = await (await _resident_notices(resident)).filter(id=notice_id).first()
    if notice is None:
        raise Refused(ErrorCode.NOT_FOUND, "input.notice_not_found", "noticeId")
    receipt, _ = await NoticeReceipt.get_or_create(
        notice=notice, resident=resident, defaults={"read_at": caller.services.clock.now()}
    )
    return notice, receipt.read_at


async def sent_notices(caller: Caller, first: int | None, after: str | None) -> Page[Notice]:
    query = RULES.rows(caller, Notice.all())
    size = check_page_size(first, caller.services.settings.max_page_size)
    total = await query.count()
    if after:
        query = query.filter(id__lt=decode_cursor(after))
    rows = list(await query.order_by("-id").limit(size + 1))
    return Page(rows[:size], len(rows) > size, bool(after), total)


def _covered(targets: Sequence[NoticeTarget]) -> Q | None:
    """The residents a notice's target covers (the same rule as the inbox, the other way), as
    a condition on residents; None when it is every resident of the street."""
    condition = None
    if TargetKind.STREET not in {t.kind for t in targets}:
        communities = [t.ref_id for t in targets if t.kind is TargetKind.COMMUNITY]
        grids = [t.ref_id for t in targets if t.kind is TargetKind.GRID]
        condition = Q(community_id__in=communities or [-1]) | Q(grid_id__in=grids or [-1])
    tags = [t.ref_id for t in targets if t.kind is TargetKind.TAG]
    if tags:
        tagged = Q(id__in=Subquery(ResidentTag.filter(tag_id__in=tags).values("resident_id")))
        condition = tagged if condition is None else condition & tagged
    return condition


def targeted_residents(targets: Sequence[NoticeTarget]) -> QuerySet[Resident]:
    """The residents a notice's target covers."""
    condition = _covered(targets)
    return Resident.all() if condition is None else Resident.filter(condition)


async def load_notice_counts(notice_ids: Sequence[int]) -> list[NoticeCounts]:
    """Per notice, targeted: residents covered, delivered: those with an account (they see it
    in their inbox), read: read receipts. Three statements for any number of notices: their
    targets, one grouped count of receipts, one pass over the residents counting, per notice,
    those covered and those of them with an account."""
    ids = sorted(set(notice_ids))
    targets = await _targets_of(ids)
    reads = {
        row["notice_id"]: int(row["n"])
        for row in await NoticeReceipt.filter(notice_id__in=ids)
        .annotate(n=Count("id"))
        .group_by("notice_id")
        .values("notice_id", "n")
    }
    tallies: dict[str, Count] = {}
    for pk in ids:
        covered = _covered(targets[pk])
        with_account = Q(user_id__not_isnull=True)
        tallies[f"t{pk}"] = Count("id") if covered is None else Count("id", _filter=covered)
        tallies[f"d{pk}"] = Count(
            "id", _filter=with_account if covered is None else covered & with_account
        )
    found = (await Resident.all().annotate(**tallies).values(*tallies))[0] if ids else {}
    return [
        NoticeCounts(
            targeted=int(found[f"t{pk}"] or 0),
            delivered=int(found[f"d{pk}"] or 0),
            read=reads.get(pk, 0),
        )
        for pk in notice_ids
    ]


async def _targets_of(notice_ids: Sequence[int]) -> dict[int, list[NoticeTarget]]:
    found: dict[int, list[NoticeTarget]] = {pk: [] for pk in notice_ids}
    for target in await NoticeTarget.filter(notice_id__in=list(notice_ids)).order_by("id"):
        found[target.notice_id].append(target)
    return found


async def load_notice_targets(notice_ids: Sequence[int]) -> list[list[NoticeTarget]]:
    """The targets of many notices, in the order they were stored."""
    found = await _targets_of(sorted(set(notice_ids)))
    return [found[pk] for pk in notice_ids]


async def unread_count(user_id: int) -> int:
    """How many notices addressed to me I have not opened (0 for someone with no resident
    record in the street). Runs in the current street scope."""
    resident = await my_resident(user_id)
    if resident is None:
        return 0
    query = await _resident_notices(resident)
    return await query.exclude(
        id__in=Subquery(NoticeReceipt.filter(resident_id=resident.id).values("notice_id"))
    ).count()


async def mark_all_read(user_id: int, at: datetime) -> int:
    """Open every notice addressed to me that I have not opened yet; returns how many."""
    resident = await my_resident(user_id)
    if resident is None:
        return 0
    query = await _resident_notices(resident)
    unread = await column(
        query.exclude(
            id__in=Subquery(NoticeReceipt.filter(resident_id=resident.id).values("notice_id"))
        ),
        "id",
        int,
    )
    await NoticeReceipt.bulk_create(
        [NoticeReceipt(notice_id=n, resident_id=resident.id, read_at=at) for n in unread],
        ignore_conflicts=True,
    )
    return len(unread)


# -- live delivery ------------------------------------------------------------------------
# Sending writes one ``notice.sent`` event carrying the notice and its target. Each connected
# resident's subscription keeps what it needs to match (grid, community, tags) and checks each
# notice event against it: the audience is parsed once per event (cached on the shared event),
# the match is a few set look-ups per event and resident, and nothing is written per resident.


@dataclass(frozen=True)
class Audience:
    """A notice's target, as sets: areas joined by OR, then narrowed by tags (if any)."""

    street: bool
    communities: frozenset[int]
    grids: frozenset[int]
    tags: frozenset[int]


@dataclass(frozen=True)
class Reach:
    """What decides whether a notice's target covers one resident."""

    resident_id: int
    community_id: int | None
    grid_id: int | None
    tags: frozenset[int]

    def covered_by(self, audience: Audience) -> bool:
        in_area = (
            audience.street
            or (self.community_id is not None and self.community_id in audience.communities)
            or (self.grid_id is not None and self.grid_id in audience.grids)
        )
        return in_area and (not audience.tags or not audience.tags.isdisjoint(self.tags))


def audience_of(event: Event) -> Audience:
    cached = event.cache.get(Audience)
    if cached is None:
        found: dict[str, set[int]] = {kind.value: set() for kind in TargetKind}
        for target in event.payload.get("targets") or ():
            _, pk = from_global_id(str(target.get("id", "")))
            found.setdefault(str(target.get("kind")), set()).add(pk)
        cached = event.cache[Audience] = Audience(
            street=bool(found[TargetKind.STREET.value]),
            communities=frozenset(found[TargetKind.COMMUNITY.value]),
            grids=frozenset(found[TargetKind.GRID.value]),
            tags=frozenset(found[TargetKind.TAG.value]),
        )
    return cached


def notice_of(event: Event) -> Notice:
    """The notice as the event carries it (no query): the same object for every recipient."""
    cached = event.cache.get(Notice)
    if cached is None:
        _, pk = from_global_id(event.subject)
        payload: dict[str, Any] = event.payload
        cached = event.cache[Notice] = Notice(
            id=pk,
            tenant_id=event.street_id,
            sender_id=event.actor_id,
            title=payload.get("title", ""),
            body=payload.get("body", ""),
            has_tags=any(t.get("kind") == TargetKind.TAG.value for t in payload["targets"]),
            category=NoticeCategory(payload.get("category", NoticeCategory.NOTICE.value)),
            created_at=event.occurred_at,
        )
    return cached


async def _reach(street_id: int, user_id: int) -> Reach | None:
    with street_scope(street_id, writable=False):
        resident = await my_resident(user_id)
        if resident is None:
            return None
        tags = await column(ResidentTag.filter(resident_id=resident.id), "tag_id", int)
    return Reach(resident.id, resident.community_id, resident.grid_id, frozenset(tags))


_RESIDENT_CHANGES = frozenset(
    {"resident.registered", "resident.tagged", "resident.account_linked", "tag.deleted"}
)


@dataclass(frozen=True)
class ReceivedNotice:
    event: Event
    notice: Notice


async def notices_received(
    services: Services,
    user_id: int,
    street_id: int,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[ReceivedNotice]:
    """The notices addressed to me, as they are sent; with ``since`` (a decoded cursor),
    first those sent after that position. When my record, my tags or my account link change,
    what I match is read again (on that event, not on every notice)."""
    reach = await _reach(street_id, user_id)
    account = to_global_id("Account", user_id)
    async for event in stream(services.hub, street_id, since):
        check_still_signed_in(services, token_expires_at)
        if event.type in _RESIDENT_CHANGES:
            mine = reach is not None and event.subject == to_global_id(
                "Resident", reach.resident_id
            )
            if mine or event.type == "tag.deleted" or event.payload.get("account") == account:
                reach = await _reach(street_id, user_id)
            continue
        if event.type == NOTICE_SENT and reach is not None and reach.covered_by(audience_of(event)):
            yield ReceivedNotice(event, notice_of(event))
