"""Consultations (协商事项) as the schema shows them: the ring, its nine-step timeline, the
parties and their invitations, the meeting with its minutes.

Everyone who reaches a consultation (``consultation:read`` and the row rules) sees its
steps and parties; the requester's contact number is for handlers; an invitation's check-in
link and calendar file are for the invitee alone.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from core.clock import local_date
from models import consultations as m
from models.accounts import User as UserRow
from models.tenancy import Community as CommunityRow
from policies.capabilities.consultations import CONSULTATION_HANDLE
from resolvers.consultations import meetings, views
from resolvers.consultations.deadlines import level_at
from resolvers.consultations.settings import DEFAULT_OFFICES
from schema.accounts.types import Account
from schema.consultations.enums import (
    BellActivity,
    Channel,
    Classification,
    InvitationStatus,
    PartyKind,
    RequesterKind,
    Step,
    StepWarningLevel,
    Verdict,
)
from schema.context import Info
from schema.permissions import Can, field
from schema.projects.enums import Lateness
from schema.relay import Node, to_global_id
from schema.tenancy.types import Community

HANDLE = Can(CONSULTATION_HANDLE)
OFFICE_NAMES = dict(DEFAULT_OFFICES)


async def _account(info: Info, user_id: int | None) -> Account | None:
    if user_id is None:
        return None
    row = await info.context.loaders.by_id(UserRow).load(user_id)
    return Account.from_model(row) if row else None


@strawberry.type(description="One step of a consultation's timeline (留痕).")
class TimelineEntry:
    step: Step
    step_name: str = strawberry.field(description="The step's name (提出协商申请, 受理…).")
    at: datetime
    note: str
    warning: StepWarningLevel = strawberry.field(
        description="NONE for a step taken; YELLOW or RED for a deadline warning sent while "
        "at this step (黄线提醒、红线示警)."
    )
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who took the step (none for a ring at a terminal).")
    async def actor(self, info: Info) -> Account | None:
        return await _account(info, self.actor_id)

    @classmethod
    def from_model(cls, row: m.ConsultationStep) -> TimelineEntry:
        return cls(
            step=row.step,
            step_name=views.STEP_NAMES[row.step],
            at=row.at,
            note=row.note,
            warning=StepWarningLevel(row.warning),
            actor_id=row.actor_id,
        )


@strawberry.type(description="A step's deadline warning sent: 黄线提醒 or 红线示警, once each.")
class StepWarning:
    step: Step = strawberry.field(description="The step that was due.")
    level: StepWarningLevel
    due_at: datetime
    sent_at: datetime

    @classmethod
    def from_model(cls, row: m.StepWarning) -> StepWarning:
        return cls(
            step=row.step,
            level=StepWarningLevel(row.level),
            due_at=row.due_at,
            sent_at=row.sent_at,
        )


@strawberry.type(description="A decision of the meeting's minutes and the parties who agreed.")
class MeetingDecision:
    text: str
    agreed_by: list[strawberry.ID] = strawberry.field(description="Invitations that agreed.")


@strawberry.type(description="协商会议: the consultation's meeting.")
class ConsultationMeeting(Node):
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    agenda: str
    held_at: datetime | None
    minutes: str = strawberry.field(description="会议纪要, once the meeting is held.")
    decisions: list[MeetingDecision]
    attachments: list[str]
    row: strawberry.Private[m.ConsultationMeeting]

    @field(requires=HANDLE, description="The meeting's registration code (会议码).")
    def code(self) -> str:
        return self.row.code

    @classmethod
    def from_model(cls, row: m.ConsultationMeeting) -> ConsultationMeeting:
        return cls(
            id=to_global_id("ConsultationMeeting", row.id),
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            place=row.place,
            online_link=row.online_link,
            agenda=row.agenda,
            held_at=row.held_at,
            minutes=row.minutes,
            decisions=[
                MeetingDecision(
                    text=d["text"],
                    agreed_by=[to_global_id("Invitation", i) for i in d.get("agreedBy", [])],
                )
                for d in row.decisions
            ],
            attachments=list(row.attachments),
            row=row,
        )


@strawberry.type(description="协商约请: one party invited, and how it answered.")
class Invitation(Node):
    party_kind: PartyKind
    party_name: str
    status: InvitationStatus
    reason: str = strawberry.field(description="Why it declined, if it did.")
    position: str = strawberry.field(description="Its position on the matter (对接协商事项).")
    attending: bool
    checked_in_at: datetime | None
    verdict: Verdict | None = strawberry.field(description="Its answer in the joint review.")
    verdict_reason: str
    row: strawberry.Private[m.Invitation]

    @strawberry.field(description="The account that answers for the party.")
    async def account(self, info: Info) -> Account | None:
        return await _account(info, self.row.user_id)

    def _mine(self, info: Info) -> bool:
        return info.context.viewer.require_user().id == self.row.user_id

    async def _meeting(self, info: Info) -> m.ConsultationMeeting | None:
        return await info.context.loaders.of(views.load_meetings).load(self.row.consultation_id)

    @strawberry.field(
        description="My check-in link (签到码), once attendance is confirmed: shown as a QR code "
        "at the door. Null for anyone but the invitee."
    )
    async def check_in_link(self, info: Info) -> str | None:
        meeting = await self._meeting(info)
        if not self._mine(info) or meeting is None or not self.row.checkin_nonce:
            return None
        return meetings.check_in_link(info.context.services, meeting, self.row)

    @strawberry.field(description="The check-in link as a QR code (an SVG data URI).")
    async def check_in_qr(self, info: Info) -> str | None:
        link = await self.check_in_link(info)
        return meetings.qr_svg(link) if link else None

    @strawberry.field(
        description="The meeting as an `.ics` calendar file (text/calendar), for the invitee."
    )
    async def calendar_file(self, info: Info) -> str | None:
        meeting = await self._meeting(info)
        if not self._mine(info) or meeting is None:
            return None
        consultation = await info.context.loaders.by_id(m.Consultation).load(
            self.row.consultation_id
        )
        assert consultation is not None
        return meetings.calendar_file(consultation, meeting, self.row)

    @classmethod
    def from_model(cls, row: m.Invitation) -> Invitation:
        return cls(
            id=to_global_id("Invitation", row.id),
            party_kind=row.party_kind,
            party_name=row.party_name,
            status=row.status,
            reason=row.reason,
            position=row.position,
            attending=row.attending,
            checked_in_at=row.checked_in_at,
            verdict=row.verdict,
            verdict_reason=row.verdict_reason,
            row=row,
        )


@strawberry.type(description="协商事项: one ring of the bell and its nine steps.")
class Consultation(Node):
    title: str
    description: str
    category: str
    step: Step
    classification: Classification | None
    office: str = strawberry.field(
        description="The street office a non-consultation matter went to."
    )
    requester_kind: RequesterKind
    channel: Channel
    photos: list[str]
    suggested_parties: list[str] = strawberry.field(
        description="The parties the requester thinks are involved."
    )
    agenda: str
    outcome: str
    announcement: str
    not_accepted_reason: str
    step_due: date | None = strawberry.field(description="When the next step is due.")
    step_due_at: datetime | None = strawberry.field(
        description="The instant the next step is due: the close of its last working day."
    )
    submitted_at: datetime
    accepted_at: datetime | None
    announced_at: datetime | None
    row: strawberry.Private[m.Consultation]

    @strawberry.field(description="The office's name (六办三中心).")
    def office_name(self) -> str:
        return OFFICE_NAMES.get(self.row.office, self.row.office)

    @field(requires=HANDLE, description="The requester's contact number.")
    def contact_phone(self) -> str:
        return self.row.contact_phone

    @strawberry.field(description="黄灯/红灯: the next step due soon, or overdue.")
    def lateness(self, info: Info) -> Lateness:
        on = local_date(info.context.services.clock.now())
        return views.lateness(self.row, on, 1)

    @strawberry.field(
        description="The next step's deadline now: NONE, YELLOW once its yellow line (黄线, a "
        "share of its working time) has passed, RED once it is overdue (红线)."
    )
    def warning(self, info: Info) -> StepWarningLevel:
        return level_at(self.row, info.context.services.clock.now())

    @strawberry.field(description="The step deadline warnings sent (黄线提醒、红线示警).")
    async def step_warnings(self, info: Info) -> list[StepWarning]:
        rows = await info.context.loaders.of(views.load_step_warnings).load(self.row.id)
        return [StepWarning.from_model(r) for r in rows]

    @strawberry.field(description="The linked case (诉求) of a non-consultation matter.")
    def case_id(self) -> strawberry.ID | None:
        return to_global_id("Case", self.row.case_id) if self.row.case_id else None

    @strawberry.field
    async def community(self, info: Info) -> Community | None:
        row = await info.context.loaders.by_id(CommunityRow).load(self.row.community_id)
        return Community.from_model(row) if row else None

    @strawberry.field(description="The requester's account (none for a terminal ring).")
    async def requester(self, info: Info) -> Account | None:
        return await _account(info, self.row.requester_id)

    @strawberry.field(description="The social worker who entered it on the resident's behalf.")
    async def entered_by(self, info: Info) -> Account | None:
        return await _account(info, self.row.entered_by_id)

    @strawberry.field(description="Every step taken, in order (留痕).")
    async def timeline(self, info: Info) -> list[TimelineEntry]:
        rows = await info.context.loaders.of(views.load_timelines).load(self.row.id)
        return [TimelineEntry.from_model(r) for r in rows]

    @strawberry.field(description="The parties invited (协商约请).")
    async def invitations(self, info: Info) -> list[Invitation]:
        rows = await info.context.loaders.of(views.load_invitations).load(self.row.id)
        return [Invitation.from_model(r) for r in rows]

    @strawberry.field(description="My own invitation, if I am a party.")
    async def my_invitation(self, info: Info) -> Invitation | None:
        me = info.context.viewer.require_user().id
        rows = await info.context.loaders.of(views.load_invitations).load(self.row.id)
        return next((Invitation.from_model(r) for r in rows if r.user_id == me), None)

    @strawberry.field
    async def meeting(self, info: Info) -> ConsultationMeeting | None:
        row = await info.context.loaders.of(views.load_meetings).load(self.row.id)
        return ConsultationMeeting.from_model(row) if row else None

    @strawberry.field(description="How many have rated the outcome (评价).")
    async def rating_count(self, info: Info) -> int:
        return (await info.context.loaders.of(views.load_ratings).load(self.row.id)).count

    @strawberry.field(description="The average rating (1 to 5), once someone rated.")
    async def average_rating(self, info: Info) -> float | None:
        return (await info.context.loaders.of(views.load_ratings).load(self.row.id)).average

    @classmethod
    def from_model(cls, row: m.Consultation) -> Consultation:
        return cls(
            id=to_global_id("Consultation", row.id),
            title=row.title,
            description=row.description,
            category=row.category,
            step=row.step,
            classification=row.classification,
            office=row.office,
            requester_kind=row.requester_kind,
            channel=row.channel,
            photos=list(row.photos),
            suggested_parties=list(row.suggested_parties),
            agenda=row.agenda,
            outcome=row.outcome,
            announcement=row.announcement,
            not_accepted_reason=row.not_accepted_reason,
            step_due=row.step_due,
            step_due_at=row.step_due_at,
            submitted_at=row.submitted_at,
            accepted_at=row.accepted_at,
            announced_at=row.announced_at,
            row=row,
        )


@strawberry.type(description="协商铃工作日志: one bell activity of a grid worker.")
class BellLogEntry(Node):
    activity: BellActivity
    note: str
    at: datetime
    row: strawberry.Private[m.BellLogEntry]

    @strawberry.field
    async def worker(self, info: Info) -> Account | None:
        return await _account(info, self.row.worker_id)

    @strawberry.field
    async def community(self, info: Info) -> Community | None:
        if self.row.community_id is None:
            return None
        row = await info.context.loaders.by_id(CommunityRow).load(self.row.community_id)
        return Community.from_model(row) if row else None

    @strawberry.field(description="The consultation it was about, if one.")
    def consultation_id(self) -> strawberry.ID | None:
        cid = self.row.consultation_id
        return to_global_id("Consultation", cid) if cid else None

    @classmethod
    def from_model(cls, row: m.BellLogEntry) -> BellLogEntry:
        return cls(
            id=to_global_id("BellLogEntry", row.id),
            activity=row.activity,
            note=row.note,
            at=row.at,
            row=row,
        )
