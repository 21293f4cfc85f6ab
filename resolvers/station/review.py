"""Keyword alerts and review before publishing (重点词预警、审核).

Everything the station makes public passes here first (``submit``). Text is *folded* before it
is matched: NFKC (full-width letters, digits and punctuation become half-width), traditional
characters become simplified (``zhconv``'s tables, character by character), case is folded and
whitespace dropped; the street's watch list is folded the same way when an entry is added.
The folded text is searched for every entry at once by an Aho-Corasick automaton
(``ahocorasick-rs``, in Rust: a few microseconds per post whatever the list's size; the pure
C ``pyahocorasick`` slows down with thousands of CJK entries), built once per street and
version of its list and kept per worker.

Content that matches, or whose kind the street always reviews (``StationSettings``), waits as
PENDING, and the reviewers are alerted; other content is APPROVED at once with no reviewer.
Only APPROVED content is public. A reviewer approves, edits (the original kept in the audit
entry) or rejects with a reason, never their own content (OWN_POST), and decides once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import ahocorasick_rs
import zhconv
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Max

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from core.i18n import translate
from core.ids import to_global_id
from models.accounts import Membership, Role
from models.columns import column, max_length
from models.station import ReviewItem, ReviewStatus, WatchEntry
from resolvers import publishing
from resolvers.caller import Caller
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.publishing import NOTHING, About, Submission
from resolvers.services import Services
from resolvers.station import watch
from resolvers.station.codes import StationCode
from resolvers.station.settings import street_station

BAD = ErrorCode.BAD_USER_INPUT
REVIEWER_ROLES = (Role.STREET_REVIEWER, Role.CONGRESS_STAFF)
"""Who is alerted to content waiting for review."""


@cache
def _simplified() -> dict[int, str]:
    """Traditional → simplified, character by character (from ``zhconv``'s tables, once)."""
    table = {}
    for point in range(0x3400, 0xA000):  # CJK Extension A and the Unified Ideographs
        char = chr(point)
        simple = zhconv.convert(char, "zh-hans")
        if simple != char and len(simple) == 1:
            table[point] = simple
    return table


def fold(text: str) -> str:
    """The text as it is matched: half-width, simplified, case folded, without whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_simplified())
    return "".join(text.casefold().split())


class Matcher:
    """Every watch-list entry at once (an Aho-Corasick automaton over folded text)."""

    def __init__(self, phrases: list[str]) -> None:
        self.size = len(phrases)
        self.automaton = ahocorasick_rs.AhoCorasick(phrases) if phrases else None

    def matches(self, text: str) -> list[str]:
        """The entries found in ``text`` (folded here), each once, in order of appearance."""
        if self.automaton is None:
            return []
        found = self.automaton.find_matches_as_strings(fold(text), overlapping=True)
        return list(dict.fromkeys(found))


@dataclass
class Matchers:
    """Per worker: each street's matcher and the version of its list it was built from."""

    built: dict[int, tuple[tuple[int, int], Matcher]] = field(default_factory=dict)


async def matcher(services: Services, street_id: int) -> Matcher:
    """The current street's matcher, rebuilt when its list has changed (count, newest ID)."""
    counted = await WatchEntry.all().annotate(n=Count("id"), top=Max("id")).values("n", "top")
    version = (int(counted[0]["n"] or 0), int(counted[0]["top"] or 0)) if counted else (0, 0)
    kept = services.kept(Matchers).built
    found = kept.get(street_id)
    if found is None or found[0] != version:
        phrases = await column(WatchEntry.all().order_by("id"), "folded", str)
        found = kept[street_id] = (version, Matcher(list(phrases)))
    return found[1]


# -- the watch list ---------------------------------------------------------------------------


async def add_entry(caller: Caller, phrase: str) -> WatchEntry:
    """A keyword or phrase; empty (after folding) and too long are refused, as is one already
    on the list in any of its variants."""
    phrase = validators.text(phrase, "phrase", max_length(WatchEntry, "phrase"))
    folded = fold(phrase)
    if not folded:
        raise Refused(BAD, "station.watch_empty", "phrase")
    if len(folded) > max_length(WatchEntry, "folded"):
        raise Refused(BAD, "input.too_long", "phrase", max=max_length(WatchEntry, "folded"))
    duplicate = Refused(ErrorCode.ALREADY_EXISTS, "station.watch_taken", "phrase")
    if await WatchEntry.exists(folded=folded):
        raise duplicate
    try:
        async with changing(caller.services, caller.user) as change:
            row = await WatchEntry.create(
                tenant_id=change.street_id,
                phrase=phrase,
                folded=folded,
                added_by_id=caller.user.id,
                created_at=change.at,
            )
            await change.audit(
                "watch_list.added", to_global_id("WatchEntry", row.id), {"phrase": phrase}
            )
    except IntegrityError as exc:
        raise duplicate from exc
    return row


async def remove_entry(caller: Caller, pk: int) -> None:
    async with changing(caller.services, caller.user) as change:
        row = await WatchEntry.filter(id=pk).first()
        if row is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "id")
        await row.delete()
        await change.audit(
            "watch_list.removed", to_global_id("WatchEntry", pk), {"phrase": row.phrase}
        )


# -- the queue ---------------------------------------------------------------------------------


def item_gid(pk: int) -> str:
    return to_global_id("ReviewItem", pk)


