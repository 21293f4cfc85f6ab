"""Writing at the station: suggestions and their answers, task grabbing, the watch list and
the review queue, the station's settings. A refused input is the payload's ``InputError``
(NOT_ADDRESSEE, SUGGESTION_STATE, TASK_FULL, TASK_CLOSED, ALREADY_CLAIMED, OWN_POST,
REVIEW_DECIDED, or a platform code) and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.ids import from_global_id
from models import station as m
from models.outreach import ContactCode
from policies.capabilities.station import (
    ACTIVITY_JOIN,
    KEY_MATTER_MANAGE,
    KEY_PERSON_MANAGE,
    REVIEW_DECIDE,
    STATION_MANAGE,
    STATION_TASK_CLAIM,
    SUGGESTION_ANSWER,
    SUGGESTION_DEPARTMENT_REPLY,
    SUGGESTION_RATE,
    SUGGESTION_WRITE,
    WATCH_LIST_MANAGE,
)
from resolvers.station import activities, difficult, review, settings, suggestions, tasks, watch
from resolvers.station.activities import CHECK_IN_TOKEN_MAX_LENGTH, ActivityDraft
from resolvers.station.suggestions import SuggestionDraft
from schema.caller import caller
from schema.context import Info
from schema.errors import InputError
from schema.inputs import text as bounded
from schema.inputs import text_argument
from schema.permissions import Can, mutation
from schema.relay import decode_id, to_global_id
from schema.station.types import (
    Activity,
    ActivitySignup,
    KeyMatter,
    KeyPerson,
    ReviewItem,
    StationSetup,
    StationTask,
    Suggestion,
    TaskClaim,
    WatchEntry,
)

ANSWER = Can(SUGGESTION_ANSWER)
MANAGE = Can(STATION_MANAGE)

if TYPE_CHECKING:  # made from the domain list when the schema is built (schema/contributed.py)
    from enum import StrEnum as ReviewContentKind


@strawberry.input(description="A suggestion written from a representative's card (扫码).")
class WriteSuggestionInput:
    token: str = bounded(ContactCode, "token", description="The card's token (in its QR link).")
    text: str = bounded(m.Suggestion, "text")
    place: str = bounded(m.Suggestion, "place", default="")
    category: str = bounded(m.Suggestion, "category", default="")
    photos: list[str] = bounded(max=m.PHOTO_MAX_LENGTH, default_factory=list)
    private: bool = strawberry.field(
        default=False,
        description="隐私保护: hide the writer from everyone except the representative.",
    )


@strawberry.input(description="An activity to publish (发布活动).")
class PublishActivityInput:
    kind: m.ActivityKind
    title: str = bounded(m.Activity, "title")
    place: str = bounded(m.Activity, "place")
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: list[str] = bounded(
        max=20, default_factory=list, description="RESIDENTS, REPRESENTATIVES, DELIBERATORS."
    )
    notice: str = bounded(m.Activity, "notice", default="")
    community_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="For one community's residents (shown in their nearby feed), or the whole "
        "street when none.",
    )


@strawberry.type
class ActivitySuccess:
    activity: Activity


@strawberry.type
class ActivitySignupSuccess:
    signup: ActivitySignup
    activity: Activity


@strawberry.type
class SuggestionSuccess:
    suggestion: Suggestion


@strawberry.type
class StationTaskSuccess:
    task: StationTask


@strawberry.type
class TaskClaimSuccess:
    claim: TaskClaim


@strawberry.type
class WatchEntrySuccess:
    entry: WatchEntry


@strawberry.type
class WatchEntryRemoved:
    id: strawberry.ID


@strawberry.type
class KeyPersonSuccess:
    key_person: KeyPerson


@strawberry.type
class KeyPersonRemoved:
    id: strawberry.ID


@strawberry.type
class KeyMatterSuccess:
    key_matter: KeyMatter


@strawberry.type
class KeyMatterRemoved:
    id: strawberry.ID


@strawberry.type
class DifficultMatterSuccess:
    id: strawberry.ID
    resolved: bool


@strawberry.type
class ReviewItemSuccess:
    item: ReviewItem


SuggestionPayload = Annotated[SuggestionSuccess | InputError, strawberry.union("SuggestionPayload")]
StationTaskPayload = Annotated[
    StationTaskSuccess | InputError, strawberry.union("StationTaskPayload")
]
TaskClaimPayload = Annotated[TaskClaimSuccess | InputError, strawberry.union("TaskClaimPayload")]
WatchEntryPayload = Annotated[WatchEntrySuccess | InputError, strawberry.union("WatchEntryPayload")]
WatchEntryRemovedPayload = Annotated[
    WatchEntryRemoved | InputError, strawberry.union("WatchEntryRemovedPayload")
]
ReviewItemPayload = Annotated[ReviewItemSuccess | InputError, strawberry.union("ReviewItemPayload")]
KeyPersonPayload = Annotated[KeyPersonSuccess | InputError, strawberry.union("KeyPersonPayload")]
KeyPersonRemovedPayload = Annotated[
    KeyPersonRemoved | InputError, strawberry.union("KeyPersonRemovedPayload")
]
KeyMatterPayload = Annotated[KeyMatterSuccess | InputError, strawberry.union("KeyMatterPayload")]
KeyMatterRemovedPayload = Annotated[
    KeyMatterRemoved | InputError, strawberry.union("KeyMatterRemovedPayload")
]
DifficultMatterPayload = Annotated[
    DifficultMatterSuccess | InputError, strawberry.union("DifficultMatterPayload")
]
ActivityPayload = Annotated[ActivitySuccess | InputError, strawberry.union("ActivityPayload")]
ActivitySignupPayload = Annotated[
    ActivitySignupSuccess | InputError, strawberry.union("ActivitySignupPayload")
]
StationSetupPayload = Annotated[StationSetup | InputError, strawberry.union("StationSetupPayload")]

ANSWER_TEXT = text_argument(m.Suggestion, "answer")


def _sid(id: strawberry.ID) -> int:
    return decode_id(id, "Suggestion", "id")


def _done(row: m.Suggestion) -> SuggestionSuccess:
    return SuggestionSuccess(suggestion=Suggestion.from_model(row))


@strawberry.type
class StationMutation:
    @mutation(
        requires=Can(SUGGESTION_WRITE),
        description="Write to the representative of a card (代表建议): the card must be of my "
        "street and not revoked. The reply is due in the street's working days.",
    )
    async def write_suggestion(self, info: Info, input: WriteSuggestionInput) -> SuggestionPayload:
        row = await suggestions.write(
            caller(info),
            SuggestionDraft(
                token=input.token,
                text=input.text,
                place=input.place,
                category=input.category,
                photos=list(input.photos),
                private=input.private,
            ),
        )
        return _done(row)

    @mutation(requires=ANSWER, description="Accept a suggestion addressed to me (受理).")
    async def accept_suggestion(self, info: Info, id: strawberry.ID) -> SuggestionPayload:
        return _done(await suggestions.accept(caller(info), _sid(id)))

    @mutation(
        requires=ANSWER,
        description="Answer a suggestion addressed to me (答复); a public summary, if given, is "
        "public once the review queue approves it.",
    )
    async def answer_suggestion(
        self,
        info: Info,
        id: strawberry.ID,
        answer: Annotated[str, ANSWER_TEXT],
        public_summary: Annotated[str, ANSWER_TEXT] = "",
    ) -> SuggestionPayload:
        return _done(await suggestions.answer(caller(info), _sid(id), answer, public_summary))

    @mutation(
        requires=ANSWER,
        description="Forward a suggestion addressed to me to a street department (转办) and/or "
        "link a case of the cases domain, to follow it.",
    )
    async def forward_suggestion(
        self,
        info: Info,
        id: strawberry.ID,
        department_id: strawberry.ID | None = None,
        case_id: strawberry.ID | None = None,
        note: Annotated[str, ANSWER_TEXT] = "",
    ) -> SuggestionPayload:
        department = (
            decode_id(department_id, "Department", "departmentId") if department_id else None
        )
        case = decode_id(case_id, "Case", "caseId") if case_id else None
        return _done(await suggestions.forward(caller(info), _sid(id), department, case, note))

    @mutation(
        requires=Can(SUGGESTION_DEPARTMENT_REPLY),
        description="The department's reply to a suggestion forwarded to it (部门回复).",
    )
    async def reply_to_suggestion(
        self,
        info: Info,
        id: strawberry.ID,
        reply: Annotated[str, text_argument(m.Suggestion, "department_reply")],
    ) -> SuggestionPayload:
        return _done(await suggestions.department_reply(caller(info), _sid(id), reply))

    @mutation(
        requires=Can(SUGGESTION_RATE),
        description="Rate the answer to my suggestion, 1 to 5 (评价), once.",
    )
    async def rate_suggestion(
        self, info: Info, id: strawberry.ID, rating: int
    ) -> SuggestionPayload:
        return _done(await suggestions.rate(caller(info), _sid(id), rating))

    @mutation(requires=MANAGE, description="Post a task with a number of places (发布抢单任务).")
    async def post_station_task(
        self,
        info: Info,
        title: Annotated[str, text_argument(m.StationTask, "title")],
        places: int,
        description: Annotated[str, text_argument(m.StationTask, "description")] = "",
    ) -> StationTaskPayload:
        row = await tasks.post(caller(info), title, description, places)
        return StationTaskSuccess(task=StationTask.from_model(row))

    @mutation(requires=MANAGE, description="Close a task: no more claims (截止).")
    async def close_station_task(self, info: Info, id: strawberry.ID) -> StationTaskPayload:
        row = await tasks.close(caller(info), decode_id(id, "StationTask", "id"))
        return StationTaskSuccess(task=StationTask.from_model(row))

    @mutation(
        requires=Can(STATION_TASK_CLAIM),
        description="Claim a place of a task (抢单): one per person, never more than its places.",
    )
    async def claim_station_task(self, info: Info, task_id: strawberry.ID) -> TaskClaimPayload:
        row = await tasks.claim(caller(info), decode_id(task_id, "StationTask", "taskId"))
        return TaskClaimSuccess(claim=TaskClaim.from_model(row))

    @mutation(
        requires=Can(STATION_TASK_CLAIM),
        description="Report back on the task I claimed (反馈): text and photos.",
    )
    async def report_station_task(
        self,
        info: Info,
        task_id: strawberry.ID,
        report: Annotated[str, text_argument(m.TaskClaim, "report")],
        photos: Annotated[list[str] | None, text_argument(max=m.PHOTO_MAX_LENGTH)] = None,
    ) -> TaskClaimPayload:
        row = await tasks.report(
            caller(info), decode_id(task_id, "StationTask", "taskId"), report, list(photos or [])
        )
        return TaskClaimSuccess(claim=TaskClaim.from_model(row))

    @mutation(requires=MANAGE, description="Confirm a claim reported back (确认完成).")
    async def confirm_station_task(self, info: Info, claim_id: strawberry.ID) -> TaskClaimPayload:
        row = await tasks.confirm(caller(info), decode_id(claim_id, "TaskClaim", "claimId"))
        return TaskClaimSuccess(claim=TaskClaim.from_model(row))

    @mutation(
        requires=Can(WATCH_LIST_MANAGE),
        description="Add a keyword or phrase to the watch list (重点词): not empty, at most 50 "
        "characters, matched with full-width/half-width and traditional/simplified folded.",
    )
    async def add_watch_entry(
        self, info: Info, phrase: Annotated[str, text_argument(m.WatchEntry, "phrase")]
    ) -> WatchEntryPayload:
        row = await review.add_entry(caller(info), phrase)
        return WatchEntrySuccess(entry=WatchEntry.from_model(row))

    @mutation(requires=Can(WATCH_LIST_MANAGE), description="Remove an entry of the watch list.")
    async def remove_watch_entry(self, info: Info, id: strawberry.ID) -> WatchEntryRemovedPayload:
        await review.remove_entry(caller(info), decode_id(id, "WatchEntry", "id"))
        return WatchEntryRemoved(id=id)

    @mutation(
        requires=Can(KEY_PERSON_MANAGE),
        description="Put a person of the street on the key-people list (重点人), with the "
        "reason (required): their content, and content about them, then waits for review. "
        "`personId`: a Resident or an Account of the street.",
    )
    async def add_key_person(
        self,
        info: Info,
        person_id: strawberry.ID,
        reason: Annotated[str, text_argument(m.KeyPerson, "reason")],
    ) -> KeyPersonPayload:
        type_name, pk = from_global_id(person_id)
        row = await watch.add_person(caller(info), type_name, pk, reason)
        [name] = await watch.masked_names([row])
        return KeyPersonSuccess(key_person=KeyPerson.from_model(row, name))

    @mutation(requires=Can(KEY_PERSON_MANAGE), description="Take someone off the key people.")
    async def remove_key_person(self, info: Info, id: strawberry.ID) -> KeyPersonRemovedPayload:
        await watch.remove_person(caller(info), decode_id(id, "KeyPerson", "id"))
        return KeyPersonRemoved(id=id)

    @mutation(
        requires=Can(KEY_MATTER_MANAGE),
        description="Mark a suggestion, case or project of the street as a key matter (重点事): "
        "content about it then waits for review.",
    )
    async def mark_key_matter(
        self,
        info: Info,
        kind: m.MatterKind,
        subject_id: strawberry.ID,
        note: Annotated[str, text_argument(m.KeyMatter, "note")] = "",
    ) -> KeyMatterPayload:
        pk = decode_id(subject_id, difficult.TYPE_NAMES[kind], "subjectId")
        row = await watch.mark_matter(caller(info), kind, pk, note)
        [view] = await difficult.views_of([row])
        return KeyMatterSuccess(key_matter=KeyMatter.from_model(row, view.title))

    @mutation(requires=Can(KEY_MATTER_MANAGE), description="Take a matter off the key matters.")
    async def remove_key_matter(self, info: Info, id: strawberry.ID) -> KeyMatterRemovedPayload:
        await watch.remove_matter(caller(info), decode_id(id, "KeyMatter", "id"))
        return KeyMatterRemoved(id=id)

    @mutation(
        requires=Can(REVIEW_DECIDE),
        description="Decide on content waiting for review (审核): approve (as written, or with "
        "`text` edited: the original stays in the audit trail) or reject with a reason. Never "
        "one's own content (OWN_POST).",
    )
    async def decide_review(
        self,
        info: Info,
        id: strawberry.ID,
        approve: bool,
        text: Annotated[str | None, text_argument(m.ReviewItem, "text")] = None,
        reason: Annotated[str, text_argument(m.ReviewItem, "reason")] = "",
    ) -> ReviewItemPayload:
        row = await review.decide(
            caller(info), decode_id(id, "ReviewItem", "id"), approve, text, reason
        )
        return ReviewItemSuccess(item=ReviewItem.from_model(row))

    @mutation(
        requires=MANAGE,
        description="The street's station settings: working days a reply may take, the yellow "
        "line, and the kinds of content always reviewed (given parts only).",
    )
    async def update_station_settings(
        self,
        info: Info,
        reply_days: int | None = None,
        yellow_percent: int | None = None,
        always_review: list[Annotated[ReviewContentKind, strawberry.lazy("schema.contributed")]]
        | None = None,
    ) -> StationSetupPayload:
        row = await settings.save(caller(info), reply_days, yellow_percent, always_review)
        return StationSetup.from_model(row)

    @mutation(
        requires=MANAGE,
        description="Put a suggestion, case or project on the difficult-matters list (疑难).",
    )
    async def mark_difficult(
        self,
        info: Info,
        kind: m.MatterKind,
        subject_id: strawberry.ID,
        note: Annotated[str, text_argument(m.DifficultMatter, "note")] = "",
    ) -> DifficultMatterPayload:
        pk = decode_id(subject_id, difficult.TYPE_NAMES[kind], "subjectId")
        row = await difficult.mark(caller(info), kind, pk, note)
        return DifficultMatterSuccess(
            id=to_global_id("DifficultMatter", row.id), resolved=row.resolved_at is not None
        )

    @mutation(requires=MANAGE, description="Take a matter off the open list (办结).")
    async def resolve_difficult(self, info: Info, id: strawberry.ID) -> DifficultMatterPayload:
        await difficult.resolve(caller(info), decode_id(id, "DifficultMatter", "id"))
        return DifficultMatterSuccess(id=id, resolved=True)

    @mutation(
        requires=MANAGE,
        description="Publish an activity (发布活动): its notice is public once reviewed.",
    )
    async def publish_activity(self, info: Info, input: PublishActivityInput) -> ActivityPayload:
        row = await activities.publish(
            caller(info),
            ActivityDraft(
                kind=input.kind,
                title=input.title,
                place=input.place,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                audience=list(input.audience),
                notice=input.notice,
                community_id=decode_id(input.community_id, "Community", "communityId")
                if input.community_id
                else None,
            ),
        )
        return ActivitySuccess(activity=Activity.from_model(row))

    @mutation(
        requires=Can(ACTIVITY_JOIN),
        description="Sign up for an activity (扫码报名): a place if one is left, else the "
        "waiting list.",
    )
    async def sign_up_for_activity(
        self, info: Info, activity_id: strawberry.ID
    ) -> ActivitySignupPayload:
        pk = decode_id(activity_id, "Activity", "activityId")
        row = await activities.sign_up(caller(info), pk)
        activity = await activities.require(caller(info), pk, "activityId")
        return ActivitySignupSuccess(
            signup=ActivitySignup.of(row, activity), activity=Activity.from_model(activity)
        )

    @mutation(
        requires=Can(ACTIVITY_JOIN),
        description="Give up my place (or my turn on the waiting list): the first waiting "
        "moves up.",
    )
    async def cancel_activity_sign_up(
        self, info: Info, activity_id: strawberry.ID
    ) -> ActivitySignupPayload:
        pk = decode_id(activity_id, "Activity", "activityId")
        row = await activities.cancel(caller(info), pk)
        activity = await activities.require(caller(info), pk, "activityId")
        return ActivitySignupSuccess(
            signup=ActivitySignup.of(row, activity), activity=Activity.from_model(activity)
        )

    @mutation(
        requires=MANAGE,
        description="Scan a participant's check-in link at the door (签到): once, for this "
        "activity, a place only.",
    )
    async def check_in_participant(
        self,
        info: Info,
        activity_id: strawberry.ID,
        token: Annotated[str, text_argument(max=CHECK_IN_TOKEN_MAX_LENGTH)],
    ) -> ActivitySignupPayload:
        pk = decode_id(activity_id, "Activity", "activityId")
        row = await activities.check_in(caller(info), pk, token)
        activity = await activities.require(caller(info), pk, "activityId")
        return ActivitySignupSuccess(
            signup=ActivitySignup.of(row, activity), activity=Activity.from_model(activity)
        )
