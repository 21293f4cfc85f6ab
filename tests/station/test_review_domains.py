"""Other domains' content through the station's review queue (审核, resolvers/publishing.py):
projects' progress posts and supervision opinions, the bell's case-library entries. Matching
the street's watch list (or of a kind the street always reviews), each waits in the same queue
with its kind, is seen by no reader but its author (and the project's managers) until a
reviewer approves it, and its author is told of the decision."""

from __future__ import annotations

from typing import Any

from models.accounts import Role, User
from models.events import Notification
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.consultations.support import bell_street, written
from tests.projects.support import ProjectStreet, call, data, project_street, running_project
from tests.station.support import ADD_WATCH, DECIDE
from tests.support import Api, add_member, error_codes, gid

POST_UPDATE = """
mutation($p: ID!, $body: String!) { postProgressUpdate(input: {projectId: $p, body: $body}) {
  __typename ... on ProgressUpdateSuccess { update { id body publication } }
  ... on UserError { code field message } } }
"""
POST_OPINION = """
mutation($p: ID!, $body: String!) {
  postSupervisionOpinion(input: {projectId: $p, body: $body}) {
  __typename ... on OpinionSuccess { opinion { id body publication } }
  ... on UserError { code field message } } }
"""
REPLY = """
mutation($o: ID!) { replyToOpinion(input: {opinionId: $o, body: "已整改"}) {
  __typename ... on UserError { code field message } } }
"""
PROJECT_POSTS = """
query($p: ID!) { node(id: $p) { ... on Project {
  updates(first: 20) { totalCount edges { node { id body publication } } }
  opinions(first: 20) { totalCount edges { node { id body publication } } }
} } }
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
KIND_QUEUE = """
query($kind: ReviewContentKind) { reviewQueue(kind: $kind, first: 20) { edges { node {
  id kind kindLabel subjectId text status matched author { id }
} } } }
"""
SETTINGS = """
mutation($kinds: [ReviewContentKind!]) { updateStationSettings(alwaysReview: $kinds) {
  __typename ... on StationSetup { alwaysReview } ... on UserError { code field message } } }
