"""Error codes of the station domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class StationCode(StrEnum):
    NOT_ADDRESSEE = "NOT_ADDRESSEE"
    """The suggestion is not addressed to the caller (only its representative answers it)."""
    SUGGESTION_STATE = "SUGGESTION_STATE"
    """The suggestion is not in a state that allows this (answered already, not answered yet)."""
    TASK_FULL = "TASK_FULL"
    """Every place of the task is taken."""
    TASK_CLOSED = "TASK_CLOSED"
    """The task is closed: no more claims, reports or confirmations."""
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    """The caller holds a place of this task already (one per person)."""
    OWN_POST = "OWN_POST"
    """A reviewer may not decide on content they wrote themselves."""
    REVIEW_DECIDED = "REVIEW_DECIDED"
    """The content was approved or rejected already."""
    BAD_PERIOD = "BAD_PERIOD"
    """A period that ends before it starts, or lies in the future."""
    NOT_IN_AUDIENCE = "NOT_IN_AUDIENCE"
    """The activity is not open to the caller's kind (residents, representatives, deliberators)."""
    ACTIVITY_CLOSED = "ACTIVITY_CLOSED"
    """The activity has begun or was cancelled: no more sign-ups."""
    NOT_SIGNED_UP = "NOT_SIGNED_UP"
    """The caller holds no place of the activity (not signed up, waiting, or cancelled)."""
