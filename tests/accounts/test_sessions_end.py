"""A sign-in that ends closes its open subscriptions at once, in every worker, with a typed
close code (4401 session ended, 4403 roles changed); a person holds a bounded number of
subscriptions over all their connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from models.accounts import Role, User
from models.tenancy import Street
from policies.vocabulary import street_domain
from resolvers.services import Services
from resolvers.sessions import SessionCache
from tests.accounts.test_auth import GRANT, LOGOUT, REVOKE, login_payload
from tests.accounts.test_session_cache import _session_id
from tests.live import STREET_EVENTS, Socket, socket, until
from tests.support import Api, add_member, grant_membership, make_street

LEADERS = "{ members(role: STREET_LEADER) { edges { node { id } } } }"


@contextlib.asynccontextmanager
async def listening(live_url: str, token: str, tenant: str) -> AsyncIterator[Socket]:
    """A connection with one street-events subscription running."""
    async with socket(live_url, token, tenant) as sock:
        await sock.subscribe("events", STREET_EVENTS)
        yield sock


async def staff_member(api: Api, services: Services) -> tuple[str, str, int, str]:
    """A street leader of a fresh street: (token, street code, user id, admin token)."""
    street = await make_street(services, "ends")
    user = await add_member(services, street.street_id, Role.STREET_LEADER)
    token = (await login_payload(api, user.username, "demo1234"))["accessToken"]
    admin = await api.login(street.admin_username, street.admin_password)
    return token, street.code, user.id, admin


async def test_logout_closes_the_sessions_subscriptions(
    live_url: str, api: Api, services: Services
) -> None:
    token, street, _, _ = await staff_member(api, services)
    async with listening(live_url, token, street) as sock:
        assert (await api.gql(LOGOUT, token=token))["data"]["logout"] == {"ok": True}
        assert await sock.close_code() == 4401
        assert sock.ws.close_reason == "Session ended"


async def test_a_session_revoked_in_another_worker_closes_here(
    live_url: str, api: Api, services: Services
) -> None:
    token, street, _, _ = await staff_member(api, services)
    other = SessionCache()  # another worker: it revokes, this one hears it through the broker
    await other.start_watching(services.broker)
    try:
        async with listening(live_url, token, street) as sock:
            await other.revoked(session_ids=[_session_id(services, token)])
            assert await sock.close_code() == 4401
    finally:
        await other.stop_watching()


async def test_the_other_sessions_of_the_person_stay_open(
    live_url: str, api: Api, services: Services
) -> None:
    token, street, user_id, _ = await staff_member(api, services)
    username = (await api.gql("{ me { username } }", token=token))["data"]["me"]["username"]
    second = (await login_payload(api, username, "demo1234"))["accessToken"]
    async with listening(live_url, second, street) as kept:
        async with listening(live_url, token, street) as ended:
            await api.gql(LOGOUT, token=token)
            assert await ended.close_code() == 4401
        await services.presence.settle()
        assert [c.session_id for c in services.presence.connections(user_id)] == [
            _session_id(services, second)
        ]
        assert kept.ws.close_code is None


async def test_a_role_taken_away_closes_and_a_role_given_keeps(
    live_url: str, api: Api, services: Services
) -> None:
    token, street, user_id, admin = await staff_member(api, services)
    account = (await api.gql("{ me { id } }", token=token))["data"]["me"]["id"]
    async with listening(live_url, token, street) as sock:
        given = await api.gql(
            GRANT, {"input": {"accountId": account, "role": "STREET_REVIEWER"}}, token=admin
        )
        membership = given["data"]["grantRole"]["membership"]["id"]
        await services.presence.settle()
        assert sock.ws.close_code is None  # more roles: still open
        taken = await api.gql(REVOKE, {"input": {"membershipId": membership}}, token=admin)
        assert taken["data"]["revokeRole"]["__typename"] == "RevokeRoleSuccess"
        assert await sock.close_code() == 4403
        assert sock.ws.close_reason == "Roles changed"
    # This worker has taken the role away (on PostgreSQL + Redis its notice arrives through the
    # broker): a socket opened before that would be closed again by that late notice.
    domain = street_domain((await Street.get(code=street)).id)
    await until(
        lambda: Role.STREET_REVIEWER.value not in services.authorizer.roles(user_id, domain),
        "the role taken away in this worker",
    )
    # The session itself goes on: the client connects again with what it holds now.
    async with listening(live_url, token, street) as again:
        assert again.ws.close_code is None
    assert not services.presence.connections(user_id)


async def test_a_person_holds_at_most_the_cap_over_all_connections(
    live_url: str, api: Api, services: Services
) -> None:
    settings = services.settings
    per_connection = settings.max_subscriptions_per_connection
    cap = settings.max_subscriptions_per_person
    token, street, _, _ = await staff_member(api, services)
    async with contextlib.AsyncExitStack() as stack:
        held = 0
        while held < cap:
            sock = await stack.enter_async_context(socket(live_url, token, street))
            for n in range(min(per_connection, cap - held)):
                await sock.subscribe(f"s{n}", STREET_EVENTS)
                held += 1
        extra = await stack.enter_async_context(socket(live_url, token, street))
        await extra.subscribe("one-more", STREET_EVENTS)
        refused = await extra.receive()
        assert refused["type"] == "error" and refused["id"] == "one-more", refused
        assert refused["payload"][0]["extensions"] == {"code": "TOO_MANY_ATTEMPTS", "max": cap}
        # Someone else is not counted against it.
        other, other_street, _, _ = await staff_member(api, services)
        async with listening(live_url, other, other_street) as fine:
            assert fine.ws.close_code is None


async def test_losing_a_role_in_one_street_closes_only_that_streets_connections(
    live_url: str, api: Api, services: Services
) -> None:
    token, street, user_id, _ = await staff_member(api, services)
    elsewhere = await make_street(services, "ends2")
    await grant_membership(
        services, await User.get(id=user_id), elsewhere.street_id, Role.STREET_LEADER
    )
    async with (
        listening(live_url, token, elsewhere.code) as that_street,
        listening(live_url, token, street) as this_street,
    ):
        admin = await api.login(elsewhere.admin_username, elsewhere.admin_password)
        members = await api.gql(LEADERS, token=admin)
        row = members["data"]["members"]["edges"][0]["node"]["id"]
        taken = await api.gql(REVOKE, {"input": {"membershipId": row}}, token=admin)
        assert taken["data"]["revokeRole"]["__typename"] == "RevokeRoleSuccess"
        assert await that_street.close_code() == 4403
        await services.presence.settle()
        assert this_street.ws.close_code is None
