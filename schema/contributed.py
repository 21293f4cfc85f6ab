"""Enums whose values the domains contribute: ``ReviewContentKind`` (every domain's kinds of
content that pass the review queue, ``resolvers/publishing.py``) and ``NearbyKind`` (every
domain's ``nearby`` sources, ``resolvers/neighbourhood.py``).

A domain's types refer to them lazily (``strawberry.lazy("schema.contributed")``), as
``UserError.code`` does to ``schema/codes.py``, because they are made from the whole list.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from schema.domain import nearby_sources, reviewables
from schema.domains import DOMAINS


def _enum(name: str, labels: dict[str, str], description: str) -> type[StrEnum]:
    made = StrEnum(name, {kind: kind for kind in labels})  # type: ignore[misc]  # members known at run time only
    listed = " · ".join(f"{kind} {label}" for kind, label in labels.items())
    return strawberry.enum(made, name=name, description=f"{description} {listed}.")


ReviewContentKind = _enum(
    "ReviewContentKind",
    {kind: item.label for kind, item in reviewables(DOMAINS).items()},
    "What becomes public and may pass the review queue (审核内容), by domain:",
)
NearbyKind = _enum(
    "NearbyKind",
    {source.kind: source.label for source in nearby_sources(DOMAINS)},
    "What a nearby feed item is (身边):",
)
