"""Capabilities of the votes domain: Online votes (网上票决).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

VOTE_READ = Capability(
    "vote",
    "read",
    "see the street's votes (网上票决), their turnout and, once published, their results",
)
VOTE_MANAGE = Capability(
    "vote",
    "manage",
    "draft, open, close, publish and cancel votes, see the count once closed and the electorate list (人大工作人员)",
)
VOTE_CAST = Capability("vote", "cast", "cast a ballot in a vote one is on the electorate of")
VOTE_TALLY_READ = Capability(
    "vote_tally",
    "read",
    "see the live count of an open named ballot (staff console, 大屏); never of a secret one",
)

CAPABILITIES = (
    VOTE_READ,
    VOTE_MANAGE,
    VOTE_CAST,
    VOTE_TALLY_READ,
)
