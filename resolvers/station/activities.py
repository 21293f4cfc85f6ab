"""Activities (活动): congress staff publish an activity (a reception day, an inspection, a
council meeting…) with its time, place, capacity and who may join; people sign up from its QR
code, beyond the capacity onto a waiting list that moves up when someone cancels; staff scan
each participant's signed check-in link at the door; attendance is counted.

A place is taken by one conditional update of the activity's ``taken`` counter below its
``capacity`` (as a task's place is, ``resolvers/station/tasks.py``): who gets no place waits.
Cancelling a place gives it, under the activity's row lock, to the earliest on the waiting list.

Check-in links are signed links (``core/signed_links.py``, as the consultation meetings'):
``street.activity.signup.nonce.expiry`` under the server's key; forged, expired, reused or
another activity's links are CHECK_IN_REFUSED, one of a sign-up still waiting or cancelled is
NOT_SIGNED_UP. The nonce is drawn again on every sign-up.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet

from core import signed_links, validators
from core.errors import DomainError, ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import Role
from models.columns import max_length
from models.station import (
    Activity,
    ActivityKind,
    ActivitySignup,
    ContentKind,
    ReviewItem,
    ReviewStatus,
    SignupStatus,
)
from models.tenancy import Community
from resolvers.caller import Caller
from resolvers.consultations.codes import ConsultationCode
from resolvers.events import changing
from resolvers.neighbourhood import NearbyEntry, NearbySource, Neighbour
from resolvers.notifications import notify
from resolvers.owned import in_street
from resolvers.services import Services
from resolvers.station import review
from resolvers.station.codes import StationCode

BAD = ErrorCode.BAD_USER_INPUT
MAX_CAPACITY = 10000
LINK_GRACE = timedelta(hours=2)
PURPOSE = "station-check-in"
CHECK_IN_PATH = "/station/check-in/"
CHECK_IN_TOKEN_MAX_LENGTH = 500
AUDIENCES = {
    "RESIDENTS": (Role.RESIDENT, Role.BUILDING_CHIEF),
    "REPRESENTATIVES": (Role.REPRESENTATIVE,),
    "DELIBERATORS": (Role.DELIBERATOR,),
}
"""Who may join (居民、人大代表、议事员), by the roles that count as each."""


def activity_gid(pk: int) -> str:
    return to_global_id("Activity", pk)


@dataclass(frozen=True)
class ActivityDraft:
    kind: ActivityKind
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    audience: Sequence[str]
    notice: str = ""
    community_id: int | None = None
    """For one community's residents (its nearby feed), or the whole street (``None``)."""


async def publish(caller: Caller, draft: ActivityDraft) -> Activity:
    """An activity; its notice passes the review queue before it is public."""
    title = validators.text(draft.title, "title", max_length(Activity, "title"))
    place = validators.text(draft.place, "place", max_length(Activity, "place"))
    notice = validators.text(draft.notice, "notice", max_length(Activity, "notice"), required=False)
    validators.in_order(
        draft.starts_at, draft.ends_at, "endsAt", "station.activity_ends_first", same_allowed=False
    )
    validators.in_range(draft.capacity, 1, MAX_CAPACITY, "capacity", "station.capacity_range")
    audience = sorted(set(draft.audience))
    if not audience or any(a not in AUDIENCES for a in audience):
        raise Refused(BAD, "station.audience_unknown", "audience")
    async with changing(caller.services, caller.user) as change:
        if draft.starts_at <= change.at:
            raise Refused(BAD, "station.activity_in_past", "startsAt")
        if draft.community_id is not None:
            await in_street(Community, draft.community_id, "communityId")
        row = await Activity.create(
            tenant_id=change.street_id,
            kind=draft.kind,
            title=title,
            notice=notice,
            place=place,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            capacity=draft.capacity,
            audience=audience,
            community_id=draft.community_id,
            created_by_id=caller.user.id,
            created_at=change.at,
        )
        await change.record(
            "activity.published",
            activity_gid(row.id),
            {
                "kind": draft.kind.value,
                "capacity": draft.capacity,
                "audience": audience,
                "community": draft.community_id,
            },
        )
        await review.submit(
            change, ContentKind.ACTIVITY_NOTICE, row.id, f"{title}\n{notice}".strip()
        )
    return row


def _approved() -> QuerySet[Activity]:
    approved = ReviewItem.filter(
        kind=ContentKind.ACTIVITY_NOTICE, status=ReviewStatus.APPROVED
    ).values("subject_id")
    return Activity.filter(id__in=Subquery(approved))


def visible(caller: Caller) -> QuerySet[Activity]:
    """Staff see every activity; everyone else those whose notice the review approved."""
    if caller.can("station", "manage"):
        return Activity.all()
    return _approved()


# -- the nearby feed (身边) ----------------------------------------------------------------------


def _for_neighbour(who: Neighbour) -> QuerySet[Activity]:
    """What a resident's feed may show: approved, not cancelled, of the whole street or of
    their community (whether it is open to residents is read from its audience)."""
    query = _approved().filter(cancelled_at=None)
    if who.community_id is None:
        query = query.filter(community_id=None)
    else:
        query = query.filter(Q(community_id=None) | Q(community_id=who.community_id))
    return query


