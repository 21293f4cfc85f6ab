"""The people domain (居民与网格): places, residents and tags, the grid chief's workbench,
representatives and deliberators with their QR cards, household visits, bulk import."""

from __future__ import annotations

from models import people as pm
from policies.capabilities import people as capabilities
from policies.capabilities.tenancy import PLACE_READ
from resolvers.people.access import visible_residents
from resolvers.people.demo import load_people_demo
from resolvers.people.residents import seed_default_tags
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind
from schema.people.delegates import DelegatesMutation, DelegatesQuery
from schema.people.importing import ImportMutation
from schema.people.places import (
    Building,
    Compound,
    GridAssignment,
    PlacesMutation,
    PlacesQuery,
)
from schema.people.residents import Resident, ResidentsMutation, ResidentsQuery, Tag
from schema.people.visits import VisitsMutation, VisitsQuery
from schema.people.workbench import WorkbenchMutation, WorkbenchQuery
from schema.permissions import Can


async def _compound(info: Info, pk: int) -> Compound | None:
    row = await pm.Compound.filter(id=pk).first()
    return Compound.from_model(row) if row else None


async def _building(info: Info, pk: int) -> Building | None:
    row = await pm.Building.filter(id=pk).first()
    return Building.from_model(row) if row else None


async def _grid_assignment(info: Info, pk: int) -> GridAssignment | None:
    row = await pm.GridAssignment.filter(id=pk).first()
    return GridAssignment.from_model(row) if row else None


async def _tag(info: Info, pk: int) -> Tag | None:
    row = await pm.Tag.filter(id=pk).first()
    return Tag.from_model(row) if row else None


async def _resident(info: Info, pk: int) -> Resident | None:
    who = caller(info)
    row = await (await visible_residents(who)).filter(id=pk).first()
    return Resident.from_model(row, who.sees_pii) if row else None


DOMAIN = Domain(
    name="people",
    description="Places, residents, grid staff, representatives and deliberators (居民与网格).",
    models=("models.people", "models.outreach"),
    query=(PlacesQuery, ResidentsQuery, WorkbenchQuery, DelegatesQuery, VisitsQuery),
    mutation=(
        PlacesMutation,
        ResidentsMutation,
        ImportMutation,
        WorkbenchMutation,
        DelegatesMutation,
        VisitsMutation,
    ),
    nodes={
        "Compound": NodeKind(Can(PLACE_READ), _compound),
        "Building": NodeKind(Can(PLACE_READ), _building),
        "GridAssignment": NodeKind(Can(PLACE_READ), _grid_assignment),
        "Tag": NodeKind(Can(capabilities.TAG_READ), _tag),
        "Resident": NodeKind(Can(capabilities.RESIDENT_READ), _resident),
    },
    capabilities=capabilities.CAPABILITIES,
    demo=load_people_demo,
    on_street_created=seed_default_tags,
)
