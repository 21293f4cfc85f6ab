"""Expiry reminders (到期提醒): the grid's staff are told once that a lease or a residence
permit ends soon, however many scanners run, and again for a renewed lease's new end."""

from __future__ import annotations

import asyncio

from models.bases import BaseReminder
from models.events import Notification
from resolvers.bases.reminders import scan_expiries
from resolvers.services import Services
from tests.bases.support import BasesStreet, bases_street, days, unit
from tests.conftest import needs_postgres
from tests.people.support import add_resident, count, gid
from tests.support import Api

RENTAL = """
mutation R($input: RegisterRentalInput!) { registerRental(input: $input) {
  __typename ... on RentalSuccess { rental { id } } ... on UserError { code field } } }
"""
RENEW = """
mutation R($input: RenewLeaseInput!) { renewLease(input: $input) {
  __typename ... on RentalSuccess { rental { leaseEnd } } ... on UserError { code field } } }
"""
FLOATING = """
mutation F($input: RegisterFloatingPersonInput!) { registerFloatingPerson(input: $input) {
  __typename ... on FloatingPersonSuccess { person { id } } ... on UserError { code field } } }
"""
INBOX = "{ notifications { edges { node { kind title } } } }"


async def _rental(api: Api, s: BasesStreet, services: Services, room: str, ends_in: int) -> str:
    rented = await unit(api, s.chief_token, gid("Building", s.building1), room)
    body = await api.gql(
        RENTAL,
        {
            "input": {
                "unitId": rented,
                "landlordName": "张房东",
                "leaseStart": days(services, -300),
                "leaseEnd": days(services, ends_in),
            }
        },
        token=s.chief_token,
    )
    return body["data"]["registerRental"]["rental"]["id"]


async def test_a_lease_and_a_permit_about_to_end_are_reminded_once(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    soon = await _rental(api, s, services, "101", 10)
    await _rental(api, s, services, "102", 200)  # far off: no reminder
    resident = await add_resident(services, s.id, s.people.grid1, "赵流动")
    await api.gql(
        FLOATING,
        {
            "input": {
                "residentId": gid("Resident", resident.id),
                "arrivedOn": days(services, -30),
                "permitStatus": "VALID",
                "permitExpiresOn": days(services, 5),
            }
        },
        token=s.chief_token,
    )
    await scan_expiries(services)
    await scan_expiries(services)
    assert await count(BaseReminder, s.id) == 2
    # The chief and the worker of grid 1 each got both, once.
    for user in (s.people.chief, s.people.worker):
        assert await count(Notification, s.id, user_id=user.id) == 2
    inbox = (await api.gql(INBOX, token=s.chief_token))["data"]["notifications"]["edges"]
    kinds = sorted(e["node"]["kind"] for e in inbox)
    assert kinds == ["bases.lease_expiry", "bases.permit_expiry"]
    assert any("赵流动" in e["node"]["title"] for e in inbox)
    # A renewed lease is reminded again before its new end, once.
    await api.gql(
        RENEW,
        {
            "input": {
                "rentalId": soon,
                "leaseStart": days(services, 0),
                "leaseEnd": days(services, 20),
            }
        },
        token=s.chief_token,
    )
    await scan_expiries(services)
    await scan_expiries(services)
    assert await count(BaseReminder, s.id, kind="LEASE") == 2
    assert await count(Notification, s.id, user_id=s.people.chief.id) == 3


@needs_postgres
async def test_scanners_racing_send_each_reminder_exactly_once(
    api: Api, services: Services
) -> None:
    s = await bases_street(api, services)
    for n in range(8):
        await _rental(api, s, services, f"2{n:02d}", 3 + n)
    await asyncio.gather(*(scan_expiries(services) for _ in range(4)))
    await asyncio.gather(*(scan_expiries(services) for _ in range(2)))
    assert await count(BaseReminder, s.id) == 8
    assert await count(Notification, s.id, user_id=s.people.chief.id) == 8
