"""Kept answers (响应缓存): a board asked again is answered from the street's kept answers, the
change that makes it stale drops it (in this worker, in another one, in Redis), and nothing
that depends on the person, another street or other roles is ever served from it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from resolvers.responses import ResponseCache
from resolvers.services import Services
from schema.responses import KeptDocuments
from tests.conftest import REDIS_URL
from tests.live import until
from tests.projects.support import (
    CHANGE,
    ProjectStreet,
    call,
    create_project,
    data,
    project_street,
)
from tests.support import Api

BOARD = "{ projectBoard { totalCount edges { node { id title status community { name } } } } }"
BOARD_AND_ME = "{ me { username } projectBoard { totalCount } }"


@pytest.fixture
async def kept(services: Services) -> AsyncIterator[ResponseCache]:
    """The worker's kept answers, switched on for the test (the suite runs with them on as
    the server does; this makes sure of it and of a clean count)."""
    cache = services.responses
    before = cache.max_age
    cache.max_age = 60.0
    try:
        yield cache
    finally:
        cache.max_age = before


def other_worker(services: Services) -> ResponseCache:
    """Another worker's kept answers: the same Redis (when the suite has one) and broker."""
    redis = getattr(services.broker, "redis", None)
    return ResponseCache(60.0, redis=redis, prefix=services.settings.redis_prefix)


async def board_titles(api: Api, ps: ProjectStreet) -> list[str]:
    body = await call(api, ps.resident, BOARD, {})
    return sorted(e["node"]["title"] for e in data(body, "projectBoard")["edges"])


async def test_a_board_asked_again_is_kept_and_dropped_by_the_change_that_makes_it_stale(
    api: Api, services: Services, kept: ResponseCache
) -> None:
    ps = await project_street(services, "keep1")
    await create_project(api, ps, services, title="加装电梯")
    first = await board_titles(api, ps)
    hits = kept.hits
    assert await board_titles(api, ps) == first == ["加装电梯"]
    assert kept.hits == hits + 1  # the second answer was the kept one
    project_id = await create_project(api, ps, services, title="雨污分流")
    assert await board_titles(api, ps) == ["加装电梯", "雨污分流"]  # not the kept one
    body = await call(
        api, ps.leader, CHANGE, {"input": {"projectId": project_id, "to": "CANDIDATE"}}
    )
    assert data(body, "changeProjectStatus")["__typename"] == "ProjectSuccess"
    statuses = await call(api, ps.resident, BOARD, {})
    by_title = {
        e["node"]["title"]: e["node"]["status"] for e in data(statuses, "projectBoard")["edges"]
    }
    assert by_title["雨污分流"] == "CANDIDATE"


async def test_another_workers_kept_answer_is_dropped_by_the_change(
    api: Api, services: Services, kept: ResponseCache
) -> None:
    ps = await project_street(services, "keep2")
    await create_project(api, ps, services, title="口袋公园")
    other = other_worker(services)
    await other.start_watching(services.broker)
    try:
        for _ in range(50):  # the first project's change may still reach the other worker late
            answer, stamp = await other.lookup(ps.street.street_id, "board")
            if REDIS_URL:
                assert answer is None and stamp.shared is not None
            kept_answer = {"projectBoard": {"totalCount": 1}}
            await other.keep(ps.street.street_id, "board", kept_answer, stamp)
            if (await other.lookup(ps.street.street_id, "board"))[0] is not None:
                break
            await asyncio.sleep(0.1)
        assert (await other.lookup(ps.street.street_id, "board"))[0] is not None
        await create_project(api, ps, services, title="充电桩")  # a change of the street
        await until(lambda: len(other) == 0, "the other worker to drop the street's answers")
        assert (await other.lookup(ps.street.street_id, "board"))[0] is None
    finally:
        await other.stop_watching()


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set GONGZHI_TEST_REDIS_URL")
async def test_an_answer_kept_in_redis_serves_other_workers_until_the_street_changes(
    api: Api, services: Services, kept: ResponseCache
) -> None:
    ps = await project_street(services, "keep3")
    await create_project(api, ps, services, title="适老化改造")
    await board_titles(api, ps)  # computed and kept by this worker, here and in Redis
    other = other_worker(services)  # not watching: only Redis's generation tells it
    keys = [k for k in kept._answers[ps.street.street_id]]
    assert len(keys) == 1
    answer, _ = await other.lookup(ps.street.street_id, keys[0])
    titles = [e["node"]["title"] for e in answer["projectBoard"]["edges"]]
    assert titles == ["适老化改造"]
    fresh = other_worker(services)
    await create_project(api, ps, services, title="电动车棚")
    assert (await fresh.lookup(ps.street.street_id, keys[0]))[0] is None