async def _resident_activities(who: Neighbour) -> list[tuple[int, datetime]]:
    """IDs and times of the activities open to residents (the JSON list is read here: both
    databases' JSON containment differ)."""
    rows = await _for_neighbour(who).values_list("id", "created_at", "audience")
    return [(int(pk), at) for pk, at, audience in rows if "RESIDENTS" in (audience or [])]


async def nearby_activities(
    who: Neighbour, before: datetime | None, limit: int
) -> list[NearbyEntry]:
    """The resident's activities published at or before ``before``, newest first."""
    query = _for_neighbour(who)
    if before is not None:
        query = query.filter(created_at__lte=before)
    found: list[NearbyEntry] = []
    offset, batch = 0, max(limit, 50)
    while len(found) < limit:
        rows = await query.order_by("-created_at", "-id").offset(offset).limit(batch)
        offset += batch
        texts = await review.approved_texts_of(ContentKind.ACTIVITY_NOTICE)([r.id for r in rows])
        for row, text in zip(rows, texts, strict=True):
            if "RESIDENTS" not in row.audience:
                continue
            notice = (text or row.title).removeprefix(row.title).strip()
            summary = f"{row.starts_at.isoformat()} {row.place} {notice}".strip()
            found.append(
                NearbyEntry("ACTIVITY", "Activity", row.id, row.title, summary, row.created_at)
            )
        if len(rows) < batch:
            break
    return found[:limit]


async def nearby_count(who: Neighbour) -> int:
    return len(await _resident_activities(who))


NEARBY = NearbySource("ACTIVITY", "活动", nearby_activities, nearby_count)


async def require(caller: Caller, pk: int, field: str = "id") -> Activity:
    found = await visible(caller).filter(id=pk).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, field=field)
    return found


def may_join(caller: Caller, activity: Activity) -> bool:
    roles = caller.roles()
    return any(role.value in roles for a in activity.audience for role in AUDIENCES.get(a, ()))


async def sign_up(caller: Caller, activity_id: int) -> ActivitySignup:
    """A place if one is left, else the waiting list; signing up again after cancelling is a
    new sign-up at the end of the line."""
    activity = await require(caller, activity_id, "activityId")
    if not may_join(caller, activity):
        raise Refused(StationCode.NOT_IN_AUDIENCE, "station.not_in_audience", "activityId")
    if activity.cancelled_at is not None or activity.starts_at <= caller.services.clock.now():
        raise Refused(StationCode.ACTIVITY_CLOSED, "station.activity_closed", "activityId")
    mine = await ActivitySignup.filter(activity_id=activity.id, user_id=caller.user.id).first()
    if mine is not None and mine.status is not SignupStatus.CANCELLED:
        raise Refused(ErrorCode.ALREADY_EXISTS, "station.already_signed_up", "activityId")
    try:
        async with changing(caller.services, caller.user) as change:
            got = await Activity.filter(id=activity.id, taken__lt=F("capacity")).update(
                taken=F("taken") + 1
            )
            status = SignupStatus.SIGNED_UP if got else SignupStatus.WAITING
            values = {
                "status": status,
                "signed_at": change.at,
                "checkin_nonce": secrets.token_hex(8),
                "checked_in_at": None,
            }
            if mine is None:
                row = await ActivitySignup.create(
                    tenant_id=change.street_id,
                    activity_id=activity.id,
                    user_id=caller.user.id,
                    **values,  # type: ignore[arg-type]  # checked field values, by name
                )
            else:
                claimed = await ActivitySignup.filter(
                    id=mine.id, status=SignupStatus.CANCELLED
                ).update(**values)
                if not claimed:
                    raise Refused(
                        ErrorCode.ALREADY_EXISTS, "station.already_signed_up", "activityId"
                    )
                row = await ActivitySignup.get(id=mine.id)
            await change.record(
                "activity.signed_up", activity_gid(activity.id), {"status": status.value}
            )
    except IntegrityError as exc:
        raise Refused(ErrorCode.ALREADY_EXISTS, "station.already_signed_up", "activityId") from exc
    return row


async def cancel(caller: Caller, activity_id: int) -> ActivitySignup:
    """Give up one's place (or one's turn on the waiting list): the earliest waiting moves up."""
    async with changing(caller.services, caller.user) as change:
        seen = await require(caller, activity_id, "activityId")
        activity = await Activity.filter(id=seen.id).select_for_update().first()
        if activity is None:
            raise DomainError(ErrorCode.NOT_FOUND, field="activityId")
        row = await ActivitySignup.filter(
            activity_id=activity.id,
            user_id=caller.user.id,
            status__in=[SignupStatus.SIGNED_UP, SignupStatus.WAITING],
        ).first()
        if row is None:
            raise Refused(StationCode.NOT_SIGNED_UP, "station.not_signed_up", "activityId")
        had_place = row.status is SignupStatus.SIGNED_UP
        row.status = SignupStatus.CANCELLED
        await row.save(update_fields=["status"])
        await change.record("activity.cancelled_sign_up", activity_gid(activity.id), {})
        if had_place:
            nxt = (
                await ActivitySignup.filter(activity_id=activity.id, status=SignupStatus.WAITING)
                .order_by("signed_at", "id")
                .first()
            )
            if nxt is None:
                await Activity.filter(id=activity.id).update(taken=F("taken") - 1)
            else:
                nxt.status = SignupStatus.SIGNED_UP
                nxt.checkin_nonce = secrets.token_hex(8)
                await nxt.save(update_fields=["status", "checkin_nonce"])
                await change.record("activity.moved_up", activity_gid(activity.id), {})
                await notify(
                    change,
                    [nxt.user_id],
                    "activity.moved_up",
                    activity.title,
                    "",
                    activity_gid(activity.id),
                )
    return row


