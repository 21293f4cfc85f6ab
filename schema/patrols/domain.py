"""The patrols domain (定位巡防): residents and volunteers walking their area, their routes,
check-ins at key points, findings, and the blind spots of each grid."""

from __future__ import annotations

from models import patrols as m
from policies.capabilities import patrols as capabilities
from resolvers.panels import PanelKind
from resolvers.patrols.codes import PatrolCode
from resolvers.patrols.panel import patrols_panel
from resolvers.patrols.settings import PatrolSettings
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.patrols.mutations import PatrolsMutation
from schema.patrols.queries import PatrolsQuery
from schema.patrols.types import KeyPoint, Patrol
from schema.permissions import Can


async def _patrol(info: Info, pk: int) -> Patrol | None:
    row = await m.Patrol.filter(id=pk).first()
    return Patrol.from_model(row) if row else None


async def _key_point(info: Info, pk: int) -> KeyPoint | None:
    row = await m.KeyPoint.filter(id=pk).first()
    return KeyPoint.from_model(row) if row else None


DOMAIN = Domain(
    name="patrols",
    description="Location patrols, their routes, check-ins and blind spots (定位巡防).",
    models=("models.patrols",),
    query=(PatrolsQuery,),
    mutation=(PatrolsMutation,),
    nodes={
        "Patrol": NodeKind(Can(capabilities.PATROL_MONITOR), _patrol),
        "KeyPoint": NodeKind(Can(capabilities.KEY_POINT_READ), _key_point),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=PatrolCode,
    settings=PatrolSettings,
    panels=(PanelKind("patrols", 45, patrols_panel),),
)
