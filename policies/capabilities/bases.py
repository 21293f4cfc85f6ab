"""Capabilities of the bases domain: the three reals (三实: 实有房屋、实有人口、实有单位).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. Which
houses a holder sees follows the people domain's rule on residents (grid staff: their grids);
personal data (landlords' and contacts' phones) is shown unmasked with ``resident:pii``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

HOUSE_READ = Capability(
    "house",
    "read",
    "see dwelling units, rented homes and floating population (实有房屋、出租房屋、流动人口)",
)
HOUSE_MANAGE = Capability(
    "house",
    "manage",
    "register units, occupants, rented homes, inspections and floating population",
)
ORGANISATION_READ = Capability("organisation", "read", "see the street's organisations (实有单位)")
ORGANISATION_MANAGE = Capability(
    "organisation", "manage", "register organisations, their inspections and linked accounts"
)
BASES_IMPORT = Capability(
    "bases", "import", "import houses, rented homes and organisations from CSV or Excel"
)
BASES_MAP = Capability(
    "bases_map", "read", "the three reals on the map, counts only (2.5维地图、大屏)"
)

CAPABILITIES = (
    HOUSE_READ,
    HOUSE_MANAGE,
    ORGANISATION_READ,
    ORGANISATION_MANAGE,
    BASES_IMPORT,
    BASES_MAP,
)
