"""Projects: creation (and promotion), the lifecycle by role, milestones and derived progress."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.ids import from_global_id
from models.audit import AuditEntry
from models.projects import Milestone, Project
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.projects.support import (
    CHANGE,
    COMPLETE_MILESTONE,
    CREATE,
    REPORT,
    ProjectStreet,
    add_milestone,
    call,
    create_project,
    data,
    move,
    project_input,
    project_street,
    running_project,
    today,
)
from tests.support import Api, error_codes

SET_PROGRESS = """
mutation($input: SetProjectProgressInput!) {
  setProjectProgress(input: $input) {
    __typename
    ... on ProjectSuccess { project { progress progressSource progressReason } }
    ... on UserError { code field message }
  }
}
"""
AUDIT = """
query($s: ID!) { auditTrail(subject: $s) { edges { node { action change } } } }
"""


@pytest.fixture(scope="module")
async def ps(services: Services) -> ProjectStreet:
    return await project_street(services, "life")


async def audit_count(project_id: str) -> int:
    with unscoped("test: count audit entries"):
        return await AuditEntry.filter(subject=project_id).count()


async def test_a_leader_creates_a_proposed_project_promoted_from_a_suggestion(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    source = {"kind": "SUGGESTION", "reference": "建议 2024-017：加装电梯"}
    body = await call(api, ps.leader, CREATE, {"input": project_input(ps, services, source=source)})
    project = data(body, "createProject")["project"]
    assert project["status"] == "PROPOSED"
    assert project["budget"] == "1000000.00" and project["spent"] == "0.00"
    assert project["source"] == source
    trail = await call(api, ps.leader, AUDIT, {"s": project["id"]})
    assert [e["node"]["action"] for e in data(trail, "auditTrail")["edges"]] == ["project.created"]


async def test_the_lifecycle_follows_the_allowed_transitions_and_records_each(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    await move(api, ps, project_id, "CANDIDATE", "APPROVED")
    body = await call(
        api, ps.department, REPORT, {"input": {"projectId": project_id, "to": "IN_PROGRESS"}}
    )
    assert data(body, "reportProjectStatus")["project"]["status"] == "IN_PROGRESS"
    body = await call(
        api, ps.department, REPORT, {"input": {"projectId": project_id, "to": "COMPLETED"}}
    )
    assert data(body, "reportProjectStatus")["project"]["status"] == "COMPLETED"
    await move(api, ps, project_id, "ACCEPTED")
    trail = await call(api, ps.leader, AUDIT, {"s": project_id})
    changes = [
        e["node"]["change"]["to"]
        for e in data(trail, "auditTrail")["edges"]
        if e["node"]["action"] == "project.status_changed"
    ]
    assert changes == ["CANDIDATE", "APPROVED", "IN_PROGRESS", "COMPLETED", "ACCEPTED"]


@pytest.mark.parametrize(
    ("path", "who", "to"),
    [
        ((), "leader", "APPROVED"),  # PROPOSED cannot skip the candidate stage
        ((), "leader", "ACCEPTED"),
        (("CANDIDATE", "APPROVED"), "leader", "ACCEPTED"),
        (("CANDIDATE", "REJECTED"), "leader", "IN_PROGRESS"),  # rejected is final
        (("CANDIDATE",), "department", "APPROVED"),  # the department does not approve
        (("CANDIDATE", "APPROVED", "IN_PROGRESS", "COMPLETED"), "department", "ACCEPTED"),
    ],
)
async def test_an_invalid_transition_is_a_typed_error_and_changes_nothing(
    api: Api, services: Services, ps: ProjectStreet, path: tuple[str, ...], who: str, to: str
) -> None:
    project_id = await create_project(api, ps, services)
    await move(api, ps, project_id, *path)
    before = await audit_count(project_id)
    user = ps.leader if who == "leader" else ps.department
    query, name = (
        (CHANGE, "changeProjectStatus") if who == "leader" else (REPORT, "reportProjectStatus")
    )
    body = await call(api, user, query, {"input": {"projectId": project_id, "to": to}})
    result = data(body, name)
    assert result["__typename"] == "InputError"
    assert result["code"] == "INVALID_TRANSITION" and result["field"] == "to"
    with unscoped("test check"):
        row = await Project.get(id=from_global_id(project_id)[1])
    assert row.status.value == (path[-1] if path else "PROPOSED")
    assert await audit_count(project_id) == before


async def test_rejecting_needs_a_reason(api: Api, services: Services, ps: ProjectStreet) -> None:
    project_id = await create_project(api, ps, services)
    body = await call(
        api, ps.leader, CHANGE, {"input": {"projectId": project_id, "to": "REJECTED"}}
    )
    assert data(body, "changeProjectStatus")["field"] == "reason"
    body = await call(
        api,
        ps.leader,
        CHANGE,
        {"input": {"projectId": project_id, "to": "REJECTED", "reason": "预算不足"}},
    )
    assert data(body, "changeProjectStatus")["project"]["status"] == "REJECTED"


async def test_roles_without_manage_cannot_steer_the_lifecycle(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    for user in (ps.department, ps.representative, ps.resident, ps.display):
        body = await call(
            api, user, CHANGE, {"input": {"projectId": project_id, "to": "CANDIDATE"}}
        )
        assert body["data"] is None and error_codes(body) == ["FORBIDDEN"]
    body = await call(api, ps.resident, CREATE, {"input": project_input(ps, services)})
    assert error_codes(body) == ["FORBIDDEN"]


async def test_progress_is_derived_from_milestone_weights(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    start = today(services)
    first = await add_milestone(api, ps, project_id, start + timedelta(days=10), weight=1)
    second = await add_milestone(api, ps, project_id, start + timedelta(days=20), weight=3)
    assert second["project"] == {
        "progress": 0,
        "nextDueOn": (start + timedelta(days=10)).isoformat(),
    }
    body = await call(
        api,
        ps.department,
        COMPLETE_MILESTONE,
        {"input": {"milestoneId": second["milestone"]["id"]}},
    )
    result = data(body, "completeMilestone")
    assert result["milestone"]["done"] and result["milestone"]["doneDate"] == start.isoformat()
    assert result["project"] == {"progress": 75, "progressSource": "MILESTONES"}
    body = await call(
        api, ps.department, COMPLETE_MILESTONE, {"input": {"milestoneId": first["milestone"]["id"]}}
    )
    assert data(body, "completeMilestone")["project"]["progress"] == 100
    body = await call(
        api, ps.department, COMPLETE_MILESTONE, {"input": {"milestoneId": first["milestone"]["id"]}}
    )
    assert data(body, "completeMilestone")["__typename"] == "InputError"


async def test_progress_can_be_set_by_hand_with_a_reason(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    variables = {"input": {"projectId": project_id, "percent": 40, "reason": ""}}
    body = await call(api, ps.department, SET_PROGRESS, variables)
    assert data(body, "setProjectProgress")["field"] == "reason"
    variables["input"]["percent"] = 101
    variables["input"]["reason"] = "主体完工"
    body = await call(api, ps.department, SET_PROGRESS, variables)
    assert data(body, "setProjectProgress")["field"] == "percent"
    variables["input"]["percent"] = 40
    body = await call(api, ps.department, SET_PROGRESS, variables)
    assert data(body, "setProjectProgress")["project"] == {
        "progress": 40,
        "progressSource": "MANUAL",
        "progressReason": "主体完工",
    }


async def test_a_milestone_before_the_project_start_is_refused_and_not_written(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    before = await audit_count(project_id)
    result = await add_milestone(api, ps, project_id, today(services) - timedelta(days=1))
    assert result["__typename"] == "InputError"
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", "plannedDate")
    with unscoped("test check"):
        assert not await Milestone.filter(project_id=from_global_id(project_id)[1]).exists()
    assert await audit_count(project_id) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": "-5"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"budget": "1.234"}, "budget"),
        ({"title": " "}, "title"),
        ({"location": {"longitude": 200, "latitude": 30}}, "location"),
        ({"plannedEnd": "2000-01-01"}, "plannedEnd"),
    ],
)
async def test_bad_project_input_is_a_typed_error_and_writes_nothing(
    api: Api, services: Services, ps: ProjectStreet, overrides: dict, field: str
) -> None:
    with unscoped("test count"):
        before = await Project.filter(tenant_id=ps.street.street_id).count()
    body = await call(api, ps.leader, CREATE, {"input": project_input(ps, services, **overrides)})
    result = data(body, "createProject")
    assert result["__typename"] == "InputError" and result["field"] == field, result
    assert result["message"]
    with unscoped("test count"):
        assert await Project.filter(tenant_id=ps.street.street_id).count() == before


UPDATE = """
mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) {
    __typename
    ... on ProjectSuccess { project { id title budget plannedEnd department } }
    ... on UserError { code field message }
  }
}
"""


def edited(ps: ProjectStreet, services: Services, project_id: str, **overrides: object) -> dict:
    values = project_input(ps, services, **overrides)
    return {"input": {**values, "projectId": project_id}}


async def test_editing_a_project_records_what_changed_and_why_once_approved(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    body = await call(
        api, ps.leader, UPDATE, edited(ps, services, project_id, title="加装电梯一期")
    )
    assert data(body, "updateProject")["project"]["title"] == "加装电梯一期"

    await move(api, ps, project_id, "CANDIDATE", "APPROVED")
    later = (today(services) + timedelta(days=200)).isoformat()
    change = edited(
        ps, services, project_id, title="加装电梯一期", plannedEnd=later, budget="1200000"
    )
    unexplained = data(await call(api, ps.leader, UPDATE, change), "updateProject")
    assert (unexplained["code"], unexplained["field"]) == ("BAD_USER_INPUT", "reason")

    change["input"]["reason"] = "增加两部电梯"
    project = data(await call(api, ps.leader, UPDATE, change), "updateProject")["project"]
    assert (project["budget"], project["plannedEnd"]) == ("1200000.00", later)
    trail = data(await call(api, ps.leader, AUDIT, {"s": project_id}), "auditTrail")["edges"]
    last = trail[-1]["node"]
    assert last["action"] == "project.updated"
    assert last["change"]["reason"] == "增加两部电梯"
    assert set(last["change"]["changed"]) == {"budget", "planned_end"}
    assert last["change"]["changed"]["budget"] == ["1000000.00", "1200000.00"]


async def test_bad_edits_and_closed_projects_change_nothing(
    api: Api, services: Services, ps: ProjectStreet
) -> None:
    project_id = await create_project(api, ps, services)
    start = today(services)
    before = await audit_count(project_id)
    backwards = edited(ps, services, project_id, plannedEnd=(start - timedelta(days=1)).isoformat())
    refused = data(await call(api, ps.leader, UPDATE, backwards), "updateProject")
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "plannedEnd")
    assert await audit_count(project_id) == before

    await move(api, ps, project_id, "REJECTED")
    closed = data(
        await call(api, ps.leader, UPDATE, edited(ps, services, project_id, title="x")),
        "updateProject",
    )
    assert closed["code"] == "INVALID_TRANSITION"
    denied = await call(api, ps.department, UPDATE, edited(ps, services, project_id))
    assert error_codes(denied) == ["FORBIDDEN"]
    with unscoped("test read"):
        row = await Project.get(id=from_global_id(project_id)[1])
    assert row.title == "老旧小区加装电梯"
