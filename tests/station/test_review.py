"""Keyword alerts and review before publishing (重点词预警、审核): matching on folded text,
nothing unreviewed on the public page, approve / edit / reject, never one's own content."""

from __future__ import annotations

import pytest

from models.audit import AuditEntry
from models.events import Notification
from models.station import ReviewItem, ReviewStatus, WatchEntry
from resolvers.services import Services
from resolvers.station.review import Matcher, fold
from tenants.scoping import street_scope
from tests.projects.support import call, data
from tests.station.support import (
    ADD_WATCH,
    ANSWER,
    BOARD,
    DECIDE,
    QUEUE,
    StationStreet,
    mutate,
    pk,
    post_task,
    station_street,
    write,
)
from tests.support import Api, gid


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits
        ("違規 收費", "违规收费"),  # traditional, and whitespace
        ("強拆", "强拆"),
        ("Ｈｅｌｌｏ　Ｗｏｒｌｄ", "helloworld"),  # a full-width space
    ],
)
def test_text_is_folded_before_it_is_matched(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_the_matcher_finds_every_entry_in_any_variant() -> None:
    matcher = Matcher([fold("违规收费"), fold("强拆"), fold("ABC")])
    assert matcher.matches("物业違規　收費，还有強拆问题，ａｂｃ公司") == [
        "违规收费",
        "强拆",
        "abc",
    ]
    assert matcher.matches("一切正常") == []
    assert Matcher([]).matches("违规收费") == []


async def answer_with_summary(api: Api, ss: StationStreet, summary: str) -> str:
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


async def board(api: Api, ss: StationStreet) -> dict:
    return data(await api.gql(BOARD, {"token": ss.token}), "stationBoard")


async def test_a_post_matching_a_watch_word_is_not_public_until_approved(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    added = await mutate(api, ss.congress, ADD_WATCH, {"phrase": "违规收费"}, "addWatchEntry")
    assert added["entry"]["folded"] == "违规收费"
    clean = await answer_with_summary(api, ss, "小区路灯已修复")
    flagged = await answer_with_summary(api, ss, "物业違規收費问题已转交街道处理")
    # The clean summary is public at once, the flagged one is nowhere public.
    public = await board(api, ss)
    assert [a["summary"] for a in public["answers"]] == ["小区路灯已修复"]
    assert public["counts"]["answered"] == 2
    # It waits in the queue, with what it matched; the reviewers were alerted.
    queue = data(await call(api, ss.reviewer, QUEUE, {}), "reviewQueue")["edges"]
    waiting = [e["node"] for e in queue]
    assert [(w["kind"], w["matched"], w["status"]) for w in waiting] == [
        ("SUGGESTION_SUMMARY", ["违规收费"], "PENDING")
    ]
    with street_scope(ss.sid):
        alerts = await Notification.filter(kind="review.alert")
        assert {n.user_id for n in alerts} == {ss.reviewer.id, ss.congress.id}
        assert await ReviewItem.filter(subject_id=pk(clean), status=ReviewStatus.APPROVED).exists()
    # Approved as edited: public in its edited words; the original is kept in the audit trail.
    item = waiting[0]["id"]
    decided = await mutate(
        api,
        ss.reviewer,
        DECIDE,
        {"id": item, "approve": True, "text": "物业收费问题已转交街道处理"},
        "decideReview",
    )
    assert decided["item"]["status"] == "APPROVED"
    assert sorted(a["summary"] for a in (await board(api, ss))["answers"]) == [
        "小区路灯已修复",
        "物业收费问题已转交街道处理",
    ]
    with street_scope(ss.sid):
        entry = await AuditEntry.get(subject=item, action="review.approved")
    assert entry.change["original"] == "物业違規收費问题已转交街道处理"
    assert entry.change["edited"] == "物业收费问题已转交街道处理"
    assert entry.actor_id == ss.reviewer.id
    # Decided once.
    again = await mutate(
        api, ss.congress, DECIDE, {"id": item, "approve": False, "reason": "x"}, "decideReview"
    )
    assert again["code"] == "REVIEW_DECIDED"
    assert flagged


async def test_a_rejected_post_never_becomes_public(api: Api, services: Services) -> None:
    ss = await station_street(services)
    await mutate(api, ss.reviewer, ADD_WATCH, {"phrase": "强拆"}, "addWatchEntry")
    await answer_with_summary(api, ss, "关于強拆的答复")
    item = data(await call(api, ss.reviewer, QUEUE, {}), "reviewQueue")["edges"][0]["node"]
    no_reason = await mutate(
        api, ss.reviewer, DECIDE, {"id": item["id"], "approve": False}, "decideReview"
    )
    assert (no_reason["code"], no_reason["field"]) == ("BAD_USER_INPUT", "reason")
    rejected = await mutate(
        api,
        ss.reviewer,
        DECIDE,
        {"id": item["id"], "approve": False, "reason": "涉及敏感事项，请改写"},
        "decideReview",
    )
    assert (rejected["item"]["status"], rejected["item"]["reason"]) == (
        "REJECTED",
        "涉及敏感事项，请改写",
    )
    assert (await board(api, ss))["answers"] == []


async def test_approving_ones_own_post_is_refused(api: Api, services: Services) -> None:
    ss = await station_street(services)
    await mutate(api, ss.congress, ADD_WATCH, {"phrase": "上访"}, "addWatchEntry")
    task = await post_task(api, ss, title="上访户走访")
    queue = data(await call(api, ss.congress, QUEUE, {}), "reviewQueue")["edges"]
    item = next(e["node"] for e in queue if e["node"]["kind"] == "TASK_NOTICE")
    assert item["author"] == {"id": gid("Account", ss.congress.id)}
    own = await mutate(
        api, ss.congress, DECIDE, {"id": item["id"], "approve": True}, "decideReview"
    )
    assert (own["code"], own["field"]) == ("OWN_POST", "id")
    with street_scope(ss.sid):
        row = await ReviewItem.get(id=pk(item["id"]))
    assert row.status is ReviewStatus.PENDING and row.reviewer_id is None
    by_other = await mutate(
        api, ss.reviewer, DECIDE, {"id": item["id"], "approve": True}, "decideReview"
    )
    assert by_other["item"]["status"] == "APPROVED"
    assert task


async def test_a_watch_list_entry_empty_too_long_or_twice_is_refused(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    for phrase in ("", "   ", "\u3000\u3000"):
        body = await mutate(api, ss.congress, ADD_WATCH, {"phrase": phrase}, "addWatchEntry")
        assert (body["code"], body["field"]) == ("BAD_USER_INPUT", "phrase"), phrase
    too_long = await call(api, ss.congress, ADD_WATCH, {"phrase": "字" * 51})
    payload = (too_long.get("data") or {}).get("addWatchEntry")
    codes = [e["extensions"]["code"] for e in too_long.get("errors") or []]
    assert (payload and payload["code"] == "BAD_USER_INPUT") or codes == ["BAD_USER_INPUT"]
    await mutate(api, ss.congress, ADD_WATCH, {"phrase": "ＡＢＣ"}, "addWatchEntry")
    twice = await mutate(api, ss.congress, ADD_WATCH, {"phrase": "abc"}, "addWatchEntry")
    assert (twice["code"], twice["field"]) == ("ALREADY_EXISTS", "phrase")
    with street_scope(ss.sid):
        assert [w.folded for w in await WatchEntry.all()] == ["abc"]


async def test_a_kind_always_reviewed_waits_even_when_it_matches_nothing(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    body = await call(
        api,
        ss.congress,
        "mutation { updateStationSettings(alwaysReview: [SUGGESTION_SUMMARY]) "
        "{ __typename ... on StationSetup { alwaysReview } } }",
        {},
    )
    assert data(body, "updateStationSettings")["alwaysReview"] == ["SUGGESTION_SUMMARY"]
    await answer_with_summary(api, ss, "路灯已修复")
    assert (await board(api, ss))["answers"] == []
    queue = data(await call(api, ss.reviewer, QUEUE, {}), "reviewQueue")["edges"]
    assert [e["node"]["matched"] for e in queue] == [[]]
