"""微心愿: a small wish posted, claimed by one volunteer, fulfilled with a photo, confirmed.

Claiming is one conditional update (``UPDATE … SET state = CLAIMED WHERE id = … AND state =
OPEN``): of any number of volunteers claiming at once, exactly one changes the row and the
others are refused (``WISH_TAKEN``). The photo goes through the projects' upload pipeline
(sniffed, size-limited, moved into place only after the commit).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from core import validators
from core.errors import ErrorCode, Refused
from core.ids import to_global_id
from models.cases import Case
from models.columns import max_length
from models.participation import MicroWish, WishState
from models.people import GridAssignment, Resident
from models.tenancy import Community
from policies.capabilities.participation import WISH_POST_FOR
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street
from resolvers.participation.codes import ParticipationCode
from resolvers.projects.uploads import UploadLike, staged

FIELD = "wishId"


def wish_gid(wish_id: int) -> str:
    return to_global_id("MicroWish", wish_id)


@dataclass(frozen=True)
class NewWish:
    title: str
    description: str = ""
    resident_id: int | None = None  # a grid worker posting on a resident's behalf


def _texts(new: NewWish) -> tuple[str, str]:
    return (
        validators.text(new.title, "title", max_length(MicroWish, "title")),
        validators.text(
            new.description, "description", max_length(MicroWish, "description"), required=False
        ),
    )


async def post(caller: Caller, new: NewWish) -> MicroWish:
    """发布微心愿: a resident posts their own wish (placed in their community and grid), or a
    grid worker posts one for a resident (``resident_id``)."""
    title, description = _texts(new)
    async with changing(caller.services, caller.user) as change:
        if new.resident_id is not None:
            if not caller.can(WISH_POST_FOR.resource, WISH_POST_FOR.action):
                raise Refused(ErrorCode.FORBIDDEN, "wish.not_for_others", "residentId")
            resident = await in_street(Resident, new.resident_id, "residentId")
        else:
            found = await Resident.filter(user_id=caller.user.id).first()
            if found is None:
                raise Refused(ErrorCode.NOT_FOUND, "wish.no_resident", "residentId")
            resident = found
        if resident.community_id is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "wish.no_community", "residentId")
        wish = await MicroWish.create(
            title=title,
            description=description,
            community_id=resident.community_id,
            grid_id=resident.grid_id,
            resident_id=resident.id,
            wisher_id=resident.user_id,
            posted_by_id=caller.user.id,
            created_at=change.at,
            updated_at=change.at,
        )
        await change.record(
            "wish.posted",
            wish_gid(wish.id),
            {
                "title": title,
                "community": wish.community_id,
                "onBehalf": new.resident_id is not None,
            },
        )
    return wish


async def from_case(caller: Caller, case_id: int, title: str, description: str) -> MicroWish:
    """转为微心愿: the handler of a case turns it into a micro-wish of its reporter's community
    (once per case)."""
    title, description = _texts(NewWish(title, description))
    async with changing(caller.services, caller.user) as change:
        case = await in_street(Case, case_id, "caseId", for_update=True)
        if case.handler_id != caller.user.id:
            raise Refused(ParticipationCode.WISH_NOT_YOURS, "wish.not_case_handler", "caseId")
        resident = None
        if case.resident_id is not None:
            resident = await Resident.filter(id=case.resident_id).first()
        elif case.reporter_id is not None:
            resident = await Resident.filter(user_id=case.reporter_id).first()
        community_id = case.community_id or (resident.community_id if resident else None)
        if community_id is None:
            raise Refused(ErrorCode.BAD_USER_INPUT, "wish.no_community", "caseId")
        try:
            wish = await MicroWish.create(
                title=title,
                description=description,
                community_id=community_id,
                grid_id=case.grid_id or (resident.grid_id if resident else None),
                resident_id=resident.id if resident else None,
                wisher_id=resident.user_id if resident else case.reporter_id,
                posted_by_id=caller.user.id,
                case_id=case.id,
                created_at=change.at,
                updated_at=change.at,
            )
        except IntegrityError as exc:
            raise Refused(ErrorCode.ALREADY_EXISTS, "wish.case_already", "caseId") from exc
        await change.record(
            "wish.posted",
            wish_gid(wish.id),
            {"title": title, "case": case.id, "community": community_id},
        )
    return wish


async def claim(caller: Caller, wish_id: int) -> MicroWish:
    """认领: a volunteer claims an open wish; exactly one claimer, whoever comes first."""
    async with changing(caller.services, caller.user) as change:
        wish = await in_street(MicroWish, wish_id, FIELD)
        if wish.wisher_id == caller.user.id:
            raise Refused(ErrorCode.BAD_USER_INPUT, "wish.own_wish", FIELD)
        taken = await MicroWish.filter(id=wish.id, state=WishState.OPEN).update(
            state=WishState.CLAIMED,
            claimer_id=caller.user.id,
            claimed_at=change.at,
            updated_at=change.at,
        )
        if taken != 1:
            raise Refused(ParticipationCode.WISH_TAKEN, "wish.taken", FIELD)
        await change.record("wish.claimed", wish_gid(wish.id), {"claimer": caller.user.id})
    return await MicroWish.get(id=wish_id)


async def fulfil(caller: Caller, wish_id: int, photo: UploadLike, note: str = "") -> MicroWish:
    """已完成: the claimer marks the wish fulfilled with a photo of it."""
    note = validators.text(note, "note", max_length(MicroWish, "fulfil_note"), required=False)
    services = caller.services
    street_id = caller.street.id
    async with staged(
        services, street_id, [photo], "photo", folder="wishes", max_files=1
    ) as staging:
        async with changing(services, caller.user) as change:
            wish = await in_street(MicroWish, wish_id, FIELD, for_update=True)
            if wish.claimer_id != caller.user.id:
                raise Refused(ParticipationCode.WISH_NOT_YOURS, "wish.not_claimer", FIELD)
            if wish.state is not WishState.CLAIMED:
                raise Refused(ParticipationCode.WISH_STATE, "wish.not_claimed", FIELD)
            stored = staging.files[0]
            wish.state = WishState.FULFILLED
            wish.fulfil_note = note
            wish.photo_path = stored.relative
            wish.photo_sha256 = stored.sha256
            wish.fulfilled_at = change.at
            wish.updated_at = change.at
            await wish.save()
            await change.record(
                "wish.fulfilled", wish_gid(wish.id), {"photo": stored.sha256, "note": note}
            )
        staging.commit()
    return wish


async def _serves_grid(caller: Caller, grid_id: int | None) -> bool:
    if grid_id is None or not caller.can(WISH_POST_FOR.resource, WISH_POST_FOR.action):
        return False
    return await GridAssignment.filter(user_id=caller.user.id, grid_id=grid_id).exists()


async def confirm(caller: Caller, wish_id: int) -> MicroWish:
    """确认: the wisher (or a worker of the wish's grid, for a wisher without the app)
    confirms a fulfilled wish."""
    async with changing(caller.services, caller.user) as change:
        wish = await in_street(MicroWish, wish_id, FIELD, for_update=True)
        if wish.wisher_id != caller.user.id and not await _serves_grid(caller, wish.grid_id):
            raise Refused(ParticipationCode.WISH_NOT_YOURS, "wish.not_wisher", FIELD)
        if wish.state is not WishState.FULFILLED:
            raise Refused(ParticipationCode.WISH_STATE, "wish.not_fulfilled", FIELD)
        wish.state = WishState.CONFIRMED
        wish.confirmed_by_id = caller.user.id
        wish.confirmed_at = change.at
        wish.updated_at = change.at
        await wish.save()
        await change.record("wish.confirmed", wish_gid(wish.id), {"by": caller.user.id})
    return wish


@dataclass(frozen=True)
class CommunityWishes:
    """Micro-wishes of one community by state (claimed counts every wish ever claimed)."""

    community: Community
    open: int
    claimed: int
    fulfilled: int
    confirmed: int


async def counts_by_community() -> list[CommunityWishes]:
    """微心愿统计: per community of the street, how many wishes are open, were claimed, were
    fulfilled (fulfilled or confirmed) and were confirmed."""
    tally: dict[int, dict[str, int]] = {}
    grouped = (
        await MicroWish.all()
        .annotate(n=Count("id"))
        .group_by("community_id", "state")
        .values("community_id", "state", "n")
    )
    for row in grouped:
        counts = tally.setdefault(row["community_id"], {s.value: 0 for s in WishState})
        counts[str(row["state"])] = row["n"]
    communities = await Community.all().order_by("id")
    found = []
    for community in communities:
        c = tally.get(community.id, {s.value: 0 for s in WishState})
        found.append(
            CommunityWishes(
                community=community,
                open=c["OPEN"],
                claimed=c["CLAIMED"] + c["FULFILLED"] + c["CONFIRMED"],
                fulfilled=c["FULFILLED"] + c["CONFIRMED"],
                confirmed=c["CONFIRMED"],
            )
        )
    return found
