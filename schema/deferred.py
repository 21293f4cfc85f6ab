"""A value a plain (resolver-less) field can hold when it is not known yet.

Strawberry resolves plain attributes on its fast path (no field extensions, no argument
parsing); graphql-core awaits any value with ``__await__``. A ``Deferred`` starts its work only
when awaited, so a field nobody selected costs nothing and leaves no coroutine un-awaited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _same(value: Any) -> Any:
    return value


class Deferred(Generic[T]):
    __slots__ = ("_convert", "_start")

    def __init__(
        self, start: Callable[[], Awaitable[Any]], convert: Callable[[Any], T] = _same
    ) -> None:
        self._start = start
        self._convert = convert

    def __await__(self) -> Generator[Any, None, T]:
        return self._run().__await__()

    async def _run(self) -> T:
        return self._convert(await self._start())
