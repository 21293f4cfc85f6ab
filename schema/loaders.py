"""DataLoaders, created fresh for every request (and every WebSocket connection)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.accounts import User
from models.tenancy import Community, District, Street

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
