"""A vote live (voteProgress): the staff console and the big screen (DISPLAY) see turnout on
every ballot, the running tally of a named vote only, resume after a cursor without losing or
repeating an event, and no one sees another street's vote."""

from __future__ import annotations

from typing import Any

from resolvers.services import Services
from tests.live import Socket, raw_socket, socket
from tests.support import Api
from tests.votes.support import (
    CLOSE,
    OPEN,
    PUBLISH,
    VoteStreet,
    cast,
    create_vote,
    open_vote,
    step,
    vote_street,
)

PROGRESS = """
subscription($id: ID!, $after: String) {
  voteProgress(id: $id, after: $after) {
    cursor type voteId status turnout electorateSize turnoutPercent
    runningTally { turnout electorateSize items { itemId yes no abstain } }
  }
}
"""
TURNOUT = """
subscription($id: ID!, $after: String) {
  voteProgress(id: $id, after: $after) { cursor type voteId status turnout electorateSize }
}
"""


async def next_progress(ws: Socket, op: str = "1") -> dict[str, Any]:
    return (await ws.next(op))["voteProgress"]


async def token(api: Api, user: Any) -> str:
    return await api.login(user.username)


async def test_staff_and_big_screen_see_every_ballot_and_the_named_running_tally(
    api: Api, services: Services, live_url: str
) -> None:
    vs = await vote_street(api, services, representatives=3, projects=2)
    vote = await create_vote(api, vs, secret=False)
    vote_id = vote["id"]
    first, second = (item["id"] for item in vote["items"])
    answers = [("YES", "NO"), ("YES", "YES"), ("NO", "ABSTAIN")]
    code = vs.street.code
    async with (
        socket(live_url, await token(api, vs.staff), code) as staff,
        socket(live_url, await token(api, vs.display), code) as screen,
    ):
        await staff.subscribe("1", PROGRESS, id=vote_id)
        await screen.subscribe("1", PROGRESS, id=vote_id)
        await step(api, vs, OPEN, vote_id)
        for ws in (staff, screen):
            opened = await next_progress(ws)
            assert (opened["type"], opened["status"], opened["turnout"]) == (
                "vote.opened",
                "OPEN",
                0,
            )
            assert opened["electorateSize"] == 3 and opened["voteId"] == vote_id
            assert opened["runningTally"]["turnout"] == 0

        for n, (voter, (a, b)) in enumerate(zip(vs.representatives, answers, strict=True), 1):
            marks = [{"itemId": first, "answer": a}, {"itemId": second, "answer": b}]
            assert (await cast(api, voter, vote_id, marks))["__typename"] == "BallotCounted"
            for ws in (staff, screen):  # one event per ballot, in order, on both screens
                event = await next_progress(ws)
                assert (event["type"], event["turnout"], event["status"]) == (
                    "vote.ballot_counted",
                    n,
                    "OPEN",
                )
                assert event["turnoutPercent"] == round(100 * n / 3, 2)
                assert event["runningTally"]["turnout"] == n

        final = event["runningTally"]
        lines = {item["itemId"]: item for item in final["items"]}
        assert (lines[first]["yes"], lines[first]["no"], lines[first]["abstain"]) == (2, 1, 0)
        assert (lines[second]["yes"], lines[second]["no"], lines[second]["abstain"]) == (1, 1, 1)

        await step(api, vs, CLOSE, vote_id)
        await step(api, vs, PUBLISH, vote_id)
        for ws in (staff, screen):
            closed, published = await next_progress(ws), await next_progress(ws)
            assert (closed["type"], closed["status"], closed["turnout"]) == (
                "vote.closed",
                "CLOSED",
                3,
            )
            assert (published["type"], published["status"]) == ("vote.published", "PUBLISHED")
            assert closed["runningTally"] is None  # the count is the result now


async def test_a_secret_vote_shows_turnout_but_no_running_tally(
    api: Api, services: Services, live_url: str
) -> None:
    vs = await vote_street(api, services, representatives=2, projects=1)
    vote = await open_vote(api, vs)  # secret by default
    line = vote["items"][0]["id"]
    async with socket(live_url, await token(api, vs.display), vs.street.code) as screen:
        await screen.subscribe("1", PROGRESS, id=vote["id"])
        for n, voter in enumerate(vs.representatives, 1):
            await cast(api, voter, vote["id"], [{"itemId": line, "answer": "YES"}])
            event = await next_progress(screen)
            assert (event["type"], event["turnout"], event["electorateSize"]) == (
                "vote.ballot_counted",
                n,
                2,
            )
            assert event["runningTally"] is None


