"""The domain list: every domain of the platform, once, in the order their parts are composed
(root fields, demo loaders, a new street's first records). Adding a domain is one line here."""

from __future__ import annotations

from schema.accounts.domain import DOMAIN as ACCOUNTS
from schema.audit.domain import DOMAIN as AUDIT
from schema.bases.domain import DOMAIN as BASES
from schema.cases.domain import DOMAIN as CASES
from schema.consultations.domain import DOMAIN as CONSULTATIONS
from schema.domain import Domain
from schema.events.domain import DOMAIN as EVENTS
from schema.groups.domain import DOMAIN as GROUPS
from schema.notices.domain import DOMAIN as NOTICES
from schema.participation.domain import DOMAIN as PARTICIPATION
from schema.patrols.domain import DOMAIN as PATROLS
from schema.people.domain import DOMAIN as PEOPLE
from schema.projects.domain import DOMAIN as PROJECTS
from schema.station.domain import DOMAIN as STATION
from schema.stats.domain import DOMAIN as STATS
from schema.tenancy.domain import DOMAIN as TENANCY
from schema.votes.domain import DOMAIN as VOTES

DOMAINS: tuple[Domain, ...] = (
    ACCOUNTS,
    TENANCY,
    PEOPLE,
    NOTICES,
    EVENTS,
    AUDIT,
    PROJECTS,
    VOTES,
    CASES,
    CONSULTATIONS,
    PARTICIPATION,
    PATROLS,
    BASES,
    GROUPS,
    STATION,
    STATS,
)