"""


async def watch(api: Api, reviewer: User, phrase: str) -> None:
    added = data(await call(api, reviewer, ADD_WATCH, {"phrase": phrase}), "addWatchEntry")
    assert added["__typename"] == "WatchEntrySuccess", added


async def queue(api: Api, reviewer: User, kind: str) -> list[dict[str, Any]]:
    body = await call(api, reviewer, KIND_QUEUE, {"kind": kind})
    return [e["node"] for e in data(body, "reviewQueue")["edges"]]


async def decide(api: Api, reviewer: User, item: str, **variables: Any) -> dict[str, Any]:
    return data(await call(api, reviewer, DECIDE, {"id": item, **variables}), "decideReview")


async def posts(api: Api, user: User, project: str) -> tuple[list[dict], list[dict]]:
    node = data(await call(api, user, PROJECT_POSTS, {"p": project}), "node")
    return (
        [e["node"] for e in node["updates"]["edges"]],
        [e["node"] for e in node["opinions"]["edges"]],
    )


async def told(user: User, street_id: int, kind: str) -> list[str]:
    with street_scope(street_id):
        rows = await Notification.filter(user_id=user.id, kind=kind).order_by("id")
        return [row.body for row in rows]


async def reviewed_project(services: Services, api: Api) -> tuple[ProjectStreet, User, str]:
    ps = await project_street(services, "rvp")
    reviewer = await add_member(services, ps.street.street_id, Role.STREET_REVIEWER)
    project = await running_project(api, ps, services)
    await watch(api, reviewer, "违规收费")
    return ps, reviewer, project


async def test_a_progress_post_matching_the_watch_list_waits_until_approved(
    api: Api, services: Services
) -> None:
    ps, reviewer, project = await reviewed_project(services, api)
    sid = ps.street.street_id
    clean = data(
        await call(api, ps.department, POST_UPDATE, {"p": project, "body": "基础施工完成"}),
        "postProgressUpdate",
    )["update"]
    assert clean["publication"] == "PUBLISHED"
    held = data(
        await call(api, ps.department, POST_UPDATE, {"p": project, "body": "施工队違規 收費"}),
        "postProgressUpdate",
    )["update"]
    assert held["publication"] == "IN_REVIEW"

    # A resident (and a display) sees the clean post only; its author and the project's
    # managers see both.
    for reader in (ps.resident, ps.representative):
        updates, _ = await posts(api, reader, project)
        assert [u["body"] for u in updates] == ["基础施工完成"]
    for insider in (ps.department, ps.leader):
        updates, _ = await posts(api, insider, project)
        assert [u["publication"] for u in updates] == ["IN_REVIEW", "PUBLISHED"]

    # It waits in the same queue as the station's own content, with its kind.
    [item] = await queue(api, reviewer, "PROGRESS_POST")
    assert (item["kind"], item["status"], item["matched"]) == (
        "PROGRESS_POST",
        "PENDING",
        ["违规收费"],
    )
    assert item["kindLabel"].startswith("项目进展")
    author = gid("Account", ps.department.id)
    assert (item["subjectId"], item["author"]["id"]) == (held["id"], author)
    assert await told(reviewer, sid, "review.alert")

    # Approved as edited: every reader now sees the edited text; the author is told.
    approved = await decide(api, reviewer, item["id"], approve=True, text="施工队收费问题已整改")
    assert approved["item"]["status"] == "APPROVED", approved
    updates, _ = await posts(api, ps.resident, project)
    assert [u["body"] for u in updates] == ["施工队收费问题已整改", "基础施工完成"]
    assert len(await told(ps.department, sid, "review.approved")) == 1
    again = await decide(api, reviewer, item["id"], approve=True)
    assert again["code"] == "REVIEW_DECIDED"


async def test_a_supervision_opinion_rejected_is_never_public(api: Api, services: Services) -> None:
    ps, reviewer, project = await reviewed_project(services, api)
    sid = ps.street.street_id
    opinion = data(
        await call(api, ps.representative, POST_OPINION, {"p": project, "body": "存在违规收费"}),
        "postSupervisionOpinion",
    )["opinion"]
    assert opinion["publication"] == "IN_REVIEW"
    # Not answerable, not readable by another reader, by its ID included.
    refused = data(await call(api, ps.department, REPLY, {"o": opinion["id"]}), "replyToOpinion")
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "opinionId")
    unseen = await call(api, ps.resident, NODE, {"id": opinion["id"]})
    assert error_codes(unseen) == ["NOT_FOUND"]
    assert (await posts(api, ps.deliberator, project))[1] == []
    assert [o["id"] for o in (await posts(api, ps.representative, project))[1]] == [opinion["id"]]

    [item] = await queue(api, reviewer, "SUPERVISION_OPINION")
    before = await written(sid)
    no_reason = await decide(api, reviewer, item["id"], approve=False)
    assert (no_reason["code"], no_reason["field"]) == ("BAD_USER_INPUT", "reason")
    assert await written(sid) == before
    rejected = await decide(api, reviewer, item["id"], approve=False, reason="表述不实")
    assert rejected["item"]["status"] == "REJECTED"
    assert (await posts(api, ps.resident, project))[1] == []
    [own] = (await posts(api, ps.representative, project))[1]
    assert own["publication"] == "REJECTED"
    assert await told(ps.representative, sid, "review.rejected") == ["表述不实"]


async def test_a_street_that_always_reviews_a_kind_holds_clean_content_too(
    api: Api, services: Services
) -> None:
    ps, reviewer, project = await reviewed_project(services, api)
    congress = await add_member(services, ps.street.street_id, Role.CONGRESS_STAFF)
    saved = data(
        await call(api, congress, SETTINGS, {"kinds": ["SUPERVISION_OPINION"]}),
        "updateStationSettings",
    )
    assert saved["alwaysReview"] == ["SUPERVISION_OPINION"]
    unknown = await call(api, congress, SETTINGS, {"kinds": ["NO_SUCH_KIND"]})
    assert "errors" in unknown  # not a value of the enum: refused before the resolver
    opinion = data(
        await call(api, ps.representative, POST_OPINION, {"p": project, "body": "进度偏慢"}),
        "postSupervisionOpinion",
    )["opinion"]
    assert opinion["publication"] == "IN_REVIEW"
    update = data(
        await call(api, ps.department, POST_UPDATE, {"p": project, "body": "进度偏慢"}),
        "postProgressUpdate",
    )["update"]
    assert update["publication"] == "PUBLISHED"  # a kind the street does not always review
    [item] = await queue(api, reviewer, "SUPERVISION_OPINION")
    assert item["matched"] == []
    assert (await decide(api, reviewer, item["id"], approve=True))["item"]["status"] == "APPROVED"
    [public] = (await posts(api, ps.resident, project))[1]
    assert (public["id"], public["publication"]) == (opinion["id"], "PUBLISHED")


PREPARE = """
mutation($c: ID!, $i: LibraryCaseInput!) { prepareLibraryCase(consultationId: $c, input: $i) {
  __typename ... on LibraryCaseSuccess { case { id status } }
  ... on UserError { code field message } } }
