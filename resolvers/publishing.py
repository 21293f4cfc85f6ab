"""Review before publishing (审核), as every domain sees it: the seam between content that
becomes public and the street's review queue.

A domain whose content becomes public (a project's progress post, a case-library entry, a
supervision opinion…) declares each kind of it in its descriptor (``reviewable``: a
``Reviewable`` with its kind, label, longest text and what to do once it is decided) and, in
the unit of work that publishes it, calls ``submit(change, kind, subject_id, text,
author_id, about)``: ``about`` says whom and what the content concerns (``About``: the
accounts and residents, e.g. a suggestion's writer; the matters, e.g. the project a progress
post belongs to, named by their global IDs as everywhere else). One domain holds the queue
(``review_queue``, a ``ReviewQueue``): it matches the text against the street's watch list,
the author and the people it is about against the street's key people (重点人), the matters
against its key matters (重点事), and its always-reviewed kinds, and says whether the content
is public now (``True``) or waits (``False``); a reviewer's decision later reaches the
owning domain through its ``on_decided`` (approved, maybe edited; or rejected, with a reason),
in the reviewer's unit of work. Neither side imports the other. With no queue on the platform,
everything is public at once.

Which items a reader sees is the owning domain's to filter: it keeps its own publication state
(waiting, published, rejected), so readers never see content still waiting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from resolvers.events import Change


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision: ``text`` is the content as approved (edited or not), or as it
    was submitted when rejected; ``reason`` the reviewer's (required to reject)."""

    approved: bool
    text: str
    reason: str
    reviewer_id: int | None


DecidedHook = Callable[["Change", int, Decision], Awaitable[None]]
"""What the owning domain does once its content is decided (``change``, the subject's ID,
the decision): publish it (with the approved text) or mark it rejected."""


@dataclass(frozen=True)
class Reviewable:
    """A kind of content that passes the review queue before it is public (审核内容)."""

    kind: str
    """Its name in the queue (``PROGRESS_POST``), unique on the platform; an UPPER_SNAKE
    GraphQL enum value of ``ReviewContentKind``."""
    label: str
    """What reviewers read (项目进展), Chinese first."""
    max_length: int
    """The longest text a reviewer may approve in its place (the owning column's)."""
    node_type: str = ""
    """The GraphQL type of what it is about (``ProgressUpdate``), for the queue's link to it."""
    on_decided: DecidedHook | None = None
    """``None`` when the domain reads the queue's own approved text (the queue's domain)."""
    editable: bool = True
    """Whether a reviewer may approve an edited text (not when the content has several parts,
    as a case-library entry's title, summary and outcome: edited by its own publisher)."""


@dataclass(frozen=True)
class About:
    """Whom and what a piece of content concerns (涉及): the queue holds it when one of them
    is watched (a key person, a key matter). Its author is always one of the people, with no
    need to say so here."""

    people: tuple[int, ...] = ()
    """Accounts (``User`` IDs): a suggestion's writer, the author of the post replied to."""
    residents: tuple[int, ...] = ()
    """Residents of the register (``Resident`` IDs): the resident a consultation was for."""
    matters: tuple[str, ...] = ()
    """Matters by their global IDs (``to_global_id("Project", 7)``): the project a progress
    post belongs to, the case a consultation became, the suggestion answered."""


NOTHING = About()


@dataclass(frozen=True)
class Submission:
    kind: str
    subject_id: int
    text: str
    author_id: int | None
    """Whose content it is: told of the decision, and never its reviewer."""
    about: About = NOTHING


class ReviewQueue(Protocol):
    """The street's review queue (one domain provides it)."""

    async def submit(self, change: Change, submission: Submission) -> bool:
        """Queue the content in ``change``'s unit of work; ``True`` when it is public now."""
        ...


def kinds_by_name(reviewables: Sequence[Reviewable]) -> dict[str, Reviewable]:
    """The kinds by name; a kind declared twice is refused."""
    found: dict[str, Reviewable] = {}
    for item in reviewables:
        if item.kind in found:
            raise ValueError(f"reviewable content {item.kind} is declared twice")
        found[item.kind] = item
    return found


def reviewable(reviewables: Mapping[str, Reviewable], kind: str) -> Reviewable:
    found = reviewables.get(kind)
    if found is None:
        raise ValueError(f"reviewable content {kind} is declared by no domain")
    return found


async def submit(
    change: Change,
    kind: str,
    subject_id: int,
    text: str,
    author_id: int | None,
    about: About = NOTHING,
) -> bool:
    """Content of ``kind`` on its way to the public, inside the unit of work that makes it
    (``about``: whom and what it concerns beside its author): ``True`` when it is public now,
    ``False`` while it waits for a reviewer."""
    services = change.services
    reviewable(services.reviewables, kind)
    if services.review_queue is None:
        return True
    submission = Submission(kind, subject_id, text, author_id, about)
    return await services.review_queue.submit(change, submission)