async def submit(
    change: Change,
    kind: str,
    subject_id: int,
    text: str,
    author_id: int | Literal["actor"] | None = "actor",
    about: About = NOTHING,
) -> ReviewItem:
    """Content on its way to the public page, inside the unit of work that makes it (by the
    acting person unless ``author_id`` says whose it is; ``about``: whom and what else it
    concerns). It waits when it matches the watch list, when its author or anyone it is about
    is a key person, when a matter it is about is a key matter (``watch.concerns``), or when
    the street always reviews its kind. Content submitted again (a rejected case-library
    entry, edited and published once more) goes through the queue again."""
    author = change.actor_id if author_id == "actor" else author_id
    found = (await matcher(change.services, change.street_id)).matches(text)
    concerned = await watch.concerns(author, about)
    station = await street_station()
    alerted = bool(found) or bool(concerned)
    waits = alerted or kind in station.always_review
    status = ReviewStatus.PENDING if waits else ReviewStatus.APPROVED
    row = await ReviewItem.filter(kind=kind, subject_id=subject_id).select_for_update().first()
    if row is None:
        row = await ReviewItem.create(
            tenant_id=change.street_id,
            kind=kind,
            subject_id=subject_id,
            text=text,
            status=status,
            matched=found,
            concerns=concerned,
            author_id=author,
            created_at=change.at,
            decided_at=None if waits else change.at,
        )
    else:
        row.text, row.status, row.matched, row.author_id = text, status, found, author
        row.concerns = concerned
        row.reviewed, row.reviewer_id, row.reason = False, None, ""
        row.created_at, row.decided_at = change.at, None if waits else change.at
        await row.save()
    await change.record(
        "review.submitted",
        item_gid(row.id),
        {
            "kind": kind,
            "status": row.status.value,
            "matched": found,
            "concerns": [{"kind": c["kind"], "id": c["id"]} for c in concerned],
        },
    )
    if waits:
        members = Membership.filter(role__in=list(REVIEWER_ROLES)).distinct()
        reviewers = set(await column(members, "user_id", int)) - {change.actor_id, author}
        await notify(
            change,
            sorted(reviewers),
            "review.alert" if alerted else "review.waiting",
            translate("station.review_alert_title")
            if alerted
            else translate("station.review_waiting_title"),
            "、".join([*found, *(str(c["label"]) for c in concerned)]),
            item_gid(row.id),
        )
    return row


class Queue:
    """The street's review queue as the other domains see it (``resolvers/publishing.py``):
    their content waits here when it matches the watch list, concerns a key person or a key
    matter, or its kind is always reviewed,
    and their ``on_decided`` hears the reviewer's decision."""

    async def submit(self, change: Change, submission: Submission) -> bool:
        row = await submit(
            change,
            submission.kind,
            submission.subject_id,
            submission.text,
            submission.author_id,
            submission.about,
        )
        return row.status is ReviewStatus.APPROVED


QUEUE = Queue()


async def decide(
    caller: Caller, pk: int, approve: bool, edited: str | None, reason: str
) -> ReviewItem:
    """Approve (as written, or as edited: the original goes to the audit entry) or reject with
    a reason."""
    reason = validators.text(
        reason, "reason", max_length(ReviewItem, "reason"), required=not approve
    )
    async with changing(caller.services, caller.user) as change:
        row = await ReviewItem.filter(id=pk).select_for_update().first()
        if row is None:
            raise DomainError(ErrorCode.NOT_FOUND, field="id")
        content = publishing.reviewable(caller.services.reviewables, row.kind)
        if edited is not None:
            edited = validators.text(edited, "text", content.max_length)
            if edited != row.text and not content.editable:
                raise Refused(BAD, "station.review_not_editable", "text", kind=content.label)
        if row.author_id == caller.user.id:
            raise Refused(StationCode.OWN_POST, "station.own_post", "id")
        if row.status is not ReviewStatus.PENDING:
            raise Refused(
                StationCode.REVIEW_DECIDED, "station.review_decided", "id", status=row.status.value
            )
        detail: dict[str, object] = {"kind": row.kind}
        if approve:
            row.status = ReviewStatus.APPROVED
            if edited is not None and edited != row.text:
                detail |= {"original": row.text, "edited": edited}
                row.text = edited
        else:
            row.status = ReviewStatus.REJECTED
            detail["reason"] = reason
        row.reason = reason
        row.reviewed = True
        row.reviewer_id = caller.user.id
        row.decided_at = change.at
        await row.save()
        action = "review.approved" if approve else "review.rejected"
        await change.audit(action, item_gid(row.id), detail)
        await change.event(action, item_gid(row.id), {"kind": row.kind})
        if content.on_decided is not None:
            decision = publishing.Decision(approve, row.text, reason, caller.user.id)
            await content.on_decided(change, row.subject_id, decision)
        if row.author_id is not None:
            await notify(
                change,
                [row.author_id],
                action,
                translate("station.review_approved_title")
                if approve
                else translate("station.review_rejected_title"),
                reason,
                item_gid(row.id),
            )
    return row


async def public_text(kind: str, subject_id: int) -> str | None:
    """The content as the public sees it: approved, or nothing."""
    row = await ReviewItem.filter(
        kind=kind, subject_id=subject_id, status=ReviewStatus.APPROVED
    ).first()
    return row.text if row else None


@cache
def approved_texts_of(kind: str) -> Callable[[Sequence[int]], Awaitable[list[str | None]]]:
    """The batch of approved texts of ``kind`` by subject (one per kind, for the loader)."""

    async def load(subject_ids: Sequence[int]) -> list[str | None]:
        rows = await ReviewItem.filter(
            kind=kind, status=ReviewStatus.APPROVED, subject_id__in=list(subject_ids)
        ).values_list("subject_id", "text")
        found = {int(pk): str(text) for pk, text in rows}
        return [found.get(pk) for pk in subject_ids]

    return load
