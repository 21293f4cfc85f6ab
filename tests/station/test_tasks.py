"""Task grabbing (抢单): exactly as many claims as places, one per person, under concurrency;
report back and confirm; the refusals of a full task, a second claim and a closed task."""

from __future__ import annotations

import asyncio

from models.accounts import Role, User
from models.station import StationTask, TaskClaim
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.conftest import needs_postgres
from tests.projects.support import call, data
from tests.station.support import (
    ADD_WATCH,
    CLAIM,
    CLOSE_TASK,
    CONFIRM,
    DECIDE,
    POST_TASK,
    QUEUE,
    REPORT,
    TASKS,
    mutate,
    pk,
    post_task,
    station_street,
)
from tests.support import Api, add_member, gid


async def test_claim_report_and_confirm(api: Api, services: Services) -> None:
    ss = await station_street(services)
    task = await post_task(api, ss, places=2)
    assert (task["places"], task["claimed"], task["status"]) == (2, 0, "OPEN")
    first = await mutate(api, ss.representative, CLAIM, {"task": task["id"]}, "claimStationTask")
    second = await mutate(api, ss.deliberator, CLAIM, {"task": task["id"]}, "claimStationTask")
    assert (first["claim"]["slotNo"], second["claim"]["slotNo"]) == (1, 2)
    reported = await mutate(
        api,
        ss.representative,
        REPORT,
        {"task": task["id"], "report": "走访12户，收集意见8条", "photos": ["up/1.jpg"]},
        "reportStationTask",
    )
    assert reported["claim"]["reportedAt"] is not None
    confirmed = await mutate(
        api, ss.congress, CONFIRM, {"claim": reported["claim"]["id"]}, "confirmStationTask"
    )
    assert confirmed["claim"]["confirmedAt"] is not None
    listed = data(await call(api, ss.congress, TASKS, {}), "stationTasks")["edges"]
    node = next(e["node"] for e in listed if e["node"]["id"] == task["id"])
    assert node["claimed"] == 2
    assert [c["claimer"]["id"] for c in node["claims"]] == [
        gid("Account", ss.representative.id),
        gid("Account", ss.deliberator.id),
    ]
    assert node["claims"][0]["report"] == "走访12户，收集意见8条"


async def test_a_full_task_a_second_claim_and_a_closed_task_are_refused(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    task = await post_task(api, ss, places=1)
    await mutate(api, ss.representative, CLAIM, {"task": task["id"]}, "claimStationTask")
    twice = await mutate(api, ss.representative, CLAIM, {"task": task["id"]}, "claimStationTask")
    assert (twice["code"], twice["field"]) == ("ALREADY_CLAIMED", "taskId")
    full = await mutate(api, ss.deliberator, CLAIM, {"task": task["id"]}, "claimStationTask")
    assert (full["code"], full["field"]) == ("TASK_FULL", "taskId")
    other = await post_task(api, ss, places=5, title="项目工地监督")
    closed = await mutate(api, ss.congress, CLOSE_TASK, {"id": other["id"]}, "closeStationTask")
    assert closed["task"]["status"] == "CLOSED"
    late = await mutate(api, ss.deliberator, CLAIM, {"task": other["id"]}, "claimStationTask")
    assert (late["code"], late["field"]) == ("TASK_CLOSED", "taskId")
    with street_scope(ss.sid):
        assert await TaskClaim.filter(task_id=pk(task["id"])).count() == 1
        assert await TaskClaim.filter(task_id=pk(other["id"])).count() == 0
        assert (await StationTask.get(id=pk(task["id"]))).claimed == 1
        assert (await StationTask.get(id=pk(other["id"]))).claimed == 0
    # Reporting on a task one did not claim, and posting a task of no places.
    none = await mutate(
        api, ss.deliberator, REPORT, {"task": task["id"], "report": "x"}, "reportStationTask"
    )
    assert (none["code"], none["field"]) == ("NOT_FOUND", "taskId")
    zero = await mutate(api, ss.congress, POST_TASK, {"title": "x", "places": 0}, "postStationTask")
    assert (zero["code"], zero["field"]) == ("BAD_USER_INPUT", "places")


@needs_postgres
async def test_200_concurrent_claimers_on_10_places_get_exactly_10(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    task = await post_task(api, ss, places=10)
    claimers = [await add_member(services, ss.sid, Role.REPRESENTATIVE) for _ in range(200)]
    tokens = [await api.login(u.username) for u in claimers]
    results = await asyncio.gather(
        *(api.gql(CLAIM, {"task": task["id"]}, token=token) for token in tokens)
    )
    payloads = [r["data"]["claimStationTask"] for r in results]
    granted = [p for p in payloads if p["__typename"] == "TaskClaimSuccess"]
    refused = [p["code"] for p in payloads if p["__typename"] != "TaskClaimSuccess"]
    assert len(granted) == 10
    assert set(refused) == {"TASK_FULL"} and len(refused) == 190
    assert sorted(p["claim"]["slotNo"] for p in granted) == list(range(1, 11))
    with street_scope(ss.sid):
        rows = await TaskClaim.filter(task_id=pk(task["id"]))
        assert len(rows) == 10 and len({r.claimer_id for r in rows}) == 10
        assert (await StationTask.get(id=pk(task["id"]))).claimed == 10


@needs_postgres
async def test_one_person_claiming_many_times_at_once_gets_one_place(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    task = await post_task(api, ss, places=5)
    token = await api.login(ss.representative.username)
    results = await asyncio.gather(
        *(api.gql(CLAIM, {"task": task["id"]}, token=token) for _ in range(20))
    )
    kinds = [r["data"]["claimStationTask"]["__typename"] for r in results]
    assert kinds.count("TaskClaimSuccess") == 1
    with street_scope(ss.sid):
        assert await TaskClaim.filter(task_id=pk(task["id"])).count() == 1
        assert (await StationTask.get(id=pk(task["id"]))).claimed == 1


async def test_a_task_whose_notice_waits_for_review_is_neither_listed_nor_claimable(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    await mutate(api, ss.reviewer, ADD_WATCH, {"phrase": "强拆"}, "addWatchEntry")
    task = await post_task(api, ss, title="强拆现场走访")

    async def listed(who: User) -> list[str]:
        body = data(await call(api, who, TASKS, {}), "stationTasks")
        return [e["node"]["id"] for e in body["edges"]]

    assert await listed(ss.representative) == []
    assert await listed(ss.congress) == [task["id"]]
    hidden = await mutate(api, ss.representative, CLAIM, {"task": task["id"]}, "claimStationTask")
    assert (hidden["code"], hidden["field"]) == ("NOT_FOUND", "taskId")
    queue = data(await call(api, ss.reviewer, QUEUE, {}), "reviewQueue")
    [item] = [e["node"] for e in queue["edges"] if e["node"]["kind"] == "TASK_NOTICE"]
    decided = await mutate(
        api, ss.reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview"
    )
    assert decided["item"]["status"] == "APPROVED"
    assert await listed(ss.representative) == [task["id"]]
    claimed = await mutate(api, ss.representative, CLAIM, {"task": task["id"]}, "claimStationTask")
    assert claimed["__typename"] == "TaskClaimSuccess", claimed
