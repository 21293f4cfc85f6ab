"""Live project events for subscriptions (``projectProgress``, ``projectBoard``): resumable.

Project events are ordinary events of the street's stream (written with their change, relayed,
kept for resuming); these streams keep those of type ``project.*`` (of one project, or all),
for callers who may read projects. Their payloads carry no personal data (big screens).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from policies.capabilities.projects import PROJECT_READ
from resolvers.events import domain_events
from resolvers.outbox import Event
from resolvers.services import Services

PROJECT_READ = PROJECT_READ


def project_events(
    services: Services,
    user_id: int,
    street_id: int,
    subject: str | None,
    since: int | None,
    token_expires_at: datetime | None = None,
) -> AsyncIterator[Event]:
    """The street's project events (of one project when ``subject`` is its global ID)."""
    return domain_events(
        services, user_id, street_id, "project.", PROJECT_READ, subject, since, token_expires_at
    )
