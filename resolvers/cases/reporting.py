"""Reporting a matter (一事一报): by a resident, by grid staff on patrol, on a resident's behalf
(代录), and already solved on the spot (事事必报, 上报为已办结).

The grid comes from the point when the street's grids have outlines (shapely, ``geo.py``),
else from the grid staff name, else from the reporter's own resident record. A case with a
grid starts at the grid; one without goes to the street's dispatch desk (值班台). Its first
deadlines come from the street's SLA table; everything is checked (and the deadline computed)
before the transaction, so a refused report writes nothing, files included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from core import validators
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.accounts import User
from models.cases import (
    Case,
    CaseLevel,
    CaseMedia,
    CaseSource,
    CaseState,
    StepAction,
    Urgency,
)
from models.columns import max_length
from models.people import Resident
from models.tenancy import Grid
from policies.capabilities.cases import CASE_REPORT_FOR
from resolvers.caller import Caller
from resolvers.cases import geo
from resolvers.cases.access import party_users
from resolvers.cases.codes import CaseCode
from resolvers.cases.common import case_gid, level_text, step
from resolvers.cases.media import Uploads, staged_media
from resolvers.cases.rules import lowest_level, new_stint, report_rules
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.people.access import my_grid_ids, visible_residents
from resolvers.services import Services
from tenants.scoping import current_street_id

# What staff may name as the source of a case they report themselves (巡查、走访、协商铃).
STAFF_SOURCES = frozenset({CaseSource.GRID_PATROL, CaseSource.VISIT, CaseSource.CONSULTATION_BELL})
# What a case entered for someone else comes from (代录、12345 热线、走访、协商铃).
ENTERED_SOURCES = frozenset(
    {CaseSource.ON_BEHALF, CaseSource.HOTLINE, CaseSource.VISIT, CaseSource.CONSULTATION_BELL}
)


@dataclass(frozen=True)
class NewCase:
    title: str
    category_id: int
    description: str = ""
    urgency: Urgency = Urgency.ORDINARY
    longitude: float | None = None
    latitude: float | None = None
    address: str = ""
    grid_id: int | None = None
    private: bool = False
    public: bool = False
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Reporter:
    """Who a case is from: the account, the resident concerned, who typed it in, and the
    source's own name (an Open311 key's)."""

    source: CaseSource
    reporter_id: int | None = None
    resident_id: int | None = None
    entered_by_id: int | None = None
    source_name: str = ""
    grid_hint: int | None = None


async def _grid(
    new: NewCase, hint: int | None, require_grid: bool
) -> tuple[int | None, int | None]:
    """The case's grid and, when the point found it, its community (else None: read it)."""
    if new.longitude is not None and new.latitude is not None:
        # A grid found means the street has outlines: ask whether it has any only when not.
        found = await geo.grid_place_of_point(new.longitude, new.latitude)
        if found is not None:
            return found
        if require_grid and await geo.streets_have_outlines():
            raise Refused(CaseCode.OUTSIDE_GRIDS, "case.outside_grids", "location")
    if new.grid_id is not None:
        if not await Grid.exists(id=new.grid_id):
            raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
        return new.grid_id, None
    return hint, None


async def _checked(
    new: NewCase, who: Reporter, solved: str | None, now: datetime
) -> tuple[Case, str | None]:
    """The unsaved case, every check passed and its first deadlines computed (refuses a date
    beyond the holiday calendar), and what was done, checked; the street's settings read
    once."""
    title = validators.text(new.title, "title", max_length(Case, "title"))
    description = validators.text(
        new.description, "description", max_length(Case, "description"), required=False
    )
    address = validators.text(new.address, "address", max_length(Case, "address"), required=False)
    contact_name = validators.text(
        new.contact_name, "contactName", max_length(Case, "contact_name"), required=False
    )
    contact_phone = validators.phone(new.contact_phone, "contactPhone")
    geo.check_point(new.longitude, new.latitude)
    found = await report_rules(new.category_id, new.urgency)
    if found is None:
        raise Refused(ErrorCode.NOT_FOUND, "case.category_not_found", "categoryId")
    rules = found.rules
    grid_id, community_id = await _grid(new, who.grid_hint, rules.require_grid)
    if grid_id is not None and community_id is None:
        community_id = (await Grid.get(id=grid_id)).community_id
    level = CaseLevel.GRID if grid_id is not None else CaseLevel.STREET
    if solved is not None:
        solved = validators.text(solved, "result", max_length(Case, "result"))
        if grid_id is None:
            raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
        if await lowest_level(new.urgency, new.category_id) > CaseLevel.GRID:
            raise Refused(CaseCode.CLOSURE_LEVEL, "case.closure_level", "urgency")
    case = Case(
        title=title,
        description=description,
        category_id=new.category_id,
        urgency=new.urgency,
        source=who.source,
        source_name=who.source_name,
        reporter_id=who.reporter_id,
        resident_id=who.resident_id,
        entered_by_id=who.entered_by_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        private=new.private,
        public=new.public,
        longitude=new.longitude,
        latitude=new.latitude,
        address=address,
        grid_id=grid_id,
        community_id=community_id,
        entry_level=level,
        state=CaseState.PENDING,
        stint=0,
        reported_at=now,
        updated_at=now,
    )
    await new_stint(case, level, now, rules, found.days(level, new.urgency, new.category_id))
    return case, solved


