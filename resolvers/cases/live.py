"""Live cases (实时推送): one case's progress for whoever reads it (its reporter), and the
street's dispatch desk (值班台) for reviewers and leaders. Resumable after a cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from policies.capabilities.cases import CASE_DESK, CASE_READ
from resolvers.cases.common import CASE_EVENTS
from resolvers.events import domain_events
from resolvers.outbox import Event
from resolvers.services import Services


def case_events(
    services: Services,
    user_id: int,
    street_id: int,
    subject: str | None,
    since: int | None,
    token_expires_at: datetime | None,
) -> AsyncIterator[Event]:
    """One case's events (``subject``), or every case event of the street for the desk."""
    capability = CASE_READ if subject is not None else CASE_DESK
    return domain_events(
        services, user_id, street_id, CASE_EVENTS, capability, subject, since, token_expires_at
    )