"""
PUBLISH = """
mutation($id: ID!, $i: LibraryCaseInput) { publishLibraryCase(id: $id, input: $i) {
  __typename ... on LibraryCaseSuccess { case { id status } }
  ... on UserError { code field message } } }
"""
LIBRARY = """
query($s: LibraryCaseStatus!) { libraryCases(status: $s, first: 20) { edges { node { id } } } }
"""
SIMILAR = "query($t: String!) { similarCases(text: $t) { case { id } } }"


async def test_a_case_library_entry_waits_rejected_and_again_until_approved(
    api: Api, services: Services
) -> None:
    from tests.consultations.library_support import solved

    bs = await bell_street(services, "rvl")
    await watch(api, bs.reviewer, "强拆")
    cid = gid("Consultation", await solved(services, bs, "电梯维修", "物业管理"))
    text = {
        "title": "电梯维修",
        "summary": "3幢居民反映電梯故障，担心強拆。",
        "outcome": "物业维修电梯。",
    }
    case = data(await call(api, bs.staff, PREPARE, {"c": cid, "i": text}), "prepareLibraryCase")
    case_id = case["case"]["id"]
    held = data(await call(api, bs.reviewer, PUBLISH, {"id": case_id}), "publishLibraryCase")
    assert held["case"]["status"] == "IN_REVIEW"

    async def public() -> tuple[list[str], list[str]]:
        listed = data(await call(api, bs.resident, LIBRARY, {"s": "PUBLISHED"}), "libraryCases")
        found = data(await call(api, bs.resident, SIMILAR, {"t": "电梯故障维修"}), "similarCases")
        return [e["node"]["id"] for e in listed["edges"]], [c["case"]["id"] for c in found]

    assert await public() == ([], [])
    [item] = await queue(api, bs.reviewer, "LIBRARY_CASE")
    assert (item["subjectId"], item["author"]["id"]) == (case_id, gid("Account", bs.staff.id))
    assert "強拆" in item["text"] and item["matched"] == ["强拆"]

    # Its three parts are edited by its publisher, not in the queue.
    edited = await decide(api, bs.reviewer, item["id"], approve=True, text="电梯维修")
    assert (edited["code"], edited["field"]) == ("BAD_USER_INPUT", "text")
    rejected = await decide(api, bs.reviewer, item["id"], approve=False, reason="去掉无关内容")
    assert rejected["item"]["status"] == "REJECTED"
    assert await told(bs.staff, bs.sid, "review.rejected") == ["去掉无关内容"]
    draft = data(await call(api, bs.reviewer, LIBRARY, {"s": "DRAFT"}), "libraryCases")
    assert [e["node"]["id"] for e in draft["edges"]] == [case_id]
    assert await public() == ([], [])

    # Published again (still matching): it waits again, in the same queue item.
    again = data(await call(api, bs.reviewer, PUBLISH, {"id": case_id}), "publishLibraryCase")
    assert again["case"]["status"] == "IN_REVIEW"
    [item_again] = await queue(api, bs.reviewer, "LIBRARY_CASE")
    assert (item_again["id"], item_again["status"]) == (item["id"], "PENDING")
    approved = await decide(api, bs.reviewer, item["id"], approve=True)
    assert approved["item"]["status"] == "APPROVED"
    assert await public() == ([case_id], [case_id])
    assert len(await told(bs.staff, bs.sid, "review.approved")) == 1
