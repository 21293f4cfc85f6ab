"""Error codes of the cases domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class CaseCode(StrEnum):
    NOT_YOURS = "NOT_YOURS"
    """The case is not at the caller's level or not given to them (非本级、非本人事项)."""
    ALREADY_SIGNED = "ALREADY_SIGNED"
    """The case (or this department's part) is already signed for."""
    NOT_SIGNED = "NOT_SIGNED"
    """Sign for the case before working on it (先签收)."""
    TOP_LEVEL = "TOP_LEVEL"
    """A district department is the last level: nothing above to escalate to."""
    NOTHING_BELOW = "NOTHING_BELOW"
    """Nothing to send the case back to (it started at this level)."""
    CLOSURE_LEVEL = "CLOSURE_LEVEL"
    """The street's rules say a case of this urgency or category is resolved higher up."""
    NOT_RESOLVED = "NOT_RESOLVED"
    """Rating and re-reporting wait for a resolved case."""
    ALREADY_RATED = "ALREADY_RATED"
    """This round's result is already rated."""
    NO_MORE_ROUNDS = "NO_MORE_ROUNDS"
    """The case had all the rounds of reports the street allows (no fourth report)."""
    OUTSIDE_GRIDS = "OUTSIDE_GRIDS"
    """The point lies in none of the street's grids, and the street requires one."""
    NO_LEADER = "NO_LEADER"
    """No street leader holds the duty a re-report goes to (分管 or 主要领导)."""
