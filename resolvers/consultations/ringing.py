"""Ringing the bell (提出协商申请): from the phone, at a community centre's terminal, or
entered by a social worker on an elderly resident's behalf."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from core.i18n import translate
from models.accounts import Role, User
from models.columns import column, max_length
from models.consultations import (
    PHOTO_MAX_LENGTH,
    BellTerminal,
    Channel,
    Consultation,
    Invitation,
    RequesterKind,
    Step,
)
from models.people import Building, CommunityAssignment, Compound, Resident
from models.tenancy import Community
from resolvers.caller import Caller
from resolvers.consultations.common import consultation_gid, take_step
from resolvers.consultations.settings import street_bell
from resolvers.events import changing
from resolvers.notifications import notify
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped

BAD = ErrorCode.BAD_USER_INPUT
MAX_PHOTOS = 9
MAX_PARTIES = 10
KEY_MAX_LENGTH = 64
"""A terminal's key as it may be sent (the keys issued are 35 characters; only their hash is
kept)."""
COMMUNITY_ROLES = {Role.GRID_WORKER, Role.GRID_CHIEF, Role.COMMUNITY_STAFF}
STREET_BODY_ROLES = {Role.STREET_DEPARTMENT}


@dataclass(frozen=True)
class RingDraft:
    title: str
    description: str
    category: str
    community_id: int | None = None
    compound_id: int | None = None
    building_id: int | None = None
    photos: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    contact_phone: str = ""
    on_behalf_of: int | None = None  # a resident (居民) the worker enters it for


def requester_kind(roles: set[str]) -> RequesterKind:
    """Which of the three kinds of requester a caller rings as (their strongest role)."""
    if roles & STREET_BODY_ROLES:
        return RequesterKind.STREET_BODY
    if roles & COMMUNITY_ROLES:
        return RequesterKind.COMMUNITY
    return RequesterKind.RESIDENT


async def _place(draft: RingDraft) -> tuple[int, int | None, int | None]:
    """(community, compound, building) of a ring, each checked to be the street's and to fit."""
    community_id, compound_id, building_id = draft.community_id, draft.compound_id, None
    if draft.building_id is not None:
        building = await Building.filter(id=draft.building_id).first()
        if building is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "buildingId")
        building_id = building.id
        if compound_id is not None and compound_id != building.compound_id:
            raise Refused(BAD, "consultation.building_elsewhere", "buildingId")
        compound_id = building.compound_id
    if compound_id is not None:
        compound = await Compound.filter(id=compound_id).first()
        if compound is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "compoundId")
        if community_id is not None and community_id != compound.community_id:
            raise Refused(BAD, "consultation.compound_elsewhere", "compoundId")
        community_id = compound.community_id
    if community_id is None:
        raise Refused(BAD, "consultation.place_required", "communityId")
    if not await Community.filter(id=community_id).exists():
        raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "communityId")
    return community_id, compound_id, building_id


async def _checked(draft: RingDraft) -> dict[str, object]:
    bell = await street_bell()
    title = validators.text(draft.title, "title", max_length(Consultation, "title"))
    description = validators.text(
        draft.description, "description", max_length(Consultation, "description")
    )
    if draft.category not in bell.categories:
        raise Refused(BAD, "consultation.unknown_category", "category", category=draft.category)
    if len(draft.photos) > MAX_PHOTOS:
        raise Refused(BAD, "consultation.too_many", "photos", max=MAX_PHOTOS)
    if len(draft.parties) > MAX_PARTIES:
        raise Refused(BAD, "consultation.too_many", "parties", max=MAX_PARTIES)
    photos = [
        validators.text(p, f"photos[{i}]", PHOTO_MAX_LENGTH) for i, p in enumerate(draft.photos)
    ]
    party = max_length(Invitation, "party_name")
    parties = [validators.text(p, f"parties[{i}]", party) for i, p in enumerate(draft.parties)]
    phone = validators.phone(draft.contact_phone, "contactPhone") if draft.contact_phone else ""
    community_id, compound_id, building_id = await _place(draft)
    return {
        "title": title,
        "description": description,
        "category": draft.category,
        "community_id": community_id,
        "compound_id": compound_id,
        "building_id": building_id,
        "photos": photos,
        "suggested_parties": parties,
        "contact_phone": phone,
    }


