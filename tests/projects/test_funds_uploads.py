"""Progress updates with photos (multipart), disbursements against the budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.clock import FrozenClock
from core.ids import from_global_id
from gongzhi.files import stored_file
from models.projects import Disbursement, Photo, ProgressUpdate
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.projects.support import (
    JPEG,
    PNG,
    WEBP,
    ProjectStreet,
    call,
    data,
    project_street,
    running_project,
    stored_files,
    today,
    upload,
)
from tests.support import Api

POST_UPDATE = """
mutation($input: PostProgressUpdateInput!) {
  postProgressUpdate(input: $input) {
    __typename
    ... on ProgressUpdateSuccess {
      update { id body photos { path contentType size sha256 url } }
    }
    ... on UserError { code field message }
  }
}
"""
DISBURSE = """
mutation($input: RecordDisbursementInput!) {
  recordDisbursement(input: $input) {
    __typename
    ... on DisbursementSuccess {
      disbursement { amount overBudget overBudgetReason voucher { contentType } }
      project { spent budget overBudget }
    }
    ... on UserError { code field message }
  }
}
"""


@pytest.fixture(scope="module")
async def ps(services: Services) -> ProjectStreet:
    return await project_street(services, "fund")


def uploads_root(services: Services) -> Path:
    return Path(services.settings.upload_dir)


async def counts(project_id: str) -> tuple[int, int, int]:
    pk = from_global_id(project_id)[1]
    with unscoped("test count"):
        return (
            await ProgressUpdate.filter(project_id=pk).count(),
            await Disbursement.filter(project_id=pk).count(),
            await Photo.filter(project_id=pk).count(),
        )


async def test_an_update_with_photos_stores_checked_images(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services, budget="100.00")
    variables = {"input": {"projectId": project_id, "body": "基础施工完成", "photos": [None, None]}}
    body = await upload(
        api,
        ps.department,
        POST_UPDATE,
        variables,
        {
            "0": ("variables.input.photos.0", PNG, "application/octet-stream"),
            "1": ("variables.input.photos.1", WEBP, "image/webp"),
        },
    )
    update = data(body, "postProgressUpdate")["update"]
    assert [p["contentType"] for p in update["photos"]] == ["image/png", "image/webp"]
    for photo in update["photos"]:
        stored = uploads_root(services) / photo["path"]
        assert stored.read_bytes() in (PNG, WEBP)
    assert not list((uploads_root(services) / ".incoming").glob("*"))


async def test_a_photo_opens_through_its_signed_link_only(
    api: Api, services: Services, ps: ProjectStreet, clock: FrozenClock
) -> None:
    project_id = await running_project(api, ps, services, budget="100.00")
    variables = {"input": {"projectId": project_id, "body": "现场照片", "photos": [None]}}
    files = {"0": ("variables.input.photos.0", PNG, "image/png")}
    body = await upload(api, ps.department, POST_UPDATE, variables, files)
    photo = data(body, "postProgressUpdate")["update"]["photos"][0]
    url = photo["url"]
    assert url.startswith(f"/files/{photo['path']}?")

    opened = await api.client.get(url)  # no Authorization header: an <img src> sends none
    assert opened.status_code == 200
    assert (opened.content, opened.headers["content-type"]) == (PNG, "image/png")

    path, _, query = url.partition("?")
    forged = await api.client.get(f"{path}?{query[:-2]}xx")
    other = await api.client.get(f"/files/projects/1/{'0' * 32}.png?{query}")
    assert [r.status_code for r in (forged, other)] == [403, 403]
    # Even a correctly signed path cannot leave the upload directory.
    root = uploads_root(services)
    assert stored_file(root, photo["path"]) is not None
    assert stored_file(root, f"../{root.name}/{photo['path']}") is not None  # still inside
    (root.parent / "outside.png").write_bytes(PNG)
    assert stored_file(root, "../outside.png") is None
    escaping = services.files.link("../outside.png", services.clock.now())
    assert (await api.client.get(escaping)).status_code in (403, 404)
    clock.advance(hours=3)
    try:
        expired = await api.client.get(url)
    finally:
        clock.advance(hours=-3)
    assert expired.status_code == 403


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"GIF89a" + b"\x00" * 40, "not an image we accept"),
        (b"<?php echo 1; ?>", "a script named .jpg"),
        (b"", "empty"),
        (JPEG + b"\x00" * 2048, "too large"),
    ],
)
async def test_a_bad_upload_is_refused_and_nothing_is_stored(
    api: Api, services: Services, ps: ProjectStreet, content: bytes, why: str
) -> None:
    project_id = await running_project(api, ps, services)
    before_files = stored_files(uploads_root(services))
    limit = services.settings.max_upload_bytes
    services.settings.max_upload_bytes = 1024
    try:
        variables = {"input": {"projectId": project_id, "body": "进展", "photos": [None, None]}}
        body = await upload(
            api,
            ps.department,
            POST_UPDATE,
            variables,
            {
                "0": ("variables.input.photos.0", PNG, "image/png"),  # a good one first
                "1": ("variables.input.photos.1", content, "image/jpeg"),
            },
        )
    finally:
        services.settings.max_upload_bytes = limit
    result = data(body, "postProgressUpdate")
    assert result["__typename"] == "InputError", why
    assert (result["code"], result["field"]) == ("INVALID_UPLOAD", "photos")
    assert await counts(project_id) == (0, 0, 0)
    assert stored_files(uploads_root(services)) == before_files


async def test_a_failed_write_after_staging_leaves_no_file(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    """The images are fine but the mutation fails inside its transaction: no file remains."""
    project_id = await running_project(api, ps, services, budget="10.00")
    before_files = stored_files(uploads_root(services))
    variables = {
        "input": {
            "projectId": project_id,
            "amount": "20.00",
            "paidOn": "2024-01-02",
            "purpose": "x",
        }
    }
    body = await upload(
        api,
        ps.department,
        DISBURSE,
        variables | {"input": {**variables["input"], "voucher": None}},
        {"0": ("variables.input.voucher", JPEG, "image/jpeg")},
    )
    result = data(body, "recordDisbursement")
    assert (result["code"], result["field"]) == ("OVER_BUDGET", "overBudgetReason")
    assert await counts(project_id) == (0, 0, 0)
    assert stored_files(uploads_root(services)) == before_files


async def test_disbursements_add_up_exactly_and_over_budget_needs_a_reason(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services, budget="0.30")
    paid = today(services).isoformat()

    async def pay(amount: str, reason: str = "") -> dict:
        variables = {
            "input": {
                "projectId": project_id,
                "amount": amount,
                "paidOn": paid,
                "purpose": "材料款",
                "overBudgetReason": reason,
            }
        }
        return data(await call(api, ps.department, DISBURSE, variables), "recordDisbursement")

    assert (await pay("0.10"))["project"]["spent"] == "0.10"
    assert (await pay("0.20"))["project"] == {
        "spent": "0.30",
        "budget": "0.30",
        "overBudget": False,
    }
    refused = await pay("0.01")
    assert refused["code"] == "OVER_BUDGET" and refused["message"]
    flagged = await pay("0.01", "追加电梯井加固")
    assert flagged["disbursement"] == {
        "amount": "0.01",
        "overBudget": True,
        "overBudgetReason": "追加电梯井加固",
        "voucher": None,
    }
    assert flagged["project"]["overBudget"] is True


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1e3", "12.345", "", "NaN"])
async def test_a_negative_or_non_numeric_amount_is_refused(
    api: Api, services: Services, ps: ProjectStreet, amount: str
) -> None:
    project_id = await running_project(api, ps, services)
    variables = {
        "input": {"projectId": project_id, "amount": amount, "paidOn": "2024-01-02", "purpose": "x"}
    }
    result = data(await call(api, ps.department, DISBURSE, variables), "recordDisbursement")
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", "amount")
    assert await counts(project_id) == (0, 0, 0)
