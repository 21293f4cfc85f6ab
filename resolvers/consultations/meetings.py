"""The consultation's meeting (协商会议): its schedule, the signed QR check-in link of each
invitee, the ``.ics`` calendar file of each invitation.

A check-in link carries ``street.meeting.invitation.nonce.expiry`` and an HMAC of it under
the server's secret key: staff scan it at the door of one meeting, and it is refused
(CHECK_IN_REFUSED) when the signature does not hold (forged), its time has passed (expired),
it was used already (reused), or it is another meeting's (or another street's). The nonce is
drawn when attendance is confirmed: a link from before then is worth nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import segno
from icalendar import Calendar, Event, vText

from core import signed_links, validators
from core.errors import ErrorCode, Refused
from models.columns import max_length
from models.consultations import (
    Consultation,
    ConsultationMeeting,
    Invitation,
    InvitationStatus,
    Step,
)
from resolvers.caller import Caller
from resolvers.consultations.codes import ConsultationCode
from resolvers.consultations.common import consultation_gid, lock
from resolvers.events import changing
from resolvers.services import Services

BAD = ErrorCode.BAD_USER_INPUT
LINK_GRACE = timedelta(hours=2)
"""A check-in link is good until this long after the meeting's planned end."""
CHECK_IN_PATH = "/bell/check-in/"
CHECK_IN_TOKEN_MAX_LENGTH = 500
"""A check-in link as scanned (the path and the signed token; no column keeps it)."""


@dataclass(frozen=True)
class MeetingDraft:
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    online_link: str = ""
    agenda: str = ""


async def schedule(
    caller: Caller, consultation_id: int, draft: MeetingDraft
) -> ConsultationMeeting:
    """Set (or move) the meeting, while the parties are invited or the matter coordinated."""
    validators.in_order(
        draft.starts_at,
        draft.ends_at,
        "endsAt",
        "consultation.meeting_ends_first",
        same_allowed=False,
    )
    place = validators.text(
        draft.place, "place", max_length(ConsultationMeeting, "place"), required=False
    )
    link = validators.text(
        draft.online_link,
        "onlineLink",
        max_length(ConsultationMeeting, "online_link"),
        required=False,
    )
    agenda = validators.text(
        draft.agenda, "agenda", max_length(ConsultationMeeting, "agenda"), required=False
    )
    if not place and not link:
        raise Refused(BAD, "consultation.meeting_place_required", "place")
    if link and not link.startswith(("https://", "http://")):
        raise Refused(BAD, "consultation.bad_link", "onlineLink")
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        if c.step not in (Step.INVITED, Step.COORDINATED):
            raise Refused(
                ConsultationCode.STEP_OUT_OF_ORDER,
                "consultation.step_out_of_order",
                "id",
                step=c.step.value,
                action="schedule",
            )
        if draft.starts_at <= change.at:
            raise Refused(BAD, "consultation.meeting_in_past", "startsAt")
        values = {
            "starts_at": draft.starts_at,
            "ends_at": draft.ends_at,
            "place": place,
            "online_link": link,
            "agenda": agenda,
        }
        meeting = await ConsultationMeeting.filter(consultation_id=c.id).first()
        if meeting is None:
            meeting = await ConsultationMeeting.create(
                tenant_id=change.street_id,
                consultation_id=c.id,
                code=secrets.token_hex(3).upper(),
                created_at=change.at,
                **values,  # type: ignore[arg-type]  # checked field values, by name
            )
        else:
            await meeting.update_from_dict(values).save()
        await change.record(
            "consultation.meeting_scheduled",
            consultation_gid(c.id),
            {"startsAt": draft.starts_at.isoformat(), "place": place, "online": bool(link)},
        )
    return meeting


async def draw_nonces(meeting: ConsultationMeeting, invitations: list[Invitation]) -> None:
    """A fresh nonce for each attendee's link (inside the confirming unit of work)."""
    for invitation in invitations:
        invitation.checkin_nonce = secrets.token_hex(8)
        await invitation.save(update_fields=["checkin_nonce"])


# -- the signed link --------------------------------------------------------------------------


PURPOSE = "bell-check-in"


def check_in_token(services: Services, meeting: ConsultationMeeting, invitation: Invitation) -> str:
    expiry = int((meeting.ends_at + LINK_GRACE).timestamp())
    parts = (meeting.tenant_id, meeting.id, invitation.id, invitation.checkin_nonce, expiry)
    return signed_links.sign(services.settings.secret_key or "", PURPOSE, parts)


