"""The votes' panel of the dashboard (网上票决): the votes open now with their turnout (voted
of the frozen electorate; never who), and the votes published in the period. A vote's title
is public; a community's dashboard shows none (votes are the street's)."""

from __future__ import annotations

from models.votes import Vote, VoteStatus
from resolvers.panels import Figure, Item, Panel, Scope, ScopeKind
from resolvers.votes.common import open_turnouts


async def votes_panel(scope: Scope) -> Panel:
    if scope.kind is ScopeKind.COMMUNITY:
        return Panel(key="votes", title="网上票决")
    running = await Vote.filter(status=VoteStatus.OPEN).order_by("closes_at", "id").limit(20)
    turnouts = await open_turnouts([v.id for v in running])
    voted, electorate = sum(turnouts), sum(v.electorate_size for v in running)
    published = await Vote.filter(
        status=VoteStatus.PUBLISHED,
        closes_at__gte=scope.period.since,
        closes_at__lt=scope.period.until,
    ).count()
    return Panel(
        key="votes",
        title="网上票决",
        figures=[
            Figure("open", "投票中", len(running), "项"),
            Figure("turnout", "参与率", voted / electorate if electorate else None, "%"),
            Figure("published", "已公布", published, "项"),
        ],
        items=[
            Item(
                title=v.title,
                detail=f"已投 {n} / {v.electorate_size}",
                at=v.closes_at,
            )
            for v, n in zip(running, turnouts, strict=True)
        ],
    )