async def test_a_resident_follows_turnout_but_not_the_tally(
    api: Api, services: Services, live_url: str
) -> None:
    vs = await vote_street(api, services, representatives=1, projects=1)
    vote = await open_vote(api, vs, secret=False)
    line = vote["items"][0]["id"]
    async with socket(live_url, await token(api, vs.resident), vs.street.code) as ws:
        await ws.subscribe("t", TURNOUT, id=vote["id"])
        await ws.subscribe("r", PROGRESS, id=vote["id"])
        await cast(api, vs.representatives[0], vote["id"], [{"itemId": line, "answer": "NO"}])
        messages = {m["id"]: m for m in [await ws.receive(), await ws.receive()]}
    turnout = messages["t"]["payload"]
    assert "errors" not in turnout, turnout
    assert (
        turnout["data"]["voteProgress"]["type"],
        turnout["data"]["voteProgress"]["turnout"],
    ) == (
        "vote.ballot_counted",
        1,
    )
    payload = messages["r"]["payload"]
    # The field is refused (vote_tally:read): null, with FORBIDDEN, and the rest is shown.
    assert payload["data"]["voteProgress"]["runningTally"] is None
    assert payload["data"]["voteProgress"]["turnout"] == 1
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["FORBIDDEN"]


async def test_resuming_after_a_cursor_gives_the_missed_events_once(
    api: Api, services: Services, live_url: str
) -> None:
    vs = await vote_street(api, services, representatives=4, projects=1)
    vote = await open_vote(api, vs)  # subscribing "from now" starts after its opening
    vote_id, line = vote["id"], vote["items"][0]["id"]
    r1, r2, r3, r4 = vs.representatives
    staff_token = await token(api, vs.staff)
    async with socket(live_url, staff_token, vs.street.code) as ws:
        await ws.subscribe("1", TURNOUT, id=vote_id)
        await cast(api, r1, vote_id, [{"itemId": line, "answer": "YES"}])
        seen = await next_progress(ws)
        assert seen["turnout"] == 1
        cursor = seen["cursor"]
    # While the console is away: two ballots, and events of another vote of the street.
    other = await open_vote(api, vs)
    await cast(api, r2, vote_id, [{"itemId": line, "answer": "NO"}])
    await cast(api, r4, other["id"], [{"itemId": other["items"][0]["id"], "answer": "NO"}])
    await cast(api, r3, vote_id, [{"itemId": line, "answer": "YES"}])
    async with socket(live_url, staff_token, vs.street.code) as ws:
        await ws.subscribe("1", TURNOUT, id=vote_id, after=cursor)
        missed = [await next_progress(ws) for _ in range(2)]
        assert [(e["type"], e["turnout"]) for e in missed] == [
            ("vote.ballot_counted", 2),
            ("vote.ballot_counted", 3),
        ]
        assert {e["voteId"] for e in missed} == {vote_id}
        # Then live again, with nothing repeated in between: the next event is the new one.
        await cast(api, r4, vote_id, [{"itemId": line, "answer": "ABSTAIN"}])
        live = await next_progress(ws)
        assert (live["type"], live["turnout"]) == ("vote.ballot_counted", 4)
        assert len({e["cursor"] for e in [*missed, live]} | {cursor}) == 4


async def subscribe_refused(live_url: str, token: str, tenant: str, vote_id: str) -> list[str]:
    async with socket(live_url, token, tenant) as ws:
        await ws.subscribe("1", PROGRESS, id=vote_id)
        message = await ws.receive()
    assert message["type"] in ("next", "error"), message
    if message["type"] == "next":
        assert not message["payload"].get("data"), message
        errors = message["payload"]["errors"]
    else:
        errors = message["payload"]
    return [e["extensions"]["code"] for e in errors]


async def test_another_streets_vote_cannot_be_followed(
    api: Api, services: Services, live_url: str
) -> None:
    home = await vote_street(api, services, representatives=1, projects=1)
    away = await vote_street(api, services, representatives=1, projects=1)
    vote = await open_vote(api, away, secret=False, title="别的街道的票决")
    outsider = await token(api, home.resident)
    # In one's own street, the other street's vote does not exist…
    assert await subscribe_refused(live_url, outsider, home.street.code, vote["id"]) == [
        "NOT_FOUND"
    ]
    # …and one cannot enter the other street: the connection itself is refused.
    async with raw_socket(live_url) as ws:
        init = {"authorization": f"Bearer {outsider}", "tenant": away.street.code}
        await ws.send({"type": "connection_init", "payload": init})
        assert await ws.close_code() == 4403
    # The other street's own screen does follow it (the control).
    async with socket(live_url, await token(api, away.display), away.street.code) as ws:
        await ws.subscribe("1", TURNOUT, id=vote["id"])
        line = vote["items"][0]["id"]
        await cast(api, away.representatives[0], vote["id"], [{"itemId": line, "answer": "YES"}])
        assert (await next_progress(ws))["turnout"] == 1


async def test_a_display_of_another_street_sees_nothing_of_this_one(
    api: Api, services: Services, live_url: str
) -> None:
    home: VoteStreet = await vote_street(api, services, representatives=1, projects=1)
    away = await vote_street(api, services, representatives=1, projects=1)
    vote = await open_vote(api, away)
    codes = await subscribe_refused(
        live_url, await token(api, home.display), home.street.code, vote["id"]
    )
    assert codes == ["NOT_FOUND"]
