"""Bulk import of residents: all or nothing, a report by line, idempotent, CLI and mutation."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from models.people import Resident, ResidentTag
from resolvers.services import Services
from tests.people.support import count, new_id_number, people_street
from tests.platform.test_cli import STRONG_KEY, run_cli
from tests.support import Api, error_codes

IMPORT = """
mutation I($input: ImportResidentsInput!) { importResidents(input: $input) {
  __typename
  ... on ImportResidentsSuccess { rows created unchanged skipped { line column message } }
  ... on ImportRejected { code message invalidRows { line column message } }
  ... on UserError { code message } } }
"""


def _csv(rows: list[tuple[str, ...]]) -> str:
    header = "姓名,身份证号,手机号,网格,户号,地址,标签"
    return "\n".join([header, *(",".join(r) for r in rows)]) + "\n"


async def test_a_file_with_bad_rows_writes_nothing_and_names_each_line(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    ok1, ok2 = new_id_number(), new_id_number()
    bad_id = ok1[:17] + ("0" if ok1[17] != "0" else "1")
    text = _csv(
        [
            ("甲", ok1, "13900000001", "g1", "1-101", "一号楼", "独居老人|退役军人"),
            ("乙", bad_id, "13900000002", "g1", "", "", ""),
            ("丙", ok2, "1390000", "g1", "", "", ""),
            ("丁", new_id_number(), "13900000004", "g9", "", "", "不存在的标签"),
            ("戊", ok2, "13900000005", "g2", "", "", ""),
        ]
    )
    body = await api.gql(IMPORT, {"input": {"csv": text}}, token=s.admin, lang="en")
    assert body.get("data"), body
    rejected = body["data"]["importResidents"]
    assert rejected["__typename"] == "ImportRejected" and rejected["code"] == "BAD_USER_INPUT"
    by_line = {(r["line"], r["column"]) for r in rejected["invalidRows"]}
    assert by_line == {(3, "idNumber"), (4, "phone"), (5, "grid"), (5, "tags")}
    assert any("不存在的标签" in r["message"] for r in rejected["invalidRows"])
    assert await count(Resident, s.id) == 0 and await count(ResidentTag, s.id) == 0

    skipped = await api.gql(IMPORT, {"input": {"csv": text, "skipInvalid": True}}, token=s.admin)
    report = skipped["data"]["importResidents"]
    assert report["__typename"] == "ImportResidentsSuccess"
    # Line 6 repeats line 4's ID number, which was invalid for its phone: line 6 is valid.
    assert (report["rows"], report["created"], report["unchanged"]) == (5, 2, 0)
    assert {r["line"] for r in report["skipped"]} == {3, 4, 5}
    assert await count(Resident, s.id) == 2 and await count(ResidentTag, s.id) == 2

    again = await api.gql(IMPORT, {"input": {"csv": text, "skipInvalid": True}}, token=s.admin)
    assert (
        again["data"]["importResidents"]["created"],
        again["data"]["importResidents"]["unchanged"],
    ) == (0, 2)
    assert await count(Resident, s.id) == 2 and await count(ResidentTag, s.id) == 2


async def test_missing_columns_and_permissions(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    body = await api.gql(IMPORT, {"input": {"csv": "foo,bar\n1,2\n"}}, token=s.admin)
    assert body["data"]["importResidents"]["__typename"] == "ImportRejected"
    duplicate = new_id_number()
    text = _csv([("甲", duplicate, "", "", "", "", ""), ("乙", duplicate, "", "", "", "", "")])
    body = await api.gql(IMPORT, {"input": {"csv": text}}, token=s.admin, lang="en")
    assert [r["message"] for r in body["data"]["importResidents"]["invalidRows"]] == [
        "Same ID number as line 2."
    ]
    assert error_codes(await api.gql(IMPORT, {"input": {"csv": text}}, token=s.chief_token)) == [
        "FORBIDDEN"
    ]


def test_cli_import_is_all_or_nothing_idempotent_and_shows_progress(tmp_path: Path) -> None:
    db_env = {
        "GONGZHI_DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "GONGZHI_SECRET_KEY": STRONG_KEY,
    }
    assert run_cli("demo", env=db_env, cwd=tmp_path).returncode == 0
    good = [
        ("王一", new_id_number(), "13700000001", "qinduan-1", "1-1", "", "独居老人"),
        ("王二", new_id_number(), "13700000002", "qinduan-2", "1-2", "", "退役军人|残疾人"),
    ]
    bad = [("王三", new_id_number(), "123", "qinduan-1", "", "", "")]
    path = tmp_path / "residents.csv"
    path.write_text(_csv(good + bad), encoding="utf-8")
    args = ("import", "residents", str(path), "--street", "wulidun")
    refused = run_cli(*args, env=db_env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "line 4 [phone]" in refused.stderr
    assert "rows: 3, 1 invalid: nothing written" in refused.stdout

    db = tmp_path / "cli.sqlite3"

    def residents() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from resident").fetchone()[0]

    before = residents()
    partial = run_cli(*args, "--skip-invalid", env=db_env, cwd=tmp_path)
    assert partial.returncode == 0, partial.stderr
    assert "validated 3" in partial.stderr and "processed 2/2" in partial.stderr
    assert "0 already present, 2 written, 1 invalid skipped" in partial.stdout
    assert residents() == before + 2
    again = run_cli(*args, "--skip-invalid", env=db_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "2 already present, 0 written" in again.stdout and residents() == before + 2
    assert "written 2" not in again.stdout + again.stderr


async def _upload(api: Api, token: str, variables: dict, content: bytes) -> dict:
    """The GraphQL multipart request a browser sends with an <input type=file>."""
    form = {
        "operations": json.dumps({"query": IMPORT, "variables": variables}),
        "map": json.dumps({"0": ["variables.input.file"]}),
    }
    response = await api.client.post(
        "/graphql",
        data=form,
        files={"0": ("居民.csv", content, "text/csv")},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["importResidents"]


async def test_an_uploaded_excel_file_in_gb18030_imports_like_text(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    text = _csv([("张三", new_id_number(), "13900000001", "g1", "1-101", "一号楼", "独居老人")])
    report = await _upload(api, s.admin, {"input": {"file": None}}, text.encode("gb18030"))
    assert (report["__typename"], report["created"]) == ("ImportResidentsSuccess", 1)
    assert await count(Resident, s.id) == 1

    both = await _upload(api, s.admin, {"input": {"file": None, "csv": text}}, b"x")
    neither = (await api.gql(IMPORT, {"input": {}}, token=s.admin))["data"]["importResidents"]
    binary = await _upload(api, s.admin, {"input": {"file": None}}, b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert [r["code"] for r in (both, neither, binary)] == ["BAD_USER_INPUT"] * 3
    assert await count(Resident, s.id) == 1
