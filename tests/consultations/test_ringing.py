"""Ringing and acceptance: a non-consultation ring becomes a linked case in the cases domain;
a social worker rings for an elderly resident; a community centre's terminal may only ring;
bad input is refused with a typed error and changes nothing."""

from __future__ import annotations

from models.cases import Case, CaseSource
from models.scoping import unscoped
from resolvers.services import Services
from tests.consultations.support import (
    ACCEPT,
    DECLINE,
    RING,
    act,
    bell_street,
    pk,
    ring,
    ring_input,
    written,
)
from tests.people.support import add_resident
from tests.projects.support import call
from tests.support import Api, error_codes, gid

CASE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def test_a_non_consultation_ring_becomes_a_linked_case(api: Api, services: Services) -> None:
    bs = await bell_street(services, "route")
    c = await ring(api, bs, title="小区门口道路破损", category="城市管理")
    routed = await act(api, bs.staff, ACCEPT, id=c["id"], office="chengguan", note="属城管职责")
    routed = routed["consultation"]
    assert (routed["step"], routed["classification"], routed["office"]) == (
        "ROUTED",
        "NON_CONSULTATION",
        "chengguan",
    )
    assert routed["caseId"] is not None
    with unscoped("test: the linked case"):
        case = await Case.get(id=pk(routed["caseId"]))
    assert (case.tenant_id, case.title, case.source) == (
        bs.sid,
        "小区门口道路破损",
        CaseSource.CONSULTATION_BELL,
    )
    assert case.reporter_id == bs.resident.id and case.entered_by_id == bs.staff.id
    assert "城市管理办公室" in case.description
    assert [t["step"] for t in routed["timeline"]] == ["SUBMITTED", "ROUTED"]
    # The routed ring goes no further.
    again = await act(api, bs.staff, ACCEPT, id=c["id"])
    assert again["code"] == "STEP_OUT_OF_ORDER"
    # An unknown office is refused, and neither a case nor anything else is written.
    other = await ring(api, bs)
    before = await written(bs.sid)
    with unscoped("test: cases"):
        cases = await Case.filter(tenant_id=bs.sid).count()
    refused = await act(api, bs.staff, ACCEPT, id=other["id"], office="nowhere")
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "office")
    assert await written(bs.sid) == before
    with unscoped("test: cases"):
        assert await Case.filter(tenant_id=bs.sid).count() == cases


async def test_a_social_worker_rings_for_an_elderly_resident(api: Api, services: Services) -> None:
    bs = await bell_street(services, "behalf")
    elderly = await add_resident(services, bs.sid, bs.street.grid_id, "张奶奶", phone="13900001111")
    body = await call(
        api, bs.worker, RING, {"input": ring_input(bs, onBehalfOf=gid("Resident", elderly.id))}
    )
    c = body["data"]["ringBell"]["consultation"]
    assert (c["channel"], c["requesterKind"]) == ("ON_BEHALF", "RESIDENT")
    assert c["enteredBy"]["id"] == gid("Account", bs.worker.id) and c["requester"] is None
    # The worker sees it (entered it); a resident cannot ring for someone else.
    before = await written(bs.sid)
    body = await call(
        api, bs.resident, RING, {"input": ring_input(bs, onBehalfOf=gid("Resident", elderly.id))}
    )
    assert body["data"]["ringBell"]["code"] == "FORBIDDEN"
    assert await written(bs.sid) == before


TERMINAL = """
mutation($c: ID!) {
  registerBellTerminal(communityId: $c, name: "湖墅社区服务中心") {
    __typename ... on BellTerminalRegistered { key } ... on UserError { code }
  }
}
"""
AT_TERMINAL = """
mutation($key: String!, $input: RingInput!) {
  ringAtTerminal(terminalKey: $key, input: $input) {
    __typename
    ... on Rung { consultation { id channel requester { id } } }
    ... on UserError { code field }
  }
}
"""


async def test_a_terminal_only_rings(api: Api, services: Services) -> None:
    bs = await bell_street(services, "term")
    body = await call(api, bs.staff, TERMINAL, {"c": gid("Community", bs.street.community_id)})
    key = body["data"]["registerBellTerminal"]["key"]
    rung = await api.gql(
        AT_TERMINAL, {"key": key, "input": ring_input(bs, contactPhone="13712345678")}
    )
    assert "errors" not in rung, rung
    c = rung["data"]["ringAtTerminal"]["consultation"]
    assert c["channel"] == "TERMINAL" and c["requester"] is None
    listed = await call(api, bs.staff, "{ consultations { edges { node { id } } } }", {})
    assert c["id"] in str(listed)
    before = await written(bs.sid)
    # No contact number, or a wrong key: refused, nothing written.
    missing = await api.gql(AT_TERMINAL, {"key": key, "input": ring_input(bs)})
    assert missing["data"]["ringAtTerminal"]["field"] == "contactPhone"
    wrong = await api.gql(
        AT_TERMINAL, {"key": "bt_forged", "input": ring_input(bs, contactPhone="13712345678")}
    )
    assert error_codes(wrong) == ["UNAUTHENTICATED"]
    assert await written(bs.sid) == before


async def test_bad_rings_are_refused_and_change_nothing(api: Api, services: Services) -> None:
    bs = await bell_street(services, "bad")
    before = await written(bs.sid)
    cases = [
        ({"title": " "}, "BAD_USER_INPUT", "title"),
        ({"title": "长" * 201}, "BAD_USER_INPUT", "title"),
        ({"description": ""}, "BAD_USER_INPUT", "description"),
        ({"description": "长" * 5001}, "BAD_USER_INPUT", "description"),
        ({"category": "不存在的分类"}, "BAD_USER_INPUT", "category"),
        ({"contactPhone": "12345"}, "BAD_USER_INPUT", "contactPhone"),
        ({"compoundId": None}, "BAD_USER_INPUT", "communityId"),
        ({"photos": ["p.jpg"] * 10}, "BAD_USER_INPUT", "photos"),
    ]
    for change, code, field in cases:
        body = await call(api, bs.resident, RING, {"input": ring_input(bs, **change)})
        found = body["data"]["ringBell"]
        assert (found["code"], found["field"]) == (code, field), change
    assert await written(bs.sid) == before
    c = await ring(api, bs)
    for reason in ("", "长" * 2001):
        found = await act(api, bs.staff, DECLINE, id=c["id"], reason=reason)
        assert (found["code"], found["field"]) == ("BAD_USER_INPUT", "reason")
    declined = await act(api, bs.staff, DECLINE, id=c["id"], reason="不属于协商范围")
    assert declined["consultation"]["step"] == "NOT_ACCEPTED"
