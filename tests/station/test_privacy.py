"""The privacy option (隐私保护): a private suggestion's writer is seen by the addressee alone.
Every response of everyone else, every audit entry, event, notification and log line of its
whole life is scanned for the writer, as the secret-ballot tests do."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from models.accounts import User
from models.audit import AuditEntry
from models.events import Notification, OutboxEvent
from models.station import ReviewItem, Suggestion, SuggestionWarning
from resolvers.services import Services
from resolvers.station.deadlines import scan_reply_deadlines
from tenants.scoping import street_scope, unscoped
from tests.cases.support import clock_at
from tests.projects.support import call, data
from tests.station.support import (
    ACCEPT,
    ADD_WATCH,
    ANSWER,
    BOARD,
    DELEGATE_FIGURES,
    FIGURES,
    FORWARD,
    QUEUE,
    RATE,
    REPLY,
    SUGGESTION,
    SUGGESTIONS,
    StationStreet,
    mutate,
    pk,
    station_street,
    write,
)
from tests.support import Api, gid

TRAIL = """
query($s: ID!) { auditTrail(subject: $s) { edges { node { action change actor { id } } } } }
"""


def traces(user: User) -> list[str]:
    """What would name the writer in a response or a stored JSON value."""
    return [
        gid("Account", user.id),
        user.username,
        f'"writer": {user.id}',
        f'"writerId": {user.id}',
    ]


def assert_hidden(what: object, writer: User, where: str) -> None:
    text = json.dumps(what, ensure_ascii=False, default=str)
    for trace in traces(writer):
        assert trace not in text, f"{where} names the writer ({trace}): {text[:400]}"


async def private_life(api: Api, services: Services, ss: StationStreet) -> str:
    """A private suggestion through its whole life: written, warned yellow, accepted,
    forwarded, replied to, answered with a public summary (reviewed), rated."""
    await mutate(api, ss.reviewer, ADD_WATCH, {"phrase": "路灯"}, "addWatchEntry")
    sid = (await write(api, ss, private=True))["id"]
    with street_scope(ss.sid):
        row = await Suggestion.get(id=pk(sid))
    with clock_at(services.clock, row.yellow_at + timedelta(minutes=1)):  # type: ignore[arg-type]
        assert await scan_reply_deadlines(services) >= 1
    api.tokens.clear()
    await mutate(api, ss.representative, ACCEPT, {"id": sid}, "acceptSuggestion")
    await mutate(
        api,
        ss.representative,
        FORWARD,
        {"id": sid, "department": gid("Department", ss.department_id)},
        "forwardSuggestion",
    )
    await mutate(api, ss.department, REPLY, {"id": sid, "reply": "已处理"}, "replyToSuggestion")
    await mutate(
        api,
        ss.representative,
        ANSWER,
        {"id": sid, "answer": "已修复", "summary": "东门路灯已修复"},
        "answerSuggestion",
    )
    await mutate(api, ss.resident, RATE, {"id": sid, "rating": 4}, "rateSuggestion")
    return sid


async def test_no_response_shows_a_private_writer_to_anyone_but_the_addressee(
    api: Api, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    ss = await station_street(services)
    caplog.set_level(logging.INFO)
    sid = await private_life(api, services, ss)
    # The addressee sees the writer; so does the writer.
    for who in (ss.representative, ss.resident):
        seen = data(await call(api, who, SUGGESTION, {"id": sid}), "suggestion")
        assert seen["writer"]["id"] == gid("Account", ss.resident.id), who
    # Everyone else who reads it, lists it, counts it, reviews it or follows its trail: never.
    others = [ss.congress, ss.department, ss.leader, ss.other_representative, ss.neighbour]
    for who in others:
        for op, variables in (
            (SUGGESTION, {"id": sid}),
            (SUGGESTIONS, {}),
            (
                f'query {{ node(id: "{sid}") {{ ... on Suggestion {{ writer {{ id }} text }} }} }}',
                {},
            ),
        ):
            body = await call(api, who, op, variables)
            assert_hidden(body, ss.resident, f"{op[:30]} as {who.username}")
    congress_view = data(await call(api, ss.congress, SUGGESTION, {"id": sid}), "suggestion")
    assert congress_view["writer"] is None and congress_view["text"]  # read, writer hidden
    for who, op in (
        (ss.congress, FIGURES),
        (ss.congress, DELEGATE_FIGURES),
        (ss.reviewer, QUEUE),
        (ss.display, FIGURES),
        (ss.leader, TRAIL),
        (ss.congress, TRAIL),
    ):
        body = await call(api, who, op, {"s": sid, "status": None} if op in (TRAIL, QUEUE) else {})
        assert "errors" not in body or op is TRAIL, body
        assert_hidden(body, ss.resident, f"{op[:30]} as {who.username}")
    assert_hidden(await api.gql(BOARD, {"token": ss.token}), ss.resident, "the public board")
    # The trail: writing and rating name no actor.
    trail = data(await call(api, ss.leader, TRAIL, {"s": sid}), "auditTrail")["edges"]
    actors = {e["node"]["action"]: e["node"]["actor"] for e in trail}
    assert actors["suggestion.written"] is None and actors["suggestion.rated"] is None
    # Nothing logged names the writer.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ss.resident.username not in logged and gid("Account", ss.resident.id) not in logged


async def test_no_stored_record_names_a_private_writer(api: Api, services: Services) -> None:
    ss = await station_street(services)
    sid = await private_life(api, services, ss)
    with unscoped("test: every record of the street"):
        entries = await AuditEntry.filter(tenant_id=ss.sid)
        events = await OutboxEvent.filter(tenant_id=ss.sid)
        notes = await Notification.filter(tenant_id=ss.sid).exclude(user_id=ss.resident.id)
        reviews = await ReviewItem.filter(tenant_id=ss.sid)
        warnings = await SuggestionWarning.filter(tenant_id=ss.sid).values()
    about = [e for e in entries if e.subject == sid]
    assert {e.action for e in about} >= {
        "suggestion.written",
        "suggestion.warned",
        "suggestion.accepted",
        "suggestion.forwarded",
        "suggestion.department_replied",
        "suggestion.answered",
        "suggestion.rated",
    }
    assert all(e.actor_id != ss.resident.id for e in entries)
    assert all(e.actor_id != ss.resident.id for e in events)
    assert all(r.author_id != ss.resident.id for r in reviews)
    assert notes, "the addressee, the congress staff and the department were told"
    stored = [
        [(e.action, e.subject, e.change) for e in entries],
        [(e.type, e.subject, e.payload) for e in events],
        [(n.kind, n.title, n.body, n.subject) for n in notes],
        [(r.text, r.matched) for r in reviews],
        warnings,
    ]
    assert_hidden(stored, ss.resident, "the stored records")


async def test_a_suggestion_without_the_option_shows_its_writer(
    api: Api, services: Services
) -> None:
    """The control: without the privacy option, congress staff see who wrote."""
    ss = await station_street(services)
    sid = (await write(api, ss))["id"]
    seen = data(await call(api, ss.congress, SUGGESTION, {"id": sid}), "suggestion")
    assert seen["writer"]["id"] == gid("Account", ss.resident.id)
    with street_scope(ss.sid):
        entry = await AuditEntry.get(subject=sid, action="suggestion.written")
    assert entry.actor_id == ss.resident.id
