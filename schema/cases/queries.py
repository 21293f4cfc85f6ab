"""Reading cases: one case, the street's list, my queue, the taxonomy, counts, the map."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from models import cases as m
from models.tenancy import Grid as GridRow
from models.tenancy import Street as StreetRow
from policies.capabilities.cases import CASE_COUNT, CASE_DESK, CASE_MAP, CASE_READ
from resolvers.cases import views
from resolvers.cases.access import visible_case
from schema.caller import caller
from schema.cases.enums import CaseLevel, QueueKind, Urgency
from schema.cases.inputs import CaseFilterInput
from schema.cases.types import Case, CaseCategory, CaseCount, Department, DistrictDepartment
from schema.context import Info
from schema.permissions import Can, field
from schema.relay import Connection, decode_id
from tenants.scoping import get_in_street


async def _filter(input: CaseFilterInput | None) -> views.CaseFilter:
    if input is None:
        return views.CaseFilter()
    category = grid = None
    if input.category_id is not None:
        category = decode_id(input.category_id, "CaseCategory", "categoryId")
        await get_in_street(m.CaseCategory, category)
    if input.grid_id is not None:
        grid = decode_id(input.grid_id, "Grid", "gridId")
        await get_in_street(GridRow, grid)
    return views.CaseFilter(
        states=input.states,
        levels=input.levels,
        category_id=category,
        urgencies=input.urgencies,
        grid_id=grid,
        overdue=input.overdue,
        reported_from=input.reported_from,
        reported_to=input.reported_to,
        text=input.text,
    )


@strawberry.type
class CasesQuery:
    @field(
        requires=Can(CASE_READ),
        description="One case (民情事项) the caller reads by their row rule; NOT_FOUND otherwise.",
    )
    async def case(self, info: Info, id: strawberry.ID) -> Case:
        return Case.from_model(await visible_case(caller(info), decode_id(id, "Case", "id")))

    @field(
        requires=Can(CASE_READ),
        description="The street's cases the caller reads (own, grids, community, department, "
        "or all), newest first, filtered by state, level, category, urgency, grid, overdue, "
        "date range and text.",
    )
    async def cases(
        self,
        info: Info,
        filter: CaseFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Case]:
        page = await views.street_cases(caller(info), await _filter(filter), first, after)
        return Connection.from_page(page, Case.from_model)

    @field(
        requires=Can(CASE_READ),
        description="我的待办: the open cases whose handling party the caller is part of: to "
        "sign, in progress, overdue or all, of some urgencies; newest first.",
    )
    async def case_queue(
        self,
        info: Info,
        kind: QueueKind = QueueKind.ALL,
        urgencies: list[Urgency] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Case]:
        page = await views.queue(caller(info), kind, urgencies, first, after)
        return Connection.from_page(page, Case.from_model)

    @field(
        requires=Can(CASE_DESK),
        description="值班台: every open case of the street, newest first, of some urgencies "
        "(reviewers and leaders; `caseDesk` pushes its changes live).",
    )
    async def case_desk_queue(
        self,
        info: Info,
        urgencies: list[Urgency] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Case]:
        page = await views.desk_queue(caller(info), urgencies, first, after)
        return Connection.from_page(page, Case.from_model)

    @field(
        requires=Can(CASE_MAP),
        description="The street's categories of cases (服务类 and 管制类), in their order.",
    )
    async def case_categories(
        self, info: Info, include_inactive: bool = False
    ) -> list[CaseCategory]:
        query = m.CaseCategory.all() if include_inactive else m.CaseCategory.filter(active=True)
        return [CaseCategory.from_model(r) for r in await query.order_by("sort_order", "id")]

    @field(requires=Can(CASE_READ), description="The street's departments (街道科室).")
    async def departments(self, info: Info) -> list[Department]:
        return [Department.from_model(r) for r in await m.Department.all().order_by("id")]

    @field(
        requires=Can(CASE_READ),
        description="The departments of the street's district (区级部门), for external linkage.",
    )
    async def district_departments(self, info: Info) -> list[DistrictDepartment]:
        street = await StreetRow.get(id=caller(info).street.id)
        rows = await m.DistrictDepartment.filter(
            district_id=street.district_id, active=True
        ).order_by("id")
        return [DistrictDepartment.from_model(r) for r in rows]

    @field(
        replica=True,
        requires=Can(CASE_COUNT),
        description="How many cases of the street are in each state at each level (大屏: "
        "counts only, no case, no person).",
    )
    async def case_counts(self, info: Info) -> list[CaseCount]:
        found = await views.counts(info.context.services)
        return [
            CaseCount(state=state, level=CaseLevel(level), count=n)
            for (state, level), n in sorted(
                found.items(), key=lambda item: (item[0][1], item[0][0])
            )
        ]

    @field(
        replica=True,
        requires=Can(CASE_MAP),
        description="The public map: cases marked public with a point, as one GeoJSON "
        "FeatureCollection (title, category, state, level, date; no personal data).",
    )
    async def public_case_map(self, info: Info) -> JSON:
        return JSON(await views.public_map(info.context.services))