async def ring(caller: Caller, draft: RingDraft) -> Consultation:
    """A ring by the caller, or (``on_behalf_of``) by a community worker for a resident: the
    resident's account (if any) is the requester, the worker is recorded as entering it."""
    values = await _checked(draft)
    roles = caller.roles()
    kind = requester_kind(roles)
    requester_id: int | None = caller.user.id
    entered_by_id: int | None = None
    resident_id: int | None = None
    channel = Channel.PHONE
    if draft.on_behalf_of is not None:
        if kind is not RequesterKind.COMMUNITY:
            raise Refused(ErrorCode.FORBIDDEN, "consultation.on_behalf_staff_only", "onBehalfOf")
        resident = await Resident.filter(id=draft.on_behalf_of).first()
        if resident is None:
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "onBehalfOf")
        kind, channel = RequesterKind.RESIDENT, Channel.ON_BEHALF
        requester_id, entered_by_id, resident_id = resident.user_id, caller.user.id, resident.id
        if not values["contact_phone"] and resident.phone:
            values["contact_phone"] = resident.phone
    return await _submit(
        caller.services,
        caller.user,
        values,
        requester_kind=kind,
        channel=channel,
        requester_id=requester_id,
        entered_by_id=entered_by_id,
        resident_id=resident_id,
    )


async def _submit(
    services: Services, actor: User | None, values: dict[str, object], **who: object
) -> Consultation:
    bell = await street_bell()
    async with changing(services, actor) as change:
        consultation = await Consultation.create(
            tenant_id=change.street_id,
            **values,  # type: ignore[arg-type]  # checked field values, by name
            **who,  # type: ignore[arg-type]
            step=Step.SUBMITTED,
            submitted_at=change.at,
            updated_at=change.at,
        )
        await take_step(
            change,
            consultation,
            Step.SUBMITTED,
            bell,
            detail={"channel": str(who["channel"]), "category": values["category"]},
        )
        staff = await column(
            CommunityAssignment.filter(community_id=consultation.community_id), "user_id", int
        )
        await notify(
            change,
            list(staff),
            "consultation.rung",
            translate("consultation.rung_title", title=consultation.title),
            str(values["description"])[:200],
            consultation_gid(consultation.id),
        )
    return consultation


# -- the community centre's terminal (协商铃终端): it may ring and nothing else ---------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(f"bell-terminal|{key}".encode()).hexdigest()


async def register_terminal(
    caller: Caller, community_id: int, name: str
) -> tuple[BellTerminal, str]:
    """A new terminal for a community centre and its key (shown once: only its hash is kept)."""
    name = validators.text(name, "name", max_length(BellTerminal, "name"))
    if not await Community.filter(id=community_id).exists():
        raise Refused(ErrorCode.NOT_FOUND, "error.not_found", "communityId")
    key = "bt_" + secrets.token_urlsafe(24)
    async with changing(caller.services, caller.user) as change:
        terminal = await BellTerminal.create(
            tenant_id=change.street_id,
            community_id=community_id,
            name=name,
            key_hash=_key_hash(key),
            created_at=change.at,
        )
        await change.audit(
            "consultation.terminal_registered",
            f"BellTerminal:{terminal.id}",
            {"name": name, "community": community_id},
        )
    return terminal, key


async def ring_at_terminal(services: Services, key: str, draft: RingDraft) -> Consultation:
    """A ring at a terminal: its street and community are the terminal's, the requester's
    phone number is the contact (required), and there is no account behind it."""
    with unscoped("a terminal's key names its street"):
        terminal = await BellTerminal.filter(key_hash=_key_hash(key), active=True).first()
    if terminal is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "consultation.unknown_terminal")
    with street_scope(terminal.tenant_id):
        if not draft.contact_phone:
            raise Refused(BAD, "input.required", "contactPhone")
        values = await _checked(
            RingDraft(**{**draft.__dict__, "community_id": terminal.community_id})
        )
        if values["community_id"] != terminal.community_id:
            raise Refused(BAD, "consultation.compound_elsewhere", "compoundId")
        return await _submit(
            services,
            None,
            values,
            requester_kind=RequesterKind.RESIDENT,
            channel=Channel.TERMINAL,
            terminal_id=terminal.id,
        )
