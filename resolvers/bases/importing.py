"""Import of houses, rented homes and organisations (批量导入) from CSV (UTF-8 or GB18030,
as the resident import reads it) or an Excel workbook (.xlsx, its first sheet), with a
per-row report.

Every row is validated first; nothing is written unless every row is valid (or, with
``skip_invalid``, exactly the valid rows). Rows are matched on their natural key: a unit on its
address (小区/楼栋, 单元, 室号), a rental on its unit, an organisation on its credit code. One
already there is left as it is, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import User
from models.bases import DwellingUnit, Organisation, OrganisationKind, Rental, UnitUse
from models.columns import column
from models.people import Building, Compound
from models.tenancy import Grid
from resolvers.bases.codes import BasesCode
from resolvers.bases.common import HOUSE_EVENTS
from resolvers.bases.houses import check_landlord, check_lease, check_unit_fields
from resolvers.bases.organisations import OrganisationFields, check_organisation
from resolvers.events import changing
from resolvers.people.importing import MAX_ROWS, ImportReport, RowError, decode_csv
from resolvers.services import Services
from tenants.scoping import current_street_id

XLSX_MAGIC = b"PK\x03\x04"


class ImportKind(StrEnum):
    UNITS = "UNITS"
    RENTALS = "RENTALS"
    ORGANISATIONS = "ORGANISATIONS"


COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("building", "楼栋"),
    "entrance": ("entrance", "单元"),
    "floor": ("floor", "楼层"),
    "room": ("room", "室号", "房号"),
    "area": ("area", "面积"),
    "use": ("use", "用途"),
    "landlord": ("landlord", "房东"),
    "landlord_phone": ("landlord_phone", "房东电话"),
    "lease_start": ("lease_start", "租期开始"),
    "lease_end": ("lease_end", "租期结束"),
    "name": ("name", "名称", "单位名称"),
    "kind": ("kind", "类型"),
    "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
    "address": ("address", "地址"),
    "grid": ("grid", "网格"),
    "contact": ("contact", "联系人"),
    "contact_phone": ("contact_phone", "联系电话"),
    "employees": ("employees", "从业人数", "员工数"),
}
REQUIRED = {
    ImportKind.UNITS: ("building", "floor", "room", "use"),
    ImportKind.RENTALS: ("building", "room", "landlord", "lease_start", "lease_end"),
    ImportKind.ORGANISATIONS: ("name", "kind", "credit_code"),
}
USES = {
    "自住": UnitUse.OWNER_OCCUPIED,
    "出租": UnitUse.RENTED,
    "空置": UnitUse.VACANT,
    "商用": UnitUse.COMMERCIAL,
    **{u.value: u for u in UnitUse},
}
KINDS = {
    "企业": OrganisationKind.ENTERPRISE,
    "商铺": OrganisationKind.SHOP,
    "个体工商户": OrganisationKind.SHOP,
    "机关事业单位": OrganisationKind.INSTITUTION,
    "社会组织": OrganisationKind.SOCIAL,
    **{k.value: k for k in OrganisationKind},
}


def read_table(data: bytes) -> list[dict[str, str]] | None:
    """The rows of an uploaded file as header → text: an Excel workbook's first sheet, or a
    CSV in UTF-8 or GB18030. None when it is neither."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx(data)
    text = decode_csv(data)
    return None if text is None else csv_rows(text)


def csv_rows(text: str) -> list[dict[str, str]]:
    return [dict(row) for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


def _xlsx(data: bytes) -> list[dict[str, str]] | None:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # a file that is not a workbook after all
        return None
    lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header = [str(v or "").strip() for v in next(lines, ())]
    found = []
    for values in lines:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        found.append({h: _cell(v) for h, v in zip(header, values, strict=False)})
    return found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _headers(fieldnames: list[str]) -> dict[str, str]:
    found = {}
    for name, accepted in COLUMNS.items():
        for header in fieldnames:
            if header.strip().lstrip("\ufeff").lower() in accepted:
                found[name] = header
                break
    return found


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip().replace("/", "-"))
    except ValueError as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_date", field) from exc


def _int(raw: str, field: str) -> int:
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_number", field) from exc


