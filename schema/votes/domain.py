"""The votes domain (网上票决): project ballots, resolutions and satisfaction votes with a
frozen electorate, sealed secret ballots, receipts and a public bulletin board."""

from __future__ import annotations

from collections.abc import Sequence

from models import votes as vm
from policies.capabilities import votes as capabilities
from resolvers.panels import PanelKind
from resolvers.services import Services
from resolvers.votes.codes import VoteCode
from resolvers.votes.demo import load_votes_demo
from resolvers.votes.lifecycle import vote_scheduler
from resolvers.votes.panel import votes_panel
from resolvers.votes.settings import VoteSettings
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can
from schema.votes.mutations import VotesMutation
from schema.votes.queries import VotesQuery
from schema.votes.subscriptions import VotesSubscription
from schema.votes.types import Vote, VoteItem


async def _vote(info: Info, pk: int) -> Vote | None:
    row = await vm.Vote.filter(id=pk).first()
    return Vote.from_model(row) if row else None


async def _vote_item(info: Info, pk: int) -> VoteItem | None:
    row = await vm.VoteItem.filter(id=pk).first()
    return VoteItem.from_model(row) if row else None


def _tasks(services: Services) -> Sequence[Task]:
    return (vote_scheduler(services),)


DOMAIN = Domain(
    name="votes",
    description="Online votes (网上票决).",
    models=("models.votes",),
    query=(VotesQuery,),
    mutation=(VotesMutation,),
    subscription=(VotesSubscription,),
    nodes={
        "Vote": NodeKind(Can(capabilities.VOTE_READ), _vote),
        "VoteItem": NodeKind(Can(capabilities.VOTE_READ), _vote_item),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=VoteCode,
    settings=VoteSettings,
    tasks=_tasks,
    demo=load_votes_demo,
    panels=(PanelKind("votes", 60, votes_panel),),
)
