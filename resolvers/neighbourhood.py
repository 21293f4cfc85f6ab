"""What a domain adds to a resident's "nearby" feed (身边): the seam between the feed
(``resolvers/participation/nearby.py``) and the domains whose content concerns where a
resident lives (e.g. the liaison station's activities).

A domain declares a ``NearbySource`` in its descriptor (``nearby``): its kind, and how to read
the resident's entries newest first (up to a time, at most so many) and count them, inside the
resident's street scope. An entry names no one: what, where and when.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Neighbour:
    """The resident whose feed it is: their account, where they live and their roles."""

    user_id: int
    resident_id: int
    community_id: int | None
    grid_id: int | None
    roles: frozenset[str]


@dataclass(frozen=True)
class NearbyEntry:
    kind: str
    node_type: str
    """The GraphQL type of what it is about (``Activity``), for its global ID."""
    ref_id: int
    title: str
    summary: str
    at: datetime


Entries = Callable[[Neighbour, "datetime | None", int], Awaitable[list[NearbyEntry]]]
"""The resident's entries at or before a time (``None``: the newest), newest first (time, then
ID), at most so many."""


@dataclass(frozen=True)
class NearbySource:
    kind: str
    """Its ``NearbyKind`` value (``ACTIVITY``), unique on the platform."""
    label: str
    entries: Entries
    count: Callable[[Neighbour], Awaitable[int]]
