"""The liaison station as the schema shows it: suggestions, tasks and their claims, the watch
list and the review queue, the figures.

A private suggestion's ``writer`` is shown to its addressee and its writer alone: everyone
else who reads the suggestion (congress staff, the department it was forwarded to) gets
``null``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import station as m
from models.accounts import User as UserRow
from models.outreach import Delegate as DelegateRow
from resolvers.consultations import meetings
from resolvers.station import activities, figures, review, tasks, watch
from resolvers.station.deadlines import level_at
from resolvers.station.difficult import subject_gid
from schema.accounts.types import Account
from schema.caller import caller
from schema.context import Info
from schema.relay import Node, to_global_id

if TYPE_CHECKING:  # made from the domain list when the schema is built (schema/contributed.py)
    from enum import StrEnum as ReviewContentKind

strawberry.enum(
    m.SuggestionStatus,
    name="SuggestionStatus",
    description="SUBMITTED 已提交 · ACCEPTED 已受理 · FORWARDED 已转办 (a department or a "
    "case) · ANSWERED 已答复 · RATED 已评价.",
)
strawberry.enum(
    m.WarningLevel,
    name="ReplyWarningLevel",
    description="NONE · YELLOW 黄线提醒 (the yellow line of the reply time passed) · "
    "RED 红线示警 (the reply is overdue).",
)
strawberry.enum(m.TaskStatus, name="StationTaskStatus", description="OPEN 抢单中 · CLOSED 已截止.")
strawberry.enum(
    m.ReviewStatus,
    name="ReviewStatus",
    description="PENDING 待审核 · APPROVED 已通过 (public) · REJECTED 已驳回.",
)


async def _account(info: Info, user_id: int | None) -> Account | None:
    if user_id is None:
        return None
    row = await info.context.loaders.by_id(UserRow).load(user_id)
    return Account.from_model(row) if row else None


@strawberry.type(description="A representative or deliberator a suggestion is addressed to.")
class Addressee:
    id: strawberry.ID
    name: str


@strawberry.type(description="代表建议 / 民情反映: a resident's suggestion to a representative.")
class Suggestion(Node):
    text: str
    place: str
    category: str
    photos: list[str]
    private: bool = strawberry.field(
        description="隐私保护: the writer is shown to the addressee alone."
    )
    status: m.SuggestionStatus
    received_at: datetime
    due_on: date = strawberry.field(description="The reply deadline's day (working days).")
    due_at: datetime
    answer: str
    answered_at: datetime | None
    on_time: bool | None = strawberry.field(description="Answered before the reply deadline.")
    forwarded_at: datetime | None
    department_reply: str
    department_replied_at: datetime | None
    rating: int | None
    rated_at: datetime | None
    row: strawberry.Private[m.Suggestion]

    @strawberry.field(description="The colour of the reply deadline now.")
    def warning(self, info: Info) -> m.WarningLevel:
        return level_at(self.row, info.context.services.clock.now())

    @strawberry.field(description="Who it is addressed to.")
    async def addressee(self, info: Info) -> Addressee | None:
        row = await info.context.loaders.by_id(DelegateRow).load(self.row.delegate_id)
        return Addressee(id=to_global_id("Delegate", row.id), name=row.name) if row else None

    @strawberry.field(
        description="Who wrote it: for a private suggestion, shown to the addressee and the "
        "writer only (null for everyone else)."
    )
    async def writer(self, info: Info) -> Account | None:
        me = caller(info).user.id
        if self.row.private and me != self.row.writer_id:
            delegate = await info.context.loaders.by_id(DelegateRow).load(self.row.delegate_id)
            if delegate is None or delegate.user_id != me:
                return None
        return await _account(info, self.row.writer_id)

    @strawberry.field(description="The street department it was forwarded to.")
    def department_id(self) -> strawberry.ID | None:
        pk = self.row.department_id
        return to_global_id("Department", pk) if pk else None

    @strawberry.field(description="The linked case (cases domain) the representative follows.")
    def case_id(self) -> strawberry.ID | None:
        pk = self.row.case_id
        return to_global_id("Case", pk) if pk else None

    @classmethod
    def from_model(cls, row: m.Suggestion) -> Suggestion:
        return cls(
            id=to_global_id("Suggestion", row.id),
            text=row.text,
            place=row.place,
            category=row.category,
            photos=list(row.photos or []),
            private=row.private,
            status=row.status,
            received_at=row.received_at,
            due_on=row.due_on,
            due_at=row.due_at,
            answer=row.answer,
            answered_at=row.answered_at,
            on_time=row.on_time,
            forwarded_at=row.forwarded_at,
            department_reply=row.department_reply,
            department_replied_at=row.department_replied_at,
            rating=row.rating,
            rated_at=row.rated_at,
            row=row,
        )


@strawberry.type(description="Suggestions received, answered, on time and their ratings.")
class SuggestionCounts:
    received: int
    answered: int
    on_time: int
    rated: int
    satisfied: int = strawberry.field(description="Rated 4 or 5 (满意、非常满意).")
    reply_rate: float = strawberry.field(description="answered ÷ received (0 when none).")
    on_time_rate: float = strawberry.field(description="onTime ÷ answered (0 when none).")
    satisfaction_rate: float = strawberry.field(description="satisfied ÷ rated (0 when none).")
    average_rating: float | None

    @classmethod
    def of(cls, c: figures.SuggestionCounts) -> SuggestionCounts:
        return cls(
            received=c.received,
            answered=c.answered,
            on_time=c.on_time,
            rated=c.rated,
            satisfied=c.satisfied,
            reply_rate=c.reply_rate,
            on_time_rate=c.on_time_rate,
            satisfaction_rate=c.satisfaction_rate,
            average_rating=c.average_rating,
        )


@strawberry.type(description="One representative's or deliberator's suggestion figures.")
class DelegateSuggestionFigures:
    delegate: Addressee
    counts: SuggestionCounts


@strawberry.type(description="A place of a task taken (抢单), and its report back.")
class TaskClaim(Node):
    slot_no: int = strawberry.field(description="The place taken, 1 to the task's places.")
    claimed_at: datetime
    report: str
    photos: list[str]
    reported_at: datetime | None
    confirmed_at: datetime | None
    claimer_id: strawberry.Private[int]

    @strawberry.field
    async def claimer(self, info: Info) -> Account | None:
        return await _account(info, self.claimer_id)

    @classmethod
    def from_model(cls, row: m.TaskClaim) -> TaskClaim:
        return cls(
            id=to_global_id("TaskClaim", row.id),
            slot_no=row.slot_no,
            claimed_at=row.claimed_at,
            report=row.report,
            photos=list(row.photos or []),
            reported_at=row.reported_at,
            confirmed_at=row.confirmed_at,
            claimer_id=row.claimer_id,
        )


@strawberry.type(description="抢单任务: a task with a number of places.")
class StationTask(Node):
    title: str
    description: str
    places: int
    claimed: int = strawberry.field(description="Places taken (never more than places).")
    status: m.TaskStatus
    created_at: datetime
    closed_at: datetime | None
    pk: strawberry.Private[int]

    @strawberry.field(description="The places taken, by slot.")
    async def claims(self, info: Info) -> list[TaskClaim]:
        rows = await info.context.loaders.of(tasks.claims_of).load(self.pk)
        return [TaskClaim.from_model(row) for row in rows]

    @classmethod
    def from_model(cls, row: m.StationTask) -> StationTask:
        return cls(
            id=to_global_id("StationTask", row.id),
            title=row.title,
            description=row.description,
            places=row.places,
            claimed=row.claimed,
            status=row.status,
            created_at=row.created_at,
            closed_at=row.closed_at,
            pk=row.id,
        )


@strawberry.type(description="重点词: an entry of the street's watch list.")
class WatchEntry(Node):
    phrase: str
    folded: str = strawberry.field(
        description="As matched: half-width, simplified, case folded, no whitespace."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, row: m.WatchEntry) -> WatchEntry:
        return cls(
            id=to_global_id("WatchEntry", row.id),
            phrase=row.phrase,
            folded=row.folded,
            created_at=row.created_at,
        )


strawberry.enum(
    m.MatterKind,
    name="DifficultMatterKind",
    description="SUGGESTION 代表建议 · CASE 民情事项 · PROJECT 民生项目 (the kinds of matter the "
    "difficult-matters list and the key matters name).",
)


@strawberry.enum(
    name="ReviewAlertKind",
    description="WATCH_WORD 重点词 · KEY_PERSON 重点人 · KEY_MATTER 重点事.",
)
class ReviewAlertKind(StrEnum):
    WATCH_WORD = "WATCH_WORD"
    KEY_PERSON = watch.KEY_PERSON
    KEY_MATTER = watch.KEY_MATTER


@strawberry.type(
    description="预警: why an item waits for review: a watch-list word it matched, a key "
    "person it is by or about (the name masked), a key matter it is about."
)
class ReviewAlert:
    kind: ReviewAlertKind
    label: str = strawberry.field(
        description="The word (as matched), the key person's masked name (张**), or the key "
        "matter's title (as they were when the item was submitted)."
    )
    key_person_id: strawberry.ID | None = strawberry.field(
        description="The key person (重点人) it concerns, for KEY_PERSON."
    )
    key_matter_id: strawberry.ID | None = strawberry.field(
        description="The key matter (重点事) it concerns, for KEY_MATTER."
    )
    subject_id: strawberry.ID | None = strawberry.field(
        description="The suggestion, case or project of a KEY_MATTER."
    )

    @classmethod
    def of(cls, row: m.ReviewItem) -> list[ReviewAlert]:
        alerts = [
            cls(
                kind=ReviewAlertKind.WATCH_WORD,
                label=word,
                key_person_id=None,
                key_matter_id=None,
                subject_id=None,
            )
            for word in row.matched or []
        ]
        for concern in row.concerns or []:
            kind = ReviewAlertKind(str(concern["kind"]))
            pk = int(str(concern["id"]))
            person = kind is ReviewAlertKind.KEY_PERSON
            subject = concern.get("subject")
            alerts.append(
                cls(
                    kind=kind,
                    label=str(concern.get("label", "")),
                    key_person_id=to_global_id("KeyPerson", pk) if person else None,
                    key_matter_id=None if person else to_global_id("KeyMatter", pk),
                    subject_id=strawberry.ID(str(subject)) if subject else None,
                )
            )
        return alerts


@strawberry.type(
    description="重点人: a person of the street whose content, and content about them, waits "
    "for review. The name is masked (张**)."
)
class KeyPerson(Node):
    person_id: strawberry.ID = strawberry.field(
        description="The resident (Resident) or account (Account) on the list."
    )
    name: str = strawberry.field(description="Masked: the surname and a * per character.")
    reason: str
    added_at: datetime
    added_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Who put them on the list.")
    async def added_by(self, info: Info) -> Account | None:
        return await _account(info, self.added_by_id)

    @classmethod
    def from_model(cls, row: m.KeyPerson, name: str) -> KeyPerson:
        return cls(
            id=to_global_id("KeyPerson", row.id),
            person_id=strawberry.ID(watch.person_gid(row)),
            name=name,
            reason=row.reason,
            added_at=row.added_at,
            added_by_id=row.added_by_id,
        )


@strawberry.type(
    description="重点事: a suggestion, case or project whose public content waits for review."
)
class KeyMatter(Node):
    kind: m.MatterKind
    subject_id: strawberry.ID = strawberry.field(description="The suggestion, case or project.")
    title: str
    note: str
    marked_at: datetime
    marked_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Who marked it.")
    async def marked_by(self, info: Info) -> Account | None:
        return await _account(info, self.marked_by_id)

    @classmethod
    def from_model(cls, row: m.KeyMatter, title: str) -> KeyMatter:
        return cls(
            id=to_global_id("KeyMatter", row.id),
            kind=row.kind,
            subject_id=strawberry.ID(subject_gid(row.kind, row.subject_id)),
            title=title,
            note=row.note,
            marked_at=row.marked_at,
            marked_by_id=row.marked_by_id,
        )


@strawberry.type(description="审核: content on its way to the public page.")
class ReviewItem(Node):
    kind: Annotated[ReviewContentKind, strawberry.lazy("schema.contributed")] = strawberry.field(
        description="What it is, of which domain (a station notice, a project's progress post, "
        "a case-library entry, a supervision opinion…)."
    )
    text: str
    status: m.ReviewStatus
    matched: list[str] = strawberry.field(description="The watch-list entries it matched.")
    alerts: list[ReviewAlert] = strawberry.field(
        description="预警: every reason it was held (watch-list words, key people, key matters)."
    )
    reason: str
    created_at: datetime
    decided_at: datetime | None
    author_id: strawberry.Private[int | None]
    reviewer_id: strawberry.Private[int | None]
    subject_pk: strawberry.Private[int]

    @strawberry.field(description="What reviewers read the kind as (项目进展…).")
    def kind_label(self, info: Info) -> str:
        return info.context.services.reviewables[str(self.kind)].label

    @strawberry.field(
        description="What it is about (its global ID: a Suggestion, an Activity, "
        "a ProgressUpdate, a LibraryCase, a SupervisionOpinion…)."
    )
    def subject_id(self, info: Info) -> strawberry.ID:
        node_type = info.context.services.reviewables[str(self.kind)].node_type
        return strawberry.ID(to_global_id(node_type, self.subject_pk))

    @strawberry.field
    async def author(self, info: Info) -> Account | None:
        return await _account(info, self.author_id)

    @strawberry.field
    async def reviewer(self, info: Info) -> Account | None:
        return await _account(info, self.reviewer_id)

    @classmethod
    def from_model(cls, row: m.ReviewItem) -> ReviewItem:
        return cls(
            id=to_global_id("ReviewItem", row.id),
            kind=row.kind,  # type: ignore[arg-type]  # the enum's values are the kinds' names
            text=row.text,
            status=row.status,
            matched=list(row.matched or []),
            alerts=ReviewAlert.of(row),
            reason=row.reason,
            created_at=row.created_at,
            decided_at=row.decided_at,
            author_id=row.author_id,
            reviewer_id=row.reviewer_id,
            subject_pk=row.subject_id,
        )


@strawberry.type(description="The station's one-screen figures (联络站大屏), no personal data.")
class StationFigures:
    suggestions: SuggestionCounts
    tasks_posted: int
    tasks_claimed: int = strawberry.field(description="Places taken over every task.")
    tasks_done: int = strawberry.field(description="Claims reported back and confirmed.")
    difficult_open: int = strawberry.field(description="Difficult matters not yet resolved.")
    reviews_pending: int
    activities_held: int = strawberry.field(description="Activities begun, not cancelled.")
    attendance: int = strawberry.field(description="Check-ins over every activity.")

    @classmethod
    def of(cls, f: figures.StationFigures) -> StationFigures:
        return cls(
            suggestions=SuggestionCounts.of(f.suggestions),
            tasks_posted=f.tasks_posted,
            tasks_claimed=f.tasks_claimed,
            tasks_done=f.tasks_done,
            difficult_open=f.difficult_open,
            reviews_pending=f.reviews_pending,
            activities_held=f.activities_held,
            attendance=f.attendance,
        )


@strawberry.type(description="An answer made public (its summary, approved by review).")
class PublicAnswer:
    summary: str
    answered_at: datetime | None


@strawberry.type(
    description="The public page of a representative's card: their figures and "
    "their answers made public (approved content only)."
)
class StationBoard:
    name: str
    counts: SuggestionCounts
    answers: list[PublicAnswer]


@strawberry.type(description="The street's station settings.")
class StationSetup:
    reply_days: int = strawberry.field(description="Working days a reply may take.")
    yellow_percent: int = strawberry.field(
        description="The yellow line (黄线): this percent of the reply time gone."
    )
    always_review: list[Annotated[ReviewContentKind, strawberry.lazy("schema.contributed")]] = (
        strawberry.field(description="Kinds of content reviewed even when they match nothing.")
    )

    @classmethod
    def from_model(cls, row: m.StationSettings) -> StationSetup:
        return cls(
            reply_days=row.reply_days,
            yellow_percent=row.yellow_percent,
            always_review=list(row.always_review or []),  # type: ignore[arg-type]  # the kinds' names
        )


@strawberry.type(
    description="办理疑难清单: a matter marked difficult, its age, owner and last action."
)
class DifficultMatter(Node):
    kind: m.MatterKind
    subject_id: strawberry.ID = strawberry.field(description="The suggestion, case or project.")
    title: str
    note: str
    since: datetime = strawberry.field(
        description="When the matter arrived (its age counts from here)."
    )
    age_days: int
    owner: str = strawberry.field(
        description="Who must act: the representative, handler or department."
    )
    last_action: str = strawberry.field(description="The newest audit action about it.")
    last_action_at: datetime | None
    marked_at: datetime
    resolved_at: datetime | None


strawberry.enum(
    m.ActivityKind,
    name="ActivityKind",
    description="RECEPTION_DAY 代表接待日 · INSPECTION 视察调研 · COUNCIL_MEETING 议事会 · OTHER.",
)
strawberry.enum(
    m.SignupStatus,
    name="ActivitySignupStatus",
    description="SIGNED_UP 已报名 (a place) · WAITING 候补 (moves up when someone cancels) · "
    "CANCELLED 已取消.",
)


@strawberry.type(description="An activity's attendance: places taken, waiting, checked in.")
class Attendance:
    signed_up: int
    waiting: int
    checked_in: int


@strawberry.type(description="My sign-up for an activity, and my check-in link (mine alone).")
class ActivitySignup:
    status: m.SignupStatus
    signed_at: datetime
    checked_in_at: datetime | None
    row: strawberry.Private[m.ActivitySignup]
    activity_row: strawberry.Private[m.Activity]

    @strawberry.field(
        description="签到码: the signed link staff scan at the door (a place only, else null)."
    )
    def check_in_link(self, info: Info) -> str | None:
        if self.row.status is not m.SignupStatus.SIGNED_UP:
            return None
        return activities.check_in_link(info.context.services, self.activity_row, self.row)

    @strawberry.field(description="The check-in link as a QR code (an SVG data URI).")
    def check_in_qr(self, info: Info) -> str | None:
        link = self.check_in_link(info)
        return meetings.qr_svg(link) if link else None

    @classmethod
    def of(cls, row: m.ActivitySignup, activity: m.Activity) -> ActivitySignup:
        return cls(
            status=row.status,
            signed_at=row.signed_at,
            checked_in_at=row.checked_in_at,
            row=row,
            activity_row=activity,
        )


@strawberry.type(description="活动: an activity of the station, with its capacity and attendance.")
class Activity(Node):
    kind: m.ActivityKind
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: list[str] = strawberry.field(
        description="Who may join: RESIDENTS, REPRESENTATIVES, DELIBERATORS."
    )
    cancelled_at: datetime | None

    @strawberry.field(
        description="The community it is for (its residents' nearby feed), or "
        "null for the whole street."
    )
    def community_id(self) -> strawberry.ID | None:
        pk = self.row.community_id
        return None if pk is None else strawberry.ID(to_global_id("Community", pk))

    @strawberry.field(
        description="报名码: the activity's link for its poster; scanned, the app opens the "
        "activity and signs the scanner up (signUpForActivity)."
    )
    def sign_up_link(self) -> str:
        return activities.sign_up_link(self.row)

    @strawberry.field(description="The sign-up link as a QR code (an SVG data URI).")
    def sign_up_qr(self) -> str:
        return meetings.qr_svg(activities.sign_up_link(self.row))

    row: strawberry.Private[m.Activity]

    @strawberry.field(description="The notice as reviewed (null until the review approves it).")
    async def notice(self, info: Info) -> str | None:
        return await info.context.loaders.of(
            review.approved_texts_of(m.ContentKind.ACTIVITY_NOTICE)
        ).load(self.row.id)

    @strawberry.field(description="Places taken, waiting, checked in.")
    async def attendance(self, info: Info) -> Attendance:
        a = await info.context.loaders.of(activities.attendance_of).load(self.row.id)
        return Attendance(signed_up=a.signed_up, waiting=a.waiting, checked_in=a.checked_in)

    @strawberry.field(description="My sign-up, if I signed up.")
    async def my_signup(self, info: Info) -> ActivitySignup | None:
        key = (caller(info).user.id, self.row.id)
        row = await info.context.loaders.of(activities.signups_of).load(key)
        return ActivitySignup.of(row, self.row) if row else None

    @classmethod
    def from_model(cls, row: m.Activity) -> Activity:
        return cls(
            id=to_global_id("Activity", row.id),
            kind=row.kind,
            title=row.title,
            place=row.place,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            capacity=row.capacity,
            audience=list(row.audience or []),
            cancelled_at=row.cancelled_at,
            row=row,
        )


@strawberry.type(description="One source of ratings of the satisfaction index.")
class RatingPart:
    source: str = strawberry.field(description="CASE, SUGGESTION, PROJECT or CONSULTATION.")
    count: int
    points: float = strawberry.field(
        description="Σ points: a case 满意 1, 基本满意 0.5, 不满意 0; a 1-5 score (s − 1) ÷ 4."
    )


@strawberry.type(
    description="居民满意度指数 = 100 × (Σ points) ÷ (number of ratings), over every rating "
    "given in the period: case ratings (满意 1, 基本满意 0.5, 不满意 0), suggestion and project "
    "ratings and consultation evaluations (a 1-5 score s gives (s − 1) ÷ 4). A community's takes "
    "its cases, consultations and projects. Null when nothing was rated."
)
class SatisfactionIndex:
    index: float | None
    count: int
    points: float
    parts: list[RatingPart]


@strawberry.type(
    description="代表履职指数 = 3 × suggestions answered on time + 1 × visits logged + 2 × "
    "activities attended + 3 × tasks done + 2 × supervision opinions, in the period."
)
class DelegateActivity:
    delegate: Addressee
    index: int
    answered_on_time: int
    visits: int
    activities_attended: int
    tasks_done: int
    opinions: int