async def test_changes_committed_at_once_are_announced_together_and_none_is_lost(
    services: Services,
) -> None:
    """Twenty changes of two streets at once: each call returns once the other worker can no
    longer serve the street's answers from before it; with Redis (a round trip an
    announcement) they go out in fewer announcements than changes. A change after that is
    announced by one of its own."""
    writer = other_worker(services)
    reader = other_worker(services)
    await writer.start_watching(services.broker)
    await reader.start_watching(services.broker)
    try:
        for street in (9001, 9002):
            _, stamp = await reader.lookup(street, "board")
            await reader.keep(street, "board", {"n": 1}, stamp)
        assert len(reader) == 2
        await asyncio.gather(*(writer.changed(9001 + n % 2) for n in range(20)))
        assert not writer._unannounced
        await until(lambda: len(reader) == 0, "the reader to drop both streets' answers")
        if REDIS_URL:
            assert 1 <= writer.announcements < 20
        before = writer.announcements
        _, stamp = await reader.lookup(9001, "board")
        await reader.keep(9001, "board", {"n": 2}, stamp)
        await writer.changed(9001)
        assert writer.announcements == before + 1
        await until(lambda: len(reader) == 0, "the reader to drop the later change's answer")
    finally:
        await writer.stop_watching()
        await reader.stop_watching()


async def test_an_answer_computed_while_the_street_changed_is_not_kept(
    services: Services,
) -> None:
    cache = ResponseCache(60.0)
    _, stamp = await cache.lookup(7, "k")
    cache.forget(7)  # a change committed while the answer was being computed
    await cache.keep(7, "k", {"x": 1}, stamp)
    assert (await cache.lookup(7, "k"))[0] is None
    _, stamp = await cache.lookup(7, "k")
    await cache.keep(7, "k", {"x": 1}, stamp)
    assert (await cache.lookup(7, "k"))[0] == {"x": 1}
    off = ResponseCache(0)
    _, stamp = await off.lookup(7, "k")
    await off.keep(7, "k", {"x": 1}, stamp)
    assert (await off.lookup(7, "k"))[0] is None


async def test_a_person_dependent_field_is_never_served_from_kept_answers(
    api: Api, services: Services, kept: ResponseCache
) -> None:
    ps = await project_street(services, "keep4")
    await create_project(api, ps, services)
    first = await call(api, ps.resident, BOARD_AND_ME, {})
    second = await call(api, ps.resident2, BOARD_AND_ME, {})  # the same street and roles
    assert data(first, "me")["username"] == ps.resident.username
    assert data(second, "me")["username"] == ps.resident2.username
    assert ps.street.street_id not in kept._answers or not kept._answers[ps.street.street_id]


async def test_other_roles_and_other_streets_get_their_own_answers(
    api: Api, services: Services, kept: ResponseCache
) -> None:
    one = await project_street(services, "keep5")
    two = await project_street(services, "keep6")
    await create_project(api, one, services, title="一街项目")
    await create_project(api, two, services, title="二街项目")
    assert await board_titles(api, one) == ["一街项目"]
    assert await board_titles(api, two) == ["二街项目"]
    leader = await call(api, one.leader, BOARD, {})
    display = await call(api, one.display, BOARD, {})
    assert data(leader, "projectBoard") == data(display, "projectBoard")
    assert len(kept._answers[one.street.street_id]) == 3  # resident, leader, display: one each


def test_which_documents_may_be_kept(services: Services, app: object) -> None:
    documents: KeptDocuments = app.state.graphql.kept  # type: ignore[attr-defined]
    assert documents.may_keep(BOARD, None)
    assert documents.may_keep(
        "query B { projectBoard { ...Row } } fragment Row on ProjectConnection "
        "{ edges { node { __typename id progress lateness } } }",
        "B",
    )
    for refused in (
        BOARD_AND_ME,  # who the person is
        "{ projectBoard { edges { node { milestones { title } } } } }",  # a resolver not declared
        "{ __schema { types { name } } }",
        "mutation { logout { ok } }",
        "{ projectBoard { totalCount } } { me { id } }",  # two anonymous operations
        "{ projectBoard(",  # does not parse
    ):
        assert not documents.may_keep(refused, None), refused
