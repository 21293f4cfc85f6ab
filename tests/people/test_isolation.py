# ruff: noqa: E501  (a table of GraphQL operations, one per line)
"""Every people query and mutation taking an ID: another street's ID is NOT_FOUND."""

from __future__ import annotations

from models.accounts import Role
from models.notices import Notice, NoticeTarget, TargetKind
from models.outreach import ContactCode, Delegate, DeliberatorGroup
from models.people import Building, Compound, GridAssignment, MessageThread
from models.scoping import unscoped
from resolvers.services import Services
from tests.people.support import add_resident, gid, people_street
from tests.support import Api, add_member, error_codes


def _code(body: dict, name: str) -> str | None:
    if body.get("errors"):
        return error_codes(body)[0]
    return body["data"][name].get("code")


async def test_ids_of_another_street_are_not_found(api: Api, services: Services) -> None:
    s = await people_street(api, services)
    o = await people_street(api, services, "q")
    congress = await api.login((await add_member(services, s.id, Role.CONGRESS_STAFF)).username)
    person = await add_member(services, s.id, Role.RESIDENT)
    await add_resident(services, s.id, s.grid1, "本街居民", user=person)
    resident_token = await api.login(person.username)
    theirs = await add_resident(services, o.id, o.grid1, "外街居民")
    with unscoped("test set-up"):
        compound = await Compound.create(
            tenant_id=o.id, community_id=o.street.community_id, name="外"
        )
        building = await Building.create(tenant_id=o.id, compound=compound, name="1栋")
        assignment = await GridAssignment.filter(tenant_id=o.id).order_by("id").first()
        notice = await Notice.create(
            tenant_id=o.id, sender=o.chief, title="t", body="b", created_at=compound.created_at
        )
        await NoticeTarget.create(
            tenant_id=o.id, notice=notice, kind=TargetKind.STREET, ref_id=o.id
        )
        group = await DeliberatorGroup.create(tenant_id=o.id, name="外组")
        delegate = await Delegate.create(tenant_id=o.id, kind="DELIBERATOR", name="外议事员")
        code = await ContactCode.create(
            tenant_id=o.id, delegate=delegate, token="iso-" + o.code, created_at=compound.created_at
        )
        thread = await MessageThread.create(tenant_id=o.id, resident=theirs, staff=o.chief)
    assert assignment is not None
    r, g, t = gid("Resident", theirs.id), gid("Grid", o.grid1), gid("Tag", o.tags["残疾人"])
    cases = [
        (s.admin, "node", "query($id: ID!) { node(id: $id) { id } }", {"id": r}),
        (
            s.admin,
            "node",
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": gid("Compound", compound.id)},
        ),
        (
            s.admin,
            "node",
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": gid("Building", building.id)},
        ),
        (s.admin, "node", "query($id: ID!) { node(id: $id) { id } }", {"id": t}),
        (
            s.admin,
            "node",
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": gid("GridAssignment", assignment.id)},
        ),
        (s.admin, "gridStaff", "query($id: ID!) { gridStaff(gridId: $id) { duty } }", {"id": g}),
        (
            s.admin,
            "createBuilding",
            'mutation($id: ID!) { createBuilding(input: {compoundId: $id, name: "x"}) { ... on UserError { code } } }',
            {"id": gid("Compound", compound.id)},
        ),
        (
            s.admin,
            "unassignGridStaff",
            "mutation($id: ID!) { unassignGridStaff(input: {assignmentId: $id}) { ... on UserError { code } } }",
            {"id": gid("GridAssignment", assignment.id)},
        ),
        (
            s.admin,
            "tagResident",
            "mutation($id: ID!) { tagResident(input: {residentId: $id}) { ... on UserError { code } } }",
            {"id": r},
        ),
        (
            s.admin,
            "linkResidentAccount",
            "mutation($id: ID!, $a: ID!) { linkResidentAccount(input: {residentId: $id, accountId: $a}) { ... on UserError { code } } }",
            {"id": r, "a": gid("Account", person.id)},
        ),
        (
            s.admin,
            "linkResidentAccount",
            "mutation($id: ID!, $a: ID!) { linkResidentAccount(input: {residentId: $id, accountId: $a}) { ... on UserError { code } } }",
            {"id": gid("Resident", theirs.id), "a": gid("Account", o.chief.id)},
        ),
        (
            s.admin,
            "renameTag",
            'mutation($id: ID!) { renameTag(input: {tagId: $id, name: "x"}) { ... on UserError { code } } }',
            {"id": t},
        ),
        (
            s.admin,
            "registerResident",
            'mutation($id: ID!) { registerResident(input: {name: "x", idNumber: "11010519491231002X", buildingId: $id}) { ... on UserError { code } } }',
            {"id": gid("Building", building.id)},
        ),
        (
            s.chief_token,
            "messageResident",
            'mutation($id: ID!) { messageResident(input: {residentId: $id, body: "x"}) { ... on UserError { code } } }',
            {"id": r},
        ),
        (
            resident_token,
            "messageGridChief",
            'mutation($id: ID!) { messageGridChief(input: {threadId: $id, body: "x"}) { ... on UserError { code } } }',
            {"id": gid("MessageThread", thread.id)},
        ),
        (
            resident_token,
            "markNoticeRead",
            "mutation($id: ID!) { markNoticeRead(input: {noticeId: $id}) { ... on UserError { code } } }",
            {"id": gid("Notice", notice.id)},
        ),
        (
            s.admin,
            "handOver",
            "mutation($a: ID!, $b: ID!) { handOver(input: {leaverId: $a, successorId: $b}) { ... on UserError { code } } }",
            {"a": gid("Account", o.chief.id), "b": gid("Account", s.worker.id)},
        ),
        (
            congress,
            "issueContactCode",
            "mutation($id: ID!) { issueContactCode(input: {delegateId: $id}) { ... on UserError { code } } }",
            {"id": gid("Delegate", delegate.id)},
        ),
        (
            congress,
            "revokeContactCode",
            "mutation($id: ID!) { revokeContactCode(input: {codeId: $id}) { ... on UserError { code } } }",
            {"id": gid("ContactCode", code.id)},
        ),
        (
            congress,
            "createDelegate",
            'mutation($id: ID!) { createDelegate(input: {kind: DELIBERATOR, name: "x", groupId: $id}) { ... on UserError { code } } }',
            {"id": gid("DeliberatorGroup", group.id)},
        ),
        (
            congress,
            "delegates",
            "query($id: ID!) { delegates(groupId: $id) { name } }",
            {"id": gid("DeliberatorGroup", group.id)},
        ),
        (
            s.worker_token if hasattr(s, "worker_token") else await api.login(s.worker.username),
            "recordVisit",
            'mutation($id: ID!) { recordVisit(input: {residentId: $id, findings: "x"}) { ... on UserError { code } } }',
            {"id": r},
        ),
    ]
    for token, name, query, variables in cases:
        body = await api.gql(query, variables, token=token)
        if name == "delegates":
            assert body["data"]["delegates"] == [], body
            continue
        assert _code(body, name) == "NOT_FOUND", (name, variables, body)
    # And filters taking IDs simply find nothing of the other street.
    body = await api.gql(
        "query($t: ID!) { residents(filter: {tagIds: [$t]}) { totalCount } }",
        {"t": t},
        token=s.admin,
    )
    assert body["data"]["residents"]["totalCount"] == 0
