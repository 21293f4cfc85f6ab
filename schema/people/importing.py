"""Bulk import of residents (批量导入) as a mutation taking CSV text or an uploaded file."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import ErrorCode, Refused
from core.i18n import translate
from policies.capabilities.people import RESIDENT_IMPORT
from resolvers.people import importing
from schema.context import Info
from schema.errors import InputError, UserError
from schema.inputs import text
from schema.permissions import Can, mutation
from schema.uploads import FileUpload


@strawberry.type(description="One refused row of an import: its line in the file and why.")
class ImportRowError:
    line: int
    column: str | None
    message: str


@strawberry.type(description="What an import did.")
class ImportResidentsSuccess:
    rows: int = strawberry.field(description="Data rows read (the header excluded).")
    created: int
    unchanged: int = strawberry.field(description="Already registered (same ID number).")
    skipped: list[ImportRowError] = strawberry.field(
        description="Invalid rows left out (only with skipInvalid)."
    )


@strawberry.type(description="The file was refused: nothing was written. See `rows`.")
class ImportRejected(UserError):
    invalid_rows: list[ImportRowError]


@strawberry.input(
    description="A CSV with a header row, as text or as an uploaded file (multipart, UTF-8 or "
    "GB18030 as Excel saves it, at most 20 MB): one of the two."
)
class ImportResidentsInput:
    csv: str | None = text(
        max=importing.MAX_IMPORT_BYTES,
        default=None,
        description="Columns: name/姓名, id_number/身份证号, phone/手机号, grid/网格 (code), "
        "building/楼栋 (小区/楼栋), household/户号, address/地址, tags/标签 (separated by |).",
    )
    file: FileUpload | None = strawberry.field(
        default=None, description="The same CSV as an uploaded file (GraphQL multipart request)."
    )
    skip_invalid: bool = strawberry.field(
        default=False, description="Write the valid rows and report the others."
    )


ImportResidentsPayload = Annotated[
    ImportResidentsSuccess | ImportRejected | InputError,
    strawberry.union("ImportResidentsPayload"),
]


def _rows(errors: list[importing.RowError], locale: str) -> list[ImportRowError]:
    return [
        ImportRowError(
            line=e.line, column=e.field, message=translate(e.message_key, locale, **e.params)
        )
        for e in errors
    ]


async def _text_of(input: ImportResidentsInput) -> str:
    if (input.csv is None) == (input.file is None):
        raise Refused(ErrorCode.BAD_USER_INPUT, "import.one_source", "csv")
    if input.csv is not None:
        return input.csv
    assert input.file is not None
    data = await input.file.read(importing.MAX_IMPORT_BYTES + 1)
    if len(data) > importing.MAX_IMPORT_BYTES:
        limit = importing.MAX_IMPORT_BYTES // (1024 * 1024)
        raise Refused(ErrorCode.BAD_USER_INPUT, "import.file_too_large", "file", max=limit)
    text = importing.decode_csv(data)
    if text is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "import.not_utf8", "file")
    return text


@strawberry.type
class ImportMutation:
    @mutation(
        requires=Can(RESIDENT_IMPORT),
        description="Import residents from CSV (批量导入). Every row is validated: nothing is "
        "written unless all rows are valid (or, with skipInvalid, exactly the valid rows). "
        "Re-importing the same file changes nothing.",
    )
    async def import_residents(
        self, info: Info, input: ImportResidentsInput
    ) -> ImportResidentsPayload:
        locale = info.context.locale

        report = await importing.import_residents(
            info.context.services,
            await _text_of(input),
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
        return ImportResidentsSuccess(
            rows=report.rows,
            created=report.created,
            unchanged=report.unchanged,
            skipped=_rows(report.errors, locale),
        )