async def import_bases(
    services: Services,
    kind: ImportKind,
    rows: list[dict[str, str]],
    *,
    actor: User | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Runs in the current street scope; one audit entry (and event) per run that writes."""
    report = ImportReport()
    headers = _headers(list(rows[0]) if rows else [])
    missing = [c for c in REQUIRED[kind] if c not in headers]
    if missing:
        report.file_error = RowError(
            1, None, "import.missing_columns", {"columns": ", ".join(missing)}
        )
        return report
    if len(rows) > MAX_ROWS:
        report.file_error = RowError(1, None, "import.too_many_rows", {"max": MAX_ROWS})
        return report
    compounds = {c.id: c.name for c in await Compound.all()}
    buildings = {f"{compounds[b.compound_id]}/{b.name}": b for b in await Building.all()}
    grids = {g.code: g for g in await Grid.all()}
    units = (
        {(u.building_id, u.entrance, u.room): u for u in await DwellingUnit.all()}
        if kind is ImportKind.RENTALS
        else {}
    )
    check: Callable[[Callable[[str], str], int], dict[str, Any]] = {
        ImportKind.UNITS: lambda get, line: _unit_row(get, buildings),
        ImportKind.RENTALS: lambda get, line: _rental_row(get, buildings, units),
        ImportKind.ORGANISATIONS: lambda get, line: _organisation_row(get, buildings, grids),
    }[kind]
    valid: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    for index, raw in enumerate(rows):
        line = index + 2
        report.rows += 1

        def get(name: str, raw: dict[str, str] = raw) -> str:
            header = headers.get(name)
            return (raw.get(header) or "").strip() if header else ""

        try:
            values = check(get, line)
        except Refused as refused:
            report.errors.append(RowError(line, refused.field, refused.message_key, refused.params))
            continue
        key = values.pop("_key")
        if key in seen:
            report.errors.append(
                RowError(line, None, "import.duplicate_in_file", {"line": seen[key]})
            )
            continue
        seen[key] = line
        valid.append(values)
    if report.errors and not skip_invalid:
        return report
    async with changing(services, actor) as change:
        created = await _write(kind, valid)
        report.created = created
        report.unchanged = len(valid) - created
        await change.record(
            "bases.imported",
            to_global_id("Street", change.street_id),
            {
                "kind": kind.value,
                "rows": report.rows,
                "created": report.created,
                "unchanged": report.unchanged,
                "invalidRows": len({e.line for e in report.errors}),
            },
            visibility=HOUSE_EVENTS,
        )
    report.written = True
    return report


def _building(get: Callable[[str], str], buildings: dict[str, Building]) -> Building:
    name = get("building")
    found = buildings.get(re.sub(r"\s*/\s*", "/", name))
    if found is None:
        raise Refused(ErrorCode.NOT_FOUND, "import.unknown_building", "building", building=name)
    return found


def _unit_row(get: Callable[[str], str], buildings: dict[str, Building]) -> dict[str, Any]:
    building = _building(get, buildings)
    use = USES.get(get("use"))
    if use is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_use", "use", use=get("use"))
    try:
        area = Decimal(get("area")) if get("area") else None
    except InvalidOperation as exc:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_number", "area") from exc
    floor = _int(get("floor"), "floor")
    entrance, room = check_unit_fields(get("entrance"), floor, get("room"), area)
    return {
        "_key": (building.id, entrance, room),
        "building_id": building.id,
        "entrance": entrance,
        "floor": floor,
        "room": room,
        "area": area,
        "use": use,
    }


def _rental_row(
    get: Callable[[str], str],
    buildings: dict[str, Building],
    units: dict[tuple[int, str, str], DwellingUnit],
) -> dict[str, Any]:
    building = _building(get, buildings)
    unit = units.get((building.id, get("entrance"), get("room")))
    if unit is None:
        raise Refused(ErrorCode.NOT_FOUND, "bases.import_unit_missing", "room", room=get("room"))
    if unit.use is not UnitUse.RENTED:
        raise Refused(BasesCode.UNIT_NOT_RENTED, "bases.rental_not_rented", "room")
    name, phone = check_landlord(get("landlord"), get("landlord_phone"))
    start, end = _day(get("lease_start"), "lease_start"), _day(get("lease_end"), "lease_end")
    check_lease(start, end)
    return {
        "_key": unit.id,
        "unit_id": unit.id,
        "landlord_name": name,
        "landlord_phone": phone,
        "lease_start": start,
        "lease_end": end,
    }


def _organisation_row(
    get: Callable[[str], str], buildings: dict[str, Building], grids: dict[str, Grid]
) -> dict[str, Any]:
    kind = KINDS.get(get("kind"))
    if kind is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_kind", "kind", kind=get("kind"))
    building = _building(get, buildings) if get("building") else None
    grid = grids.get(get("grid").lower()) if get("grid") else None
    if get("grid") and grid is None:
        raise Refused(ErrorCode.NOT_FOUND, "import.unknown_grid", "grid", grid=get("grid"))
    found = check_organisation(
        OrganisationFields(
            name=get("name"),
            kind=kind,
            credit_code=get("credit_code"),
            address=get("address"),
            contact_name=get("contact"),
            contact_phone=get("contact_phone"),
            employees=_int(get("employees"), "employees") if get("employees") else 0,
        )
    )
    grid_id = grid.id if grid else (building.grid_id if building else None)
    return {
        "_key": found.credit_code,
        "name": found.name,
        "kind": found.kind,
        "credit_code": found.credit_code,
        "address": found.address,
        "contact_name": found.contact_name,
        "contact_phone": found.contact_phone,
        "employees": found.employees,
        "building_id": building.id if building else None,
        "grid_id": grid_id,
    }


async def _write(kind: ImportKind, valid: list[dict[str, Any]]) -> int:
    """The rows not there yet, written; returns how many."""
    street_id = current_street_id()
    for row in valid:
        row["tenant_id"] = street_id
    if kind is ImportKind.ORGANISATIONS:
        codes = [row["credit_code"] for row in valid]
        known = set(
            await column(Organisation.filter(credit_code__in=codes or [""]), "credit_code", str)
        )
        new = [Organisation(**row) for row in valid if row["credit_code"] not in known]
        await Organisation.bulk_create(new)
        return len(new)
    if kind is ImportKind.UNITS:
        there = {
            (u.building_id, u.entrance, u.room)
            for u in await DwellingUnit.filter(
                building_id__in=list({row["building_id"] for row in valid}) or [-1]
            )
        }
        fresh = [
            DwellingUnit(**row)
            for row in valid
            if (row["building_id"], row["entrance"], row["room"]) not in there
        ]
        await DwellingUnit.bulk_create(fresh)
        return len(fresh)
    ids = [row["unit_id"] for row in valid]
    rented = set(await column(Rental.filter(unit_id__in=ids or [-1]), "unit_id", int))
    leases = [Rental(**row) for row in valid if row["unit_id"] not in rented]
    await Rental.bulk_create(leases)
    return len(leases)
