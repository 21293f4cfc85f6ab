"""The demo is written through the domains' own operations: its projects and votes have the
audit trail and chain that real ones have (not rows written around the unit of work)."""

from __future__ import annotations

from models.audit import AuditEntry
from models.projects import Project, ProjectStatus
from models.tenancy import Street
from models.votes import Vote
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.audit.support import verify_here
from tests.support import Api

TRAIL = """
query($subject: ID!) {
  auditTrail(subject: $subject) { edges { node { action actor { username } } } }
}
"""
BOARD = "{ projectBoard(first: 10) { edges { node { id title status } } } }"
VOTES = "{ votes { edges { node { id title status } } } }"


async def _actions(api: Api, user: str, subject: str) -> list[str]:
    body = await api.as_user(user, TRAIL, {"subject": subject})
    return [e["node"]["action"] for e in body["data"]["auditTrail"]["edges"]]


async def test_a_demo_project_has_the_trail_of_a_real_one(api: Api) -> None:
    board = await api.as_user("wulidun.street_admin", BOARD)
    projects = {e["node"]["title"]: e["node"] for e in board["data"]["projectBoard"]["edges"]}
    lift = projects["老旧小区加装电梯"]
    assert lift["status"] == "IN_PROGRESS"
    # The deadline scanner may add its warnings once other tests move the clock past a
    # milestone: they are the scanner's, not the demo's.
    actions = [
        a
        for a in await _actions(api, "wulidun.street_admin", lift["id"])
        if a != "project.deadline_warned"
    ]
    assert actions == [
        "project.created",
        *["project.milestone_added"] * 3,
        *["project.status_changed"] * 3,  # → CANDIDATE → APPROVED → IN_PROGRESS
        "project.milestone_completed",
        "project.update_posted",
    ]


async def test_a_demo_vote_was_drafted_by_congress_staff(api: Api) -> None:
    body = await api.as_user("wulidun.congress_staff", VOTES)
    votes = {e["node"]["title"]: e["node"] for e in body["data"]["votes"]["edges"]}
    ballot = votes["民生实事项目代表票决"]
    assert ballot["status"] == "DRAFT"
    trail = await api.as_user("wulidun.street_admin", TRAIL, {"subject": ballot["id"]})
    entries = [e["node"] for e in trail["data"]["auditTrail"]["edges"]]
    assert [e["action"] for e in entries] == ["vote.created"]
    assert entries[0]["actor"] == {"username": "wulidun.congress_staff"}


async def test_every_demo_street_has_an_intact_chain_with_its_records(services: Services) -> None:
    with unscoped("test check across the demo streets"):
        for code in ("mishixiang", "wangjiang", "wulidun"):
            street = await Street.get(code=code)
            entries = await AuditEntry.filter(tenant_id=street.id).count()
            projects = await Project.filter(tenant_id=street.id).count()
            votes = await Vote.filter(tenant_id=street.id).count()
            assert projects >= 3 and votes >= 2
            assert entries >= projects + votes, code
            assert await Project.exists(tenant_id=street.id, status=ProjectStatus.CANDIDATE)
    for code in ("mishixiang", "wangjiang", "wulidun"):  # other tests tamper with their own
        report = await verify_here(services, code)
        assert report.intact, report


async def test_projects_lists_the_streets_projects_in_order_and_by_status(api: Api) -> None:
    from core.ids import from_global_id

    every = await api.as_user(
        "wulidun.street_admin", "{ projects { totalCount edges { node { id status } } } }"
    )
    found = every["data"]["projects"]
    ids = [from_global_id(e["node"]["id"])[1] for e in found["edges"]]
    with unscoped("test check"):
        street = await Street.get(code="wulidun")
        expected = [p.id for p in await Project.filter(tenant_id=street.id).order_by("id")]
    assert ids == expected[: len(ids)] and found["totalCount"] == len(expected)
    candidates = await api.as_user(
        "wulidun.street_admin",
        "{ projects(status: [CANDIDATE]) { edges { node { status } } } }",
    )
    statuses = {e["node"]["status"] for e in candidates["data"]["projects"]["edges"]}
    assert statuses == {"CANDIDATE"}


async def test_demo_residents_were_registered_by_the_street_admin(api: Api) -> None:
    query = "{ residents(first: 10) { edges { node { id name } } } }"
    body = await api.as_user("wulidun.street_admin", query)
    people = {e["node"]["name"]: e["node"]["id"] for e in body["data"]["residents"]["edges"]}
    trail = await api.as_user("wulidun.street_admin", TRAIL, {"subject": people["王秀英"]})
    entries = [e["node"] for e in trail["data"]["auditTrail"]["edges"]]
    assert [e["action"] for e in entries][:1] == ["resident.registered"]
    assert entries[0]["actor"] == {"username": "wulidun.street_admin"}
