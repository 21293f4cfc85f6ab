from __future__ import annotations

import json
from collections.abc import AsyncGenerator

import strawberry

from policies.enforcer import POLICY_CHANNEL
from resolvers import accounts
from schema.accounts.types import Permission
from schema.context import Info
from schema.live import listener
from schema.permissions import SignedIn, subscription


@strawberry.type
class AccountsSubscription:
    @subscription(
        requires=SignedIn(street=True),
        description="My permissions in the current street, pushed again whenever my roles change "
        "(so a workbench can show or hide actions at once).",
    )
    async def my_permissions_changed(self, info: Info) -> AsyncGenerator[list[Permission], None]:
        me = listener(info)
        services = me.services
        with me.reading():
            async for message in services.broker.subscribe(POLICY_CHANNEL):
                if me.user.id not in json.loads(message):
                    continue
                await services.authorizer.reload_users([me.user.id])
                caps = accounts.my_capabilities(services, me.user, me.street)
                yield [Permission.from_capability(cap) for cap in caps]
