"""Error codes of the participation domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class ParticipationCode(StrEnum):
    NOT_VERIFIED = "NOT_VERIFIED"
    """A reward waits for a resolved case whose result its reporter rated satisfied (核实)."""
    ALREADY_REWARDED = "ALREADY_REWARDED"
    """The case already had its reward decision (granted once, never twice)."""
    CASE_REJECTED = "CASE_REJECTED"
    """The case's result was rejected (rated unsatisfied in its last round) or its reward
    declined: no reward."""
    REWARD_BUDGET_EXCEEDED = "REWARD_BUDGET_EXCEEDED"
    """The grant would take the year's rewards past the street's yearly budget (or there is
    no budget for the year)."""
    NO_REWARD_RULE = "NO_REWARD_RULE"
    """No reward rule covers the case's category and urgency, and no amount was given."""
    WISH_TAKEN = "WISH_TAKEN"
    """The micro-wish is no longer open: someone else claimed it first."""
    WISH_NOT_YOURS = "WISH_NOT_YOURS"
    """Only the wisher (or a worker of the wish's grid) confirms it, only its claimer fulfils it."""
    WISH_STATE = "WISH_STATE"
    """The micro-wish is not at the step this action needs (fulfil a claimed one, confirm a
    fulfilled one)."""
    """Posting, replying and reporting are for the circle's members."""
    REMOVED_FROM_CIRCLE = "REMOVED_FROM_CIRCLE"
    """The street's staff removed the caller from this circle: no joining again."""
