"""The notices domain (一键群发): notices to the street, communities, grids or tags, the
resident's inbox and read receipts."""

from __future__ import annotations

from policies.capabilities import notices as capabilities
from resolvers.notices_panel import notices_panel
from resolvers.panels import PanelKind
from schema.domain import Domain
from schema.notices.notices import NoticesMutation, NoticesQuery, NoticesSubscription

DOMAIN = Domain(
    name="notices",
    description="Notices to residents and their inbox (一键群发).",
    models=("models.notices",),
    query=(NoticesQuery,),
    mutation=(NoticesMutation,),
    subscription=(NoticesSubscription,),
    capabilities=capabilities.CAPABILITIES,
    panels=(PanelKind("notices", 70, notices_panel),),
)
