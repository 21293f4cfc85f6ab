"""实有单位: organisations of the street with their inspections. The contact person is
personal data: masked without `resident:pii`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from core.identity import mask_phone
from models import bases as m
from models.people import Building as BuildingRow
from models.tenancy import Grid as GridRow
from policies.capabilities.bases import ORGANISATION_MANAGE, ORGANISATION_READ
from resolvers.bases import listing, organisations
from schema.bases.houses import InspectionResult
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import SEARCH_MAX_LENGTH, text
from schema.people.common import optional_id
from schema.people.places import Building
from schema.permissions import Can, field, mutation
from schema.relay import Connection, Node, decode_id, to_global_id
from schema.tenancy.types import Grid

OrganisationKind = m.OrganisationKind
strawberry.enum(
    OrganisationKind,
    name="OrganisationKind",
    description="ENTERPRISE 企业 · SHOP 商铺 · INSTITUTION 机关事业单位 · SOCIAL 社会组织",
)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


@strawberry.type(description="An inspection or safety record of an organisation.")
class OrganisationInspection:
    inspected_on: date
    result: InspectionResult
    findings: str


@strawberry.type(
    description="实有单位: an organisation of the street. `contactName` and `contactPhone` are "
    "masked without `resident:pii` (张*, 138****5678)."
)
class Organisation(Node):
    name: str
    kind: OrganisationKind
    credit_code: str = strawberry.field(description="统一社会信用代码")
    address: str
    contact_name: str
    contact_phone: str | None
    employees: int
    has_account: bool = strawberry.field(description="Linked to an account of the street.")
    pk: strawberry.Private[int]
    building_id: strawberry.Private[int | None]
    grid_id: strawberry.Private[int | None]

    @strawberry.field
    async def building(self, info: Info) -> Building | None:
        if self.building_id is None:
            return None
        row = await info.context.loaders.by_id(BuildingRow).load(self.building_id)
        return Building.from_model(row) if row else None

    @strawberry.field
    async def grid(self, info: Info) -> Grid | None:
        if self.grid_id is None:
            return None
        row = await info.context.loaders.by_id(GridRow).load(self.grid_id)
        return Grid.from_model(row) if row else None

    @strawberry.field(description="Inspections, newest first.")
    async def inspections(self, info: Info) -> list[OrganisationInspection]:
        rows = await info.context.loaders.of(listing.load_inspections).load(self.pk)
        return [
            OrganisationInspection(
                inspected_on=r.inspected_on, result=r.result, findings=r.findings
            )
            for r in rows
        ]

    @classmethod
    def from_model(cls, row: m.Organisation, pii: bool) -> Organisation:
        phone = row.contact_phone if pii else mask_phone(row.contact_phone)
        return cls(
            id=to_global_id("Organisation", row.id),
            name=row.name,
            kind=row.kind,
            credit_code=row.credit_code,
            address=row.address,
            contact_name=row.contact_name if pii else mask_name(row.contact_name),
            contact_phone=phone or None,
            employees=row.employees,
            has_account=row.account_id is not None,
            pk=row.id,
            building_id=row.building_id,
            grid_id=row.grid_id,
        )


@strawberry.input(description="实有单位登记 (the credit code's check character is validated).")
class RegisterOrganisationInput:
    name: str = text(m.Organisation, "name")
    kind: OrganisationKind
    credit_code: str = text(m.Organisation, "credit_code")
    address: str = text(m.Organisation, "address", default="")
    contact_name: str = text(m.Organisation, "contact_name", default="")
    contact_phone: str = text(m.Organisation, "contact_phone", default="")
    employees: int = 0
    building_id: strawberry.ID | None = None
    grid_id: strawberry.ID | None = None


@strawberry.input
class InspectOrganisationInput:
    organisation_id: strawberry.ID
    inspected_on: date
    result: InspectionResult
    findings: str = text(m.OrganisationInspection, "findings", default="")


@strawberry.input(description="The account through which the organisation reports and rings.")
class LinkOrganisationAccountInput:
    organisation_id: strawberry.ID
    account_id: strawberry.ID


@strawberry.input
class OrganisationFilter:
    grid_id: strawberry.ID | None = None
    kind: OrganisationKind | None = None
    search: str | None = text(
        max=SEARCH_MAX_LENGTH, default=None, description="Name, or the whole credit code."
    )


@strawberry.type
class OrganisationSuccess:
    organisation: Organisation


OrganisationPayload = Annotated[
    OrganisationSuccess | InputError, strawberry.union("OrganisationPayload")
]


@strawberry.type
class OrganisationsQuery:
    @field(requires=Can(ORGANISATION_READ), description="实有单位: the street's organisations.")
    async def organisations(
        self,
        info: Info,
        filter: OrganisationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Organisation]:
        flt = filter or OrganisationFilter()
        who = caller(info)
        page = await listing.organisations(
            who, optional_id(flt.grid_id, "Grid", "gridId"), flt.kind, flt.search, first, after
        )
        pii = who.sees_pii
        return Connection.from_page(page, lambda row: Organisation.from_model(row, pii))


@strawberry.type
class OrganisationsMutation:
    @mutation(requires=Can(ORGANISATION_MANAGE), description="Register an organisation.")
    async def register_organisation(
        self, info: Info, input: RegisterOrganisationInput
    ) -> OrganisationPayload:
        who = caller(info)
        row = await organisations.register_organisation(
            who,
            organisations.OrganisationFields(
                name=input.name,
                kind=input.kind,
                credit_code=input.credit_code,
                address=input.address,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                employees=input.employees,
                building_id=optional_id(input.building_id, "Building", "buildingId"),
                grid_id=optional_id(input.grid_id, "Grid", "gridId"),
            ),
        )
        return OrganisationSuccess(organisation=Organisation.from_model(row, who.sees_pii))

    @mutation(requires=Can(ORGANISATION_MANAGE), description="Record an inspection.")
    async def inspect_organisation(
        self, info: Info, input: InspectOrganisationInput
    ) -> OrganisationPayload:
        who = caller(info)
        pk = decode_id(input.organisation_id, "Organisation", "organisationId")
        await organisations.inspect_organisation(
            who, pk, input.inspected_on, input.result, input.findings
        )
        row = await m.Organisation.get(id=pk)
        return OrganisationSuccess(organisation=Organisation.from_model(row, who.sees_pii))

    @mutation(
        requires=Can(ORGANISATION_MANAGE),
        description="Link the organisation to an account of the street: through it the "
        "organisation reports cases or rings the bell, with that account's roles.",
    )
    async def link_organisation_account(
        self, info: Info, input: LinkOrganisationAccountInput
    ) -> OrganisationPayload:
        who = caller(info)
        row = await organisations.link_account(
            who,
            decode_id(input.organisation_id, "Organisation", "organisationId"),
            decode_id(input.account_id, "Account", "accountId"),
        )
        return OrganisationSuccess(organisation=Organisation.from_model(row, who.sees_pii))
