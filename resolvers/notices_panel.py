"""The notices' panel of the dashboard (一键群发): the notices sent in the period and their
reach (residents covered, delivered to an inbox, read). Counts only."""

from __future__ import annotations

from models.columns import column
from models.notices import Notice
from resolvers.notices import load_notice_counts
from resolvers.panels import Figure, Panel, Scope, ScopeKind

MAX_NOTICES = 200
"""The reach of at most the 200 newest notices of the period is counted."""


async def notices_panel(scope: Scope) -> Panel:
    if scope.kind is ScopeKind.COMMUNITY:  # a notice's reach is counted for the street
        return Panel(key="notices", title="一键群发")
    sent = Notice.filter(created_at__gte=scope.period.since, created_at__lt=scope.period.until)
    ids = await column(sent.order_by("-id").limit(MAX_NOTICES), "id", int)
    counts = await load_notice_counts(ids) if ids else []
    targeted = sum(c.targeted for c in counts)
    delivered = sum(c.delivered for c in counts)
    read = sum(c.read for c in counts)
    return Panel(
        key="notices",
        title="一键群发",
        figures=[
            Figure("sent", "发布通知", await sent.count(), "条"),
            Figure("targeted", "覆盖居民", targeted, "人次"),
            Figure("delivered", "送达", delivered, "人次"),
            Figure("readRate", "阅读率", read / delivered if delivered else None, "%"),
        ],
    )
