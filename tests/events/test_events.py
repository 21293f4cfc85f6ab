"""Live events: outbox, relay, streetEvents with resume, and the WebSocket protocol's edges."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from core.clock import FrozenClock
from core.ids import to_global_id
from models.accounts import Role
from models.events import EVENT_READ, EventStream, OutboxEvent
from models.sql import Statement
from models.tenancy import Community
from resolvers.events import changing
from resolvers.outbox import EventRelay
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests import live
from tests.live import STREET_EVENTS, raw_socket, socket
from tests.support import Api, StreetFixture, add_member, error_codes, make_street

CREATE_COMMUNITY = """
mutation($code: String!) {
  createCommunity(input: {code: $code, name: "新社区"}) {
    __typename ... on CreateCommunitySuccess { community { id code } }
  }
}
"""
CREATE_ACCOUNT = """
mutation($u: String!) {
  createAccount(input: {username: $u, displayName: "新人", role: RESIDENT}) { __typename }
}
"""


async def fresh_street(services: Services) -> StreetFixture:
    """A new street whose creation event has already gone out (so a subscriber that starts
    "from now" does not see it)."""
    street = await make_street(services)
    with unscoped("test set-up"):
        await services.relay.pump()
    return street


async def admin_token(api: Api, street: StreetFixture) -> str:
    return await api.login(street.admin_username, street.admin_password)


async def create_community(api: Api, street: StreetFixture, code: str | None = None) -> str:
    body = await api.gql(
        CREATE_COMMUNITY,
        {"code": code or f"c-{secrets.token_hex(3)}"},
        token=await admin_token(api, street),
    )
    payload = (body.get("data") or {}).get("createCommunity")
    assert payload and payload["__typename"] == "CreateCommunitySuccess", body
    return payload["community"]["id"]


async def test_a_committed_change_reaches_a_subscriber(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        community_id = await create_community(api, street, "xinqiao")
        event = (await ws.next("1"))["streetEvents"]
    assert event["type"] == "community.created"
    assert event["subject"] == community_id
    assert event["payload"] == {"code": "xinqiao", "name": "新社区"}
    assert event["actorId"] is not None and event["cursor"]


async def test_a_rolled_back_change_publishes_nothing(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        with street_scope(street.street_id), pytest.raises(RuntimeError):
            async with changing(services, None) as change:
                row = await Community.create(code="ghost", name="不存在")
                await change.record("community.created", to_global_id("Community", row.id), {})
                raise RuntimeError("the change fails after recording its event")
        community_id = await create_community(api, street)
        event = (await ws.next("1"))["streetEvents"]
    assert event["subject"] == community_id  # the first event seen is the committed one
    with unscoped("test check"):
        assert not await Community.filter(tenant_id=street.street_id, code="ghost").exists()
        kept = OutboxEvent.filter(tenant_id=street.street_id, type="community.created")
        assert await kept.count() == 1


async def test_resuming_with_a_cursor_gives_the_missed_events_then_live_ones(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    token = await admin_token(api, street)
    async with socket(live_url, token, street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        await create_community(api, street)
        cursor = (await ws.next("1"))["streetEvents"]["cursor"]
    missed = [await create_community(api, street) for _ in range(3)]
    async with socket(live_url, token, street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS, after=cursor)
        replayed = [(await ws.next("1"))["streetEvents"]["subject"] for _ in missed]
        live = [await create_community(api, street) for _ in range(2)]
        received = [(await ws.next("1"))["streetEvents"]["subject"] for _ in live]
    assert replayed == missed
    assert received == live


async def test_resume_has_no_gap_and_no_duplicate_while_events_keep_coming(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    token = await admin_token(api, street)
    first = await create_community(api, street)
    async with socket(live_url, token, street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS, after=None)
        made = [await create_community(api, street)]
        # "Live from now" may still bring `first`: committed before subscribing, it can be
        # numbered by the relay just after. The cursor to resume from is that of `made`.
        event = (await ws.next("1"))["streetEvents"]
        if event["subject"] == first:
            event = (await ws.next("1"))["streetEvents"]
        assert event["subject"] == made[0]
        cursor = event["cursor"]
    assert first not in made

    async def writer() -> list[str]:
        return [await create_community(api, street) for _ in range(10)]

    async with socket(live_url, token, street.code) as ws:
        writing = asyncio.create_task(writer())
        await ws.subscribe("1", STREET_EVENTS, after=cursor)
        written = await writing
        got = [(await ws.next("1"))["streetEvents"]["subject"] for _ in written]
        marker = await create_community(api, street)
        assert (await ws.next("1"))["streetEvents"]["subject"] == marker
    assert got == written


async def test_types_filter_and_what_a_display_may_see(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    display = await add_member(services, street.street_id, Role.DISPLAY)
    async with socket(live_url, await api.login(display.username), street.code) as ws:
        await ws.subscribe("all", STREET_EVENTS)
        await ws.subscribe("grids", STREET_EVENTS, types=["grid.created"])
        body = await api.gql(
            CREATE_ACCOUNT, {"u": f"p-{secrets.token_hex(4)}"}, token=await admin_token(api, street)
        )
        assert body["data"]["createAccount"]["__typename"] == "CreateAccountSuccess"
        community_id = await create_community(api, street)
        # account events carry personal data: a display does not get them
        assert (await ws.next("all"))["streetEvents"]["subject"] == community_id


async def test_staff_see_account_events_and_types_filter(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("accounts", STREET_EVENTS, types=["account.created"])
        await create_community(api, street)
        username = f"p-{secrets.token_hex(4)}"
        await api.gql(CREATE_ACCOUNT, {"u": username}, token=await admin_token(api, street))
        event = (await ws.next("accounts"))["streetEvents"]
    assert event["type"] == "account.created"
    assert event["payload"] == {"username": username, "role": "RESIDENT"}


async def test_a_resident_may_not_follow_street_events(
    api: Api, services: Services, live_url: str
) -> None:
    street = await fresh_street(services)
    resident = await add_member(services, street.street_id, Role.RESIDENT)
    async with socket(live_url, await api.login(resident.username), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        message = await ws.receive()
    assert message["type"] in {"error", "next"}
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("cursor", ["nonsense", "ZXY6MToxMDAwMDAwMA"])
async def test_a_bad_or_foreign_cursor_is_refused(
    api: Api, services: Services, live_url: str, cursor: str
) -> None:
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS, after=cursor)
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        if message["type"] == "next":
            assert await ws.receive() == {"id": "1", "type": "complete"}
        # the connection is still usable
        await ws.subscribe("2", STREET_EVENTS)
        community_id = await create_community(api, street)
        assert (await ws.next("2"))["streetEvents"]["subject"] == community_id


async def test_unauthenticated_and_wrong_street_connections_are_refused(
    api: Api, live_url: str
) -> None:
    token = await api.login("wulidun.street_admin")
    for params in (
        {},
        {"authorization": "Bearer not-a-token", "tenant": "wulidun"},
        {"authorization": f"Bearer {token}", "tenant": "wangjiang"},
        {"authorization": f"Bearer {token}", "tenant": "no-such-street"},
    ):
        async with raw_socket(live_url) as ws:
            await ws.send({"type": "connection_init", "payload": params})
            assert await ws.close_code() == 4403, params


async def test_malformed_messages_get_a_clean_close(api: Api, live_url: str) -> None:
    token = await api.login("wulidun.street_admin")
    async with raw_socket(live_url) as ws:
        await ws.send("this is not json")
        assert await ws.close_code() == 4400
    async with raw_socket(live_url) as ws:
        await ws.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert (await ws.receive())["type"] == "connection_ack"
        await ws.send({"type": "no-such-message"})
        assert await ws.close_code() == 4400
    async with raw_socket(live_url) as ws:
        await ws.send({"id": "1", "type": "subscribe", "payload": {"query": STREET_EVENTS}})
        assert await ws.close_code() == 4401  # subscribing before connection_init
    async with socket(live_url, token, "wulidun") as ws:
        await ws.send({"id": "1", "type": "subscribe", "payload": {"query": "subscription {"}})
        assert await ws.close_code() == 4400
    async with socket(live_url, token, "wulidun") as ws:  # the worker is still serving
        await ws.subscribe("1", "subscription { noSuchField }")
        message = await ws.receive()
        assert message["type"] == "error"


async def test_subscriptions_per_connection_are_limited(
    api: Api, services: Services, live_url: str
) -> None:
    limit = services.settings.max_subscriptions_per_connection
    token = await api.login("wulidun.street_admin")
    async with socket(live_url, token, "wulidun") as ws:
        for n in range(limit):
            await ws.subscribe(str(n), STREET_EVENTS)
        await ws.subscribe("one-too-many", STREET_EVENTS)
        message = await ws.receive()
    assert message["id"] == "one-too-many" and message["type"] == "error"


async def test_several_relays_give_dense_positions_once_each(
    api: Api, services: Services, live_url: str
) -> None:
    """As with several workers: relays racing over the same outbox never give a position
    twice, and a subscriber gets every event exactly once, in order."""
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        subjects = []
        with street_scope(street.street_id):
            for n in range(40):
                async with in_transaction():
                    async with changing(services, None) as change:
                        subject = to_global_id("Community", 100000 + n)
                        await change.event("test.tick", subject, {"n": n})
                        subjects.append(subject)
        relays = [
            EventRelay(services.broker, services.clock, 0.5, services.relay.retention)
            for _ in range(3)
        ]
        await asyncio.gather(*(relay.pump() for relay in relays))
        got = [(await ws.next("1"))["streetEvents"]["subject"] for _ in subjects]
    assert got == subjects
    with unscoped("test check"):
        positions = await OutboxEvent.filter(tenant_id=street.street_id).values_list(
            "position", flat=True
        )
        head = await EventStream.get(tenant_id=street.street_id)
    assert sorted(positions) == list(range(1, len(positions) + 1))
    assert head.position == len(positions)


async def test_readiness_reports_the_broker(api: Api) -> None:
    ready = (await api.client.get("/readyz")).json()
    assert ready["checks"]["database"] == "ok"


async def test_subscription_over_http_is_not_possible(api: Api) -> None:
    body = await api.gql(STREET_EVENTS, token=await api.login("wulidun.street_admin"))
    assert body.get("errors") or error_codes(body)


async def test_an_expired_token_ends_a_long_subscription(
    api: Api, services: Services, live_url: str, clock: FrozenClock
) -> None:
    street = await fresh_street(services)
    async with socket(live_url, await admin_token(api, street), street.code) as ws:
        await ws.subscribe("1", STREET_EVENTS)
        started = clock.current
        clock.advance(minutes=services.settings.access_token_minutes + 1)
        try:
            with street_scope(street.street_id):
                async with changing(services, None) as change:
                    await change.event("test.tick", to_global_id("Community", 1), {})
            message = await ws.receive()
        finally:
            clock.current = started
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "TOKEN_EXPIRED"


# An event whose time no Python datetime can hold (past 9999-12-31 in UTC), as a bad write
# straight to the database would leave it.
_PLANT = {
    dialect: Statement(
        'INSERT INTO "outbox_event" ("tenant_id", "type", "subject", "payload", "visibility", '
        f"\"occurred_at\") VALUES (:street, :type, '', '{{}}', :visibility, {at})"
    )
    for dialect, at in (("postgres", "CAST(CAST(:at AS TEXT) AS TIMESTAMPTZ)"), ("sqlite", ":at"))
}
_UPROOT = Statement('DELETE FROM "outbox_event" WHERE "type" = :type AND "tenant_id" = :street')


async def test_an_unreadable_event_holds_up_its_own_street_only(
    api: Api, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """The relay reads every street's rows at once; when one cannot be read, it goes street
    by street: that street waits (its stream is in order) and logs it, every other goes on."""
    from tortoise import connections

    broken, other = await fresh_street(services), await fresh_street(services)
    dialect = connections.get("default").capabilities.dialect
    with street_scope(broken.street_id):
        await _PLANT[dialect].run(
            type="test.unreadable", visibility=EVENT_READ, at="9999-12-31T23:59:59-12:00"
        )
    try:
        with caplog.at_level(logging.WARNING, logger="resolvers.periodic"):
            community_id = await create_community(api, other)

            async def published() -> bool:
                with street_scope(other.street_id, writable=False):
                    return await OutboxEvent.filter(
                        subject=community_id, published_at__not_isnull=True
                    ).exists()

            loop = asyncio.get_running_loop()
            deadline = loop.time() + live.WAIT  # a hang guard, not a timing assert
            while not await published():  # by the background relay, woken by the commit
                assert loop.time() < deadline, "the other street's event never went out"
                await asyncio.sleep(live.POLL)
            skipped = f"event relay street: item {broken.street_id} of street {broken.street_id}"
            await live.until(lambda: skipped in caplog.text, "the skipped street in the log")
    finally:
        with street_scope(broken.street_id):
            await _UPROOT.run(type="test.unreadable")


async def test_the_relay_prunes_only_published_events_past_the_retention(
    services: Services, clock: FrozenClock
) -> None:
    """The event log is kept for the retention: older published events go, an unpublished
    one stays whatever its age (it has not reached its subscribers yet), newer ones stay."""
    street = await fresh_street(services)
    with street_scope(street.street_id):
        async with in_transaction():
            async with changing(services, None) as change:
                for n in range(3):
                    await change.event("test.tick", to_global_id("Community", 200000 + n), {})
    relay = EventRelay(services.broker, clock, 0.5, timedelta(hours=1))
    await services.relay.stop()  # the app's relay would publish the unpublished one meanwhile
    try:
        with unscoped("test check"):
            await relay.pump()
            old, unpublished, recent = await OutboxEvent.filter(
                tenant_id=street.street_id, type="test.tick"
            ).order_by("id")
            long_ago = clock.now() - timedelta(hours=2)
            await OutboxEvent.filter(id=old.id).update(occurred_at=long_ago)
            await OutboxEvent.filter(id=unpublished.id).update(
                occurred_at=long_ago, published_at=None
            )
            assert await relay.prune() >= 1
            left = await OutboxEvent.filter(tenant_id=street.street_id, type="test.tick")
    finally:
        await services.relay.start()
    assert sorted(event.id for event in left) == [unpublished.id, recent.id]
