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


@dataclass
class StatementCounter:
    count: int = 0
    statements: list[str] | None = None


@contextlib.contextmanager
def count_statements(connection: str = "default", keep: bool = False) -> Iterator[StatementCounter]:
    """Within the block, every statement sent through the connection's client class counts."""
    counter = StatementCounter(statements=[] if keep else None)
    client_class = type(connections.get(connection))
    originals = {name: getattr(client_class, name) for name in _METHODS}

    def wrap(original: Any) -> Any:
        async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            active = _ACTIVE.get()
            if active is not None:
                active.count += 1
                if active.statements is not None:
                    active.statements.append(query)
            return await original(self, query, *args, **kwargs)

        return counted

    for name, original in originals.items():
        setattr(client_class, name, wrap(original))
    token = _ACTIVE.set(counter)
    try:
        yield counter
    finally:
        _ACTIVE.reset(token)
        for name, original in originals.items():
            setattr(client_class, name, original)
