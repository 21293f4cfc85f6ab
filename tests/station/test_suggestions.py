"""Suggestions to a representative (代表建议): written from a card, accepted, forwarded to a
department, replied to, answered within working days, rated; the refusals of bad input."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from core import workdays as calendar
from core.clock import local_date
from models.accounts import Role
from models.audit import AuditEntry
from models.events import Notification
from models.outreach import ContactCode
from models.scoping import unscoped
from models.station import Suggestion, SuggestionWarning
from resolvers.services import Services
from resolvers.station.deadlines import scan_reply_deadlines
from tenants.scoping import street_scope
from tests.cases.support import clock_at
from tests.projects.support import call, data
from tests.station.support import (
    ACCEPT,
    ANSWER,
    DELEGATE_FIGURES,
    FORWARD,
    RATE,
    REPLY,
    SUGGESTION,
    WRITE,
    mutate,
    pk,
    station_street,
    suggestion_input,
    write,
)
from tests.support import Api, gid, grant_membership


async def test_a_suggestion_goes_from_the_card_to_an_answer_and_a_rating(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    written = await write(api, ss)
    assert written["status"] == "SUBMITTED"
    assert written["addressee"] == {"id": gid("Delegate", ss.delegate_id), "name": "代表repr"}
    due = calendar.add_working_days(local_date(services.clock.now()), 10)
    assert written["dueOn"] == due.isoformat()
    sid = written["id"]
    accepted = await mutate(api, ss.representative, ACCEPT, {"id": sid}, "acceptSuggestion")
    assert accepted["suggestion"]["status"] == "ACCEPTED"
    forwarded = await mutate(
        api,
        ss.representative,
        FORWARD,
        {"id": sid, "department": gid("Department", ss.department_id), "note": "请城管处理"},
        "forwardSuggestion",
    )
    assert forwarded["suggestion"]["status"] == "FORWARDED"
    assert forwarded["suggestion"]["departmentId"] == gid("Department", ss.department_id)
    replied = await mutate(
        api, ss.department, REPLY, {"id": sid, "reply": "已安排维修"}, "replyToSuggestion"
    )
    assert replied["suggestion"]["departmentReply"] == "已安排维修"
    answered = await mutate(
        api, ss.representative, ANSWER, {"id": sid, "answer": "路灯已修好"}, "answerSuggestion"
    )
    assert answered["suggestion"]["status"] == "ANSWERED"
    assert answered["suggestion"]["onTime"] is True
    rated = await mutate(api, ss.resident, RATE, {"id": sid, "rating": 5}, "rateSuggestion")
    assert rated["suggestion"]["status"] == "RATED" and rated["suggestion"]["rating"] == 5
    # The writer was told of the answer; the figures count it.
    with unscoped("test: the writer's inbox"):
        told = await Notification.filter(user_id=ss.resident.id, kind="suggestion.answered")
    assert len(told) == 1
    figures = data(await call(api, ss.congress, DELEGATE_FIGURES, {}), "delegateSuggestionFigures")
    mine = next(f for f in figures if f["delegate"]["id"] == gid("Delegate", ss.delegate_id))
    assert mine["counts"] == {
        "received": 1,
        "answered": 1,
        "onTime": 1,
        "rated": 1,
        "satisfied": 1,
        "averageRating": 5.0,
    }


async def test_a_suggestion_may_link_a_case_instead(api: Api, services: Services) -> None:
    ss = await station_street(services)
    sid = (await write(api, ss))["id"]
    body = await mutate(
        api,
        ss.representative,
        FORWARD,
        {"id": sid, "case": gid("Case", 999999)},
        "forwardSuggestion",
    )
    assert body["__typename"] == "InputError" and body["code"] == "NOT_FOUND"
    assert body["field"] == "caseId"


async def test_writing_to_a_revoked_card_is_refused(api: Api, services: Services) -> None:
    ss = await station_street(services)
    with street_scope(ss.sid):
        await ContactCode.filter(token=ss.token).update(revoked_at=services.clock.now())
    body = await call(api, ss.resident, WRITE, {"input": suggestion_input(ss.token)})
    result = data(body, "writeSuggestion")
    assert (result["code"], result["field"]) == ("REVOKED", "token")
    with street_scope(ss.sid):
        assert await Suggestion.all().count() == 0


async def test_writing_to_a_representative_of_another_street_is_refused(
    api: Api, services: Services
) -> None:
    ss = await station_street(services)
    elsewhere = await station_street(services, "station-b")
    body = await call(api, ss.resident, WRITE, {"input": suggestion_input(elsewhere.token)})
    result = data(body, "writeSuggestion")
    assert (result["code"], result["field"]) == ("NOT_FOUND", "token")
    with unscoped("test: both streets"):
        assert await Suggestion.filter(tenant_id__in=[ss.sid, elsewhere.sid]).count() == 0


async def test_answering_someone_elses_suggestion_is_refused(api: Api, services: Services) -> None:
    ss = await station_street(services)
    sid = (await write(api, ss))["id"]
    # The other representative cannot even see it; congress staff see it but are no addressee.
    other = await mutate(
        api, ss.other_representative, ANSWER, {"id": sid, "answer": "x"}, "answerSuggestion"
    )
    assert other["code"] == "NOT_FOUND"
    for op, variables, name in (
        (ANSWER, {"id": sid, "answer": "x"}, "answerSuggestion"),
        (ACCEPT, {"id": sid}, "acceptSuggestion"),
    ):
        body = await call(api, ss.congress, op, variables)
        assert body["data"] is None or body["data"][name]["code"] in {"FORBIDDEN"}, body
    with street_scope(ss.sid):
        row = await Suggestion.get(id=pk(sid))
    assert row.status.value == "SUBMITTED" and row.answer == ""
    # The department cannot reply to what was not forwarded to it.
    reply = await mutate(api, ss.department, REPLY, {"id": sid, "reply": "x"}, "replyToSuggestion")
    assert reply["code"] == "NOT_FOUND"
    # The writer rates only an answered suggestion, and only once, from 1 to 5.
    early = await mutate(api, ss.resident, RATE, {"id": sid, "rating": 5}, "rateSuggestion")
    assert early["code"] == "SUGGESTION_STATE"
    await mutate(api, ss.representative, ANSWER, {"id": sid, "answer": "好"}, "answerSuggestion")
    bad = await mutate(api, ss.resident, RATE, {"id": sid, "rating": 6}, "rateSuggestion")
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "rating")
    again = await mutate(
        api, ss.representative, ANSWER, {"id": sid, "answer": "再答"}, "answerSuggestion"
    )
    assert again["code"] == "SUGGESTION_STATE"
    neighbour = await mutate(api, ss.neighbour, RATE, {"id": sid, "rating": 1}, "rateSuggestion")
    assert neighbour["code"] == "NOT_FOUND"


async def test_an_addressee_answers_only_their_own(api: Api, services: Services) -> None:
    """Congress staff see every suggestion; one who is also a representative (a second role)
    may still answer only those addressed to them: NOT_ADDRESSEE, nothing changed."""
    ss = await station_street(services)
    sid = (await write(api, ss))["id"]
    await grant_membership(services, ss.congress, ss.sid, Role.REPRESENTATIVE)
    api.tokens.pop(ss.congress.username, None)
    body = await mutate(api, ss.congress, ANSWER, {"id": sid, "answer": "越权"}, "answerSuggestion")
    assert (body["code"], body["field"]) == ("NOT_ADDRESSEE", "id")
    with street_scope(ss.sid):
        row = await Suggestion.get(id=pk(sid))
    assert row.answer == "" and row.status.value == "SUBMITTED"


async def test_reply_deadlines_warn_yellow_then_red_once_each(api: Api, services: Services) -> None:
    ss = await station_street(services)
    sid = (await write(api, ss))["id"]
    with street_scope(ss.sid):
        row = await Suggestion.get(id=pk(sid))
    with clock_at(services.clock, row.yellow_at + timedelta(minutes=1)):  # type: ignore[arg-type]
        sent = await asyncio.gather(*(scan_reply_deadlines(services) for _ in range(4)))
        body = await call(api, ss.representative, SUGGESTION, {"id": sid})
        assert data(body, "suggestion")["warning"] == "YELLOW"
    assert sum(sent) >= 1
    with clock_at(services.clock, row.due_at + timedelta(minutes=1)):  # type: ignore[arg-type]
        await asyncio.gather(*(scan_reply_deadlines(services) for _ in range(4)))
        api.tokens.clear()
        body = await call(api, ss.representative, SUGGESTION, {"id": sid})
        assert data(body, "suggestion")["warning"] == "RED"
    with street_scope(ss.sid):
        warnings = await SuggestionWarning.filter(suggestion_id=pk(sid)).order_by("level")
        told = await Notification.filter(kind__startswith="suggestion.deadline.")
        entries = await AuditEntry.filter(subject=sid, action="suggestion.warned")
    assert [w.level for w in warnings] == [1, 2]
    assert sorted((n.user_id, n.kind) for n in told) == sorted(
        (user, f"suggestion.deadline.{colour}")
        for user in (ss.representative.id, ss.congress.id)
        for colour in ("yellow", "red")
    )
    assert len(entries) == 2
    # Answered late: not on time.
    api.tokens.clear()
    with clock_at(services.clock, row.due_at + timedelta(days=1)):  # type: ignore[arg-type]
        late = await mutate(
            api, ss.representative, ANSWER, {"id": sid, "answer": "迟复"}, "answerSuggestion"
        )
    api.tokens.clear()
    assert late["suggestion"]["onTime"] is False
