"""Error codes of the votes domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class VoteCode(StrEnum):
    NOT_ON_ELECTORATE = "NOT_ON_ELECTORATE"
    """Not on the vote's electorate (frozen when it opened)."""
    VOTE_NOT_OPEN = "VOTE_NOT_OPEN"
    VOTE_CLOSED = "VOTE_CLOSED"
    ALREADY_VOTED = "ALREADY_VOTED"
    TOO_MANY_CHOICES = "TOO_MANY_CHOICES"
    RESULT_MISMATCH = "RESULT_MISMATCH"
    """The stored result no longer matches the digest recorded when the vote closed: it was
    changed outside the app, and is never published (``gongzhi votes recount`` tells more)."""
