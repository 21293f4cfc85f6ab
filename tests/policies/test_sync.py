"""Role changes reach every worker through Redis."""

from __future__ import annotations

import asyncio
import time

from core.broker import RedisBroker
from gongzhi.platform import capability_vocabulary
from policies.enforcer import Authorizer
from policies.vocabulary import Capability, street_domain
from resolvers.services import Services
from schema.relay import from_global_id
from tests.conftest import needs_redis
from tests.support import Api, make_street

CAPABILITIES = capability_vocabulary()

GRANT = """
mutation G($input: GrantRoleInput!) {
  grantRole(input: $input) { __typename ... on UserError { code message } }
}
"""
CREATE = """
mutation C($input: CreateAccountInput!) {
  createAccount(input: $input) {
    ... on CreateAccountSuccess { membership { account { id } } }
  }
}
"""


@needs_redis
async def test_another_worker_sees_a_granted_role_within_a_second(
    api: Api, services: Services
) -> None:
    settings = services.settings
    assert settings.redis_url
    # A second worker: its own Redis connection and its own enforcer, loaded at start.
    other_broker = RedisBroker(settings.redis_url, settings.redis_prefix)
    await other_broker.start()
    other = Authorizer(CAPABILITIES)
    await other.load_from_database()
    await other.start_watching(other_broker)
    try:
        street = await make_street(services, "sync")
        admin = await api.login(street.admin_username, street.admin_password)
        created = await api.gql(
            CREATE,
            {"input": {"username": f"{street.code}.d", "displayName": "代表", "role": "RESIDENT"}},
            token=admin,
        )
        account_id = created["data"]["createAccount"]["membership"]["account"]["id"]
        _, user_id = from_global_id(account_id)
        grant = Capability("member", "grant")
        domain = street_domain(street.street_id)
        assert not other.can(user_id, domain, grant)

        started = time.monotonic()
        body = await api.gql(
            GRANT, {"input": {"accountId": account_id, "role": "STREET_ADMIN"}}, token=admin
        )
        assert body["data"]["grantRole"]["__typename"] == "GrantRoleSuccess"
        # Polls another worker's enforcer: there is no event to wait on from here.
        while not other.can(user_id, domain, grant) and time.monotonic() - started < 5:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        elapsed = time.monotonic() - started
        assert other.can(user_id, domain, grant), "the other worker never saw the change"
        print(f"role change seen by the other worker after {elapsed * 1000:.0f} ms")
    finally:
        await other.stop_watching()
        await other_broker.close()
