"""Live vote events for subscriptions (``voteProgress``): resumable, counts only.

Vote events are ordinary events of the street's stream, written with their change. Their
payloads carry the turnout and the electorate size, never a voter or a choice, so a big screen
can show them and a secret ballot stays secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from policies.capabilities.votes import VOTE_READ
from resolvers.events import domain_events
from resolvers.outbox import Event
from resolvers.services import Services

VOTE_READ = VOTE_READ


def vote_events(
    services: Services,
    user_id: int,
    street_id: int,
    subject: str,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """The events of one vote (by its global ID), for callers who may read votes."""
    return domain_events(
        services, user_id, street_id, "vote.", VOTE_READ, subject, since, token_expires_at
    )