async def file_case(
    services: Services,
    new: NewCase,
    who: Reporter,
    uploads: Uploads = Uploads(),
    *,
    actor: User | None = None,
    solved: str | None = None,
) -> Case:
    """Create a case in the current street, from any channel: the operations below (for a
    signed-in ``actor``), or one with no account behind it (an Open311 client's key, the
    demo). With ``solved`` (what was done) it is recorded as resolved at the grid on the
    spot."""
    now = services.clock.now()
    async with in_transaction():  # the checks' reads: one row scope (PostgreSQL) for them all
        case, solved = await _checked(new, who, solved, now)
    level = CaseLevel(case.level)
    async with staged_media(services, current_street_id(), uploads) as media:
        async with changing(services, actor) as change:
            await case.save()
            first = await step(
                change,
                case,
                StepAction.REPORTED,
                level=level,
                detail={"source": who.source.value, "media": media.digests},
            )
            rows = media.rows(change.street_id, case.id, change.at, first.id)
            if rows:
                await CaseMedia.bulk_create(rows)
            if solved is not None:
                assert actor is not None
                case.state = CaseState.RESOLVED
                case.handler_id = case.first_handler_id = actor.id
                case.signed_at = case.resolved_at = change.at
                case.resolved_level = CaseLevel.GRID
                case.result = solved
                await case.save()
                await step(change, case, StepAction.RESOLVED, level=level, note=solved)
            else:
                await notify(
                    change,
                    [u for u in await party_users(services, case) if not actor or u != actor.id],
                    "case.new",
                    translate("case.new_title", title=case.title),
                    translate("case.new_body", level=level_text(level)),
                    case_gid(case.id),
                )
        media.commit()
    return case


async def report_case(
    caller: Caller,
    new: NewCase,
    uploads: Uploads = Uploads(),
    source: CaseSource | None = None,
) -> Case:
    """我要报事 / 巡查上报: the caller reports a matter themselves. Staff name their source
    (patrol, visit, consultation bell); a resident's report is from the resident app."""
    staff = caller.can(CASE_REPORT_FOR.resource, CASE_REPORT_FOR.action)
    if staff:
        chosen = source or CaseSource.GRID_PATROL
        if chosen not in STAFF_SOURCES:
            raise Refused(ErrorCode.BAD_USER_INPUT, "case.source_not_allowed", "source")
    else:
        chosen = CaseSource.RESIDENT_APP
        new = NewCase(**{**new.__dict__, "grid_id": None})  # a resident's grid is where they live
    resident = await Resident.filter(user_id=caller.user.id).first()
    who = Reporter(
        source=chosen,
        reporter_id=caller.user.id,
        resident_id=resident.id if resident else None,
        grid_hint=resident.grid_id if resident else None,
    )
    return await file_case(caller.services, new, who, uploads, actor=caller.user)


async def report_case_for(
    caller: Caller,
    new: NewCase,
    resident_id: int | None,
    source: CaseSource = CaseSource.ON_BEHALF,
    uploads: Uploads = Uploads(),
) -> Case:
    """代录: staff enter a case for a resident who cannot use a phone (the resident linked, the
    staff member recorded), or from the hotline with the caller's name and number."""
    if source not in ENTERED_SOURCES:
        raise Refused(ErrorCode.BAD_USER_INPUT, "case.source_not_allowed", "source")
    resident = None
    if resident_id is not None:
        resident = await (await visible_residents(caller)).filter(id=resident_id).first()
        if resident is None:
            raise Refused(ErrorCode.NOT_FOUND, "case.resident_not_found", "residentId")
    elif not new.contact_name.strip():
        raise Refused(ErrorCode.BAD_USER_INPUT, "case.who_for", "residentId")
    who = Reporter(
        source=source,
        resident_id=resident.id if resident else None,
        entered_by_id=caller.user.id,
        grid_hint=resident.grid_id if resident else None,
    )
    return await file_case(caller.services, new, who, uploads, actor=caller.user)


async def report_resolved(
    caller: Caller, new: NewCase, result: str, uploads: Uploads = Uploads()
) -> Case:
    """事事必报: a grid chief records a matter solved on the spot as a case closed at the grid
    (上报为已办结), with what was done. The grid must be one the chief serves."""
    if new.grid_id is not None and not await Grid.exists(id=new.grid_id):
        raise Refused(ErrorCode.NOT_FOUND, "input.grid_not_found", "gridId")
    mine = await my_grid_ids(caller.user.id)
    grid_id = new.grid_id if new.grid_id is not None else (mine[0] if len(mine) == 1 else None)
    if grid_id is None:
        raise Refused(ErrorCode.BAD_USER_INPUT, "input.required", "gridId")
    located = NewCase(**{**new.__dict__, "grid_id": grid_id})
    if new.longitude is not None and new.latitude is not None:
        found = await geo.grid_of_point(new.longitude, new.latitude)
        if found is not None:
            grid_id = found
    if grid_id not in mine:
        raise Refused(CaseCode.NOT_YOURS, "case.not_your_grid", "gridId")
    who = Reporter(source=CaseSource.GRID_PATROL, reporter_id=caller.user.id)
    return await file_case(caller.services, located, who, uploads, actor=caller.user, solved=result)
