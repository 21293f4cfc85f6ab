"""Count the SQL statements Tortoise sends on a connection (for the board's N+1 checks)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tortoise.connection import connections

_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")


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
            counter.count += 1
            if counter.statements is not None:
                counter.statements.append(query)
            return await original(self, query, *args, **kwargs)

        return counted

    for name, original in originals.items():
        setattr(client_class, name, wrap(original))
    try:
        yield counter
    finally:
        for name, original in originals.items():
            setattr(client_class, name, original)
