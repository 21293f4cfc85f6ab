"""The meeting (协商会议): a signed check-in link per invitee shown as a QR code and scanned
at the door (forged, expired, reused and other-meeting links refused, nothing written), an
`.ics` calendar file per invitation with the meeting link, minutes not before the meeting."""

from __future__ import annotations

from icalendar import Calendar

from resolvers.services import Services
from tests.consultations.support import (
    CHECK_IN,
    MINUTES,
    MY_INVITATION,
    act,
    advance,
    bell_street,
    ring,
    written,
)
from tests.projects.support import call
from tests.support import Api

INVITATION_LINKS = """
query($id: ID!) { consultation(id: $id) { invitations { partyName checkInLink calendarFile } } }
"""


async def my_invitation(api: Api, user: object, cid: str) -> dict:
    body = await call(api, user, MY_INVITATION, {"id": cid})  # type: ignore[arg-type]
    assert "errors" not in body, body
    return body["data"]["consultation"]


async def test_check_in_at_the_door(api: Api, services: Services) -> None:
    bs = await bell_street(services, "meet")
    first = await advance(api, services, bs, (await ring(api, bs))["id"], "CONFIRMED")
    second = await advance(api, services, bs, (await ring(api, bs))["id"], "CONFIRMED")
    meeting = first["meeting"]["id"]

    mine = await my_invitation(api, bs.professional, first["id"])
    link = mine["myInvitation"]["checkInLink"]
    assert link.startswith("/bell/check-in/")
    assert mine["myInvitation"]["checkInQr"].startswith("data:image/svg+xml")
    chiefs = (await my_invitation(api, bs.chief, first["id"]))["myInvitation"]["checkInLink"]
    other_meeting = (await my_invitation(api, bs.professional, second["id"]))["myInvitation"]
    # Nobody but the invitee gets an invitee's link.
    body = await call(api, bs.chief, INVITATION_LINKS, {"id": first["id"]})
    shown = {i["partyName"]: i["checkInLink"] for i in body["data"]["consultation"]["invitations"]}
    assert shown == {"梅花苑物业": chiefs, "王律师": None}

    body_part, _, signature = link.removeprefix("/bell/check-in/").partition(".")
    forged = f"{body_part}.{'A' * len(signature)}"
    refused = {
        "forged": forged,
        "garbage": "not-a-token",
        "other meeting": other_meeting["checkInLink"],
    }
    before = await written(bs.sid)
    for why, token in refused.items():
        found = await act(api, bs.worker, CHECK_IN, meeting=meeting, token=token)
        assert (found["__typename"], found["code"]) == ("InputError", "CHECK_IN_REFUSED"), why
    assert await written(bs.sid) == before

    found = await act(api, bs.worker, CHECK_IN, meeting=meeting, token=link)
    assert found["__typename"] == "CheckedIn" and found["partyName"] == "王律师"
    assert found["invitation"]["checkedInAt"]
    before = await written(bs.sid)
    again = await act(api, bs.worker, CHECK_IN, meeting=meeting, token=link)
    assert (again["code"], again["message"]) == ("CHECK_IN_REFUSED", "该签到码已经使用过。")
    assert await written(bs.sid) == before

    # Hours after the meeting's end, the chief's link has expired.
    services.clock.advance(hours=5)  # type: ignore[attr-defined]
    api.tokens.clear()
    late = await act(api, bs.worker, CHECK_IN, meeting=meeting, token=chiefs)
    assert (late["code"], late["message"]) == ("CHECK_IN_REFUSED", "签到码已过期。")
    assert await written(bs.sid) == before


async def test_the_calendar_file_of_an_invitation(api: Api, services: Services) -> None:
    bs = await bell_street(services, "ics")
    c = await advance(api, services, bs, (await ring(api, bs))["id"], "COORDINATED")
    ics = (await my_invitation(api, bs.professional, c["id"]))["myInvitation"]["calendarFile"]
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "协商会议：3幢电梯长期故障"
    assert str(event["location"]) == "社区议事厅"
    assert "https://meet.example.org/bell" in str(event["description"])
    assert "王律师" in str(event["description"])
    assert str(event["url"]) == "https://meet.example.org/bell"
    assert event.decoded("dtend") > event.decoded("dtstart")


async def test_no_minutes_before_the_meeting(api: Api, services: Services) -> None:
    bs = await bell_street(services, "min")
    c = await advance(api, services, bs, (await ring(api, bs))["id"], "CONFIRMED")
    before = await written(bs.sid)
    decisions = [{"text": "维修", "agreedBy": [i["id"] for i in c["invitations"]]}]
    found = await act(api, bs.staff, MINUTES, id=c["id"], minutes="纪要", decisions=decisions)
    assert (found["code"], found["field"]) == ("BAD_USER_INPUT", "minutes")
    assert found["message"] == "会议尚未开始，不能填写会议纪要。"
    assert await written(bs.sid) == before
    services.clock.advance(minutes=2)  # type: ignore[attr-defined]
    api.tokens.clear()
    done = await act(api, bs.staff, MINUTES, id=c["id"], minutes="纪要", decisions=decisions)
    assert done["consultation"]["step"] == "MET"
    assert done["consultation"]["meeting"]["decisions"] == [
        {"text": "维修", "agreedBy": decisions[0]["agreedBy"]}
    ]
