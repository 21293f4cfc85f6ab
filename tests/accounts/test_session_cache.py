"""Signed-in sessions kept per worker for a few seconds: a revoked session is refused on the next
request in this worker, and in the others once the broker's message reaches them. Verified
tokens kept by their text: still checked for kind and expiry every time."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from core.broker import RedisBroker
from core.security import TokenError, Tokens
from models.accounts import Role
from resolvers.services import Services
from resolvers.sessions import SessionCache
from tests.accounts.test_auth import LOGOUT, ME, REFRESH, login_payload
from tests.conftest import REDIS_URL
from tests.live import until
from tests.support import Api, add_member, error_codes, make_street


def _session_id(services: Services, token: str) -> int:
    try:
        return services.tokens.decode(token, "access", services.clock.now()).session_id
    except TokenError as exc:  # pragma: no cover - a test set-up mistake
        raise AssertionError("not an access token") from exc


ROWS = ({"id": 1, "revoked_at": None}, {"id": 7, "is_active": True})


def test_rows_read_while_something_was_forgotten_are_not_kept() -> None:
    cache = SessionCache()
    generation = cache.generation
    cache.forget(session_ids=[1])  # a revocation committed while the rows were being read
    cache.keep(1, 7, ROWS, generation)
    assert cache.get(1) is None
    cache.keep(1, 7, ROWS, cache.generation)
    assert cache.get(1) == ROWS


def test_entries_expire_and_are_forgotten_by_session_or_user() -> None:
    now = [0.0]
    cache = SessionCache(ttl=5, monotonic=lambda: now[0])
    cache.keep(1, 7, ROWS, cache.generation)
    cache.keep(2, 8, ROWS, cache.generation)
    cache.keep(3, 7, ROWS, cache.generation)
    cache.forget(user_ids=[7])
    assert cache.get(1) is None and cache.get(3) is None and cache.get(2) == ROWS
    now[0] = 6
    assert cache.get(2) is None and len(cache) == 0
    off = SessionCache(ttl=0)
    off.keep(1, 7, ROWS, off.generation)
    assert off.get(1) is None


class _Continuity:
    """What ``SessionCache`` asks of the broker: whether every message is sure to arrive."""

    def __init__(self) -> None:
        self.value: int | None = 1

    def continuity(self) -> int | None:
        return self.value


def test_entries_are_trusted_longer_while_the_broker_promises_every_message() -> None:
    now = [0.0]
    broker = _Continuity()
    cache = SessionCache(ttl=5, trusted_ttl=60, monotonic=lambda: now[0])
    cache._broker = broker  # type: ignore[assignment]  # start_watching also subscribes
    cache.keep(1, 7, ROWS, cache.generation)
    now[0] = 50
    assert cache.get(1) == ROWS  # the same subscription since: every revocation reached us
    broker.value = 2  # Redis was lost and found again: messages may have been missed
    assert cache.get(1) is None
    cache.keep(2, 8, ROWS, cache.generation)
    broker.value = None  # disconnected now
    now[0] = 56
    assert cache.get(2) is None
    broker.value = 2
    cache.keep(3, 9, ROWS, cache.generation)
    now[0] = 117
    assert cache.get(3) is None  # 61 s: past even the trusted time
    without = SessionCache(ttl=5, trusted_ttl=60, monotonic=lambda: now[0])
    without.keep(1, 7, ROWS, without.generation)  # no broker that reaches other workers
    now[0] += 6
    assert without.get(1) is None


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set GONGZHI_TEST_REDIS_URL")
async def test_the_redis_brokers_continuity_changes_when_its_subscription_is_lost() -> None:
    broker = RedisBroker(REDIS_URL or "", prefix=f"continuity-{secrets.token_hex(3)}")
    await broker.start()
    try:
        first = broker.continuity()
        assert first is not None
        assert broker.continuity() == first
        # Redis drops the subscriber (as it does one whose output buffer overflows).
        ours = [
            client["id"]
            for client in await broker.redis.client_list(_type="pubsub")
            if client.get("name") == broker.client_name
        ]
        assert len(ours) == 1
        assert await broker.redis.client_kill_filter(_id=ours[0]) == 1
        await until(lambda: broker.continuity() not in (None, first), "a new subscription")
    finally:
        await broker.close()


async def test_a_kept_session_is_refused_at_once_after_logout_in_every_worker(
    api: Api, services: Services
) -> None:
    payload = await login_payload(api, "wulidun.display", "demo1234")
    token = payload["accessToken"]
    session_id = _session_id(services, token)
    other = SessionCache()  # another worker's cache
    await other.start_watching(services.broker)
    try:
        assert (await api.gql(ME, token=token))["data"]["me"]
        assert services.sessions.get(session_id) is not None  # kept by this worker
        rows = services.sessions.get(session_id)
        assert rows is not None
        other.keep(session_id, rows[1]["id"], rows, other.generation)
        assert (await api.gql(LOGOUT, token=token))["data"]["logout"] == {"ok": True}
        assert services.sessions.get(session_id) is None
        assert error_codes(await api.gql(ME, token=token)) == ["INVALID_TOKEN"]
        await until(lambda: other.get(session_id) is None, "the other worker to forget the session")
        assert other.get(session_id) is None
    finally:
        await other.stop_watching()


async def test_a_reused_refresh_token_ends_a_kept_session(api: Api, services: Services) -> None:
    first = await login_payload(api, "wulidun.resident", "demo1234")
    second = (await api.gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    token = second["accessToken"]
    assert (await api.gql(ME, token=token))["data"]["me"]
    assert services.sessions.get(_session_id(services, token)) is not None
    replay = (await api.gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert replay["code"] == "INVALID_TOKEN"
    assert error_codes(await api.gql(ME, token=token)) == ["INVALID_TOKEN"]


async def test_a_role_change_forgets_the_users_kept_sessions(api: Api, services: Services) -> None:
    street = await make_street(services, "sescache")
    user = await add_member(services, street.street_id, Role.RESIDENT)
    token = await api.login(user.username)
    session_id = _session_id(services, token)
    other = SessionCache()
    await other.start_watching(services.broker)
    try:
        assert (await api.gql(ME, token=token))["data"]["me"]
        rows = services.sessions.get(session_id)
        assert rows is not None
        other.keep(session_id, user.id, rows, other.generation)
        await services.authorizer.assignments_changed([user.id])
        await until(lambda: other.get(session_id) is None, "the other worker to forget the session")
        assert other.get(session_id) is None
    finally:
        await other.stop_watching()


async def test_a_kept_session_still_expires_with_its_row(api: Api, services: Services) -> None:
    token = (await login_payload(api, "wulidun.resident", "demo1234"))["accessToken"]
    session_id = _session_id(services, token)
    assert (await api.gql(ME, token=token))["data"]["me"]
    rows = services.sessions.get(session_id)
    assert rows is not None
    session_row, user_row = rows
    ended = {**session_row, "expires_at": datetime(2000, 1, 1, tzinfo=UTC)}
    services.sessions.keep(
        session_id, user_row["id"], (ended, user_row), services.sessions.generation
    )
    assert error_codes(await api.gql(ME, token=token)) == ["INVALID_TOKEN"]
    services.sessions.forget(session_ids=[session_id])
    assert (await api.gql(ME, token=token))["data"]["me"]


def test_a_verified_token_is_kept_but_its_kind_and_times_are_checked_every_time() -> None:
    tokens = Tokens("k" * 48, access_ttl=timedelta(minutes=15), refresh_ttl=timedelta(days=1))
    now = datetime(2030, 1, 1, tzinfo=UTC)
    token, _ = tokens.issue(3, 4, "access", now)
    assert tokens.decode(token, "access", now).session_id == 4
    assert tokens.decode(token, "access", now).user_id == 3  # from the kept payload
    with pytest.raises(TokenError) as expired:
        tokens.decode(token, "access", now + timedelta(minutes=16))
    assert expired.value.expired
    with pytest.raises(TokenError):
        tokens.decode(token, "refresh", now)
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    with pytest.raises(TokenError):
        tokens.decode(forged, "access", now)
    other = Tokens("o" * 48, access_ttl=timedelta(minutes=15), refresh_ttl=timedelta(days=1))
    with pytest.raises(TokenError):
        other.decode(token, "access", now)  # kept per key: another key verifies anew
    small = Tokens("k" * 48, timedelta(minutes=15), timedelta(days=1), max_verified=1)
    small.decode(token, "access", now)
    small.decode(tokens.issue(5, 6, "access", now)[0], "access", now)
    assert small.decode(token, "access", now).session_id == 4
