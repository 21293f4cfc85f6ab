"""Progress posts and supervision opinions pass the street's review queue before they are
public (审核, ``resolvers/publishing.py``): a post matching the street's watch list (or of a
kind the street always reviews) waits IN_REVIEW, seen only by its author and the project's
managers, until a reviewer approves it (as written or edited: the post then reads as approved)
or rejects it. The live events and an opinion's reply clock start when it is published.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from tortoise.expressions import Q

from core.clock import local_date
from core.ids import to_global_id
from core.workdays import add_working_days
from models.columns import max_length
from models.projects import Opinion, Photo, ProgressUpdate, Publication
from resolvers.caller import Caller
from resolvers.events import Change
from resolvers.pagination import Page, PageKey, keyset_pages
from resolvers.projects.common import Snapshot, project_gid, require_project
from resolvers.projects.settings import ProjectSettings
from resolvers.publishing import Decision, Reviewable

T = TypeVar("T")
Batch = Callable[[Sequence[PageKey]], Awaitable[list[Page[T]]]]

PROGRESS_POST = "PROGRESS_POST"
SUPERVISION_OPINION = "SUPERVISION_OPINION"


def update_gid(pk: int) -> str:
    return to_global_id("ProgressUpdate", pk)


def opinion_gid(pk: int) -> str:
    return to_global_id("SupervisionOpinion", pk)


async def posted_event(change: Change, update: ProgressUpdate, photos: int) -> None:
    project = await require_project(update.project_id)
    await change.event(
        "project.update_posted",
        project_gid(project.id),
        Snapshot(project).payload(change.services, update=update.id, photoCount=photos),
    )


async def opinion_event(change: Change, opinion: Opinion) -> None:
    subject = project_gid(opinion.project_id)
    await change.event(
        "project.opinion_posted",
        subject,
        {
            "project": subject,
            "opinion": opinion_gid(opinion.id),
            "replyDue": opinion.reply_due.isoformat(),
        },
    )


def _outcome(decision: Decision) -> Publication:
    return Publication.PUBLISHED if decision.approved else Publication.REJECTED


async def _update_decided(change: Change, pk: int, decision: Decision) -> None:
    row = await ProgressUpdate.filter(id=pk).select_for_update().first()
    if row is None or row.publication is not Publication.IN_REVIEW:
        return
    row.publication = _outcome(decision)
    if decision.approved:
        row.body = decision.text
    await row.save(update_fields=["publication", "body"])
    if decision.approved:
        photos = await Photo.filter(update_id=row.id).count()
        await posted_event(change, row, photos)


async def _opinion_decided(change: Change, pk: int, decision: Decision) -> None:
    row = await Opinion.filter(id=pk).select_for_update().first()
    if row is None or row.publication is not Publication.IN_REVIEW:
        return
    row.publication = _outcome(decision)
    if decision.approved:
        row.body = decision.text
        # The department's working days to reply count from the day it is public.
        days = change.services.settings.section(ProjectSettings).opinion_reply_working_days
        row.reply_due = add_working_days(local_date(change.at), days)
    await row.save(update_fields=["publication", "body", "reply_due"])
    if decision.approved:
        await opinion_event(change, row)


REVIEWABLE = (
    Reviewable(
        PROGRESS_POST,
        "项目进展 (a project's progress post)",
        max_length(ProgressUpdate, "body"),
        node_type="ProgressUpdate",
        on_decided=_update_decided,
    ),
    Reviewable(
        SUPERVISION_OPINION,
        "监督意见 (a supervision opinion)",
        max_length(Opinion, "body"),
        node_type="SupervisionOpinion",
        on_decided=_opinion_decided,
    ),
)
"""What the projects domain sends through the review queue (its descriptor's ``reviewable``)."""


# -- who sees what ----------------------------------------------------------------------------


def viewer(caller: Caller) -> int | None:
    """``None`` for the project's managers (who see every post), else the reader's ID."""
    return None if caller.can("project", "manage") else caller.user.id


def seen_by(viewer_id: int | None) -> Q:
    """Published posts, and the reader's own waiting or rejected ones."""
    if viewer_id is None:
        return Q()
    return Q(publication=Publication.PUBLISHED) | Q(author_id=viewer_id)


Post = TypeVar("Post", ProgressUpdate, Opinion)


@lru_cache(maxsize=4096)
def post_pages_for(model: type[Post], viewer_id: int | None) -> Batch[Post]:
    """The batch of a project's progress posts or opinions one reader sees (one function per
    model and reader, for the loader), newest first."""

    async def load(keys: Sequence[PageKey]) -> list[Page[Post]]:
        query = model.filter(seen_by(viewer_id))
        return await keyset_pages(query, "project_id", keys, newest_first=True)

    return load
