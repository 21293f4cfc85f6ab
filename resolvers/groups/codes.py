"""Error codes of the groups domain, joined into the schema's ``ErrorCode`` enum."""

from __future__ import annotations

from enum import StrEnum


class GroupCode(StrEnum):
    """The caller is not a member of the group (or was removed from it)."""

    MUTED = "MUTED"
    """The group's owner muted the caller (禁言)."""
    NOT_GROUP_OWNER = "NOT_GROUP_OWNER"
    """Only the group's owner (群主) moderates it."""
    OWNER_STAYS = "OWNER_STAYS"
    """The owner cannot be removed from their own group (hand it over instead)."""
