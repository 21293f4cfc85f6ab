"""Live vote events for subscriptions (``voteTurnout``): resumable, counts only.

Vote events are ordinary events of the street's stream, written with their change. Their
payloads carry the turnout and the electorate size, never a voter or a choice, so a big screen
can show them and a secret ballot stays secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from models.events import PRIVATE
from policies.vocabulary import Capability, street_domain
from resolvers.events import check_still_signed_in
from resolvers.outbox import Event, decode_cursor, stream
from resolvers.services import Services

VOTE_READ = Capability("vote", "read")
PREFIX = "vote."


async def vote_events(
    services: Services,
    user_id: int,
    street_id: int,
    subject: str,
    after: str | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """The events of one vote (by its global ID), for callers who may read votes."""
    position = decode_cursor(after, street_id) if after else None
    domain = street_domain(street_id)
    async for event in stream(services.hub, street_id, position):
        check_still_signed_in(services, token_expires_at)
        if not event.type.startswith(PREFIX) or event.visibility == PRIVATE:
            continue
        if event.subject == subject and services.authorizer.can(user_id, domain, VOTE_READ):
            yield event