def check_in_link(services: Services, meeting: ConsultationMeeting, invitation: Invitation) -> str:
    return CHECK_IN_PATH + check_in_token(services, meeting, invitation)


def qr_svg(link: str) -> str:
    """The link as a QR code, an SVG data URI to show on the invitee's phone."""
    return str(segno.make(link, error="m").svg_data_uri(scale=4))


@dataclass(frozen=True)
class _Claim:
    street_id: int
    meeting_id: int
    invitation_id: int
    nonce: str
    expiry: int


REFUSED = ConsultationCode.CHECK_IN_REFUSED


def _forged() -> Refused:
    return Refused(REFUSED, "consultation.check_in_forged", "token")


def _expired() -> Refused:
    return Refused(REFUSED, "consultation.check_in_expired", "token")


def _reused() -> Refused:
    return Refused(REFUSED, "consultation.check_in_reused", "token")


def _other_meeting() -> Refused:
    return Refused(REFUSED, "consultation.check_in_other_meeting", "token")


def _read(services: Services, token: str) -> _Claim:
    token = token.removeprefix(CHECK_IN_PATH)
    parts = signed_links.read(services.settings.secret_key or "", PURPOSE, token, 5)
    if parts is None:
        raise _forged()
    street, meeting, invitation, nonce, expiry = parts
    try:
        return _Claim(int(street), int(meeting), int(invitation), nonce, int(expiry))
    except ValueError as exc:
        raise _forged() from exc


async def check_in(caller: Caller, meeting_id: int, token: str) -> Invitation:
    """Scanned at the door of ``meeting_id`` by staff: the invitee is marked present, once."""
    services = caller.services
    claim = _read(services, validators.text(token, "token", CHECK_IN_TOKEN_MAX_LENGTH))
    async with changing(services, caller.user) as change:
        meeting = await ConsultationMeeting.filter(id=meeting_id).first()
        if meeting is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "meetingId")
        c: Consultation = await lock(caller, meeting.consultation_id)
        if claim.street_id != change.street_id or claim.meeting_id != meeting.id:
            raise _other_meeting()
        if change.at.timestamp() > claim.expiry:
            raise _expired()
        if c.step is not Step.CONFIRMED:
            raise Refused(
                ConsultationCode.STEP_OUT_OF_ORDER,
                "consultation.step_out_of_order",
                "meetingId",
                step=c.step.value,
                action="check_in",
            )
        invitation = await Invitation.filter(
            id=claim.invitation_id, consultation_id=c.id, status=InvitationStatus.ACCEPTED
        ).first()
        if invitation is None or not invitation.checkin_nonce:
            raise _forged()
        if invitation.checkin_nonce != claim.nonce:
            raise _expired()  # a link from before the nonce was drawn again
        claimed = await Invitation.filter(id=invitation.id, checked_in_at=None).update(
            checked_in_at=change.at
        )
        if not claimed:
            raise _reused()
        invitation.checked_in_at = change.at
        await change.record(
            "consultation.checked_in",
            consultation_gid(c.id),
            {"party": invitation.party_name, "meeting": meeting.id},
        )
    return invitation


# -- the calendar file ------------------------------------------------------------------------


def calendar_file(
    consultation: Consultation, meeting: ConsultationMeeting, invitation: Invitation
) -> str:
    """An ``.ics`` file (RFC 5545) of the meeting for one invitation; the online link (if
    any) in the description and as the event's URL."""
    calendar = Calendar()
    calendar.add("prodid", "-//gongzhi//consultation bell//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"consultation-meeting-{meeting.id}-{invitation.id}@gongzhi")
    event.add("dtstamp", meeting.created_at.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", f"协商会议：{consultation.title}")
    if meeting.place:
        event.add("location", vText(meeting.place))
    lines = [meeting.agenda or consultation.agenda, f"参会方：{invitation.party_name}"]
    lines.append(f"会议码：{meeting.code}")
    if meeting.online_link:
        lines.append(f"线上会议：{meeting.online_link}")
        event.add("url", meeting.online_link)
    event.add("description", "\n".join(line for line in lines if line))
    calendar.add_component(event)
    return str(calendar.to_ical().decode())
