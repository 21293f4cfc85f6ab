"""Who sees which suggestions (行级规则): the declarations against a table written out by
hand, then each scope through the API — writers their own, representatives those addressed
to them, a department those forwarded to it, congress staff and leaders the street's."""

from __future__ import annotations

from models.accounts import Role
from models.station import Suggestion
from policies.rows import Scope, subject_name
from resolvers.services import Services
from resolvers.station import rows
from tests.projects.support import call
from tests.station.support import FORWARD, mutate, station_street, write
from tests.support import Api, gid

S, ME, NO = Scope.STREET, Scope.SELF, Scope.NONE
COLUMNS = (Suggestion,)
# fmt: off
TABLE: dict[Role, tuple[Scope, ...]] = {
    #                         Suggestion
    Role.RESIDENT:            (ME,),
    Role.BUILDING_CHIEF:      (ME,),
    Role.GRID_WORKER:         (NO,),
    Role.GRID_CHIEF:          (NO,),
    Role.COMMUNITY_STAFF:     (NO,),
    Role.STREET_REVIEWER:     (NO,),
    Role.STREET_DEPARTMENT:   (ME,),
    Role.STREET_LEADER:       (S,),
    Role.STREET_ADMIN:        (NO,),
    Role.DISTRICT_DEPARTMENT: (NO,),
    Role.DISTRICT_ADMIN:      (NO,),
    Role.REPRESENTATIVE:      (ME,),
    Role.DELIBERATOR:         (ME,),
    Role.CONGRESS_STAFF:      (S,),
    Role.PROFESSIONAL:        (NO,),
    Role.DISPLAY:             (NO,),
    Role.PLATFORM_ADMIN:      (NO,),
}
# fmt: on
LIST = "{ suggestions(first: 100) { edges { node { id } } } }"


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
    return {e["node"]["id"] for e in body["data"]["suggestions"]["edges"]}


async def test_each_scope_through_the_api(api: Api, services: Services) -> None:
    ss = await station_street(services, "station-rows")
    mine = (await write(api, ss))["id"]
    theirs = (await write(api, ss, ss.neighbour))["id"]
    await mutate(
        api,
        ss.representative,
        FORWARD,
        {"id": theirs, "department": gid("Department", ss.department_id)},
        "forwardSuggestion",
    )
    assert await listed(api, ss.resident) == {mine}
    assert await listed(api, ss.neighbour) == {theirs}
    assert await listed(api, ss.representative) == {mine, theirs}
    assert await listed(api, ss.other_representative) == set()
    assert await listed(api, ss.deliberator) == set()
    assert await listed(api, ss.department) == {theirs}
    assert await listed(api, ss.congress) == {mine, theirs}
    assert await listed(api, ss.leader) == {mine, theirs}
