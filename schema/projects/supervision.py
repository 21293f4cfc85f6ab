"""The supervision desk (专项监督台), following and rating projects."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.projects import Project as ProjectRow
from policies.capabilities.projects import (
    PROJECT_FOLLOW,
    PROJECT_RATE,
    PROJECT_REPLY,
    PROJECT_SUPERVISE,
)
from resolvers.projects import supervision
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.permissions import Can, mutation
from schema.projects.inputs import (
    FollowProjectInput,
    PostSupervisionOpinionInput,
    RateOpinionReplyInput,
    RateProjectInput,
    ReplyToOpinionInput,
)
from schema.projects.types import Project, ProjectRating, SupervisionOpinion
from schema.relay import decode_id


@strawberry.type
class OpinionSuccess:
    opinion: SupervisionOpinion


@strawberry.type
class FollowProjectSuccess:
    project: Project
    following: bool


@strawberry.type
class RateProjectSuccess:
    rating: ProjectRating
    project: Project


OpinionPayload = Annotated[OpinionSuccess | InputError, strawberry.union("OpinionPayload")]
FollowProjectPayload = Annotated[
    FollowProjectSuccess | InputError, strawberry.union("FollowProjectPayload")
]
RateProjectPayload = Annotated[
    RateProjectSuccess | InputError, strawberry.union("RateProjectPayload")
]


@strawberry.type
class SupervisionMutation:
    @mutation(
        requires=Can(PROJECT_SUPERVISE),
        description="Post a supervision opinion on a project (representatives, deliberators); "
        "the department's reply is due within GONGZHI_OPINION_REPLY_WORKING_DAYS working days.",
    )
    async def post_supervision_opinion(
        self, info: Info, input: PostSupervisionOpinionInput
    ) -> OpinionPayload:
        row = await supervision.post_opinion(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.body,
        )
        return OpinionSuccess(opinion=SupervisionOpinion.from_model(row))

    @mutation(
        requires=Can(PROJECT_REPLY),
        description="Answer a supervision opinion (once); its author is notified.",
    )
    async def reply_to_opinion(self, info: Info, input: ReplyToOpinionInput) -> OpinionPayload:
        row = await supervision.reply_to_opinion(
            caller(info),
            decode_id(input.opinion_id, "SupervisionOpinion", "opinionId"),
            input.body,
        )
        return OpinionSuccess(opinion=SupervisionOpinion.from_model(row))

    @mutation(
        requires=Can(PROJECT_SUPERVISE),
        description="Rate the reply to my own opinion, 1–5 (only the author may).",
    )
    async def rate_opinion_reply(self, info: Info, input: RateOpinionReplyInput) -> OpinionPayload:
        row = await supervision.rate_reply(
            caller(info),
            decode_id(input.opinion_id, "SupervisionOpinion", "opinionId"),
            input.score,
        )
        return OpinionSuccess(opinion=SupervisionOpinion.from_model(row))

    @mutation(
        requires=Can(PROJECT_FOLLOW),
        description="Follow a project (or stop): followers are told when its status changes.",
    )
    async def follow_project(self, info: Info, input: FollowProjectInput) -> FollowProjectPayload:
        result = await supervision.set_following(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.follow,
        )
        return FollowProjectSuccess(
            project=Project.from_model(result.project, info), following=result.following
        )

    @mutation(
        requires=Can(PROJECT_RATE),
        description="Rate a COMPLETED project 1–5 with an optional comment (满意度): one rating "
        "per person, changeable until the project is ACCEPTED.",
    )
    async def rate_project(self, info: Info, input: RateProjectInput) -> RateProjectPayload:
        row = await supervision.rate_project(
            caller(info),
            decode_id(input.project_id, "Project", "projectId"),
            input.score,
            input.comment,
        )
        project = await info.context.loaders.by_id(ProjectRow).load(row.project_id)
        assert project is not None
        return RateProjectSuccess(
            rating=ProjectRating.from_model(row), project=Project.from_model(project, info)
        )
