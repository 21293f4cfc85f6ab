"""The supervision desk (专项监督台), following and rating projects (关注、满意度).

Representatives and deliberators post opinions; the department answers within a number of
working days (the holiday calendar of ``core.workdays``, as cases count them); an unanswered
opinion past its date, or one answered late, is overdue. Only the author rates the reply.
Residents (and representatives) follow projects and rate completed ones: one rating per
person, changeable until the project is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from core import validators
from core.clock import local_date
from core.errors import ErrorCode, Refused
from core.i18n import translate
from core.workdays import add_working_days
from models.accounts import User
from models.columns import max_length
from models.projects import Follow, Opinion, Project, ProjectStatus, Publication, Rating
from resolvers import publishing
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.projects.common import project_gid, require_project, today
from resolvers.projects.publication import SUPERVISION_OPINION, opinion_event, opinion_gid
from resolvers.projects.settings import ProjectSettings
from resolvers.services import Services
from tenants.scoping import get_in_street

RATEABLE = frozenset({ProjectStatus.COMPLETED})


def is_overdue(services: Services, opinion: Opinion) -> bool:
    if opinion.replied_at is None:
        return today(services) > opinion.reply_due
    return opinion.replied_late


async def post_opinion(caller: Caller, project_id: int, body: str) -> Opinion:
    services, actor = caller.services, caller.user
    body = validators.text(body, "body", max_length(Opinion, "body"))
    async with changing(services, actor) as change:
        project = await require_project(project_id)
        due = add_working_days(
            local_date(change.at),
            services.settings.section(ProjectSettings).opinion_reply_working_days,
        )
        opinion = await Opinion.create(
            project_id=project.id,
            author_id=actor.id,
            body=body,
            created_at=change.at,
            reply_due=due,
        )
        subject = project_gid(project.id)
        await change.audit(
            "project.opinion_posted",
            subject,
            {"opinion": opinion.id, "body": body, "replyDue": due.isoformat()},
        )
        if await publishing.submit(change, SUPERVISION_OPINION, opinion.id, body, actor.id):
            await opinion_event(change, opinion)
        else:
            opinion.publication = Publication.IN_REVIEW
            await opinion.save(update_fields=["publication"])
    return opinion


async def reply_to_opinion(caller: Caller, opinion_id: int, body: str) -> Opinion:
    services, actor = caller.services, caller.user
    body = validators.text(body, "body", max_length(Opinion, "reply"))
    async with changing(services, actor) as change:
        opinion = await get_in_street(Opinion, opinion_id, for_update=True)
        if opinion.publication is not Publication.PUBLISHED:
            raise Refused(
                ErrorCode.BAD_USER_INPUT,
                "project.opinion_in_review",
                "opinionId",
                publication=opinion.publication.value,
            )
        if opinion.replied_at is not None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "project.already_replied", "opinionId")
        project = await require_project(opinion.project_id)
        opinion.reply = body
        opinion.replied_at = change.at
        opinion.replied_by_id = actor.id
        opinion.replied_late = local_date(change.at) > opinion.reply_due
        await opinion.save(update_fields=["reply", "replied_at", "replied_by_id", "replied_late"])
        subject = project_gid(project.id)
        await change.audit(
            "project.opinion_replied",
            subject,
            {"opinion": opinion.id, "reply": body, "late": opinion.replied_late},
        )
        await change.event(
            "project.opinion_replied",
            subject,
            {"project": subject, "opinion": opinion_gid(opinion.id), "late": opinion.replied_late},
        )
        await notify(
            change,
            [opinion.author_id],
            "project.opinion_replied",
            translate("project.reply_title", project=project.title),
            body,
            opinion_gid(opinion.id),
        )
    return opinion


async def rate_reply(caller: Caller, opinion_id: int, score: int) -> Opinion:
    """The author of the opinion, and only they, rates the department's reply (1 to 5)."""
    services, actor = caller.services, caller.user
    validators.in_range(score, 1, 5, "score", "project.range")
    async with changing(services, actor) as change:
        opinion = await get_in_street(Opinion, opinion_id, for_update=True)
        if opinion.author_id != actor.id:
            raise Refused(ErrorCode.FORBIDDEN, "project.not_author", "opinionId")
        if opinion.replied_at is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "project.not_replied", "opinionId")
        opinion.reply_score = score
        await opinion.save(update_fields=["reply_score"])
        await change.record(
            "project.reply_rated",
            project_gid(opinion.project_id),
            {"opinion": opinion_gid(opinion.id), "score": score},
        )
    return opinion


@dataclass(frozen=True)
class Following:
    project: Project
    following: bool


async def set_following(caller: Caller, project_id: int, follow: bool) -> Following:
    """Follow or unfollow; doing it twice changes nothing."""
    services, actor = caller.services, caller.user
    project = await require_project(project_id)
    existing = await Follow.filter(project_id=project.id, user_id=actor.id).first()
    if follow and existing is None:
        try:
            async with changing(services, actor):
                await Follow.create(
                    project_id=project.id, user_id=actor.id, created_at=services.clock.now()
                )
        except IntegrityError:
            pass  # followed concurrently: the outcome is the same
    elif not follow and existing is not None:
        async with changing(services, actor):
            await Follow.filter(id=existing.id).delete()
    return Following(project, follow)


async def rate_project(caller: Caller, project_id: int, score: int, comment: str) -> Rating:
    """One rating per person per project, while the project is COMPLETED (until accepted)."""
    services, actor = caller.services, caller.user
    validators.in_range(score, 1, 5, "score", "project.range")
    comment = validators.text(
        comment.strip(), "comment", max_length(Rating, "comment"), required=False
    )
    for _attempt in range(2):
        try:
            return await _rate(services, actor, project_id, score, comment)
        except IntegrityError:
            continue  # a concurrent first rating by the same person: update it instead
    raise Refused(ErrorCode.ALREADY_EXISTS, "error.bad_user_input", "score")


async def _rate(
    services: Services, actor: User, project_id: int, score: int, comment: str
) -> Rating:
    async with changing(services, actor) as change:
        project = await require_project(project_id, for_update=True)
        if project.status not in RATEABLE:
            raise Refused(
                ErrorCode.BAD_USER_INPUT,
                "project.rating_closed",
                "projectId",
                status=project.status.value,
            )
        rating = await Rating.filter(project_id=project.id, user_id=actor.id).first()
        if rating is None:
            rating = await Rating.create(
                project_id=project.id,
                user_id=actor.id,
                score=score,
                comment=comment,
                created_at=change.at,
                updated_at=change.at,
            )
        else:
            rating.score = score
            rating.comment = comment
            rating.updated_at = change.at
            await rating.save(update_fields=["score", "comment", "updated_at"])
        subject = project_gid(project.id)
        await change.audit("project.rated", subject, {"rating": rating.id, "score": score})
        await change.event("project.rated", subject, {"project": subject, "score": score})
    return rating
