"""The tenancy domain (街道、社区、网格): streets, their communities and grids, districts."""

from __future__ import annotations

from models import tenancy as tm
from policies.capabilities import tenancy as capabilities
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.permissions import Can
from schema.tenancy.mutations import TenancyMutation
from schema.tenancy.queries import TenancyQuery
from schema.tenancy.types import Community, Grid, Street


async def _street(info: Info, pk: int) -> Street | None:
    street = info.context.viewer.require_street()
    return Street.from_model(street) if street.id == pk else None


async def _community(info: Info, pk: int) -> Community | None:
    row = await tm.Community.filter(id=pk).first()
    return Community.from_model(row) if row else None


async def _grid(info: Info, pk: int) -> Grid | None:
    row = await tm.Grid.filter(id=pk).first()
    return Grid.from_model(row) if row else None


DOMAIN = Domain(
    name="tenancy",
    description="Streets (tenants), communities, grids and districts (街道、社区、网格).",
    models=("models.tenancy",),
    query=(TenancyQuery,),
    mutation=(TenancyMutation,),
    nodes={
        "Street": NodeKind(Can(capabilities.STREET_READ), _street),
        "Community": NodeKind(Can(capabilities.PLACE_READ), _community),
        "Grid": NodeKind(Can(capabilities.PLACE_READ), _grid),
    },
    capabilities=capabilities.CAPABILITIES,
)
