"""Key people and key matters (重点人、重点事预警): content by or about a person on the street's
key-people list, or about a matter on its key-matters list, waits in the review queue exactly
as content matching a watch-list word does, is nowhere public until a reviewer approves it,
and shows why it waits (the name masked). The lists are the street's own."""

from __future__ import annotations

import secrets

import pytest

from core.identity import mask_name
from models.audit import AuditEntry
from models.events import Notification
from models.people import Resident
from models.station import KeyMatter, KeyPerson
from resolvers.services import Services
from tenants.scoping import street_scope
from tests.cases.support import call as call_in
from tests.cases.support import case_street, run
from tests.participation.test_circles import CREATE, JOIN, POST, POSTS
from tests.projects.support import call, data
from tests.station.support import (
    ANSWER,
    BOARD,
    DECIDE,
    StationStreet,
    mutate,
    station_street,
    write,
)
from tests.station.test_review_domains import POST_UPDATE, posts, queue, reviewed_project
from tests.support import Api, User, gid

ERROR = "... on UserError { code field message }"
ADD_PERSON = f"""
mutation($person: ID!, $reason: String!) {{ addKeyPerson(personId: $person, reason: $reason) {{
  __typename ... on KeyPersonSuccess {{ keyPerson {{ id personId name reason addedBy {{ id }} }} }}
  {ERROR} }} }}
"""
REMOVE_PERSON = f"""
mutation($id: ID!) {{ removeKeyPerson(id: $id) {{
  __typename ... on KeyPersonRemoved {{ id }} {ERROR} }} }}
"""
MARK_MATTER = f"""
mutation($kind: DifficultMatterKind!, $subject: ID!, $note: String! = "") {{
  markKeyMatter(kind: $kind, subjectId: $subject, note: $note) {{
  __typename ... on KeyMatterSuccess {{ keyMatter {{ id kind subjectId title note }} }}
  {ERROR} }} }}
"""
REMOVE_MATTER = f"""
mutation($id: ID!) {{ removeKeyMatter(id: $id) {{
  __typename ... on KeyMatterRemoved {{ id }} {ERROR} }} }}
"""
PEOPLE = "query { keyPeople(first: 20) { totalCount edges { node { id personId name reason } } } }"
MATTERS = (
    "query { keyMatters(first: 20) { totalCount edges { node { id kind subjectId title } } } }"
)
ALERTS = """
query { reviewQueue(first: 20) { edges { node {
  id kind status text alerts { kind label keyPersonId keyMatterId subjectId }
} } } }
"""


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("李明", "李*"),
        ("欧阳娜娜", "欧***"),
        ("王", "*"),
        ("", ""),
        (" 赵六 ", "赵*"),
    ],
)
def test_a_name_is_masked_but_its_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


async def registered(services: Services, ss: StationStreet, user: User, name: str) -> str:
    """The resident of the register who holds ``user``'s account, as a global ID."""
    with street_scope(ss.sid):
        row = await Resident.create(
            name=name,
            id_hash=secrets.token_hex(32),
            id_masked="420105********1234",
            user=user,
        )
    return gid("Resident", row.id)


async def add_person(api: Api, who: User, person: str, reason: str = "多次信访") -> dict:
    return await mutate(api, who, ADD_PERSON, {"person": person, "reason": reason}, "addKeyPerson")


async def answered(api: Api, ss: StationStreet, summary: str) -> str:
    """A suggestion of the resident, answered by the representative with a public summary."""
    sid = (await write(api, ss))["id"]
    body = await mutate(
        api,
        ss.representative,
        ANSWER,
        {"id": sid, "answer": "已协调解决", "summary": summary},
        "answerSuggestion",
    )
    assert body["__typename"] == "SuggestionSuccess", body
    return sid


async def public_answers(api: Api, ss: StationStreet) -> list[str]:
    board = data(await api.gql(BOARD, {"token": ss.token}), "stationBoard")
    return sorted(a["summary"] for a in board["answers"])


async def waiting(api: Api, reviewer: User) -> list[dict]:
    return [e["node"] for e in data(await call(api, reviewer, ALERTS, {}), "reviewQueue")["edges"]]


