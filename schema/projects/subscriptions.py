from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from policies.capabilities.projects import PROJECT_READ
from resolvers.outbox import Event
from resolvers.projects import live
from resolvers.projects.common import project_gid, require_project
from schema.context import Info
from schema.live import listener, shared
from schema.permissions import Can, subscription
from schema.projects.aggregates import ProjectEvent
from schema.relay import decode_id


def _of(event: Event) -> ProjectEvent:
    return ProjectEvent(
        cursor=event.cursor,
        type=event.type,
        project_id=strawberry.ID(event.subject),
        occurred_at=event.occurred_at,
        payload=strawberry.scalars.JSON(event.payload),
    )


@strawberry.type
class ProjectsSubscription:
    @subscription(
        requires=Can(PROJECT_READ),
        description="Every progress, milestone, fund, supervision and status change of one "
        "project, live. Pass the last `cursor` seen as `after` to first receive what was missed.",
    )
    async def project_progress(
        self, info: Info, id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ProjectEvent, None]:
        me = listener(info, after)
        with me.reading():
            project = await require_project(decode_id(id, "Project", "id"))
        stream = live.project_events(
            me.services,
            me.user.id,
            me.street.id,
            project_gid(project.id),
            me.since,
            me.token_expires_at,
        )
        async for item in shared(stream, ProjectEvent, _of):
            yield item

    @subscription(
        requires=Can(PROJECT_READ),
        description="Every change of any of the street's projects, live (for the progress "
        "board and big screens). Pass the last `cursor` seen as `after` to resume.",
    )
    async def project_board(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[ProjectEvent, None]:
        me = listener(info, after)
        stream = live.project_events(
            me.services, me.user.id, me.street.id, None, me.since, me.token_expires_at
        )
        async for item in shared(stream, ProjectEvent, _of):
            yield item
