"""The bases domain (三实): actual houses with rented homes, floating population, actual
organisations, on the map, with expiry reminders and import."""

from __future__ import annotations

from collections.abc import Sequence

from models import bases as m
from policies.capabilities import bases as capabilities
from resolvers.bases.codes import BasesCode
from resolvers.bases.common import visible_floating, visible_rentals, visible_units
from resolvers.bases.panel import bases_panel
from resolvers.bases.reminders import BasesSettings, expiry_scanner
from resolvers.panels import PanelKind
from resolvers.services import Services
from schema.bases.houses import DwellingUnit, FloatingPerson, HousesMutation, HousesQuery, Rental
from schema.bases.importing import BasesImportMutation
from schema.bases.map import BasesMapMutation, BasesMapQuery
from schema.bases.organisations import Organisation, OrganisationsMutation, OrganisationsQuery
from schema.caller import caller
from schema.context import Info
from schema.domain import Domain, NodeKind, Task
from schema.permissions import Can


async def _unit(info: Info, pk: int) -> DwellingUnit | None:
    row = await (await visible_units(caller(info))).filter(id=pk).first()
    return DwellingUnit.from_model(row) if row else None


async def _rental(info: Info, pk: int) -> Rental | None:
    who = caller(info)
    row = await (await visible_rentals(who)).filter(id=pk).first()
    return Rental.from_model(row, who.sees_pii) if row else None


async def _floating(info: Info, pk: int) -> FloatingPerson | None:
    who = caller(info)
    row = await (await visible_floating(who)).filter(id=pk).first()
    return FloatingPerson.from_model(row, who.sees_pii) if row else None


async def _organisation(info: Info, pk: int) -> Organisation | None:
    row = await m.Organisation.filter(id=pk).first()
    return Organisation.from_model(row, caller(info).sees_pii) if row else None


def _tasks(services: Services) -> Sequence[Task]:
    return (expiry_scanner(services),)


DOMAIN = Domain(
    name="bases",
    description="The three reals (三实): houses, rented homes, floating population, organisations.",
    models=("models.bases",),
    query=(HousesQuery, OrganisationsQuery, BasesMapQuery),
    mutation=(HousesMutation, OrganisationsMutation, BasesMapMutation, BasesImportMutation),
    nodes={
        "DwellingUnit": NodeKind(Can(capabilities.HOUSE_READ), _unit),
        "Rental": NodeKind(Can(capabilities.HOUSE_READ), _rental),
        "FloatingPerson": NodeKind(Can(capabilities.HOUSE_READ), _floating),
        "Organisation": NodeKind(Can(capabilities.ORGANISATION_READ), _organisation),
    },
    capabilities=capabilities.CAPABILITIES,
    codes=BasesCode,
    settings=BasesSettings,
    tasks=_tasks,
    panels=(PanelKind("bases", 40, bases_panel),),
)