async def test_content_about_a_key_person_waits_and_names_them_masked(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    person = await registered(services, ss, ss.resident, "张三丰")
    added = await add_person(api, ss.congress, person, "反映问题情绪激烈")
    assert added["__typename"] == "KeyPersonSuccess", added
    assert added["keyPerson"]["name"] == "张**"
    assert added["keyPerson"]["personId"] == person
    listed = data(await call(api, ss.leader, PEOPLE, {}), "keyPeople")
    assert [(n["node"]["name"], n["node"]["reason"]) for n in listed["edges"]] == [
        ("张**", "反映问题情绪激烈")
    ]

    # The representative's answer to the key person's suggestion is about them: it waits.
    await answered(api, ss, "小区路灯已修复")
    assert await public_answers(api, ss) == []
    [item] = await waiting(api, ss.reviewer)
    assert (item["kind"], item["status"]) == ("SUGGESTION_SUMMARY", "PENDING")
    assert item["alerts"] == [
        {
            "kind": "KEY_PERSON",
            "label": "张**",
            "keyPersonId": added["keyPerson"]["id"],
            "keyMatterId": None,
            "subjectId": None,
        }
    ]
    with street_scope(ss.sid):
        alerts = await Notification.filter(kind="review.alert")
    assert {n.user_id for n in alerts} == {ss.reviewer.id, ss.congress.id}
    assert all("张**" in n.body and "张三丰" not in n.body for n in alerts)
    # No one reads the whole name through the lists or the queue.
    for reader in (ss.congress, ss.reviewer, ss.leader):
        for query in (PEOPLE, ALERTS):
            assert "张三丰" not in str(await call(api, reader, query, {}))

    decided = await mutate(
        api, ss.reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview"
    )
    assert decided["item"]["status"] == "APPROVED"
    assert await public_answers(api, ss) == ["小区路灯已修复"]


async def test_content_by_a_key_person_waits_and_removing_them_lets_the_next_through(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    added = await add_person(api, ss.reviewer, gid("Account", ss.representative.id))
    assert added["__typename"] == "KeyPersonSuccess", added
    await answered(api, ss, "第一次答复")
    assert await public_answers(api, ss) == []
    [item] = await waiting(api, ss.congress)
    assert [a["kind"] for a in item["alerts"]] == ["KEY_PERSON"]

    removed = await mutate(
        api, ss.reviewer, REMOVE_PERSON, {"id": added["keyPerson"]["id"]}, "removeKeyPerson"
    )
    assert removed["__typename"] == "KeyPersonRemoved", removed
    assert data(await call(api, ss.reviewer, PEOPLE, {}), "keyPeople")["totalCount"] == 0
    await answered(api, ss, "第二次答复")
    assert await public_answers(api, ss) == ["第二次答复"]
    # The first one still waits: taking someone off the list decides nothing.
    assert [w["text"] for w in await waiting(api, ss.congress)] == ["第一次答复"]


async def test_content_about_a_key_matter_waits_until_approved(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    suggestion = (await write(api, ss))["id"]
    marked = await mutate(
        api,
        ss.congress,
        MARK_MATTER,
        {"kind": "SUGGESTION", "subject": suggestion, "note": "群众关注"},
        "markKeyMatter",
    )
    assert marked["__typename"] == "KeyMatterSuccess", marked
    assert marked["keyMatter"]["subjectId"] == suggestion
    assert marked["keyMatter"]["title"].startswith("小区门口路灯坏了")
    body = await mutate(
        api,
        ss.representative,
        ANSWER,
        {"id": suggestion, "answer": "已修复", "summary": "路灯已修复"},
        "answerSuggestion",
    )
    assert body["__typename"] == "SuggestionSuccess", body
    assert await public_answers(api, ss) == []
    [item] = await waiting(api, ss.reviewer)
    [alert] = item["alerts"]
    assert (alert["kind"], alert["keyMatterId"], alert["subjectId"]) == (
        "KEY_MATTER",
        marked["keyMatter"]["id"],
        suggestion,
    )
    assert alert["label"].startswith("小区门口路灯坏了")
    # Another suggestion, not marked, passes.
    await answered(api, ss, "另一条答复")
    assert await public_answers(api, ss) == ["另一条答复"]
    await mutate(api, ss.reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview")
    assert await public_answers(api, ss) == ["另一条答复", "路灯已修复"]


async def test_a_progress_post_of_a_key_project_is_not_public_until_approved(
    api: Api, services: Services
) -> None:
    ps, reviewer, project = await reviewed_project(services, api)
    marked = await mutate(
        api, reviewer, MARK_MATTER, {"kind": "PROJECT", "subject": project}, "markKeyMatter"
    )
    assert marked["__typename"] == "KeyMatterSuccess", marked
    held = data(
        await call(api, ps.department, POST_UPDATE, {"p": project, "body": "基础施工完成"}),
        "postProgressUpdate",
    )["update"]
    assert held["publication"] == "IN_REVIEW"
    updates, _ = await posts(api, ps.resident, project)
    assert updates == []
    [item] = await queue(api, reviewer, "PROGRESS_POST")
    await mutate(api, reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview")
    updates, _ = await posts(api, ps.resident, project)
    assert [u["body"] for u in updates] == ["基础施工完成"]
    # Off the list, the next post is public at once.
    await mutate(api, reviewer, REMOVE_MATTER, {"id": marked["keyMatter"]["id"]}, "removeKeyMatter")
    clean = data(
        await call(api, ps.department, POST_UPDATE, {"p": project, "body": "主体完工"}),
        "postProgressUpdate",
    )["update"]
    assert clean["publication"] == "PUBLISHED"


async def test_another_streets_staff_neither_see_nor_change_the_lists(
    api: Api, services: Services
) -> None:
    ss = await station_street(services, "kwa")
    other = await station_street(services, "kwb")
    person = await registered(services, ss, ss.resident, "李四")
    added = await add_person(api, ss.congress, person)
    suggestion = (await write(api, ss))["id"]
    marked = await mutate(
        api,
        ss.congress,
        MARK_MATTER,
        {"kind": "SUGGESTION", "subject": suggestion},
        "markKeyMatter",
    )
    for query, name in ((PEOPLE, "keyPeople"), (MATTERS, "keyMatters")):
        assert data(await call(api, other.congress, query, {}), name)["totalCount"] == 0
    refused = [
        await add_person(api, other.congress, person),
        await mutate(
            api,
            other.congress,
            REMOVE_PERSON,
            {"id": added["keyPerson"]["id"]},
            "removeKeyPerson",
        ),
        await mutate(
            api,
            other.congress,
            MARK_MATTER,
            {"kind": "SUGGESTION", "subject": suggestion},
            "markKeyMatter",
        ),
        await mutate(
            api,
            other.congress,
            REMOVE_MATTER,
            {"id": marked["keyMatter"]["id"]},
            "removeKeyMatter",
        ),
    ]
    assert [r["code"] for r in refused] == ["NOT_FOUND"] * 4
    for query, name in ((PEOPLE, "keyPeople"), (MATTERS, "keyMatters")):
        assert data(await call(api, ss.congress, query, {}), name)["totalCount"] == 1
    # Neither a resident nor a representative may read the lists at all.
    for reader in (ss.resident, ss.representative):
        assert "errors" in await call(api, reader, PEOPLE, {})


async def test_bad_input_is_refused_and_changes_nothing(api: Api, services: Services) -> None:
    ss = await station_street(services)
    person = await registered(services, ss, ss.resident, "王五")
    added = await add_person(api, ss.congress, person)
    suggestion = (await write(api, ss))["id"]
    marked = await mutate(
        api,
        ss.congress,
        MARK_MATTER,
        {"kind": "SUGGESTION", "subject": suggestion},
        "markKeyMatter",
    )
    with street_scope(ss.sid):
        audited = await AuditEntry.all().count()

    refusals = {
        "unknown resident": await add_person(api, ss.congress, gid("Resident", 999_999)),
        "not a person": await add_person(api, ss.congress, suggestion),
        "not of the street": await add_person(api, ss.congress, gid("Account", 999_999)),
        "twice": await add_person(api, ss.congress, person),
        "twice, by the account": await add_person(api, ss.congress, gid("Account", ss.resident.id)),
        "empty reason": await add_person(api, ss.congress, gid("Account", ss.neighbour.id), "  "),
        "unknown matter": await mutate(
            api,
            ss.congress,
            MARK_MATTER,
            {"kind": "CASE", "subject": gid("Case", 999_999)},
            "markKeyMatter",
        ),
        "matter twice": await mutate(
            api,
            ss.congress,
            MARK_MATTER,
            {"kind": "SUGGESTION", "subject": suggestion},
            "markKeyMatter",
        ),
    }
    assert {k: (v["code"], v["field"]) for k, v in refusals.items()} == {
        "unknown resident": ("NOT_FOUND", "personId"),
        "not a person": ("NOT_FOUND", "personId"),
        "not of the street": ("NOT_FOUND", "personId"),
        "twice": ("ALREADY_EXISTS", "personId"),
        "twice, by the account": ("ALREADY_EXISTS", "personId"),
        "empty reason": ("BAD_USER_INPUT", "reason"),
        "unknown matter": ("NOT_FOUND", "subjectId"),
        "matter twice": ("ALREADY_EXISTS", "subjectId"),
    }
    too_long = await call(
        api,
        ss.congress,
        ADD_PERSON,
        {"person": gid("Account", ss.neighbour.id), "reason": "长" * 201},
    )
    too_long = data(too_long, "addKeyPerson")
    assert (too_long["code"], too_long["field"]) == ("BAD_USER_INPUT", "reason")

    for op, name, pk in (
        (REMOVE_PERSON, "removeKeyPerson", added["keyPerson"]["id"]),
        (REMOVE_MATTER, "removeKeyMatter", marked["keyMatter"]["id"]),
    ):
        first = await mutate(api, ss.congress, op, {"id": pk}, name)
        again = await mutate(api, ss.congress, op, {"id": pk}, name)
        assert first["__typename"] != "InputError", first
        assert (again["code"], again["field"]) == ("NOT_FOUND", "id")
    with street_scope(ss.sid):
        assert await KeyPerson.all().count() == 0
        assert await KeyMatter.all().count() == 0
        # Only the two removals were recorded.
        assert await AuditEntry.all().count() == audited + 2


async def test_a_circle_reply_to_a_key_person_waits_and_other_members_do_not_see_it(
    api: Api, services: Services
) -> None:
    cs = await case_street(services, "kwc")
    made = await run(api, cs, cs.admin, CREATE, {"name": "邻里圈", "description": ""})
    circle = made["circle"]["id"]
    for who in (cs.resident, cs.resident2):
        await run(api, cs, who, JOIN, {"circleId": circle})
    first = await run(api, cs, cs.resident, POST, {"circleId": circle, "body": "楼下噪音"})
    body = await call_in(
        api,
        cs,
        cs.reviewer,
        ADD_PERSON,
        {"person": gid("Account", cs.resident.id), "reason": "多次投诉"},
    )
    assert body["data"]["addKeyPerson"]["__typename"] == "KeyPersonSuccess", body
    # A reply to the key person's post is about them: held; their own next post too.
    reply = {"circleId": circle, "body": "同感", "parentId": first["post"]["id"]}
    await run(api, cs, cs.resident2, POST, reply)
    await run(api, cs, cs.resident, POST, {"circleId": circle, "body": "再说一次"})
    # Each author reads their own held post; no other member reads it.
    for reader, own in ((cs.resident, "再说一次"), (cs.resident2, "同感")):
        seen = await call_in(api, cs, reader, POSTS, {"c": circle})
        assert [e["node"]["body"] for e in seen["data"]["circlePosts"]["edges"]] == [
            own,
            "楼下噪音",
        ]
    held = await call_in(api, cs, cs.reviewer, ALERTS, {})
    items = [e["node"] for e in held["data"]["reviewQueue"]["edges"]]
    assert sorted(i["text"] for i in items) == ["再说一次", "同感"]
    assert {a["kind"] for i in items for a in i["alerts"]} == {"KEY_PERSON"}
