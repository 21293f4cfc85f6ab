"""The schema, composed once from every domain's queries, mutations and subscriptions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from core.settings import Settings
from schema.accounts.mutations import AccountsMutation
from schema.accounts.queries import AccountsQuery
from schema.accounts.subscriptions import AccountsSubscription
from schema.errors import InputError, TooManyAttempts
from schema.events.mutations import EventsMutation
from schema.events.queries import EventsQuery
from schema.events.subscriptions import EventsSubscription
from schema.extensions import ErrorCodeExtension, StreetScopeExtension
from schema.limits import DocumentVerdicts, QueryLimits
from schema.node import NodeQuery
from schema.people.delegates import DelegatesMutation, DelegatesQuery
from schema.people.importing import ImportMutation
from schema.people.notices import NoticesMutation, NoticesQuery, NoticesSubscription
from schema.people.places import PlacesMutation, PlacesQuery
from schema.people.residents import ResidentsMutation, ResidentsQuery
from schema.people.visits import VisitsMutation, VisitsQuery
from schema.people.workbench import WorkbenchMutation, WorkbenchQuery
from schema.projects.mutations import ProjectsMutation
from schema.projects.queries import ProjectsQuery
from schema.projects.subscriptions import ProjectsSubscription
from schema.projects.supervision import SupervisionMutation
from schema.tenancy.mutations import TenancyMutation
from schema.tenancy.queries import TenancyQuery
from schema.votes.mutations import VotesMutation
from schema.votes.queries import VotesQuery
from schema.votes.subscriptions import VotesSubscription


@strawberry.type(description="Everything one can read. Each field says what it requires.")
class Query(
    NodeQuery,
    AccountsQuery,
    TenancyQuery,
    PlacesQuery,
    ResidentsQuery,
    WorkbenchQuery,
    NoticesQuery,
    DelegatesQuery,
    VisitsQuery,
    EventsQuery,
    ProjectsQuery,
    VotesQuery,
):
    pass


@strawberry.type(description="Everything one can change. Each returns a payload union.")
class Mutation(
    AccountsMutation,
    TenancyMutation,
    PlacesMutation,
    ResidentsMutation,
    ImportMutation,
    WorkbenchMutation,
    NoticesMutation,
    DelegatesMutation,
    VisitsMutation,
    EventsMutation,
    ProjectsMutation,
    SupervisionMutation,
    VotesMutation,
):
    pass


@strawberry.type(description="Live updates over graphql-transport-ws on the same path.")
class Subscription(
    AccountsSubscription,
    EventsSubscription,
    ProjectsSubscription,
    NoticesSubscription,
    VotesSubscription,
):
    pass


class GongzhiSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors (denied, not found, bad input) are answers, not incidents; the
        # ErrorCodeExtension logs the unexpected ones.
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings(env="dev")  # type: ignore[arg-type]
    # Factories: a fresh extension per request. The limits' rules and the verdicts on each
    # distinct document are built once here and shared by every request of this schema.
    mask = not settings.is_dev
    verdicts = DocumentVerdicts(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        introspection=settings.introspection,
    )
    extensions: list[Any] = [
        lambda: QueryLimits(verdicts),
        StreetScopeExtension,
        lambda: ErrorCodeExtension(mask_unexpected=mask),
    ]
    return GongzhiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[InputError, TooManyAttempts],
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )
