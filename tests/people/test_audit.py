"""People mutations go through the unit of work: each change appends to the street's audit
chain and emits an event in the same transaction; refused input records nothing."""

from __future__ import annotations

from typing import Any

from models.accounts import Role
from models.audit import AuditEntry
from models.events import OutboxEvent
from models.scoping import unscoped
from resolvers.services import Services
from tests.audit.support import run_verify, verify_here
from tests.audit.test_audit import TRAIL
from tests.people.support import add_resident, count, gid, new_id_number, people_street
from tests.support import Api, add_member


async def mutate(api: Api, name: str, input: dict[str, Any], token: str, pick: str = "") -> dict:
    """Run a people mutation that must succeed; returns its payload."""
    input_type = name[0].upper() + name[1:] + "Input"
    body = await api.gql(
        f"mutation M($input: {input_type}!) {{ {name}(input: $input) {{ __typename "
        f"... on UserError {{ code field message }} {pick} }} }}",
        {"input": input},
        token=token,
    )
    result = (body.get("data") or {}).get(name)
    assert result is not None and "code" not in result, body
    return result


async def actions(street_id: int) -> list[str]:
    with unscoped("test check"):
        return list(
            await AuditEntry.filter(tenant_id=street_id)
            .order_by("id")
            .values_list("action", flat=True)
        )


async def test_every_people_mutation_is_audited_and_the_chain_verifies(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    before = await actions(s.id)
    worker = await add_member(services, s.id, Role.GRID_WORKER)
    staff = await add_member(services, s.id, Role.COMMUNITY_STAFF)
    resident_user = await add_member(services, s.id, Role.RESIDENT)
    successor = await add_member(services, s.id, Role.GRID_WORKER)
    admin = s.admin
    community = gid("Community", s.street.community_id)

    compound = await mutate(
        api,
        "createCompound",
        {"communityId": community, "name": "幸福小区"},
        admin,
        "... on CreateCompoundSuccess { compound { id } }",
    )
    await mutate(
        api,
        "createBuilding",
        {"compoundId": compound["compound"]["id"], "name": "1号楼", "gridId": gid("Grid", s.grid1)},
        admin,
    )
    assigned = await mutate(
        api,
        "assignGridStaff",
        {"gridId": gid("Grid", s.grid2), "accountId": gid("Account", worker.id), "duty": "WORKER"},
        admin,
        "... on GridStaffSuccess { assignment { id } }",
    )
    await mutate(api, "unassignGridStaff", {"assignmentId": assigned["assignment"]["id"]}, admin)
    await mutate(
        api,
        "assignCommunityStaff",
        {"communityId": community, "accountId": gid("Account", staff.id)},
        admin,
    )
    tag = await mutate(
        api, "createTag", {"name": "困境儿童"}, admin, "... on TagSuccess { tag { id } }"
    )
    tag_id = tag["tag"]["id"]
    await mutate(api, "renameTag", {"tagId": tag_id, "name": "困境儿童家庭"}, admin)
    registered = await mutate(
        api,
        "registerResident",
        {
            "name": "周大爷",
            "idNumber": new_id_number(),
            "phone": "13912340000",
            "gridId": gid("Grid", s.grid1),
            "tagIds": [tag_id],
        },
        admin,
        "... on ResidentSuccess { resident { id } }",
    )
    resident = registered["resident"]["id"]
    await mutate(
        api,
        "tagResident",
        {"residentId": resident, "addTagIds": [gid("Tag", s.tags["独居老人"])]},
        s.chief_token,
    )
    await mutate(
        api,
        "linkResidentAccount",
        {"residentId": resident, "accountId": gid("Account", resident_user.id)},
        admin,
    )
    await mutate(api, "deleteTag", {"tagId": tag_id}, admin)
    csv = f"name,id_number,grid\n吴阿姨,{new_id_number()},g2\n郑叔叔,{new_id_number()},g2\n"
    imported = await mutate(
        api, "importResidents", {"csv": csv}, admin, "... on ImportResidentsSuccess { created }"
    )
    assert imported["created"] == 2
    await mutate(api, "messageResident", {"residentId": resident, "body": "您好"}, s.chief_token)
    resident_token = await api.login(resident_user.username)
    await mutate(api, "messageGridChief", {"body": "谢谢"}, resident_token)
    await mutate(api, "sendNotice", {"title": "停水通知", "body": "明天停水。"}, admin)
    group = await mutate(
        api,
        "createDeliberatorGroup",
        {"name": "议事一组"},
        admin,
        "... on DeliberatorGroupSuccess { group { id } }",
    )
    delegate = await mutate(
        api,
        "createDelegate",
        {"kind": "DELIBERATOR", "name": "钱议事", "groupId": group["group"]["id"]},
        admin,
        "... on DelegateSuccess { delegate { id } }",
    )
    code = await mutate(
        api,
        "issueContactCode",
        {"delegateId": delegate["delegate"]["id"]},
        admin,
        "... on ContactCodeSuccess { contactCode { id } }",
    )
    await mutate(api, "revokeContactCode", {"codeId": code["contactCode"]["id"]}, admin)
    await mutate(api, "revokeContactCode", {"codeId": code["contactCode"]["id"]}, admin)
    await mutate(
        api, "recordVisit", {"residentId": resident, "findings": "身体尚可"}, s.chief_token
    )
    await mutate(api, "setVisitTarget", {"monthlyTarget": 25}, admin)
    await mutate(
        api,
        "handOver",
        {"leaverId": gid("Account", s.chief.id), "successorId": gid("Account", successor.id)},
        admin,
    )

    recorded = (await actions(s.id))[len(before) :]
    assert recorded == [
        "compound.created",
        "building.created",
        "grid.staff_assigned",
        "grid.staff_unassigned",
        "community.staff_assigned",
        "tag.created",
        "tag.renamed",
        "resident.registered",
        "resident.tagged",
        "resident.account_linked",
        "tag.deleted",
        "residents.imported",  # one entry for the whole run, with its counts
        "message.sent",
        "message.sent",
        "notice.sent",
        "deliberator_group.created",
        "delegate.created",
        "contact_code.issued",
        "contact_code.revoked",  # revoking again changes nothing and records nothing
        "visit.recorded",
        "street.visit_target_set",
        "people.handed_over",
    ]
    # Each change also emitted its event, in the same transaction.
    assert await count(OutboxEvent, s.id) >= len(await actions(s.id))
    report = await verify_here(services, s.code)
    assert report.intact and report.entries == len(before) + len(recorded)
    exit_code, out = await run_verify(services, s.code)
    assert exit_code == 0, out


async def test_refused_people_mutations_record_nothing(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    other = await people_street(api, services, "q")
    r = await add_resident(services, s.id, s.grid1, "孙奶奶")
    entries = await count(AuditEntry, s.id)
    events = await count(OutboxEvent, s.id)
    body = await api.gql(
        "mutation M($input: TagResidentInput!) { tagResident(input: $input) "
        "{ __typename ... on UserError { code } } }",
        {"input": {"residentId": gid("Resident", r.id), "addTagIds": [gid("Tag", 999999)]}},
        token=s.chief_token,
    )
    assert body["data"]["tagResident"]["code"] == "NOT_FOUND"
    body = await api.gql(
        "mutation M($input: SendNoticeInput!) { sendNotice(input: $input) "
        "{ __typename ... on UserError { code } } }",
        {"input": {"title": "t", "body": "b", "gridIds": [gid("Grid", other.grid1)]}},
        token=s.admin,
    )
    assert body["data"]["sendNotice"]["code"] == "NOT_FOUND"
    csv = "name,id_number\n坏行,123\n"
    body = await api.gql(
        "mutation M($input: ImportResidentsInput!) { importResidents(input: $input) "
        "{ __typename } }",
        {"input": {"csv": csv}},
        token=s.admin,
    )
    assert body["data"]["importResidents"]["__typename"] == "ImportRejected"
    assert await count(AuditEntry, s.id) == entries
    assert await count(OutboxEvent, s.id) == events


async def test_the_audit_trail_shows_a_hand_over(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    successor = await add_member(services, s.id, Role.GRID_WORKER)
    await add_resident(services, s.id, s.grid1, "孙奶奶")
    leaver = gid("Account", s.chief.id)
    await mutate(
        api,
        "handOver",
        {"leaverId": leaver, "successorId": gid("Account", successor.id)},
        s.admin,
    )
    trail = (await api.gql(TRAIL, {"subject": leaver}, token=s.admin))["data"]["auditTrail"]
    (entry,) = [e["node"] for e in trail["edges"] if e["node"]["action"] == "people.handed_over"]
    assert entry["actor"]["username"] == s.street.admin_username
    change = entry["change"]
    assert change["leaver"] == leaver
    assert change["successor"] == gid("Account", successor.id)
    assert change["grids"] == [gid("Grid", s.grid1)]
    assert (change["gridsMoved"], change["residentsCovered"]) == (1, 1)
    assert change["rolesEnded"] == ["GRID_CHIEF"]
    assert change["sessionsRevoked"] >= 1
    report = await verify_here(services, s.code)
    assert report.intact
