"""Import of houses, rented homes and organisations (批量导入) from CSV or Excel."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import ErrorCode, Refused
from core.i18n import translate
from policies.capabilities.bases import BASES_IMPORT
from resolvers.bases import importing
from resolvers.people.importing import MAX_IMPORT_BYTES
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text
from schema.people.importing import ImportRejected, ImportRowError, _rows
from schema.permissions import Can, mutation
from schema.uploads import FileUpload

ImportKind = importing.ImportKind
strawberry.enum(
    ImportKind,
    name="BasesImportKind",
    description="UNITS 实有房屋 · RENTALS 出租房屋 · ORGANISATIONS 实有单位",
)


@strawberry.input(
    description="A CSV with a header row as text, or an uploaded CSV (UTF-8 or GB18030) or "
    "Excel workbook (.xlsx, first sheet), at most 20 MB: one of the two."
)
class ImportBasesInput:
    kind: ImportKind
    csv: str | None = text(
        max=MAX_IMPORT_BYTES,
        default=None,
        description="UNITS: building/楼栋 (小区/楼栋), entrance/单元, floor/楼层, room/室号, "
        "area/面积, use/用途 (自住 出租 空置 商用). RENTALS: building, entrance, room, "
        "landlord/房东, landlord_phone/房东电话, lease_start/租期开始, lease_end/租期结束 "
        "(YYYY-MM-DD). ORGANISATIONS: name/单位名称, kind/类型 (企业 商铺 机关事业单位 社会组织), "
        "credit_code/统一社会信用代码, address/地址, building, grid/网格 (code), contact/联系人, "
        "contact_phone/联系电话, employees/从业人数.",
    )
    file: FileUpload | None = strawberry.field(default=None, description="The file, uploaded.")
    skip_invalid: bool = strawberry.field(
        default=False, description="Write the valid rows and report the others."
    )


@strawberry.type(description="What an import did.")
class ImportBasesSuccess:
    rows: int
    created: int
    unchanged: int = strawberry.field(description="Already there (same natural key).")
    skipped: list[ImportRowError]


ImportBasesPayload = Annotated[
    ImportBasesSuccess | ImportRejected | InputError, strawberry.union("ImportBasesPayload")
]


async def _table(input: ImportBasesInput) -> list[dict[str, str]]:
    if (input.csv is None) == (input.file is None):
        raise Refused(ErrorCode.BAD_USER_INPUT, "import.one_source", "csv")
    if input.csv is not None:
        return importing.csv_rows(input.csv)
    assert input.file is not None
    data = await input.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        raise Refused(ErrorCode.BAD_USER_INPUT, "import.file_too_large", "file", max=limit)
    rows = importing.read_table(data)
    if rows is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "bases.import_unreadable", "file")
    return rows


@strawberry.type
class BasesImportMutation:
    @mutation(
        requires=Can(BASES_IMPORT),
        description="Import units, rented homes or organisations (批量导入). Every row is "
        "validated: nothing is written unless all rows are valid (or, with skipInvalid, "
        "exactly the valid rows). Rows already there (unit address, credit code) are left as "
        "they are: re-importing the same file changes nothing.",
    )
    async def import_bases(self, info: Info, input: ImportBasesInput) -> ImportBasesPayload:
        locale = info.context.locale
        report = await importing.import_bases(
            info.context.services,
            input.kind,
            await _table(input),
            actor=info.context.viewer.require_user(),
            skip_invalid=input.skip_invalid,
        )
        if report.file_error:
            return ImportRejected(
                code=ErrorCode.BAD_USER_INPUT,
                field="csv",
                message=translate(
                    report.file_error.message_key, locale, **report.file_error.params
                ),
                invalid_rows=_rows([report.file_error], locale),
            )
        if not report.written:
            bad = len({e.line for e in report.errors})
            return ImportRejected(
                code=ErrorCode.BAD_USER_INPUT,
                field="csv",
                message=translate("import.rejected", locale, count=bad),
                invalid_rows=_rows(report.errors, locale),
            )
        return ImportBasesSuccess(
            rows=report.rows,
            created=report.created,
            unchanged=report.unchanged,
            skipped=_rows(report.errors, locale),
        )
