"""Count the SQL statements Tortoise sends on a connection (for the board's N+1 checks).

Counts what the code inside the block sends (its task, and what it awaits in that task):
background tasks of the app (relay, scanner) do not count."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from tortoise.connection import connections

_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")
# Only statements of the counting task (and what it awaits) count, not background tasks'.
_ACTIVE: ContextVar[StatementCounter | None] = ContextVar("gongzhi_statement_counter", default=None)
_INSIDE: ContextVar[bool] = ContextVar("gongzhi_statement_counted", default=False)


@dataclass
class StatementCounter:
    count: int = 0
    statements: list[str] | None = None
    calls: list[tuple[str, tuple[Any, ...], tuple[str, str, str]]] | None = None
    """With ``keep``: each statement with its arguments and the row settings (street scope) it
    ran under, to EXPLAIN it again as the app ran it."""


def _defining_classes(client_class: type, name: str) -> list[type]:
    """Every class that defines method ``name`` for this client: where its class inherits it
    from, and every subclass of that which overrides it (the client's transaction wrapper, a
    subclass of the backend's client, not of ours)."""
    root = next(k for k in client_class.__mro__ if name in k.__dict__)
    found, stack = [root], list(root.__subclasses__())
    while stack:
        cls = stack.pop()
        if name in cls.__dict__:
            found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


@contextlib.contextmanager
def count_statements(connection: str = "default", keep: bool = False) -> Iterator[StatementCounter]:
    """Within the block, every statement sent through the connection's client, in a
    transaction or not, counts once."""
    from models.row_security import ROW_SCOPES

    counter = StatementCounter(statements=[] if keep else None, calls=[] if keep else None)
    client_class = type(connections.get(connection))
    originals = [
        (cls, name, cls.__dict__[name])
        for name in _METHODS
        for cls in _defining_classes(client_class, name)
    ]

    def wrap(original: Any) -> Any:
        async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            active = _ACTIVE.get()
            if active is None or _INSIDE.get():  # an override calling its parent counts once
                return await original(self, query, *args, **kwargs)
            active.count += 1
            if active.statements is not None:
                active.statements.append(query)
            if active.calls is not None:
                values = args[0] if args else kwargs.get("values")
                active.calls.append((query, tuple(values or ()), ROW_SCOPES.active()))
            token = _INSIDE.set(True)
            try:
                return await original(self, query, *args, **kwargs)
            finally:
                _INSIDE.reset(token)

        return counted

    for cls, name, original in originals:
        setattr(cls, name, wrap(original))
    token = _ACTIVE.set(counter)
    try:
        yield counter
    finally:
        _ACTIVE.reset(token)
        for cls, name, original in originals:
            setattr(cls, name, original)
