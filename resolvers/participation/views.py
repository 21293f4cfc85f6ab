"""Reading rewards and micro-wishes: one's own rewards, the street's ledger, the wishes."""

from __future__ import annotations

from models.participation import MicroWish, Reward, RewardBudget, WishState
from resolvers.caller import Caller
from resolvers.pagination import Page, keyset_page
from resolvers.participation.rewards import budget_year


async def my_rewards(caller: Caller, first: int | None, after: str | None) -> Page[Reward]:
    """我的奖励: the rewards granted on the caller's own cases, newest first."""
    query = Reward.filter(reporter_id=caller.user.id, status="GRANTED")
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def ledger(
    caller: Caller, year: int | None, first: int | None, after: str | None
) -> Page[Reward]:
    """奖励台账: every reward decision of the street (of one year), newest first."""
    query = Reward.all()
    if year is not None:
        query = query.filter(year=budget_year(year))
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )


async def budget(year: int) -> RewardBudget | None:
    return await RewardBudget.filter(year=year).first()


async def wishes(
    caller: Caller,
    states: list[WishState] | None,
    community_id: int | None,
    first: int | None,
    after: str | None,
) -> Page[MicroWish]:
    """The street's micro-wishes, newest first, of some states and one community."""
    query = MicroWish.all()
    if states:
        query = query.filter(state__in=states)
    if community_id is not None:
        query = query.filter(community_id=community_id)
    return await keyset_page(
        query, first, after, caller.services.settings.max_page_size, newest_first=True
    )
