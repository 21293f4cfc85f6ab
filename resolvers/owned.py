"""IDs an operation takes (本街道的编号): each names something of the current street, or the
operation is refused before it changes anything.

One answer for every kind of ID that cannot be used: another street's, one that names
nothing, one the operation has no use for. Each is ``NOT_FOUND`` naming the input field, so a
caller learns nothing about other streets from the difference.

* a street-owned row (``TenantModel``): ``in_street`` / ``all_in_street`` read it through the
  street scope, so another street's row is simply not there;
* an account (``User`` belongs to no street): ``member`` / ``members`` ask for a membership
  of the current street (with one of ``roles``, when given);
* an ID the operation would ignore (communities of an electorate of representatives):
  ``unusable``.

A domain calls these for every ID a write takes; reading through the street scope already
hides other streets' rows from queries.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

from core.errors import ErrorCode, Refused
from models.accounts import Membership, Role
from models.columns import column
from models.scoping import TenantModel

M = TypeVar("M", bound=TenantModel)
NOT_FOUND = "error.not_found"


def unusable(field: str, message_key: str = NOT_FOUND, **params: object) -> Refused:
    """The refusal of an ID that cannot be used here (raise it)."""
    return Refused(ErrorCode.NOT_FOUND, message_key, field, **params)


async def in_street(
    model: type[M], pk: int, field: str, message_key: str = NOT_FOUND, *, for_update: bool = False
) -> M:
    """The row of the current street with this ID."""
    query = model.filter(id=pk)
    if for_update:
        query = query.select_for_update()
    row = await query.first()
    if row is None:
        raise unusable(field, message_key)
    return row


async def all_in_street(
    model: type[M], pks: Sequence[int], field: str, message_key: str = NOT_FOUND
) -> list[M]:
    """The rows of the current street with these IDs, in the order given (each once); one
    that is not there refuses them all."""
    wanted = list(dict.fromkeys(pks))
    if not wanted:
        return []
    rows = {row.pk: row for row in await model.filter(id__in=wanted)}
    if len(rows) != len(wanted):
        raise unusable(field, message_key)
    return [rows[pk] for pk in wanted]


async def members(
    user_ids: Sequence[int],
    field: str,
    message_key: str = "input.user_not_found",
    *,
    roles: Collection[Role] = (),
) -> list[int]:
    """These accounts (each once, in order), every one a member of the current street (with
    one of ``roles``, when given)."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    query = Membership.filter(user_id__in=wanted)
    if roles:
        query = query.filter(role__in=list(roles))
    found = set(await column(query.distinct(), "user_id", int))
    if found != set(wanted):
        raise unusable(field, message_key)
    return wanted


async def member(
    user_id: int,
    field: str,
    message_key: str = "input.user_not_found",
    *,
    roles: Collection[Role] = (),
) -> int:
    """This account, a member of the current street (with one of ``roles``, when given)."""
    await members([user_id], field, message_key, roles=roles)
    return user_id
