"""The cases domain (民情事项): a matter reported once, handled grid → community → street →
district with working-day deadlines and warnings, rated by its reporter."""

from __future__ import annotations

from policies.capabilities import cases as capabilities
from schema.cases.figures import CaseFiguresQuery
from schema.domain import Domain

DOMAIN = Domain(
    name="cases",
    description="Reported matters and their four-level handling (民情事项).",
    models=("models.cases", "models.cases_keys"),
    query=(CaseFiguresQuery,),
    capabilities=capabilities.CAPABILITIES,
)
