"""Error codes of the consultations domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class ConsultationCode(StrEnum):
    STEP_OUT_OF_ORDER = "STEP_OUT_OF_ORDER"
    """The step is not the next one of the consultation (九大步骤, in order)."""
    NOT_INVITED = "NOT_INVITED"
    """The caller is not a party invited to the consultation."""
    CHECK_IN_REFUSED = "CHECK_IN_REFUSED"
    """A check-in link that is forged, expired, used already or for another meeting."""
    ALREADY_EVALUATED = "ALREADY_EVALUATED"
    PERSONAL_DATA = "PERSONAL_DATA"
    """Text for the case library still holds names, phone numbers or ID numbers."""
