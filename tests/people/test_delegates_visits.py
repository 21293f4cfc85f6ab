"""Representatives and deliberators with QR codes, and visit logs (走访日志)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from models.accounts import Role
from models.outreach import ContactCode, Delegate
from models.people import VisitLog
from resolvers.services import Services
from tests.people.support import add_resident, count, gid, people_street
from tests.support import Api, add_member

CREATE = """
mutation C($input: CreateDelegateInput!) { createDelegate(input: $input) {
  __typename ... on DelegateSuccess { delegate { id name level } }
  ... on UserError { code field } } }
"""
ISSUE = """
mutation I($id: ID!) { issueContactCode(input: {delegateId: $id}) {
  ... on ContactCodeSuccess { contactCode { id token deepLink svg pngBase64 } }
  ... on UserError { code } } }
"""
REVOKE = """
mutation R($id: ID!) { revokeContactCode(input: {codeId: $id}) {
  ... on ContactCodeSuccess { contactCode { revokedAt } } ... on UserError { code } } }
"""
CARD = """
query C($t: String!) { contactCard(token: $t) { __typename
  ... on PublicCard { name level liaisonStation streetName communities }
  ... on UserError { code field message } } }
"""
FIND = "{ findMyRepresentatives { name kind communities } }"
RECORD = """
mutation V($input: RecordVisitInput!) { recordVisit(input: $input) {
  __typename ... on UserError { code field } } }
"""
COUNTS = (
    "query C($m: String!) { visitCounts(month: $m) { account { username } visits target met } }"
)


async def test_representative_qr_code_public_card_and_revocation(
    api: Api, services: Services
) -> None:
    s = await people_street(api, services)
    congress = await api.login((await add_member(services, s.id, Role.CONGRESS_STAFF)).username)
    missing_level = await api.gql(
        CREATE, {"input": {"kind": "REPRESENTATIVE", "name": "周代表"}}, token=congress
    )
    assert missing_level["data"]["createDelegate"]["code"] == "BAD_USER_INPUT"
    created = await api.gql(
        CREATE,
        {
            "input": {
                "kind": "REPRESENTATIVE",
                "name": "周代表",
                "level": "DISTRICT",
                "liaisonStation": "五里墩人大代表联络站",
                "communityIds": [gid("Community", s.street.community_id)],
            }
        },
        token=congress,
    )
    delegate = created["data"]["createDelegate"]["delegate"]
    issued = await api.gql(ISSUE, {"id": delegate["id"]}, token=congress)
    assert issued.get("data"), issued
    code = issued["data"]["issueContactCode"]["contactCode"]
    assert code["deepLink"].endswith("/contact/" + code["token"]) and len(code["token"]) >= 24
    assert code["svg"].lstrip().startswith("<svg")
    assert base64.b64decode(code["pngBase64"])[:8] == b"\x89PNG\r\n\x1a\n"

    card = (await api.gql(CARD, {"t": code["token"]}))["data"]["contactCard"]  # no sign-in
    assert card == {
        "__typename": "PublicCard",
        "name": "周代表",
        "level": "DISTRICT",
        "liaisonStation": "五里墩人大代表联络站",
        "streetName": f"测试街道 {s.code}",
        "communities": ["测试社区"],
    }
    person = await add_member(services, s.id, Role.RESIDENT)
    await add_resident(services, s.id, s.grid1, "找代表的居民", user=person)
    found = await api.gql(FIND, token=await api.login(person.username))
    assert found["data"]["findMyRepresentatives"] == [
        {"name": "周代表", "kind": "REPRESENTATIVE", "communities": ["测试社区"]}
    ]

    await api.gql(REVOKE, {"id": code["id"]}, token=congress)
    revoked = (await api.gql(CARD, {"t": code["token"]}, lang="en"))["data"]["contactCard"]
    assert (revoked["__typename"], revoked["code"]) == ("InputError", "REVOKED")
    assert revoked["message"] == "This QR code has been revoked."
    unknown = (await api.gql(CARD, {"t": "nope"}))["data"]["contactCard"]
    assert unknown["code"] == "NOT_FOUND"
    assert await count(ContactCode, s.id) == 1 and await count(Delegate, s.id) == 1


async def test_demo_representative_has_a_working_qr_code(api: Api) -> None:
    card = (await api.gql(CARD, {"t": "demo-wulidun-representative"}))["data"]["contactCard"]
    assert card["name"] == "周代表" and card["streetName"] == "五里墩街道"


async def test_visits_counted_per_worker_per_month_against_the_target(
    api: Api, services: Services, clock
) -> None:  # type: ignore[no-untyped-def]
    s = await people_street(api, services)
    mine = await add_resident(services, s.id, s.grid1, "走访对象")
    other = await add_resident(services, s.id, s.grid2, "别格居民")
    worker = await api.login(s.worker.username)
    month = clock.now().strftime("%Y-%m")
    for _ in range(3):
        body = await api.gql(
            RECORD,
            {"input": {"residentId": gid("Resident", mine.id), "findings": "独居，身体尚可"}},
            token=worker,
        )
        assert body["data"]["recordVisit"]["__typename"] == "RecordVisitSuccess"
    outside = await api.gql(
        RECORD,
        {"input": {"residentId": gid("Resident", other.id), "findings": "x"}},
        token=worker,
    )
    assert outside["data"]["recordVisit"]["code"] == "NOT_FOUND"
    empty = await api.gql(
        RECORD, {"input": {"residentId": gid("Resident", mine.id), "findings": " "}}, token=worker
    )
    assert empty["data"]["recordVisit"]["field"] == "findings"
    assert await count(VisitLog, s.id) == 3

    own = (await api.gql(COUNTS, {"m": month}, token=worker))["data"]["visitCounts"]
    assert own == [
        {"account": {"username": s.worker.username}, "visits": 3, "target": 30, "met": False}
    ]
    await api.gql(
        "mutation { setVisitTarget(input: {monthlyTarget: 3}) { __typename } }", token=s.admin
    )
    everyone = (await api.gql(COUNTS, {"m": month}, token=s.admin))["data"]["visitCounts"]
    by_user = {row["account"]["username"]: row for row in everyone}
    assert by_user[s.worker.username]["met"] is True and by_user[s.chief.username]["visits"] == 0
    previous = datetime(2001, 1, 1, tzinfo=UTC).strftime("%Y-%m")
    old = (await api.gql(COUNTS, {"m": previous}, token=s.admin))["data"]["visitCounts"]
    assert all(row["visits"] == 0 for row in old)
