"""Bulk import of residents from CSV (批量导入).

Every row is validated first. Nothing is written unless every row is valid, or, with
``skip_invalid``, exactly the valid rows. A row whose ID number is already registered is left
as it is, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core import validators
from core.errors import Refused
from core.identity import mask_id_number
from core.ids import to_global_id
from models.accounts import User
from models.columns import column as column_values
from models.columns import max_length
from models.people import Building, Compound, Resident, ResidentTag, Tag
from models.tenancy import Grid
from resolvers.events import changing
from resolvers.people.residents import RESIDENT_EVENTS, check_person, id_hasher
from resolvers.services import Services
from tenants.scoping import current_street_id

MAX_ROWS = 200_000
BATCH = 1000
# Column → accepted headers (English or Chinese).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名"),
    "id_number": ("id_number", "身份证号", "身份证号码"),
    "phone": ("phone", "手机号", "电话"),
    "grid": ("grid", "网格"),
    "building": ("building", "楼栋"),
    "household": ("household", "户号"),
    "address": ("address", "地址"),
    "tags": ("tags", "标签"),
}
REQUIRED = ("name", "id_number")
_TAG_SPLIT = re.compile(r"[|、/]")
Progress = Callable[[str, int, int], object]


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message_key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    written: bool = False
    file_error: RowError | None = None


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    tag_ids: list[int]


def _header_map(fieldnames: list[str]) -> dict[str, str]:
    found = {}
    for column, names in COLUMNS.items():
        for header in fieldnames:
            if header.strip().lstrip("\ufeff").lower() in names:
                found[column] = header
                break
    return found


MAX_IMPORT_BYTES = 20 * 1024 * 1024


def decode_csv(data: bytes) -> str | None:
    """The text of a CSV file: UTF-8 (with or without a BOM), or GB18030 as Excel on a Chinese
    Windows saves it. None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


async def import_residents(
    services: Services,
    text: str,
    *,
    actor: User | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Runs in the current street scope. A run that writes appends one audit entry (and one
    event) with its counts, whatever the number of rows; ``actor`` is None from the CLI."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = _header_map(list(reader.fieldnames or []))
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        report.file_error = RowError(
            1, None, "import.missing_columns", {"columns": ", ".join(missing)}
        )
        return report
    street_id = current_street_id()
    hasher = id_hasher(services)
    grids = {g.code: g for g in await Grid.all()}
    compounds = {c.id: c.name for c in await Compound.all()}
    buildings = {f"{compounds[b.compound_id]}/{b.name}": b for b in await Building.all()}
    tags = {t.name: t.id for t in await Tag.all()}
    seen: dict[str, int] = {}
    valid: list[_Row] = []
    for raw in reader:
        line = reader.line_num
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.file_error = RowError(line, None, "import.too_many_rows", {"max": MAX_ROWS})
            return report

        def get(column: str, raw: dict[str, Any] = raw) -> str:
            header = headers.get(column)
            return (raw.get(header) or "").strip() if header else ""

        person = check_person(get("name"), get("phone"), get("id_number"))
        row_errors = [RowError(line, r.field, r.message_key, r.params) for r in person.refusals]
        grid = building = None
        if code := get("grid"):
            grid = grids.get(code.lower())
            if grid is None:
                row_errors.append(RowError(line, "grid", "import.unknown_grid", {"grid": code}))
        if name := get("building"):
            building = buildings.get(re.sub(r"\s*/\s*", "/", name))
            if building is None:
                row_errors.append(
                    RowError(line, "building", "import.unknown_building", {"building": name})
                )
            elif grid is None and building.grid_id is not None:
                grid = next((g for g in grids.values() if g.id == building.grid_id), None)
        tag_ids = []
        for tag_name in filter(None, (t.strip() for t in _TAG_SPLIT.split(get("tags")))):
            if tag_name in tags:
                tag_ids.append(tags[tag_name])
            else:
                row_errors.append(RowError(line, "tags", "input.unknown_tag", {"tag": tag_name}))
        id_hash = hasher.hash(person.id_number) if not row_errors else ""
        if id_hash and id_hash in seen:
            row_errors.append(
                RowError(line, "id_number", "import.duplicate_in_file", {"line": seen[id_hash]})
            )
        for text_column in ("address", "household"):
            try:
                validators.text(
                    get(text_column),
                    text_column,
                    max_length(Resident, text_column),
                    required=False,
                )
            except Refused as refused:
                row_errors.append(RowError(line, text_column, refused.message_key, refused.params))
        if row_errors:
            report.errors.extend(row_errors)
        else:
            seen[id_hash] = line
            valid.append(
                _Row(
                    line,
                    {
                        "tenant_id": street_id,
                        "name": person.name,
                        "phone": person.phone,
                        "id_hash": id_hash,
                        "id_masked": mask_id_number(person.id_number),
                        "address": get("address"),
                        "household": get("household"),
                        "building_id": building.id if building else None,
                        "grid_id": grid.id if grid else None,
                        "community_id": grid.community_id if grid else None,
                    },
                    tag_ids,
                )
            )
        if progress and report.rows % BATCH == 0:
            progress("validated", report.rows, 0)
    if progress:
        progress("validated", report.rows, 0)
    if report.errors and not skip_invalid:
        return report
    await _write(services, actor, valid, report, skip_invalid, progress)
    return report


async def _write(
    services: Services,
    actor: User | None,
    valid: list[_Row],
    report: ImportReport,
    skip_invalid: bool,
    progress: Progress | None,
) -> None:
    async with changing(services, actor) as change:
        for start in range(0, len(valid), BATCH):
            batch = valid[start : start + BATCH]
            hashes = [row.values["id_hash"] for row in batch]
            existing = set(await column_values(Resident.filter(id_hash__in=hashes), "id_hash", str))
            new = [row for row in batch if row.values["id_hash"] not in existing]
            report.unchanged += len(batch) - len(new)
            if new:
                await Resident.bulk_create([Resident(**row.values) for row in new])
                tagged = [row for row in new if row.tag_ids]
                if tagged:
                    ids = dict(
                        await Resident.filter(
                            id_hash__in=[row.values["id_hash"] for row in tagged]
                        ).values_list("id_hash", "id")
                    )
                    await ResidentTag.bulk_create(
                        [
                            ResidentTag(
                                tenant_id=row.values["tenant_id"],
                                resident_id=ids[row.values["id_hash"]],
                                tag_id=tag_id,
                            )
                            for row in tagged
                            for tag_id in dict.fromkeys(row.tag_ids)
                        ]
                    )
            report.created += len(new)
            if progress:
                progress("processed", min(start + BATCH, len(valid)), len(valid))
        await change.record(
            "residents.imported",
            to_global_id("Street", change.street_id),
            {
                "rows": report.rows,
                "created": report.created,
                "unchanged": report.unchanged,
                "invalidRows": len({e.line for e in report.errors}),
                "skipInvalid": skip_invalid,
            },
            visibility=RESIDENT_EVENTS,
        )
    report.written = True