# -- the signed check-in link -----------------------------------------------------------------


SIGN_UP_PATH = "/station/activities/"


def sign_up_link(activity: Activity) -> str:
    """报名码: the activity's own link, printed as a QR code on its poster; the app opens the
    activity there and signs the scanner up (``signUpForActivity``). It carries nothing
    secret: who may join is checked at sign-up."""
    return SIGN_UP_PATH + activity_gid(activity.id)


def check_in_link(services: Services, activity: Activity, signup: ActivitySignup) -> str:
    expiry = int((activity.ends_at + LINK_GRACE).timestamp())
    parts = (activity.tenant_id, activity.id, signup.id, signup.checkin_nonce, expiry)
    return CHECK_IN_PATH + signed_links.sign(services.settings.secret_key or "", PURPOSE, parts)


REFUSED = ConsultationCode.CHECK_IN_REFUSED  # the bell's code: the same refusal


def _forged() -> Refused:
    return Refused(REFUSED, "station.check_in_forged", "token")


def _expired() -> Refused:
    return Refused(REFUSED, "station.check_in_expired", "token")


def _reused() -> Refused:
    return Refused(REFUSED, "station.check_in_reused", "token")


def _other_activity() -> Refused:
    return Refused(REFUSED, "station.check_in_other_activity", "token")


async def check_in(caller: Caller, activity_id: int, token: str) -> ActivitySignup:
    """Scanned at the door of ``activity_id`` by staff: the participant is present, once."""
    token = validators.text(token, "token", CHECK_IN_TOKEN_MAX_LENGTH).removeprefix(CHECK_IN_PATH)
    parts = signed_links.read(caller.services.settings.secret_key or "", PURPOSE, token, 5)
    if parts is None:
        raise _forged()
    try:
        street, activity_pk, signup_pk, nonce, expiry = (
            int(parts[0]),
            int(parts[1]),
            int(parts[2]),
            parts[3],
            int(parts[4]),
        )
    except ValueError as exc:
        raise _forged() from exc
    async with changing(caller.services, caller.user) as change:
        activity = await require(caller, activity_id, "activityId")
        if street != change.street_id or activity_pk != activity.id:
            raise _other_activity()
        if change.at.timestamp() > expiry:
            raise _expired()
        row = await ActivitySignup.filter(id=signup_pk, activity_id=activity.id).first()
        if row is None:
            raise _forged()
        if row.status is not SignupStatus.SIGNED_UP:
            raise Refused(StationCode.NOT_SIGNED_UP, "station.not_signed_up", "token")
        if row.checkin_nonce != nonce:
            raise _expired()
        claimed = await ActivitySignup.filter(id=row.id, checked_in_at=None).update(
            checked_in_at=change.at
        )
        if not claimed:
            raise _reused()
        row.checked_in_at = change.at
        await change.record("activity.checked_in", activity_gid(activity.id), {})
    return row


def listed(caller: Caller, upcoming_after: datetime | None) -> QuerySet[Activity]:
    query = visible(caller)
    return query.filter(ends_at__gte=upcoming_after) if upcoming_after else query


@dataclass(frozen=True)
class Attendance:
    signed_up: int
    waiting: int
    checked_in: int


async def attendance_of(activity_ids: Sequence[int]) -> list[Attendance]:
    """Each activity's counts (a batch for the loader)."""
    rows = await ActivitySignup.filter(activity_id__in=list(activity_ids)).values_list(
        "activity_id", "status", "checked_in_at"
    )
    counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in activity_ids}
    for activity_id, status, checked_in_at in rows:
        c = counts[int(activity_id)]
        if status == SignupStatus.SIGNED_UP:
            c[0] += 1
        elif status == SignupStatus.WAITING:
            c[1] += 1
        if checked_in_at is not None:
            c[2] += 1
    return [Attendance(*counts[pk]) for pk in activity_ids]


async def signups_of(keys: Sequence[tuple[int, int]]) -> list[ActivitySignup | None]:
    """The sign-up of each (user, activity), if any (a batch for the loader)."""
    users = list({user for user, _ in keys})
    activities = list({activity for _, activity in keys})
    rows = await ActivitySignup.filter(user_id__in=users, activity_id__in=activities)
    found = {(row.user_id, row.activity_id): row for row in rows}
    return [found.get(key) for key in keys]
