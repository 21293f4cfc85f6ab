"""No bell data of another street, ever: every bell query and mutation that takes an ID gets
NOT_FOUND (a GraphQL error for a query, the payload's InputError for a mutation) for street
B's IDs, called in street A by B's own staff who hold the same roles in A, and neither
street changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from models.accounts import Role
from models.consultations import ConsultationMeeting, LibraryCase
from models.scoping import unscoped
from resolvers.consultations import meetings
from resolvers.services import Services
from tests.consultations.support import (
    BellStreet,
    advance,
    bell_street,
    pk,
    ring,
    written,
)
from tests.projects.support import call
from tests.support import Api, error_codes, gid, grant_membership


@dataclass(frozen=True)
class World:
    a: BellStreet
    b: BellStreet
    b_submitted: str
    b_met: dict  # at MET: its invitations and meeting
    b_confirmed: dict
    b_case: str  # a DRAFT library case of B
    b_token: str  # a check-in link of B's confirmed meeting
    a_submitted: str


async def _world(api: Api, services: Services) -> World:
    a = await bell_street(services, "iso-bell-a")
    b = await bell_street(services, "iso-bell-b")
    b_submitted = (await ring(api, b))["id"]
    b_met = await advance(api, services, b, (await ring(api, b))["id"], "MET")
    b_confirmed = await advance(api, services, b, (await ring(api, b))["id"], "CONFIRMED")
    solved = await advance(api, services, b, (await ring(api, b))["id"], "ANNOUNCED")
    body = await call(
        api,
        b.staff,
        "mutation($c: ID!) { prepareLibraryCase(consultationId: $c, input: "
        '{title: "电梯维修", summary: "电梯故障", outcome: "协商维修"}) '
        "{ __typename ... on LibraryCaseSuccess { case { id } } } }",
        {"c": solved["id"]},
    )
    b_case = body["data"]["prepareLibraryCase"]["case"]["id"]
    with unscoped("test: a check-in link of B"):
        meeting = await ConsultationMeeting.get(consultation_id=pk(b_confirmed["id"]))
        from models.consultations import Invitation

        invitation = await Invitation.filter(consultation_id=meeting.consultation_id).first()
        assert invitation is not None
        token = meetings.check_in_token(services, meeting, invitation)
    a_submitted = (await ring(api, a))["id"]
    for user, role in ((b.staff, Role.COMMUNITY_STAFF), (b.reviewer, Role.STREET_REVIEWER)):
        await grant_membership(services, user, a.sid, role)
    for user, role in ((b.professional, Role.PROFESSIONAL), (b.worker, Role.GRID_WORKER)):
        await grant_membership(services, user, a.sid, role)
    await grant_membership(services, b.resident, a.sid, Role.RESIDENT)
    return World(a, b, b_submitted, b_met, b_confirmed, b_case, token, a_submitted)


_WORLD: dict[str, World] = {}


async def the_world(api: Api, services: Services) -> World:
    if "w" not in _WORLD:
        _WORLD["w"] = await _world(api, services)
    return _WORLD["w"]


P = "{ __typename ... on UserError { code field } }"
MUTATIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (name, who, document, variables with B_* placeholders)
    (
        "acceptConsultation",
        "staff",
        "mutation($id: ID!) { acceptConsultation(id: $id) %s }",
        {"id": "B_SUBMITTED"},
    ),
    (
        "declineConsultation",
        "staff",
        'mutation($id: ID!) { declineConsultation(id: $id, reason: "x") %s }',
        {"id": "B_SUBMITTED"},
    ),
    (
        "inviteParties",
        "staff",
        "mutation($id: ID!, $p: [PartyInput!]!) { inviteParties(id: $id, parties: $p) %s }",
        {
            "id": "B_SUBMITTED",
            "p": [{"kind": "PROFESSIONAL", "name": "律师", "accountId": "A_ACCOUNT"}],
        },
    ),
    (
        "inviteParties",
        "staff",
        "mutation($id: ID!, $p: [PartyInput!]!) { inviteParties(id: $id, parties: $p) %s }",
        {
            "id": "A_ACCEPTED",
            "p": [{"kind": "PROFESSIONAL", "name": "律师", "accountId": "B_ACCOUNT"}],
        },
    ),
    (
        "scheduleMeeting",
        "staff",
        "mutation($id: ID!) { scheduleMeeting(id: $id, input: "
        '{startsAt: "2030-01-01T09:00:00+08:00", endsAt: "2030-01-01T10:00:00+08:00", '
        'place: "x"}) %s }',
        {"id": "B_SUBMITTED"},
    ),
    (
        "coordinateConsultation",
        "staff",
        'mutation($id: ID!) { coordinateConsultation(id: $id, agenda: "x") %s }',
        {"id": "B_MET"},
    ),
    (
        "confirmAttendance",
        "staff",
        "mutation($id: ID!) { confirmAttendance(id: $id) %s }",
        {"id": "B_MET"},
    ),
    (
        "recordMinutes",
        "staff",
        'mutation($id: ID!) { recordMinutes(id: $id, minutes: "x", decisions: [{text: "x"}]) %s }',
        {"id": "B_CONFIRMED"},
    ),
    (
        "reviewOutcome",
        "staff",
        'mutation($id: ID!) { reviewOutcome(id: $id, outcome: "x") %s }',
        {"id": "B_MET"},
    ),
    (
        "announceOutcome",
        "staff",
        'mutation($id: ID!) { announceOutcome(id: $id, text: "x") %s }',
        {"id": "B_MET"},
    ),
    (
        "evaluateOutcome",
        "resident",
        "mutation($id: ID!) { evaluateOutcome(id: $id, rating: 5) %s }",
        {"id": "B_MET"},
    ),
    (
        "answerInvitation",
        "professional",
        "mutation($id: ID!) { answerInvitation(id: $id, accept: true) %s }",
        {"id": "B_MET"},
    ),
    (
        "givePosition",
        "professional",
        'mutation($id: ID!) { givePosition(id: $id, position: "x") %s }',
        {"id": "B_MET"},
    ),
    (
        "setAttendance",
        "professional",
        "mutation($id: ID!) { setAttendance(id: $id, attending: true) %s }",
        {"id": "B_MET"},
    ),
    (
        "giveVerdict",
        "professional",
        "mutation($id: ID!) { giveVerdict(id: $id, verdict: SIGNED) %s }",
        {"id": "B_MET"},
    ),
    (
        "checkInAttendee",
        "staff",
        "mutation($m: ID!, $t: String!) { checkInAttendee(meetingId: $m, token: $t) %s }",
        {"m": "B_MEETING", "t": "B_TOKEN"},
    ),
    (
        "prepareLibraryCase",
        "staff",
        "mutation($c: ID!) { prepareLibraryCase(consultationId: $c, "
        'input: {title: "x", summary: "x", outcome: "x"}) %s }',
        {"c": "B_MET"},
    ),
    (
        "publishLibraryCase",
        "reviewer",
        "mutation($id: ID!) { publishLibraryCase(id: $id) %s }",
        {"id": "B_CASE"},
    ),
    (
        "logBellWork",
        "worker",
        'mutation($c: ID!) { logBellWork(activity: VISIT, note: "x", consultationId: $c) %s }',
        {"c": "B_MET"},
    ),
    (
        "logBellWork",
        "worker",
        'mutation($c: ID!) { logBellWork(activity: VISIT, note: "x", communityId: $c) %s }',
        {"c": "B_COMMUNITY"},
    ),
    (
        "registerBellTerminal",
        "staff",
        'mutation($c: ID!) { registerBellTerminal(communityId: $c, name: "x") %s }',
        {"c": "B_COMMUNITY"},
    ),
    (
        "ringBell",
        "resident",
        "mutation($c: ID!) { ringBell(input: "
        '{title: "x", description: "x", category: "物业管理", compoundId: $c}) %s }',
        {"c": "B_COMPOUND"},
    ),
    (
        "ringBell",
        "resident",
        "mutation($c: ID!) { ringBell(input: "
        '{title: "x", description: "x", category: "物业管理", communityId: $c}) %s }',
        {"c": "B_COMMUNITY"},
    ),
]
READS = [
    ("query($id: ID!) { consultation(id: $id) { title } }", "B_MET"),
    ("query($id: ID!) { node(id: $id) { id } }", "B_MET"),
]


def ids(w: World) -> dict[str, str]:
    return {
        "B_SUBMITTED": w.b_submitted,
        "B_MET": w.b_met["id"],
        "B_CONFIRMED": w.b_confirmed["id"],
        "B_MEETING": w.b_confirmed["meeting"]["id"],
        "B_TOKEN": w.b_token,
        "B_CASE": w.b_case,
        "B_ACCOUNT": gid("Account", w.b.outsider.id),
        "B_COMMUNITY": gid("Community", w.b.street.community_id),
        "B_COMPOUND": gid("Compound", w.b.compound_id),
        "A_SUBMITTED": w.a_submitted,
        "A_ACCOUNT": gid("Account", w.a.outsider.id),
    }


def fill(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, table) for v in value]
    return table.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize(
    ("name", "who", "document", "variables"),
    MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)],
)
async def test_a_mutation_with_another_streets_id_is_refused_and_changes_nothing(
    api: Api, services: Services, name: str, who: str, document: str, variables: dict
) -> None:
    w = await the_world(api, services)
    table = ids(w)
    if "A_ACCEPTED" in str(variables):
        accepted = await ring(api, w.a)
        body = await call(
            api,
            w.a.staff,
            "mutation($id: ID!) { acceptConsultation(id: $id) { __typename } }",
            {"id": accepted["id"]},
        )
        assert body["data"]["acceptConsultation"]["__typename"] == "ConsultationSuccess"
        table["A_ACCEPTED"] = accepted["id"]
    caller = getattr(w.b, who)
    before = (await written(w.a.sid), await written(w.b.sid))
    body = await call(api, caller, document % P, fill(variables, table), tenant=w.a.street.code)
    assert "errors" not in body, body
    found = body["data"][name]
    assert (found["__typename"], found["code"]) == ("InputError", "NOT_FOUND"), (name, found)
    assert (await written(w.a.sid), await written(w.b.sid)) == before
    assert w.b.street.code not in str(body)


@pytest.mark.parametrize(("query", "which"), READS)
async def test_a_query_with_another_streets_id_is_not_found(
    api: Api, services: Services, query: str, which: str
) -> None:
    w = await the_world(api, services)
    variables = {"id": ids(w)[which]}
    own = await call(api, w.b.staff, query, variables, tenant=w.b.street.code)
    assert "errors" not in own and (own["data"].get("consultation") or own["data"].get("node")), own
    body = await call(api, w.b.staff, query, variables, tenant=w.a.street.code)
    assert body["data"] is None and error_codes(body) == ["NOT_FOUND"], body
    assert "电梯" not in str(body)


async def test_lists_and_searches_hold_only_the_own_streets(api: Api, services: Services) -> None:
    w = await the_world(api, services)
    listed = await call(
        api,
        w.b.reviewer,
        "{ consultations(first: 100) { edges { node { id } } } }",
        {},
        tenant=w.a.street.code,
    )
    found = {e["node"]["id"] for e in listed["data"]["consultations"]["edges"]}
    assert w.a_submitted in found and w.b_submitted not in found
    with unscoped("test: B's library"):
        assert await LibraryCase.filter(tenant_id=w.b.sid).exists()
    similar = await call(
        api,
        w.b.reviewer,
        '{ similarCases(text: "电梯维修") { case { id } } }',
        {},
        tenant=w.a.street.code,
    )
    assert w.b_case not in str(similar)
    drafts = await call(
        api,
        w.b.reviewer,
        "{ libraryCases(status: DRAFT) { edges { node { id } } } }",
        {},
        tenant=w.a.street.code,
    )
    assert w.b_case not in str(drafts)
