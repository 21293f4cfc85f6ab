"""Deadline warnings (once each, however many scanners), and live project subscriptions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.clock import FrozenClock
from models.events import Notification
from resolvers.projects.deadlines import scan_deadlines
from resolvers.services import Services
from tenants.scoping import unscoped
from tests.live import socket
from tests.projects.support import (
    COMPLETE_MILESTONE,
    ProjectStreet,
    add_milestone,
    call,
    data,
    project_street,
    running_project,
    today,
)
from tests.support import Api

PROGRESS = """
subscription($id: ID!, $after: String) {
  projectProgress(id: $id, after: $after) { cursor type projectId payload }
}
"""
BOARD = """
subscription($after: String) { projectBoard(after: $after) { cursor type projectId payload } }
"""


@pytest.fixture(scope="module")
async def ps(services: Services) -> ProjectStreet:
    street = await project_street(services, "live")
    with unscoped("test set-up"):
        await services.relay.pump()
    return street


async def warnings(ps: ProjectStreet) -> list[tuple[int, str]]:
    with unscoped("test check"):
        rows = await Notification.filter(
            tenant_id=ps.street.street_id, kind__startswith="deadline."
        ).order_by("id")
    return [(row.user_id, row.kind) for row in rows]


async def test_yellow_then_red_warnings_reach_handler_and_leader_once_each(
    api: Api, services: Services, clock: FrozenClock, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    await add_milestone(api, ps, project_id, today(services) + timedelta(days=10), title="主体")
    await scan_deadlines(services)
    assert await warnings(ps) == []
    started = clock.current
    try:
        clock.advance(days=8)  # two days before: yellow
        await asyncio.gather(*(scan_deadlines(services) for _ in range(4)))  # four "workers"
        await scan_deadlines(services)
        expected = [(ps.department.id, "deadline.yellow"), (ps.leader.id, "deadline.yellow")]
        assert sorted(await warnings(ps)) == sorted(expected)
        clock.advance(days=3)  # a day late: red
        await asyncio.gather(*(scan_deadlines(services) for _ in range(4)))
        expected += [(ps.department.id, "deadline.red"), (ps.leader.id, "deadline.red")]
        assert sorted(await warnings(ps)) == sorted(expected)
        clock.advance(days=30)
        await scan_deadlines(services)
        assert len(await warnings(ps)) == 4
    finally:
        clock.current = started
    inbox = await call(
        api, ps.department, "{ notifications { edges { node { kind title } } } }", {}
    )
    kinds = [e["node"]["kind"] for e in data(inbox, "notifications")["edges"]]
    assert kinds == ["deadline.red", "deadline.yellow"]


async def test_a_completed_milestone_is_never_warned(
    api: Api, services: Services, clock: FrozenClock
) -> None:
    ps = await project_street(services, "live-done")
    project_id = await running_project(api, ps, services)
    milestone = await add_milestone(api, ps, project_id, today(services) + timedelta(days=1))
    await call(
        api,
        ps.department,
        COMPLETE_MILESTONE,
        {"input": {"milestoneId": milestone["milestone"]["id"]}},
    )
    started = clock.current
    try:
        clock.advance(days=5)
        await scan_deadlines(services)
    finally:
        clock.current = started
    assert await warnings(ps) == []


async def test_project_progress_is_pushed_live_and_resumes_after_a_cursor(
    api: Api, services: Services, live_url: str, ps: ProjectStreet
) -> None:
    project_id = await running_project(api, ps, services)
    other_id = await running_project(api, ps, services)
    token = await api.login(ps.resident.username)
    on = today(services)
    async with socket(live_url, token, ps.street.code) as ws:
        await ws.subscribe("1", PROGRESS, id=project_id)
        await add_milestone(api, ps, other_id, on + timedelta(days=3))  # another project
        first = await add_milestone(api, ps, project_id, on + timedelta(days=3), weight=1)
        event = (await ws.next("1"))["projectProgress"]
        assert event["type"] == "project.progress_changed"
        assert event["projectId"] == project_id
        assert event["payload"]["progress"] == 0 and event["payload"]["kind"] == "added"
        cursor = event["cursor"]
    await call(
        api,
        ps.department,
        COMPLETE_MILESTONE,
        {"input": {"milestoneId": first["milestone"]["id"]}},
    )
    async with socket(live_url, token, ps.street.code) as ws:
        await ws.subscribe("1", PROGRESS, id=project_id, after=cursor)
        missed = (await ws.next("1"))["projectProgress"]
    assert missed["payload"]["progress"] == 100 and missed["payload"]["kind"] == "completed"


async def test_the_board_stream_reaches_a_display_without_personal_data(
    api: Api, services: Services, live_url: str, ps: ProjectStreet
) -> None:
    token = await api.login(ps.display.username)
    async with socket(live_url, token, ps.street.code) as ws:
        await ws.subscribe("b", BOARD)
        project_id = await running_project(api, ps, services, title="大屏项目")
        seen = [(await ws.next("b"))["projectBoard"] for _ in range(4)]
    assert [e["type"] for e in seen] == ["project.created"] + ["project.status_changed"] * 3
    assert {e["projectId"] for e in seen} == {project_id}
    assert seen[-1]["payload"]["status"] == "IN_PROGRESS"
    for event in seen:
        assert set(event["payload"]) <= {
            "project",
            "title",
            "status",
            "progress",
            "lateness",
            "budget",
            "spent",
            "previousStatus",
        }
