"""DataLoaders, created fresh for every request (and every WebSocket connection)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.accounts import User
from models.people import Building, Compound, Resident, Tag
from models.projects import Milestone, Project
from models.tenancy import Community, District, Grid, Street
from models.votes import VoteItem
from resolvers.people.residents import resident_tags
from resolvers.projects import views as project_views

M = TypeVar("M", bound=Model)


def by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(pk) for pk in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """Each DataLoader is made the first time a request asks for it (most requests need
    none or one of them), then kept for the rest of the request."""

    @cached_property
    def community(self) -> DataLoader[int, Community | None]:
        return by_id(Community)

    @cached_property
    def street(self) -> DataLoader[int, Street | None]:
        return by_id(Street)

    @cached_property
    def district(self) -> DataLoader[int, District | None]:
        return by_id(District)

    @cached_property
    def user(self) -> DataLoader[int, User | None]:
        return by_id(User)

    @cached_property
    def grid(self) -> DataLoader[int, Grid | None]:
        return by_id(Grid)

    @cached_property
    def compound(self) -> DataLoader[int, Compound | None]:
        return by_id(Compound)

    @cached_property
    def building(self) -> DataLoader[int, Building | None]:
        return by_id(Building)

    @cached_property
    def resident(self) -> DataLoader[int, Resident | None]:
        return by_id(Resident)

    @cached_property
    def tags_of_resident(self) -> DataLoader[int, list[Tag]]:
        return DataLoader(load_fn=_tags_of_residents)

    @cached_property
    def project(self) -> DataLoader[int, Project | None]:
        return by_id(Project)

    @cached_property
    def milestones(self) -> DataLoader[int, list[Milestone]]:
        return DataLoader(load_fn=project_views.load_milestones)

    @cached_property
    def satisfaction(self) -> DataLoader[int, project_views.Satisfaction]:
        return DataLoader(load_fn=project_views.load_satisfaction)

    @cached_property
    def waiting_opinions(self) -> DataLoader[int, list[project_views.WaitingOpinion]]:
        return DataLoader(load_fn=project_views.load_waiting_opinions)

    @cached_property
    def vote_items(self) -> DataLoader[int, list[VoteItem]]:
        return DataLoader(load_fn=_items_of_votes)


async def _items_of_votes(ids: Sequence[int]) -> list[list[VoteItem]]:
    found: dict[int, list[VoteItem]] = {pk: [] for pk in ids}
    for item in await VoteItem.filter(vote_id__in=list(set(ids))).order_by("vote_id", "position"):
        found[item.vote_id].append(item)
    return [found[pk] for pk in ids]


async def _tags_of_residents(ids: Sequence[int]) -> list[list[Tag]]:
    found = await resident_tags(ids)
    return [found.get(pk, []) for pk in ids]
