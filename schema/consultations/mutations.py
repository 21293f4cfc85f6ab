"""Ringing the bell and taking a consultation through its nine steps; the parties' answers;
the meeting, its check-in at the door and its minutes; the bell work log.

Each step mutation refuses a step that is not next with STEP_OUT_OF_ORDER, and a role that
may not take it with FORBIDDEN; a party acting on a consultation it is not invited to hears
NOT_INVITED. Nothing is written when a step is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models import consultations as m
from models.consultations import Consultation as ConsultationRow
from policies.capabilities.consultations import (
    BELL_LOG_WRITE,
    BELL_TERMINAL_MANAGE,
    CONSULTATION_CHECK_IN,
    CONSULTATION_EVALUATE,
    CONSULTATION_HANDLE,
    CONSULTATION_RESPOND,
    CONSULTATION_RING,
)
from resolvers.consultations import handling, library, meetings, parties, ringing, worklog
from resolvers.consultations.common import require_consultation
from resolvers.consultations.meetings import CHECK_IN_TOKEN_MAX_LENGTH
from resolvers.consultations.ringing import KEY_MAX_LENGTH
from schema.caller import caller
from schema.consultations.enums import BellActivity, PartyKind, Verdict
from schema.consultations.library import LibraryCase, SimilarCase
from schema.consultations.types import BellLogEntry, Consultation, Invitation
from schema.context import Info
from schema.errors import InputError
from schema.inputs import TYPED_NUMBER_MAX_LENGTH, text, text_argument
from schema.permissions import Can, Public, mutation
from schema.relay import decode_id, to_global_id
from tenants.scoping import street_scope

HANDLE = Can(CONSULTATION_HANDLE)
RESPOND = Can(CONSULTATION_RESPOND)


@strawberry.input(description="提出协商申请: what the bell is rung about.")
class RingInput:
    title: str = text(m.Consultation, "title")
    description: str = text(m.Consultation, "description")
    category: str = text(
        m.Consultation, "category", description="One of the street's categories (bellSetup)."
    )
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where: the community (or give the compound or building)."
    )
    compound_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None
    photos: list[str] = text(
        max=m.PHOTO_MAX_LENGTH, default_factory=list, description="Uploaded photos."
    )
    parties: list[str] = text(
        m.Invitation,
        "party_name",
        default_factory=list,
        description="The parties the requester thinks are involved.",
    )
    contact_phone: str = text(
        max=TYPED_NUMBER_MAX_LENGTH, default="", description="A contact number."
    )
    on_behalf_of: strawberry.ID | None = strawberry.field(
        default=None,
        description="A resident (居民) a community worker rings for (社工代为申请): the resident "
        "is linked, the worker recorded as entering it.",
    )


@strawberry.input(description="One party to invite (三方办公, departments, professionals).")
class PartyInput:
    kind: PartyKind
    name: str = text(
        m.Invitation, "party_name", description="The party as it is called (某某物业公司)."
    )
    account_id: strawberry.ID = strawberry.field(description="The account that answers for it.")


@strawberry.input(description="When and where the meeting is.")
class MeetingInput:
    starts_at: datetime
    ends_at: datetime
    place: str = text(m.ConsultationMeeting, "place", default="")
    online_link: str = text(m.ConsultationMeeting, "online_link", default="")
    agenda: str = text(m.ConsultationMeeting, "agenda", default="")


@strawberry.input(description="A decision of the minutes and the invitations that agreed.")
class DecisionInput:
    text: str = text(max=m.DECISION_MAX_LENGTH)
    agreed_by: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.type
class ConsultationSuccess:
    consultation: Consultation


@strawberry.type(description="The ring is in; the library's closest solved cases come with it.")
class Rung:
    consultation: Consultation
    similar_cases: list[SimilarCase] = strawberry.field(
        description="相似案例: the street's published cases closest to the ring (at most 3)."
    )


@strawberry.type
class InvitationSuccess:
    invitation: Invitation


@strawberry.type
class CheckedIn:
    invitation: Invitation
    party_name: str


@strawberry.type(description="A registered terminal and its key, shown this once.")
class BellTerminalRegistered:
    terminal_id: strawberry.ID
    key: str


@strawberry.type
class BellLogged:
    entry: BellLogEntry


RingPayload = Annotated[Rung | InputError, strawberry.union("RingPayload")]
ConsultationPayload = Annotated[
    ConsultationSuccess | InputError, strawberry.union("ConsultationPayload")
]
InvitationPayload = Annotated[InvitationSuccess | InputError, strawberry.union("InvitationPayload")]
CheckInPayload = Annotated[CheckedIn | InputError, strawberry.union("CheckInPayload")]
BellTerminalPayload = Annotated[
    BellTerminalRegistered | InputError, strawberry.union("BellTerminalPayload")
]
BellLogPayload = Annotated[BellLogged | InputError, strawberry.union("BellLogPayload")]


def _optional(value: strawberry.ID | None, kind: str, field: str) -> int | None:
    return decode_id(value, kind, field) if value is not None else None


def _draft(input: RingInput) -> ringing.RingDraft:
    return ringing.RingDraft(
        title=input.title,
        description=input.description,
        category=input.category,
        community_id=_optional(input.community_id, "Community", "communityId"),
        compound_id=_optional(input.compound_id, "Compound", "compoundId"),
        building_id=_optional(input.building_id, "Building", "buildingId"),
        photos=list(input.photos),
        parties=list(input.parties),
        contact_phone=input.contact_phone,
        on_behalf_of=_optional(input.on_behalf_of, "Resident", "onBehalfOf"),
    )


def _done(row: ConsultationRow) -> ConsultationSuccess:
    return ConsultationSuccess(consultation=Consultation.from_model(row))


async def _rung(row: ConsultationRow) -> Rung:
    found = await library.similar_to_ring(f"{row.title} {row.description}")
    return Rung(
        consultation=Consultation.from_model(row),
        similar_cases=[
            SimilarCase(case=LibraryCase.from_model(c), score=round(s, 4)) for c, s in found
        ],
    )


def _id(id: strawberry.ID) -> int:
    return decode_id(id, "Consultation", "id")


@strawberry.type
class ConsultationsMutation:
    @mutation(
        requires=Can(CONSULTATION_RING),
        description="Ring the bell (提出协商申请), for oneself or, as a community worker, on a "
        "resident's behalf (onBehalfOf). The community's staff are told.",
    )
    async def ring_bell(self, info: Info, input: RingInput) -> RingPayload:
        row = await ringing.ring(caller(info), _draft(input))
        return await _rung(row)

    @mutation(
        requires=Public(),
        description="Ring at a community centre's terminal (智能终端), with the terminal's key: "
        "the requester's phone number is the contact. The terminal may do nothing else.",
    )
    async def ring_at_terminal(
        self,
        info: Info,
        terminal_key: Annotated[str, text_argument(max=KEY_MAX_LENGTH)],
        input: RingInput,
    ) -> RingPayload:
        row = await ringing.ring_at_terminal(info.context.services, terminal_key, _draft(input))
        with street_scope(row.tenant_id):
            return await _rung(row)

    @mutation(
        requires=Can(BELL_TERMINAL_MANAGE),
        description="Register a community centre's terminal; its key is shown this once.",
    )
    async def register_bell_terminal(
        self,
        info: Info,
        community_id: strawberry.ID,
        name: Annotated[str, text_argument(m.BellTerminal, "name")],
    ) -> BellTerminalPayload:
        terminal, key = await ringing.register_terminal(
            caller(info), decode_id(community_id, "Community", "communityId"), name
        )
        return BellTerminalRegistered(
            terminal_id=to_global_id("BellTerminal", terminal.id), key=key
        )

    @mutation(
        requires=HANDLE,
        description="受理: accept a SUBMITTED ring as a consultation matter, or (with `office`) "
        "as a non-consultation matter routed to that street office (ROUTED, linked to a case).",
    )
    async def accept_consultation(
        self,
        info: Info,
        id: strawberry.ID,
        office: Annotated[str | None, text_argument(m.Consultation, "office")] = None,
        note: Annotated[str, text_argument(m.ConsultationStep, "note")] = "",
    ) -> ConsultationPayload:
        return _done(await handling.accept(caller(info), _id(id), office, note))

    @mutation(requires=HANDLE, description="不予受理: decline a SUBMITTED ring, with the reason.")
    async def decline_consultation(
        self,
        info: Info,
        id: strawberry.ID,
        reason: Annotated[str, text_argument(m.Consultation, "not_accepted_reason")],
    ) -> ConsultationPayload:
        return _done(await handling.decline(caller(info), _id(id), reason))

    @mutation(requires=HANDLE, description="发起协商约请: invite the parties of an ACCEPTED ring.")
    async def invite_parties(
        self, info: Info, id: strawberry.ID, parties: list[PartyInput]
    ) -> ConsultationPayload:
        drafts = [
            handling.PartyDraft(
                kind=p.kind,
                name=p.name,
                user_id=decode_id(p.account_id, "Account", f"parties[{n}].accountId"),
            )
            for n, p in enumerate(parties)
        ]
        return _done(await handling.invite(caller(info), _id(id), drafts))

    @mutation(
        requires=HANDLE,
        description="Set or move the meeting (time, place or online link, agenda), while the "
        "parties are INVITED or the matter COORDINATED.",
    )
    async def schedule_meeting(
        self, info: Info, id: strawberry.ID, input: MeetingInput
    ) -> ConsultationPayload:
        draft = meetings.MeetingDraft(
            input.starts_at, input.ends_at, input.place, input.online_link, input.agenda
        )
        who = caller(info)
        await meetings.schedule(who, _id(id), draft)
        return _done(await require_consultation(who, _id(id)))

    @mutation(
        requires=HANDLE,
        description="对接协商事项: set the agenda once every party answered and each that "
        "accepted gave its position.",
    )
    async def coordinate_consultation(
        self,
        info: Info,
        id: strawberry.ID,
        agenda: Annotated[str, text_argument(m.Consultation, "agenda")],
    ) -> ConsultationPayload:
        return _done(await handling.coordinate(caller(info), _id(id), agenda))

    @mutation(
        requires=HANDLE,
        description="确认参会信息: the meeting is set and the attending parties said so; each "
        "gets its check-in link and a reminder.",
    )
    async def confirm_attendance(self, info: Info, id: strawberry.ID) -> ConsultationPayload:
        return _done(await handling.confirm(caller(info), _id(id)))

    @mutation(
        requires=HANDLE,
        description="召开协商会议: the minutes with the decisions and who agreed to each; not "
        "before the meeting has begun.",
    )
    async def record_minutes(
        self,
        info: Info,
        id: strawberry.ID,
        minutes: Annotated[str, text_argument(m.ConsultationMeeting, "minutes")],
        decisions: list[DecisionInput],
        attachments: Annotated[list[str] | None, text_argument(max=m.ATTACHMENT_MAX_LENGTH)] = None,
    ) -> ConsultationPayload:
        found = [
            handling.Decision(
                text=d.text,
                agreed_by=[
                    decode_id(i, "Invitation", f"decisions[{n}].agreedBy") for i in d.agreed_by
                ],
            )
            for n, d in enumerate(decisions)
        ]
        return _done(
            await handling.meet(caller(info), _id(id), minutes, found, list(attachments or []))
        )

    @mutation(
        requires=HANDLE,
        description="联审协商结果: close the joint review with the outcome, once every attending "
        "party signed off or objected.",
    )
    async def review_outcome(
        self,
        info: Info,
        id: strawberry.ID,
        outcome: Annotated[str, text_argument(m.Consultation, "outcome")],
    ) -> ConsultationPayload:
        return _done(await handling.review(caller(info), _id(id), outcome))

    @mutation(
        requires=HANDLE,
        description="通报协商结果: announce the outcome to the requester, the parties and the "
        "residents of the compound.",
    )
    async def announce_outcome(
        self,
        info: Info,
        id: strawberry.ID,
        text: Annotated[str, text_argument(m.Consultation, "announcement")],
    ) -> ConsultationPayload:
        return _done(await handling.announce(caller(info), _id(id), text))

    @mutation(
        requires=Can(CONSULTATION_EVALUATE),
        description="评价协商结果: rate an announced outcome (1 to 5), once: the requester, or a "
        "resident of the compound.",
    )
    async def evaluate_outcome(
        self,
        info: Info,
        id: strawberry.ID,
        rating: int,
        comment: Annotated[str, text_argument(m.Evaluation, "comment")] = "",
    ) -> ConsultationPayload:
        who = caller(info)
        await handling.evaluate(who, _id(id), rating, comment)
        return _done(await require_consultation(who, _id(id)))

    @mutation(
        requires=RESPOND,
        description="Accept or decline my invitation (a decline says why).",
    )
    async def answer_invitation(
        self,
        info: Info,
        id: strawberry.ID,
        accept: bool,
        reason: Annotated[str, text_argument(m.Invitation, "reason")] = "",
    ) -> InvitationPayload:
        row = await parties.answer(caller(info), _id(id), accept, reason)
        return InvitationSuccess(invitation=Invitation.from_model(row))

    @mutation(requires=RESPOND, description="对接协商事项: my party's position on the matter.")
    async def give_position(
        self,
        info: Info,
        id: strawberry.ID,
        position: Annotated[str, text_argument(m.Invitation, "position")],
    ) -> InvitationPayload:
        row = await parties.give_position(caller(info), _id(id), position)
        return InvitationSuccess(invitation=Invitation.from_model(row))

    @mutation(requires=RESPOND, description="确认参会: whether my party attends the meeting.")
    async def set_attendance(
        self, info: Info, id: strawberry.ID, attending: bool
    ) -> InvitationPayload:
        row = await parties.attend(caller(info), _id(id), attending)
        return InvitationSuccess(invitation=Invitation.from_model(row))

    @mutation(
        requires=RESPOND,
        description="联审: sign off on the minutes, or object with a reason; once.",
    )
    async def give_verdict(
        self,
        info: Info,
        id: strawberry.ID,
        verdict: Verdict,
        reason: Annotated[str, text_argument(m.Invitation, "verdict_reason")] = "",
    ) -> InvitationPayload:
        row = await parties.give_verdict(caller(info), _id(id), verdict, reason)
        return InvitationSuccess(invitation=Invitation.from_model(row))

    @mutation(
        requires=Can(CONSULTATION_CHECK_IN),
        description="签到: an invitee's check-in link scanned at the door of this meeting. "
        "CHECK_IN_REFUSED for a forged, expired or used link, or one of another meeting.",
    )
    async def check_in_attendee(
        self,
        info: Info,
        meeting_id: strawberry.ID,
        token: Annotated[str, text_argument(max=CHECK_IN_TOKEN_MAX_LENGTH)],
    ) -> CheckInPayload:
        row = await meetings.check_in(
            caller(info), decode_id(meeting_id, "ConsultationMeeting", "meetingId"), token
        )
        return CheckedIn(invitation=Invitation.from_model(row), party_name=row.party_name)

    @mutation(
        requires=Can(BELL_LOG_WRITE),
        description="协商铃工作日志: log a bell activity (a visit, a call, coordination).",
    )
    async def log_bell_work(
        self,
        info: Info,
        activity: BellActivity,
        note: Annotated[str, text_argument(m.BellLogEntry, "note")],
        community_id: strawberry.ID | None = None,
        consultation_id: strawberry.ID | None = None,
        at: datetime | None = None,
    ) -> BellLogPayload:
        entry = await worklog.log_work(
            caller(info),
            activity,
            note,
            _optional(community_id, "Community", "communityId"),
            _optional(consultation_id, "Consultation", "consultationId"),
            at,
        )
        return BellLogged(entry=BellLogEntry.from_model(entry))
