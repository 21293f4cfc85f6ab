"""Helpers for the livelihood-project tests: a street with its project people, GraphQL calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.clock import local_date
from models.accounts import Role, User
from models.projects import (
    Disbursement,
    Follow,
    Milestone,
    Opinion,
    Photo,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Rating,
)
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.support import Api, StreetFixture, add_member, gid, make_street

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64

CREATE = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    __typename
    ... on ProjectSuccess {
      project { id title status budget spent progress source { kind reference } }
    }
    ... on UserError { code field message }
  }
}
"""
CHANGE = """
mutation($input: ChangeProjectStatusInput!) {
  changeProjectStatus(input: $input) {
    __typename
    ... on ProjectSuccess { project { id status } }
    ... on UserError { code field message }
  }
}
"""
REPORT = CHANGE.replace("changeProjectStatus", "reportProjectStatus")
ADD_MILESTONE = """
mutation($input: AddMilestoneInput!) {
  addMilestone(input: $input) {
    __typename
    ... on MilestoneSuccess {
      milestone { id plannedDate weight done } project { progress nextDueOn }
    }
    ... on UserError { code field message }
  }
}
"""
COMPLETE_MILESTONE = """
mutation($input: CompleteMilestoneInput!) {
  completeMilestone(input: $input) {
    __typename
    ... on MilestoneSuccess {
      milestone { id done doneDate } project { progress progressSource }
    }
    ... on UserError { code field message }
  }
}
"""


@dataclass(frozen=True)
class ProjectStreet:
    street: StreetFixture
    leader: User
    department: User
    representative: User
    deliberator: User
    resident: User
    resident2: User
    display: User


async def project_street(services: Services, prefix: str = "pj") -> ProjectStreet:
    street = await make_street(services, prefix)
    roles = [
        Role.STREET_LEADER,
        Role.STREET_DEPARTMENT,
        Role.REPRESENTATIVE,
        Role.DELIBERATOR,
        Role.RESIDENT,
        Role.RESIDENT,
        Role.DISPLAY,
    ]
    users = [await add_member(services, street.street_id, role) for role in roles]
    return ProjectStreet(street, *users)


def today(services: Services) -> date:
    return local_date(services.clock.now())


def project_input(street: ProjectStreet, services: Services, **overrides: Any) -> dict:
    start = today(services)
    values = {
        "title": "老旧小区加装电梯",
        "category": "老旧小区改造",
        "department": "城建办",
        "plannedStart": start.isoformat(),
        "plannedEnd": (start + timedelta(days=120)).isoformat(),
        "budget": "1000000.00",
        "communityId": gid("Community", street.street.community_id),
        "address": "琴台路 1 号",
        "location": {"longitude": 114.2, "latitude": 30.55},
        "handlerId": gid("Account", street.department.id),
        "leaderId": gid("Account", street.leader.id),
    }
    values.update(overrides)
    return values


async def call(api: Api, user: User, query: str, variables: dict, **kw: Any) -> dict:
    return await api.as_user(user.username, query, variables, **kw)


def data(body: dict, name: str) -> dict:
    assert "errors" not in body, body
    return body["data"][name]


async def create_project(api: Api, ps: ProjectStreet, services: Services, **overrides: Any) -> str:
    body = await call(api, ps.leader, CREATE, {"input": project_input(ps, services, **overrides)})
    result = data(body, "createProject")
    assert result["__typename"] == "ProjectSuccess", result
    return result["project"]["id"]


async def move(api: Api, ps: ProjectStreet, project_id: str, *statuses: str) -> None:
    """Take a project through statuses as the leader."""
    for status in statuses:
        variables = {"input": {"projectId": project_id, "to": status, "reason": "测试"}}
        body = await call(api, ps.leader, CHANGE, variables)
        assert data(body, "changeProjectStatus")["__typename"] == "ProjectSuccess", body


async def running_project(api: Api, ps: ProjectStreet, services: Services, **kw: Any) -> str:
    project_id = await create_project(api, ps, services, **kw)
    await move(api, ps, project_id, "CANDIDATE", "APPROVED", "IN_PROGRESS")
    return project_id


async def add_milestone(
    api: Api, ps: ProjectStreet, project_id: str, planned: date, weight: int = 1, title: str = "M"
) -> dict:
    body = await call(
        api,
        ps.department,
        ADD_MILESTONE,
        {
            "input": {
                "projectId": project_id,
                "title": title,
                "plannedDate": planned.isoformat(),
                "weight": weight,
            }
        },
    )
    return data(body, "addMilestone")


async def upload(
    api: Api,
    user: User,
    query: str,
    variables: dict,
    files: dict[str, tuple[str, bytes, str]],
) -> dict:
    """A GraphQL multipart request (the spec's operations / map / files)."""
    token = await api.login(user.username)
    mapping = {key: [path] for key, (path, _, _) in zip(files, files.values(), strict=True)}
    form = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(mapping),
    }
    multipart = {key: (f"{key}.bin", content, ctype) for key, (_, content, ctype) in files.items()}
    response = await api.client.post(
        "/graphql",
        data=form,
        files=multipart,
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def seed_every_project_row(street_id: int, user: User, at: Any) -> None:
    """One row of each project model in a street (for the isolation tests)."""
    with street_scope(street_id):
        on = local_date(at)
        project = await Project.create(
            title="隔离测试项目",
            category="测试",
            department="测试科",
            planned_start=on,
            planned_end=on,
            budget=Decimal("10.00"),
            status=ProjectStatus.COMPLETED,
            created_at=at,
            updated_at=at,
        )
        await Milestone.create(project=project, title="m", planned_date=on, created_at=at)
        update = await ProgressUpdate.create(project=project, body="u", created_at=at)
        disbursement = await Disbursement.create(
            project=project, amount=Decimal("1.00"), paid_on=on, purpose="p", created_at=at
        )
        for link in ({"update_id": update.id}, {"disbursement_id": disbursement.id}):
            await Photo.create(
                project=project,
                path="x.png",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
                created_at=at,
                **link,
            )
        await Opinion.create(project=project, author=user, body="o", created_at=at, reply_due=on)
        await Follow.create(project=project, user=user, created_at=at)
        await Rating.create(project=project, user=user, score=5, created_at=at, updated_at=at)


async def seed_every_row(services: Services, fixture: StreetFixture, index: int) -> None:
    """Every projects model (for the whole-model isolation test)."""
    with street_scope(fixture.street_id):
        admin = await User.get(username=fixture.admin_username)
    await seed_every_project_row(fixture.street_id, admin, services.clock.now())
