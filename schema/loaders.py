"""DataLoaders, made fresh for every request (and every WebSocket connection).

No domain registers anything here: ``loaders.of(batch)`` gives the request's one DataLoader for a
batch function (``async def batch(keys) -> list[value per key]``, written next to its domain's
resolvers), and ``loaders.by_id(Model)`` the one that loads rows of a model by primary key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=Model)

Batch = Callable[[Sequence[K]], Awaitable[Sequence[V]]]


@cache
def rows_by_id(model: type[M]) -> Batch[int, M | None]:
    """The batch function of ``model`` by primary key (one per model, so one loader per
    request): rows in the order of the keys, ``None`` where there is none (or none in the
    current street: the model's manager scopes the query)."""

    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(pk) for pk in ids]

    return load


class Loaders:
    """Each DataLoader is made the first time a request asks for it (most requests need none
    or one of them), then kept for the rest of the request."""

    def __init__(self) -> None:
        self._made: dict[object, DataLoader[Any, Any]] = {}

    def of(self, batch: Batch[K, V]) -> DataLoader[K, V]:
        found = self._made.get(batch)
        if found is None:
            found = self._made[batch] = DataLoader(load_fn=batch)
        return found

    def by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        return self.of(rows_by_id(model))
