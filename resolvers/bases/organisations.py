"""实有单位: the street's enterprises, shops, institutions and social organisations, with
their unified social credit code (统一社会信用代码, check character validated), contact
person (personal data, masked without ``resident:pii``), inspections and linked account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError
from tortoise.exceptions import IntegrityError

from core import validators
from core.clock import local_date
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.bases import InspectionResult, Organisation, OrganisationInspection, OrganisationKind
from models.columns import max_length
from models.people import Building
from models.tenancy import Grid
from resolvers.bases.codes import BasesCode
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street, street_member

ORGANISATION_EVENTS = "organisation:read"


def credit_code(raw: str, field: str = "creditCode") -> str:
    """A unified social credit code, normalized (upper case, no spaces), its check character
    (GB 32100-2015) right."""
    try:
        return str(uscc.validate(raw))
    except ValidationError as exc:
        raise Refused(BasesCode.INVALID_CREDIT_CODE, "bases.credit_code_invalid", field) from exc


@dataclass(frozen=True)
class OrganisationFields:
    name: str
    kind: OrganisationKind
    credit_code: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    employees: int = 0
    building_id: int | None = None
    grid_id: int | None = None


def check_organisation(fields: OrganisationFields) -> OrganisationFields:
    """The fields normalized, or the first refusal (the import collects every one)."""
    return OrganisationFields(
        name=validators.text(fields.name, "name", max_length(Organisation, "name")),
        kind=fields.kind,
        credit_code=credit_code(fields.credit_code),
        address=validators.text(
            fields.address, "address", max_length(Organisation, "address"), required=False
        ),
        contact_name=validators.text(
            fields.contact_name,
            "contactName",
            max_length(Organisation, "contact_name"),
            required=False,
        ),
        contact_phone=validators.phone(fields.contact_phone, "contactPhone"),
        employees=validators.in_range(
            fields.employees, 0, 1_000_000, "employees", "bases.employees_range"
        ),
        building_id=fields.building_id,
        grid_id=fields.grid_id,
    )


async def register_organisation(caller: Caller, fields: OrganisationFields) -> Organisation:
    found = check_organisation(fields)
    grid_id = found.grid_id
    if found.building_id is not None:
        building = await in_street(
            Building, found.building_id, "buildingId", "input.building_not_found"
        )
        grid_id = grid_id if grid_id is not None else building.grid_id
    if grid_id is not None:
        await in_street(Grid, grid_id, "gridId", "input.grid_not_found")
    if await Organisation.exists(credit_code=found.credit_code):
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.organisation_exists", "creditCode")
    try:
        async with changing(caller.services, caller.user) as change:
            row = await Organisation.create(
                name=found.name,
                kind=found.kind,
                credit_code=found.credit_code,
                address=found.address,
                contact_name=found.contact_name,
                contact_phone=found.contact_phone,
                employees=found.employees,
                building_id=found.building_id,
                grid_id=grid_id,
            )
            await change.record(
                "organisation.registered",
                to_global_id("Organisation", row.id),
                {"name": row.name, "kind": row.kind.value, "creditCode": row.credit_code},
                visibility=ORGANISATION_EVENTS,
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "bases.organisation_exists", "creditCode") from exc
    return row


async def inspect_organisation(
    caller: Caller, organisation_id: int, on: date, result: InspectionResult, findings: str
) -> OrganisationInspection:
    validators.day(on, "inspectedOn")
    if on > local_date(caller.services.clock.now()):
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.inspection_in_future", "inspectedOn")
    findings = validators.text(
        findings, "findings", max_length(OrganisationInspection, "findings"), required=False
    )
    org = await in_street(
        Organisation, organisation_id, "organisationId", "bases.organisation_not_found"
    )
    async with changing(caller.services, caller.user) as change:
        row = await OrganisationInspection.create(
            organisation_id=org.id,
            inspector_id=caller.user.id,
            inspected_on=on,
            result=result,
            findings=findings,
        )
        await change.record(
            "organisation.inspected",
            to_global_id("Organisation", org.id),
            {"inspectedOn": on.isoformat(), "result": result.value, "findings": len(findings)},
            visibility=ORGANISATION_EVENTS,
        )
    return row


async def link_account(caller: Caller, organisation_id: int, account_id: int) -> Organisation:
    """The organisation's account (a member of the street): through it the organisation
    reports cases or rings the bell, with that account's roles."""
    org = await in_street(
        Organisation, organisation_id, "organisationId", "bases.organisation_not_found"
    )
    await street_member(account_id, "accountId")
    async with changing(caller.services, caller.user) as change:
        org.account_id = account_id
        await org.save(update_fields=["account_id"])
        await change.record(
            "organisation.account_linked",
            to_global_id("Organisation", org.id),
            {"account": to_global_id("Account", account_id)},
            visibility=ORGANISATION_EVENTS,
        )
    return org
