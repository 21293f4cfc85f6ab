"""Reads that may lag (只读副本): whether the running code may read from the read replica.

A field declared ``replica=True`` (``schema/permissions.py``) runs its resolver inside
``lagging_reads()``; the database client (``core/postgres.py``) then sends the ORM's reads
outside a transaction to the replica connection (``GONGZHI_READ_DATABASE_URL``). Everything
else, every transaction (``changing()``) included, reads and writes on the primary.

A replica that cannot be reached, refuses, or cancels a statement (a conflict with its
recovery) raises ``ReplicaUnavailable``: the field runs again on the primary
(``schema/replica.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_LAGGING: ContextVar[bool] = ContextVar("gongzhi_lagging_reads", default=False)


class ReplicaUnavailable(Exception):
    """The replica could not answer; the read is to be made on the primary."""


@contextlib.contextmanager
def lagging_reads() -> Iterator[None]:
    """Reads of the code run inside may come from the replica, which may lag."""
    token = _LAGGING.set(True)
    try:
        yield
    finally:
        _LAGGING.reset(token)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Reads of the code run inside come from the primary, even under ``lagging_reads``."""
    token = _LAGGING.set(False)
    try:
        yield
    finally:
        _LAGGING.reset(token)


def reads_may_lag() -> bool:
    """Is the running code inside ``lagging_reads()``?"""
    return _LAGGING.get()
