"""Reading patrols: one's own, the street's, and its key points."""

from __future__ import annotations

from models.patrols import KeyPoint, Patrol, PatrolState
from resolvers.caller import Caller
from resolvers.pagination import Page, keyset_page


async def my_patrols(caller: Caller, first: int | None, after: str | None) -> Page[Patrol]:
    """我的巡防: the caller's patrols, newest first."""
    query = Patrol.filter(walker_id=caller.user.id)
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def street_patrols(
    caller: Caller, state: PatrolState | None, first: int | None, after: str | None
) -> Page[Patrol]:
    """The street's patrols (those walking now, or stopped), newest first."""
    query = Patrol.all() if state is None else Patrol.filter(state=state)
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def key_points(
    caller: Caller, grid_id: int | None, first: int | None, after: str | None
) -> Page[KeyPoint]:
    """The street's active key points (of one grid), in the order they were added."""
    query = KeyPoint.filter(active=True)
    if grid_id is not None:
        query = query.filter(grid_id=grid_id)
    return await keyset_page(query, first, after, caller.services.settings.max_page_size)
