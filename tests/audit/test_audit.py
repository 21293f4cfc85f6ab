"""The audit chain: every change appends an entry; `gongzhi audit verify` finds tampering."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys

from core.ids import to_global_id
from models.accounts import Role
from models.audit import AuditEntry, AuditHead
from resolvers.events import changing
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped
from tests.support import Api, StreetFixture, add_member, database_env, error_codes, make_street

TRAIL = """
query($subject: ID!) {
  auditTrail(subject: $subject) {
    totalCount
    edges { node { sequence action subject change digest prevHash hash actor { username } } }
  }
}
"""
CREATE_COMMUNITY = """
mutation($code: String!) {
  createCommunity(input: {code: $code, name: "社区"}) {
    __typename ... on CreateCommunitySuccess { community { id } }
  }
}
"""
GRANT = """
mutation($account: ID!) {
  grantRole(input: {accountId: $account, role: GRID_WORKER}) {
    __typename ... on GrantRoleSuccess { membership { id } }
  }
}
"""
REVOKE = """
mutation($m: ID!) { revokeRole(input: {membershipId: $m}) { __typename } }
"""
RENAME = """mutation { updateStreet(input: {name: "新名字"}) { __typename } }"""


async def run_verify(services: Services, street: str | None) -> tuple[int, str]:
    env = {**os.environ, **database_env(services.settings)}
    env.pop("GONGZHI_REDIS_URL", None)
    args = ["-m", "gongzhi.cli", "audit", "verify"] + (["--street", street] if street else [])
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def street_with_history(api: Api, services: Services) -> tuple[StreetFixture, str]:
    street = await make_street(services)
    token = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(CREATE_COMMUNITY, {"code": "a1"}, token=token)
    community = body["data"]["createCommunity"]["community"]["id"]
    member = await add_member(services, street.street_id, Role.RESIDENT)
    body = await api.gql(GRANT, {"account": to_global_id("Account", member.id)}, token=token)
    membership = body["data"]["grantRole"]["membership"]["id"]
    body = await api.gql(REVOKE, {"m": membership}, token=token)
    assert body["data"]["revokeRole"]["__typename"] == "RevokeRoleSuccess"
    body = await api.gql(RENAME, token=token)
    assert body["data"]["updateStreet"]["__typename"] == "UpdateStreetSuccess"
    return street, community


async def test_each_change_appends_to_the_trail_of_its_record(api: Api, services: Services) -> None:
    street, community = await street_with_history(api, services)
    token = await api.login(street.admin_username, street.admin_password)
    body = await api.gql(TRAIL, {"subject": community}, token=token)
    trail = body["data"]["auditTrail"]
    assert trail["totalCount"] == 1
    entry = trail["edges"][0]["node"]
    assert entry["action"] == "community.created"
    assert entry["change"] == {"code": "a1", "name": "社区"}
    assert entry["actor"] == {"username": street.admin_username}
    with unscoped("test check"):
        entries = await AuditEntry.filter(tenant_id=street.street_id).order_by("sequence")
    assert [e.action for e in entries] == [
        "street.created",
        "community.created",
        "role.granted",
        "role.revoked",
        "street.renamed",
    ]
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))


async def test_the_trail_is_for_those_allowed(api: Api, services: Services) -> None:
    street = await make_street(services)
    subject = to_global_id("Street", street.street_id)
    for role in (Role.RESIDENT, Role.DISPLAY, Role.GRID_CHIEF):
        user = await add_member(services, street.street_id, role)
        body = await api.as_user(user.username, TRAIL, {"subject": subject})
        assert error_codes(body) == ["FORBIDDEN"], role
    leader = await add_member(services, street.street_id, Role.STREET_LEADER)
    body = await api.as_user(leader.username, TRAIL, {"subject": subject})
    assert body["data"]["auditTrail"]["edges"][0]["node"]["action"] == "street.created"


async def test_verify_passes_on_an_intact_chain(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    code, out = await run_verify(services, street.code)
    assert code == 0, out
    assert f"{street.code}: intact (5 entries)" in out


async def test_verify_finds_an_edited_entry(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering, as someone with database access might"):
        await AuditEntry.filter(tenant_id=street.street_id, sequence=2).update(
            change={"code": "a1", "name": "改过的名字"}
        )
    code, out = await run_verify(services, street.code)
    assert code == 1
    assert f"{street.code}: BROKEN at entry 2" in out


async def test_verify_finds_an_edited_time_or_actor(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering"):
        await AuditEntry.filter(tenant_id=street.street_id, sequence=3).update(actor_id=None)
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 3" in out


async def test_verify_finds_a_deleted_entry(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering"):
        await AuditEntry.filter(tenant_id=street.street_id, sequence=3).delete()
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 3" in out


async def test_verify_finds_the_last_entry_deleted(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering"):
        await AuditEntry.filter(tenant_id=street.street_id, sequence=5).delete()
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 5" in out


async def test_verify_finds_reordered_entries(api: Api, services: Services) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering"):
        rows = AuditEntry.filter(tenant_id=street.street_id)
        await rows.filter(sequence=2).update(sequence=-2)
        await rows.filter(sequence=3).update(sequence=2)
        await rows.filter(sequence=-2).update(sequence=3)
    code, out = await run_verify(services, street.code)
    assert code == 1 and "BROKEN at entry 2" in out


async def test_verify_checks_every_street_and_names_the_broken_one(
    api: Api, services: Services
) -> None:
    street, _ = await street_with_history(api, services)
    with unscoped("tampering"):
        await AuditEntry.filter(tenant_id=street.street_id, sequence=4).update(action="x")
    code, out = await run_verify(services, None)
    assert code == 1
    assert f"{street.code}: BROKEN at entry 4" in out
    assert "wulidun: intact" in out


async def test_concurrent_changes_take_distinct_sequences(services: Services) -> None:
    street = await make_street(services)

    async def one(n: int) -> None:
        with street_scope(street.street_id):
            async with changing(services, None) as change:
                await change.audit("test.parallel", to_global_id("Community", n), {"n": n})

    await asyncio.gather(*(one(n) for n in range(20)))
    with unscoped("test check"):
        sequences = await AuditEntry.filter(tenant_id=street.street_id).values_list(
            "sequence", flat=True
        )
        head = await AuditHead.get(tenant_id=street.street_id)
    assert sorted(sequences) == list(range(1, 22))
    assert head.sequence == 21
    code, out = await run_verify(services, street.code)
    assert code == 0, out
