"""DataLoaders, created fresh for every request (and every WebSocket connection)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.accounts import User
from models.people import Building, Compound, Resident, Tag
from models.projects import Milestone, Project
from models.tenancy import Community, District, Grid, Street
from resolvers.people.residents import resident_tags
from resolvers.projects import views as project_views

M = TypeVar("M", bound=Model)


def by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(pk) for pk in ids]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    community: DataLoader[int, Community | None] = field(default_factory=lambda: by_id(Community))
    street: DataLoader[int, Street | None] = field(default_factory=lambda: by_id(Street))
    district: DataLoader[int, District | None] = field(default_factory=lambda: by_id(District))
    user: DataLoader[int, User | None] = field(default_factory=lambda: by_id(User))
    grid: DataLoader[int, Grid | None] = field(default_factory=lambda: by_id(Grid))
    compound: DataLoader[int, Compound | None] = field(default_factory=lambda: by_id(Compound))
    building: DataLoader[int, Building | None] = field(default_factory=lambda: by_id(Building))
    resident: DataLoader[int, Resident | None] = field(default_factory=lambda: by_id(Resident))
    tags_of_resident: DataLoader[int, list[Tag]] = field(
        default_factory=lambda: DataLoader(load_fn=_tags_of_residents)
    )

    project: DataLoader[int, Project | None] = field(default_factory=lambda: by_id(Project))
    milestones: DataLoader[int, list[Milestone]] = field(
        default_factory=lambda: DataLoader(load_fn=project_views.load_milestones)
    )
    satisfaction: DataLoader[int, project_views.Satisfaction] = field(
        default_factory=lambda: DataLoader(load_fn=project_views.load_satisfaction)
    )
    waiting_opinions: DataLoader[int, list[project_views.WaitingOpinion]] = field(
        default_factory=lambda: DataLoader(load_fn=project_views.load_waiting_opinions)
    )


async def _tags_of_residents(ids: Sequence[int]) -> list[list[Tag]]:
    found = await resident_tags(ids)
    return [found.get(pk, []) for pk in ids]
