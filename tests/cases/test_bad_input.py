"""Bad input gets a clear, typed error and changes nothing: the case, its timeline, its
ratings, media and inbox rows, the street's audit chain and events are as they were, and no
file is left on disk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.clock import FrozenClock
from models.cases import CaseCategory, CategoryKind
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import (
    ESCALATE,
    INSIDE,
    LINK,
    OUTSIDE,
    PNG,
    RATE,
    REPORT,
    REREPORT,
    RESOLVE,
    SIGN,
    SIGN_LINKED,
    SQUARE,
    CaseStreet,
    at_street_desk,
    call,
    case_street,
    mutation,
    ok,
    report_input,
    reported,
    resolved,
    run,
    trace,
)
from tests.projects.support import stored_files, upload
from tests.support import Api, gid

ESCALATE_LINKED = mutation("escalateLinkedCase", "CaseReasonInput")


async def refused(
    api: Api,
    cs: CaseStreet,
    user: object,
    query: str,
    input: dict,
    code: str,
    field: str | None = "caseId",
) -> dict:
    """The mutation answers InputError with ``code`` (and ``field``), and the street's cases,
    audit chain and events are unchanged."""
    before = await trace(cs.street.street_id)
    payload = await run(api, cs, user, query, input)  # type: ignore[arg-type]
    assert payload["__typename"] == "InputError", payload
    assert (payload["code"], payload["field"]) == (code, field), payload
    assert payload["message"] and payload["message"] != code
    assert await trace(cs.street.street_id) == before
    return payload


async def test_acting_on_a_case_not_at_your_level(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]  # at the grid
    await refused(api, cs, cs.community, SIGN, {"caseId": case}, "NOT_YOURS")
    await refused(api, cs, cs.reviewer, SIGN, {"caseId": case}, "NOT_YOURS")


async def test_acting_on_a_case_that_is_not_yours(api: Api, cs: CaseStreet) -> None:
    case = await at_street_desk(api, cs)
    lead = {"departmentId": gid("Department", cs.department_a_id)}
    await ok(
        api,
        cs,
        cs.reviewer,
        mutation("transferCase", "TransferCaseInput"),
        {"caseId": case, "lead": lead},
    )
    # department B never had it: it does not even see it
    await refused(api, cs, cs.department_b, SIGN, {"caseId": case}, "NOT_FOUND")
    # a district department acts only on what is linked to it
    await refused(api, cs, cs.district_department, SIGN_LINKED, {"caseId": case}, "NOT_FOUND")


async def test_signing_twice(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await refused(api, cs, cs.worker, SIGN, {"caseId": case}, "ALREADY_SIGNED")


async def test_escalating_past_the_district(api: Api, cs: CaseStreet) -> None:
    case = await at_street_desk(api, cs)
    district = gid("DistrictDepartment", cs.district_department_id)
    await ok(api, cs, cs.reviewer, LINK, {"caseId": case, "districtDepartmentId": district})
    await ok(api, cs, cs.district_department, SIGN_LINKED, {"caseId": case})
    await refused(
        api,
        cs,
        cs.district_department,
        ESCALATE_LINKED,
        {"caseId": case, "reason": "x"},
        "TOP_LEVEL",
    )


async def test_escalating_without_a_reason(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await refused(
        api, cs, cs.chief, ESCALATE, {"caseId": case, "reason": "  "}, "BAD_USER_INPUT", "reason"
    )


async def test_resolving_without_a_result(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    await refused(
        api, cs, cs.chief, RESOLVE, {"caseId": case, "result": " "}, "BAD_USER_INPUT", "result"
    )


async def test_rating_a_case_not_resolved_not_yours_or_twice(api: Api, cs: CaseStreet) -> None:
    open_case = (await reported(api, cs))["id"]
    satisfied = {"satisfaction": "SATISFIED"}
    await refused(api, cs, cs.resident, RATE, {"caseId": open_case, **satisfied}, "NOT_RESOLVED")
    case = await resolved(api, cs)
    await refused(api, cs, cs.resident2, RATE, {"caseId": case, **satisfied}, "NOT_FOUND")
    await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "UNSATISFIED"})
    await refused(api, cs, cs.resident, RATE, {"caseId": case, **satisfied}, "ALREADY_RATED")


async def test_a_report_beyond_the_streets_rounds(api: Api, cs: CaseStreet) -> None:
    settings = "mutation($i: CaseSettingsInput!) { updateCaseSettings(input: $i) { __typename } }"
    body = await call(
        api,
        cs,
        cs.admin,
        settings,
        {"i": {"yellowPercent": 80, "requireGrid": False, "maxRounds": 1}},
    )
    assert body["data"]["updateCaseSettings"]["__typename"] == "CaseSetupSuccess", body
    case = await resolved(api, cs)
    closed = await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "UNSATISFIED"})
    assert closed["state"] == "CLOSED"
    await refused(
        api, cs, cs.resident, REREPORT, {"caseId": case, "reason": "再报"}, "NO_MORE_ROUNDS"
    )


async def test_an_unknown_category(api: Api, services: Services, cs: CaseStreet) -> None:
    """Another street's category, one that never was, and one of this street no longer in
    use: each NOT_FOUND."""
    other = await case_street(services, "bad-other")
    with street_scope(cs.street.street_id):
        retired = await CaseCategory.create(
            code="retired", name="停用的类别", kind=CategoryKind.SERVICE, active=False
        )
    for category in (
        gid("CaseCategory", other.category_id),
        gid("CaseCategory", 10**9),
        gid("CaseCategory", retired.id),
    ):
        await refused(
            api,
            cs,
            cs.resident,
            REPORT,
            report_input(cs, categoryId=category),
            "NOT_FOUND",
            "categoryId",
        )


async def test_a_point_outside_every_grid_when_the_street_requires_one(
    api: Api, cs: CaseStreet
) -> None:
    boundary = "mutation($i: GridBoundaryInput!) { setGridBoundary(input: $i) { __typename } }"
    await call(
        api,
        cs,
        cs.admin,
        boundary,
        {"i": {"gridId": gid("Grid", cs.street.grid_id), "geometry": SQUARE}},
    )
    settings = "mutation($i: CaseSettingsInput!) { updateCaseSettings(input: $i) { __typename } }"
    await call(
        api,
        cs,
        cs.admin,
        settings,
        {"i": {"yellowPercent": 80, "requireGrid": True, "maxRounds": 3}},
    )
    await refused(
        api,
        cs,
        cs.resident,
        REPORT,
        report_input(cs, location=OUTSIDE),
        "OUTSIDE_GRIDS",
        "location",
    )
    inside = await reported(api, cs, location=INSIDE)  # the control
    assert inside["grid"]["id"] == gid("Grid", cs.street.grid_id)


@pytest.mark.parametrize(
    "location",
    [
        {"longitude": 181.0, "latitude": 30.0},
        {"longitude": 114.0, "latitude": -90.5},
    ],
)
async def test_coordinates_out_of_range(api: Api, cs: CaseStreet, location: dict) -> None:
    await refused(
        api,
        cs,
        cs.resident,
        REPORT,
        report_input(cs, location=location),
        "BAD_USER_INPUT",
        "location",
    )


async def test_a_grid_outline_that_is_no_polygon(api: Api, cs: CaseStreet) -> None:
    boundary = (
        "mutation($i: GridBoundaryInput!) { setGridBoundary(input: $i) { __typename "
        "... on UserError { code field } } }"
    )
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    for shape in ({"type": "Point", "coordinates": [114.2, 30.5]}, bowtie):
        before = await trace(cs.street.street_id)
        body = await call(
            api,
            cs,
            cs.admin,
            boundary,
            {"i": {"gridId": gid("Grid", cs.street.grid_id), "geometry": shape}},
        )
        assert body["data"]["setGridBoundary"] == {
            "__typename": "InputError",
            "code": "BAD_USER_INPUT",
            "field": "geometry",
        }
        assert await trace(cs.street.street_id) == before


async def test_a_date_outside_the_holiday_calendar(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    # The calendar ends with 2099 (the provisional one included): five working days from
    # Monday 28 December 2099 reach 2100.
    monday.current = datetime(2099, 12, 28, 1, 0, tzinfo=UTC)
    payload = await refused(
        api, cs, cs.resident, REPORT, report_input(cs), "CALENDAR_RANGE", "date"
    )
    assert "2100" in payload["message"] and "2099" in payload["message"]


async def test_oversized_or_unsupported_media(api: Api, services: Services, cs: CaseStreet) -> None:
    root = Path(services.settings.upload_dir)
    files_before = stored_files(root)
    limit = services.settings.max_upload_bytes
    cases = [
        ("photos", {"0": ("variables.input.photos.0", b"GIF89a" + b"\x00" * 64, "image/png")}),
        ("video", {"0": ("variables.input.video", PNG, "video/mp4")}),
        ("voice", {"0": ("variables.input.voice", b"\x00" * 64, "audio/amr")}),
        ("photos", {"0": ("variables.input.photos.0", PNG + b"\x00" * 4096, "image/png")}),
    ]
    services.settings.max_upload_bytes = 1024
    try:
        for field, files in cases:
            before = await trace(cs.street.street_id)
            empty: list | None = [None] if field == "photos" else None
            variables = {"input": {**report_input(cs), field: empty}}
            body = await upload(api, cs.resident, REPORT, variables, files)
            payload = body["data"]["reportCase"]
            assert (payload["__typename"], payload["code"], payload["field"]) == (
                "InputError",
                "INVALID_UPLOAD",
                field,
            ), payload
            assert await trace(cs.street.street_id) == before
    finally:
        services.settings.max_upload_bytes = limit
    assert stored_files(root) == files_before
