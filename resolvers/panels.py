"""The panels of the big screen and the dashboard (一屏统览): what each domain contributes.

A domain that has figures to show declares a ``PanelKind`` in its descriptor (``panels``); the
stats domain asks each for its panel, for one scope and one period, inside the scope's street
scope (one street, or a district's streets in the read-only multi-street scope). A panel holds
counts and rates only, and lists of what happened without anyone's name: everything in it may
be shown on a screen in a public hall.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.periods import Period

if TYPE_CHECKING:
    from resolvers.services import Services


class ScopeKind(StrEnum):
    """What a dashboard covers (统计范围)."""

    STREET = "STREET"  # 街道
    COMMUNITY = "COMMUNITY"  # 社区
    DISTRICT = "DISTRICT"  # 区 (its streets, summed)


@dataclass(frozen=True)
class Scope:
    """The streets a dashboard reads (one, or a district's), one community of a street or
    none, and the period (local dates, both included)."""

    kind: ScopeKind
    street_ids: tuple[int, ...]
    community_id: int | None
    period: Period
    now: datetime
    services: Services = field(compare=False, repr=False)


@dataclass(frozen=True)
class Figure:
    """One number of a panel: a count (``unit`` 件, 人, 个…), a rate from 0 to 1 (``unit``
    ``%``, null when there is nothing to divide by) or hours."""

    key: str
    label: str
    value: float | None
    unit: str = ""


@dataclass(frozen=True)
class Item:
    """One line of a panel's scrolling list: what and where, never who."""

    title: str
    detail: str
    at: datetime | None


@dataclass(frozen=True)
class Panel:
    """``map``, when the panel has a place on the map: one GeoJSON FeatureCollection of
    outlines (``kind`` ``outline``, with a ``name``) and points (``kind`` ``spot``, with a
    ``count``), never a person's address."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    map: dict[str, Any] | None = None


PanelSource = Callable[[Scope], Awaitable[Panel]]


@dataclass(frozen=True)
class PanelKind:
    """A domain's panel: its key (``cases``), its place on the screen (lower first) and how to
    build it for a scope."""

    key: str
    order: int
    build: PanelSource
