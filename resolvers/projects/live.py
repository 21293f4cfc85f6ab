"""Live project events for subscriptions (``projectProgress``, ``projectBoard``): resumable.

Project events are ordinary events of the street's stream (written with their change, relayed,
kept for resuming); these streams keep those of type ``project.*`` (of one project, or all),
for callers who may read projects. Their payloads carry no personal data (big screens).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from models.events import PRIVATE
from policies.vocabulary import Capability, street_domain
from resolvers.events import check_still_signed_in
from resolvers.outbox import Event, decode_cursor, stream
from resolvers.services import Services

PROJECT_READ = Capability("project", "read")
PREFIX = "project."


async def project_events(
    services: Services,
    user_id: int,
    street_id: int,
    subject: str | None,
    after: str | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """The street's project events (of one project when ``subject`` is its global ID)."""
    position = decode_cursor(after, street_id) if after else None
    domain = street_domain(street_id)
    async for event in stream(services.hub, street_id, position):
        check_still_signed_in(services, token_expires_at)
        if not event.type.startswith(PREFIX) or event.visibility == PRIVATE:
            continue
        if subject is not None and event.subject != subject:
            continue
        if services.authorizer.can(user_id, domain, PROJECT_READ):
            yield event
