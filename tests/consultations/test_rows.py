"""Who sees which consultations (行级规则): the declarations against a table written out by
hand, then each scope through the API — requesters their own rings, parties and
professionals what they are invited to, community workers their communities', street staff
all, displays nothing but figures."""

from __future__ import annotations

from models.accounts import Role
from models.consultations import BellLogEntry, Consultation
from policies.rows import Scope, subject_name
from resolvers.consultations import rows
from resolvers.services import Services
from tests.consultations.support import ACCEPT, INVITE, bell_street, ok, ring
from tests.projects.support import call
from tests.support import Api, add_member, error_codes, gid

S, C, ME, NO = Scope.STREET, Scope.OWN_COMMUNITIES, Scope.SELF, Scope.NONE
COLUMNS = (Consultation, BellLogEntry)
# fmt: off
TABLE: dict[Role, tuple[Scope, ...]] = {
    #                         Consultation  BellLogEntry
    Role.RESIDENT:            (ME,          NO),
    Role.BUILDING_CHIEF:      (ME,          NO),
    Role.GRID_WORKER:         (C | ME,      ME),
    Role.GRID_CHIEF:          (C | ME,      ME),
    Role.COMMUNITY_STAFF:     (C | ME,      S),
    Role.STREET_REVIEWER:     (S,           S),
    Role.STREET_DEPARTMENT:   (ME,          NO),
    Role.STREET_LEADER:       (S,           S),
    Role.STREET_ADMIN:        (S,           S),
    Role.DISTRICT_DEPARTMENT: (NO,          NO),
    Role.DISTRICT_ADMIN:      (S,           S),
    Role.REPRESENTATIVE:      (NO,          NO),
    Role.DELIBERATOR:         (NO,          NO),
    Role.CONGRESS_STAFF:      (NO,          NO),
    Role.PROFESSIONAL:        (ME,          NO),
    Role.DISPLAY:             (NO,          NO),
    Role.PLATFORM_ADMIN:      (NO,          NO),
}
# fmt: on
LIST = "{ consultations(first: 100) { edges { node { id } } } }"


def test_the_declarations_match_the_table() -> None:
    assert set(TABLE) == set(Role)
    expected = {
        (subject_name(subject), role.value): scopes[n]
        for role, scopes in TABLE.items()
        for n, subject in enumerate(COLUMNS)
    }
    assert rows.RULES.table() == expected


async def listed(api: Api, user: object) -> set[str]:
    body = await call(api, user, LIST, {})  # type: ignore[arg-type]
    assert "errors" not in body, body
    return {e["node"]["id"] for e in body["data"]["consultations"]["edges"]}


async def test_each_scope_through_the_api(api: Api, services: Services) -> None:
    bs = await bell_street(services, "rows")
    mine = (await ring(api, bs))["id"]  # the resident's, in the compound
    theirs = (
        await ring(
            api,
            bs,
            bs.outsider,
            compoundId=None,
            communityId=gid("Community", bs.street.community_id),
        )
    )["id"]
    invited = (await ring(api, bs, bs.department))["id"]  # a street body's ring
    await ok(api, bs.staff, ACCEPT, id=invited)
    parties = [
        {"kind": "PROFESSIONAL", "name": "王律师", "accountId": gid("Account", bs.professional.id)}
    ]
    await ok(api, bs.staff, INVITE, id=invited, parties=parties)
    everything = {mine, theirs, invited}

    assert await listed(api, bs.resident) == {mine}
    assert await listed(api, bs.outsider) == {theirs}
    assert await listed(api, bs.department) == {invited}  # their own ring
    assert await listed(api, bs.professional) == {invited}  # invited to it only
    assert await listed(api, bs.chief) == set()  # not invited, rang nothing
    for staff in (bs.staff, bs.worker, bs.grid_chief, bs.reviewer, bs.leader):
        assert await listed(api, staff) == everything, staff.username
    # Community staff of another community see none of this one's.
    other = await add_member(services, bs.sid, Role.COMMUNITY_STAFF)
    assert await listed(api, other) == set()
    # A professional reading a consultation it is not invited to: NOT_FOUND.
    body = await call(
        api, bs.professional, "query($id: ID!) { consultation(id: $id) { id } }", {"id": mine}
    )
    assert error_codes(body) == ["NOT_FOUND"]
    # A display sees figures only.
    body = await call(api, bs.display, LIST, {})
    assert error_codes(body) == ["FORBIDDEN"]
    body = await call(api, bs.display, "{ consultationFigures { rings } }", {})
    assert body["data"]["consultationFigures"]["rings"] == 3
