"""A case through the API, as its people live it: reported once, signed and escalated level by
level, dispatched at the street, resolved, rated, reported again to the leaders, and each step
on its timeline and in the inboxes of those who must act."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import FrozenClock
from models.cases import Case, CaseMedia
from models.events import Notification
from models.projects import Project
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.cases.support import (
    AMR,
    BESIDE,
    CLOSE,
    ESCALATE,
    INSIDE,
    INSIDE_BESIDE,
    LINK,
    MAKE_PROJECT,
    MP4,
    PART_DONE,
    PNG,
    RATE,
    RATE_ON_BEHALF,
    REPORT,
    REPORT_FOR,
    REPORT_RESOLVED,
    REREPORT,
    RESOLVE,
    RESOLVE_LINKED,
    SEND_BACK,
    SEND_BACK_LINKED,
    SIGN,
    SIGN_LINKED,
    SQUARE,
    TIMELINE,
    TRANSFER,
    CaseStreet,
    at_street_desk,
    call,
    case_street,
    clock_at,
    ok,
    pk,
    report_input,
    reported,
    resolved,
    run,
)
from tests.projects.support import upload
from tests.support import Api, gid


@pytest.fixture
def monday(clock: FrozenClock) -> Iterator[FrozenClock]:
    with clock_at(clock) as at:
        yield at


@pytest.fixture
async def cs(services: Services, monday: FrozenClock) -> CaseStreet:
    return await case_street(services)


async def timeline(api: Api, cs: CaseStreet, case: str) -> list[tuple[str, str]]:
    body = await call(api, cs, cs.reviewer, TIMELINE, {"id": case})
    edges = body["data"]["case"]["timeline"]["edges"]
    return [(e["node"]["action"], e["node"]["level"]) for e in edges]


async def inbox(user_id: int, street_id: int) -> list[tuple[str, str | None]]:
    with street_scope(street_id):
        rows = await Notification.filter(user_id=user_id).order_by("id")
    return [(n.kind, n.subject) for n in rows]


async def test_a_resident_reports_and_the_case_climbs_four_levels(api: Api, cs: CaseStreet) -> None:
    case = await reported(api, cs)
    assert (case["state"], case["level"], case["entryLevel"]) == ("PENDING", "GRID", "GRID")
    assert case["grid"]["id"] == gid("Grid", cs.street.grid_id)  # from the resident's home
    assert case["source"] == "RESIDENT_APP" and case["reporter"]["id"] == gid(
        "Account", cs.resident.id
    )
    # the grid's people hear of it
    assert ("case.new", case["id"]) in await inbox(cs.chief.id, cs.street.street_id)
    assert ("case.new", case["id"]) in await inbox(cs.worker.id, cs.street.street_id)
    first_due = case["dueAt"]

    signed = await ok(api, cs, cs.worker, SIGN, {"caseId": case["id"]})
    assert signed["state"] == "HANDLING" and signed["handler"]["id"] == gid("Account", cs.worker.id)
    up = await ok(api, cs, cs.worker, ESCALATE, {"caseId": case["id"], "reason": "需社区协调"})
    assert (up["level"], up["state"], up["handler"]) == ("COMMUNITY", "PENDING", None)
    assert up["dueAt"] == first_due  # escalated the same instant: the same five days again
    await ok(api, cs, cs.community, SIGN, {"caseId": case["id"]})
    up = await ok(api, cs, cs.community, ESCALATE, {"caseId": case["id"], "reason": "需街道"})
    assert up["level"] == "STREET"
    assert ("case.new", case["id"]) in await inbox(cs.reviewer.id, cs.street.street_id)
    await ok(api, cs, cs.reviewer, SIGN, {"caseId": case["id"]})
    linked = await ok(
        api,
        cs,
        cs.reviewer,
        LINK,
        {
            "caseId": case["id"],
            "districtDepartmentId": gid("DistrictDepartment", cs.district_department_id),
            "note": "需区城管局执法",
        },
    )
    assert (linked["level"], linked["state"]) == ("DISTRICT", "PENDING")
    assert linked["districtDepartment"]["id"] == gid(
        "DistrictDepartment", cs.district_department_id
    )
    assert ("case.new", case["id"]) in await inbox(cs.district_department.id, cs.street.street_id)
    # the district department: its own mutations, on the case linked to it
    await ok(api, cs, cs.district_department, SIGN_LINKED, {"caseId": case["id"]})
    done = await ok(
        api,
        cs,
        cs.district_department,
        RESOLVE_LINKED,
        {"caseId": case["id"], "result": "已执法清理"},
    )
    assert (done["state"], done["resolvedLevel"], done["result"]) == (
        "RESOLVED",
        "DISTRICT",
        "已执法清理",
    )
    assert ("case.resolved", case["id"]) in await inbox(cs.resident.id, cs.street.street_id)
    assert await timeline(api, cs, case["id"]) == [
        ("REPORTED", "GRID"),
        ("SIGNED", "GRID"),
        ("ESCALATED", "GRID"),
        ("SIGNED", "COMMUNITY"),
        ("ESCALATED", "COMMUNITY"),
        ("SIGNED", "STREET"),
        ("LINKED", "STREET"),
        ("SIGNED", "DISTRICT"),
        ("RESOLVED", "DISTRICT"),
    ]


async def test_a_district_department_sends_back_to_the_desk_which_closes_directly(
    api: Api, cs: CaseStreet
) -> None:
    case = await at_street_desk(api, cs)
    district = gid("DistrictDepartment", cs.district_department_id)
    await ok(api, cs, cs.reviewer, LINK, {"caseId": case, "districtDepartmentId": district})
    back = await ok(
        api, cs, cs.district_department, SEND_BACK_LINKED, {"caseId": case, "reason": "属街道职责"}
    )
    assert (back["level"], back["state"], back["districtDepartment"]) == ("STREET", "PENDING", None)
    # once sent back, it is no longer the district department's: it cannot act on it
    refused = await run(api, cs, cs.district_department, SIGN_LINKED, {"caseId": case})
    assert (refused["__typename"], refused["code"]) == ("InputError", "NOT_YOURS")
    await ok(api, cs, cs.reviewer, SIGN, {"caseId": case})
    closed = await ok(api, cs, cs.reviewer, CLOSE, {"caseId": case, "result": "已协调解决"})
    assert (closed["state"], closed["resolvedLevel"]) == ("RESOLVED", "STREET")


async def test_a_joint_transfer_lead_and_assisting_departments(api: Api, cs: CaseStreet) -> None:
    case = await at_street_desk(api, cs)
    moved = await ok(
        api,
        cs,
        cs.reviewer,
        TRANSFER,
        {
            "caseId": case,
            "lead": {"departmentId": gid("Department", cs.department_a_id), "part": "清理"},
            "assisting": [{"departmentId": gid("Department", cs.department_b_id), "part": "查处"}],
        },
    )
    assert (moved["state"], moved["department"]["id"]) == (
        "PENDING",
        gid("Department", cs.department_a_id),
    )
    assert ("case.new", case) in await inbox(cs.department_b.id, cs.street.street_id)
    # the assisting department does its part, but neither signs nor resolves the case
    refused = await run(api, cs, cs.department_b, SIGN, {"caseId": case})
    assert refused["code"] == "NOT_YOURS"
    await ok(api, cs, cs.department_b, PART_DONE, {"caseId": case, "note": "已查处商户"})
    again = await run(api, cs, cs.department_b, PART_DONE, {"caseId": case, "note": "再次"})
    assert again["code"] == "INVALID_TRANSITION"
    await ok(api, cs, cs.department, SIGN, {"caseId": case})
    done = await ok(api, cs, cs.department, RESOLVE, {"caseId": case, "result": "已清理"})
    assert done["state"] == "RESOLVED"
    query = (
        "query($id: ID!) { case(id: $id) { assignments { role part doneNote department { id } } } }"
    )
    body = await call(api, cs, cs.reviewer, query, {"id": case})
    assert body["data"]["case"]["assignments"] == [
        {
            "role": "LEAD",
            "part": "清理",
            "doneNote": "",
            "department": {"id": gid("Department", cs.department_a_id)},
        },
        {
            "role": "ASSISTING",
            "part": "查处",
            "doneNote": "已查处商户",
            "department": {"id": gid("Department", cs.department_b_id)},
        },
    ]


async def test_a_department_sends_a_wrongly_routed_case_back_to_the_desk(
    api: Api, cs: CaseStreet
) -> None:
    case = await at_street_desk(api, cs)
    lead = {"departmentId": gid("Department", cs.department_a_id)}
    await ok(api, cs, cs.reviewer, TRANSFER, {"caseId": case, "lead": lead})
    back = await ok(api, cs, cs.department, SEND_BACK, {"caseId": case, "reason": "非本科室职责"})
    assert (back["level"], back["department"], back["state"]) == ("STREET", None, "PENDING")
    # the desk sends it down to the community, the community to the grid, the grid no further
    await ok(api, cs, cs.reviewer, SEND_BACK, {"caseId": case, "reason": "社区可处理"})
    down = await ok(api, cs, cs.community, SEND_BACK, {"caseId": case, "reason": "网格可处理"})
    assert down["level"] == "GRID"
    refused = await run(api, cs, cs.chief, SEND_BACK, {"caseId": case, "reason": "再退"})
    assert refused["code"] == "NOTHING_BELOW"


async def test_unsatisfied_reports_go_to_the_leader_in_charge_then_the_head_then_no_more(
    api: Api, cs: CaseStreet
) -> None:
    case = await resolved(api, cs)
    rated = await ok(
        api,
        cs,
        cs.resident,
        RATE,
        {"caseId": case, "satisfaction": "UNSATISFIED", "comment": "没清干净"},
    )
    assert (rated["state"], rated["satisfaction"]) == ("RESOLVED", "UNSATISFIED")
    second = await ok(api, cs, cs.resident, REREPORT, {"caseId": case, "reason": "仍有杂物"})
    assert (second["round"], second["level"], second["leader"]["id"]) == (
        2,
        "STREET",
        gid("Account", cs.leader.id),
    )
    assert ("case.rereported", case) in await inbox(cs.leader.id, cs.street.street_id)
    await ok(api, cs, cs.leader, SIGN, {"caseId": case})
    await ok(api, cs, cs.leader, RESOLVE, {"caseId": case, "result": "督办清理"})
    await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "UNSATISFIED"})
    third = await ok(api, cs, cs.resident, REREPORT, {"caseId": case, "reason": "还是不行"})
    assert (third["round"], third["leader"]["id"]) == (3, gid("Account", cs.head.id))
    await ok(api, cs, cs.head, SIGN, {"caseId": case})
    await ok(api, cs, cs.head, RESOLVE, {"caseId": case, "result": "主要领导协调"})
    last = await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "UNSATISFIED"})
    assert last["state"] == "CLOSED"
    fourth = await run(api, cs, cs.resident, REREPORT, {"caseId": case, "reason": "第四次"})
    assert fourth["code"] == "NO_MORE_ROUNDS"
    query = "query($id: ID!) { case(id: $id) { ratings { round satisfaction comment } } }"
    body = await call(api, cs, cs.resident, query, {"id": case})
    assert [(r["round"], r["satisfaction"]) for r in body["data"]["case"]["ratings"]] == [
        (1, "UNSATISFIED"),
        (2, "UNSATISFIED"),
        (3, "UNSATISFIED"),
    ]


async def test_a_satisfied_rating_closes_the_case(api: Api, cs: CaseStreet) -> None:
    case = await resolved(api, cs)
    closed = await ok(api, cs, cs.resident, RATE, {"caseId": case, "satisfaction": "SATISFIED"})
    assert closed["state"] == "CLOSED"


async def test_every_matter_is_reported_a_grid_chief_records_one_solved_on_the_spot(
    api: Api, cs: CaseStreet
) -> None:
    case = await ok(
        api, cs, cs.chief, REPORT_RESOLVED, {**report_input(cs), "result": "当场劝离占道摊贩"}
    )
    assert (case["state"], case["level"], case["resolvedLevel"], case["result"]) == (
        "RESOLVED",
        "GRID",
        "GRID",
        "当场劝离占道摊贩",
    )
    assert case["handler"]["id"] == gid("Account", cs.chief.id)
    assert await timeline(api, cs, case["id"]) == [("REPORTED", "GRID"), ("RESOLVED", "GRID")]


async def test_an_urgent_matter_cannot_be_closed_at_the_grid(api: Api, cs: CaseStreet) -> None:
    case = (await reported(api, cs, urgency="URGENT"))["id"]
    await ok(api, cs, cs.chief, SIGN, {"caseId": case})
    refused = await run(api, cs, cs.chief, RESOLVE, {"caseId": case, "result": "已处理"})
    assert refused["code"] == "CLOSURE_LEVEL"
    on_spot = await run(
        api, cs, cs.chief, REPORT_RESOLVED, {**report_input(cs, urgency="URGENT"), "result": "x"}
    )
    assert on_spot["code"] == "CLOSURE_LEVEL"


async def test_staff_enter_a_case_for_a_resident_and_rate_it_on_their_behalf(
    api: Api, cs: CaseStreet
) -> None:
    case = await ok(
        api,
        cs,
        cs.worker,
        REPORT_FOR,
        {**report_input(cs), "residentId": gid("Resident", cs.walk_in_id)},
    )
    assert (case["source"], case["reporter"], case["enteredBy"]["id"]) == (
        "ON_BEHALF",
        None,
        gid("Account", cs.worker.id),
    )
    assert case["grid"]["id"] == gid("Grid", cs.street.grid_id)  # where the resident lives
    await ok(api, cs, cs.chief, SIGN, {"caseId": case["id"]})
    await ok(api, cs, cs.chief, RESOLVE, {"caseId": case["id"], "result": "已处理"})
    rated = await ok(
        api,
        cs,
        cs.worker,
        RATE_ON_BEHALF,
        {"caseId": case["id"], "satisfaction": "BASICALLY_SATISFIED", "comment": "电话回访"},
    )
    assert (rated["state"], rated["satisfaction"]) == ("CLOSED", "BASICALLY_SATISFIED")
    # a case the resident reported themselves is theirs to rate, not the staff's
    own = await resolved(api, cs)
    refused = await run(
        api, cs, cs.worker, RATE_ON_BEHALF, {"caseId": own, "satisfaction": "SATISFIED"}
    )
    assert refused["code"] == "NOT_YOURS"


async def test_a_hotline_case_with_a_point_finds_its_grid_by_the_outline(
    api: Api, cs: CaseStreet
) -> None:
    boundary = "mutation($i: GridBoundaryInput!) { setGridBoundary(input: $i) { __typename } }"
    for grid, shape in ((cs.street.grid_id, SQUARE), (cs.grid2_id, BESIDE)):
        body = await call(
            api, cs, cs.admin, boundary, {"i": {"gridId": gid("Grid", grid), "geometry": shape}}
        )
        assert body["data"]["setGridBoundary"]["__typename"] == "CaseSetupSuccess", body
    case = await ok(
        api,
        cs,
        cs.reviewer,
        REPORT_FOR,
        {
            **report_input(cs),
            "source": "HOTLINE",
            "contactName": "赵先生",
            "contactPhone": "13800138000",
            "location": INSIDE_BESIDE,
        },
    )
    assert case["grid"]["id"] == gid("Grid", cs.grid2_id)
    assert case["community"]["id"] == gid("Community", cs.community2_id)
    assert case["contactName"] == "赵先生"
    # a resident's own report goes by the point too
    mine = await reported(api, cs, location=INSIDE)
    assert mine["grid"]["id"] == gid("Grid", cs.street.grid_id)


async def test_a_report_without_a_grid_goes_to_the_dispatch_desk(api: Api, cs: CaseStreet) -> None:
    case = await ok(
        api,
        cs,
        cs.reviewer,
        REPORT_FOR,
        {**report_input(cs), "source": "HOTLINE", "contactName": "钱女士"},
    )
    assert (case["level"], case["entryLevel"], case["grid"]) == ("STREET", "STREET", None)
    await ok(api, cs, cs.reviewer, SIGN, {"caseId": case["id"]})
    refused = await run(api, cs, cs.reviewer, SEND_BACK, {"caseId": case["id"], "reason": "x"})
    assert refused["code"] == "NOTHING_BELOW"


async def test_photos_video_and_voice_are_stored_after_commit(
    api: Api, services: Services, cs: CaseStreet
) -> None:
    variables = {
        "input": {**report_input(cs), "photos": [None, None], "video": None, "voice": None}
    }
    files = {
        "0": ("variables.input.photos.0", PNG, "image/png"),
        "1": ("variables.input.photos.1", PNG, "image/png"),
        "2": ("variables.input.video", MP4, "video/mp4"),
        "3": ("variables.input.voice", AMR, "audio/amr"),
    }
    body = await upload(api, cs.resident, REPORT, variables, files)
    case = body["data"]["reportCase"]["case"]
    with street_scope(cs.street.street_id):
        media = await CaseMedia.filter(case_id=pk(case["id"])).order_by("id")
    assert [(m.kind.value, m.content_type) for m in media] == [
        ("PHOTO", "image/png"),
        ("PHOTO", "image/png"),
        ("VIDEO", "video/mp4"),
        ("VOICE", "audio/amr"),
    ]
    for row in media:
        assert (services.settings.upload_dir / row.path).read_bytes()[:4] in (
            PNG[:4],
            MP4[:4],
            AMR[:4],
        )
    query = "query($id: ID!) { case(id: $id) { media { kind url } } }"
    found = await call(api, cs, cs.resident, query, {"id": case["id"]})
    urls = [m["url"] for m in found["data"]["case"]["media"]]
    assert all(url.startswith("/files/cases/") for url in urls)


async def test_a_street_leader_turns_a_large_matter_into_a_project(
    api: Api, cs: CaseStreet
) -> None:
    case = await at_street_desk(api, cs)
    made = await run(
        api,
        cs,
        cs.leader,
        MAKE_PROJECT,
        {
            "caseId": case,
            "department": "城管办",
            "plannedStart": "2026-07-01",
            "plannedEnd": "2026-09-30",
            "budget": "250000.00",
        },
    )
    assert made["__typename"] == "CaseSuccess", made
    with street_scope(cs.street.street_id):
        row = await Case.get(id=pk(case))
        project = await Project.get(id=row.project_id)
    assert (project.source_kind.value, project.source_ref) == ("CASE", case)
    again = await run(
        api,
        cs,
        cs.leader,
        MAKE_PROJECT,
        {
            "caseId": case,
            "department": "x",
            "plannedStart": "2026-07-01",
            "plannedEnd": "2026-07-02",
            "budget": "1.00",
        },
    )
    assert again["code"] == "ALREADY_EXISTS"


async def test_escalation_sets_a_new_deadline_in_working_days(
    api: Api, cs: CaseStreet, monday: FrozenClock
) -> None:
    # Monday 1 June 2026, five working days from the next day: 2, 3, 4, 5 and 8 June
    case = await reported(api, cs)
    assert case["dueAt"] == "2026-06-08T16:00:00+00:00"
    monday.advance(days=3)  # Thursday
    await ok(api, cs, cs.chief, SIGN, {"caseId": case["id"]})
    up = await ok(api, cs, cs.chief, ESCALATE, {"caseId": case["id"], "reason": "需社区"})
    # from Thursday 4 June: 5, 8, 9, 10, 11 June (the weekend does not count)
    assert up["dueAt"] == "2026-06-11T16:00:00+00:00"
    with unscoped("test: the stint"):
        assert (await Case.get(id=pk(case["id"]))).stint == 2
