from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from policies.capabilities.projects import PROJECT_READ
from resolvers.outbox import Event
from resolvers.projects import live
from resolvers.projects.common import project_gid, require_project
from schema.context import Info
from schema.events.types import SHARED_EVENT
from schema.permissions import Can, subscription
from schema.projects.aggregates import ProjectEvent
from schema.relay import decode_id
from tenants.scoping import street_scope


def _of(event: Event) -> ProjectEvent:
    """One object per event, shared by every subscriber in this worker."""
    cached = event.cache.get(ProjectEvent)
    if cached is None:
        cached = event.cache[ProjectEvent] = ProjectEvent(
            cursor=event.cursor,
            type=event.type,
            project_id=strawberry.ID(event.subject),
            occurred_at=event.occurred_at,
            payload=strawberry.scalars.JSON(event.payload),
        )
    return cached


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
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        street = viewer.require_street()
        with street_scope(street.id, writable=False):  # generators run outside the operation
            project = await require_project(decode_id(id, "Project", "id"))
        async for event in live.project_events(
            context.services,
            user.id,
            street.id,
            project_gid(project.id),
            after,
            viewer.token_expires_at,
        ):
            SHARED_EVENT.set(event)
            yield _of(event)

    @subscription(
        requires=Can(PROJECT_READ),
        description="Every change of any of the street's projects, live (for the progress "
        "board and big screens). Pass the last `cursor` seen as `after` to resume.",
    )
    async def project_board(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[ProjectEvent, None]:
        context = info.context
        viewer = context.viewer
        user = viewer.require_user()
        street = viewer.require_street()
        async for event in live.project_events(
            context.services, user.id, street.id, None, after, viewer.token_expires_at
        ):
            SHARED_EVENT.set(event)
            yield _of(event)
