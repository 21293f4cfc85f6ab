"""The three reals' panel of the dashboard (三实): residents, dwelling units and rented ones,
floating population, organisations; of the street, or of one community (through the grids of
its buildings and residents). Counts only."""

from __future__ import annotations

from models.bases import DwellingUnit, FloatingPerson, Organisation, UnitUse
from models.people import Resident
from resolvers.panels import Figure, Panel, Scope


async def bases_panel(scope: Scope) -> Panel:
    residents = Resident.all()
    units = DwellingUnit.all()
    floating = FloatingPerson.all()
    organisations = Organisation.all()
    if scope.community_id is not None:
        residents = residents.filter(community_id=scope.community_id)
        units = units.filter(building__grid__community_id=scope.community_id)
        floating = floating.filter(resident__community_id=scope.community_id)
        organisations = organisations.filter(grid__community_id=scope.community_id)
    return Panel(
        key="bases",
        title="三实数据",
        figures=[
            Figure("residents", "实有人口", await residents.count(), "人"),
            Figure("floatingPeople", "流动人口", await floating.count(), "人"),
            Figure("units", "实有房屋", await units.count(), "套"),
            Figure("rentedUnits", "出租房屋", await units.filter(use=UnitUse.RENTED).count(), "套"),
            Figure("organisations", "实有单位", await organisations.count(), "家"),
        ],
    )
