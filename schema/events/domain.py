"""The events domain (实时动态、消息): the street's live event stream and the notification inbox."""

from __future__ import annotations

from policies.capabilities import events as capabilities
from schema.domain import Domain
from schema.events.mutations import EventsMutation
from schema.events.queries import EventsQuery
from schema.events.subscriptions import EventsSubscription

DOMAIN = Domain(
    name="events",
    description="The street's live events and each account's notifications (实时动态、消息).",
    models=("models.events",),
    query=(EventsQuery,),
    mutation=(EventsMutation,),
    subscription=(EventsSubscription,),
    capabilities=capabilities.CAPABILITIES,
)
