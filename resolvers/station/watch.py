"""Key people and key matters (重点人、重点事预警): the street's staff keep a list of people and a
list of matters to watch, and the review queue holds whatever concerns them.

A *key person* is a resident of the register (their content is recognised by their account,
when they have one, and content about them by their resident ID) or an account of the street
(a representative, a deliberator); a *key matter* is a suggestion, case or project, named as
the difficult-matters list names it (``difficult.MODELS``, ``difficult.subject_gid``). Names
are shown masked (张**, ``core.identity.mask_name``) wherever the lists or the alerts show them.

``concerns`` is what the queue asks when content is submitted (``review.submit``): which key
people and key matters its author and its ``About`` name. Any of them makes the content wait,
as a watch-list word does.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core import validators
from core.errors import ErrorCode, Refused
from core.identity import mask_name
from core.ids import from_global_id, to_global_id
from models.accounts import User
from models.columns import max_length
from models.people import Resident
from models.station import KeyMatter, KeyPerson, MatterKind
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.owned import in_street, street_member, unusable
from resolvers.publishing import About
from resolvers.station.difficult import MODELS, TYPE_NAMES, subject_gid, views_of

RESIDENT = "Resident"
ACCOUNT = "Account"
PERSON_TYPES = (RESIDENT, ACCOUNT)
"""What a key person's ``personId`` may name."""

KEY_PERSON = "KEY_PERSON"
KEY_MATTER = "KEY_MATTER"


def key_person_gid(pk: int) -> str:
    return to_global_id("KeyPerson", pk)


def key_matter_gid(pk: int) -> str:
    return to_global_id("KeyMatter", pk)


# -- key people (重点人) ----------------------------------------------------------------------


async def add_person(caller: Caller, type_name: str, pk: int, reason: str) -> KeyPerson:
    """Put a resident or an account of the street on the list, with the reason (required).
    Someone already on it (as a resident or through their account) is ``ALREADY_EXISTS``."""
    reason = validators.text(reason, "reason", max_length(KeyPerson, "reason"))
    resident_id: int | None = None
    user_id: int | None = None
    if type_name == RESIDENT:
        resident = await in_street(Resident, pk, "personId")
        resident_id = resident.id
        # Already on the list through their account?
        taken = Q(resident_id=resident.id)
        if resident.user_id is not None:
            taken |= Q(user_id=resident.user_id)
    elif type_name == ACCOUNT:
        user_id = await street_member(pk, "personId", "error.not_found")
        # Already on the list as a resident holding this account?
        taken = Q(user_id=user_id) | Q(resident__user_id=user_id)
    else:
        raise unusable("personId")
    duplicate = Refused(ErrorCode.ALREADY_EXISTS, "station.key_person_taken", "personId")
    if await KeyPerson.filter(taken).exists():
        raise duplicate
    try:
        async with changing(caller.services, caller.user) as change:
            row = await KeyPerson.create(
                tenant_id=change.street_id,
                resident_id=resident_id,
                user_id=user_id,
                reason=reason,
                added_by_id=caller.user.id,
                added_at=change.at,
            )
            await change.audit("key_person.added", key_person_gid(row.id), {"reason": reason})
    except IntegrityError as exc:
        raise duplicate from exc
    return row


async def remove_person(caller: Caller, pk: int) -> None:
    """Take someone off the list (their next content passes as anyone's); twice is
    ``NOT_FOUND``."""
    async with changing(caller.services, caller.user) as change:
        row = await in_street(KeyPerson, pk, "id", for_update=True)
        await row.delete()
        await change.audit("key_person.removed", key_person_gid(pk), {"reason": row.reason})


def people() -> QuerySet[KeyPerson]:
    return KeyPerson.all()


async def masked_names(rows: Sequence[KeyPerson]) -> list[str]:
    """Each key person's name, masked (a batch: two statements whatever the number)."""
    residents = {
        r.id: r.name
        for r in await Resident.filter(id__in=[p.resident_id for p in rows if p.resident_id])
    }
    users = {
        u.id: u.display_name or u.username
        for u in await User.filter(id__in=[p.user_id for p in rows if p.user_id])
    }
    return [
        mask_name(
            residents.get(p.resident_id, "") if p.resident_id else users.get(p.user_id or 0, "")
        )
        for p in rows
    ]


def person_gid(row: KeyPerson) -> str:
    """The resident or account the entry names."""
    if row.resident_id is not None:
        return to_global_id(RESIDENT, row.resident_id)
    return to_global_id(ACCOUNT, row.user_id or 0)


# -- key matters (重点事) ---------------------------------------------------------------------


async def mark_matter(caller: Caller, kind: MatterKind, subject_id: int, note: str) -> KeyMatter:
    """Mark a suggestion, case or project of the street as a key matter (a note, optional);
    one already marked is ``ALREADY_EXISTS``."""
    note = validators.text(note, "note", max_length(KeyMatter, "note"), required=False)
    await in_street(MODELS[kind], subject_id, "subjectId")
    duplicate = Refused(ErrorCode.ALREADY_EXISTS, "station.key_matter_taken", "subjectId")
    if await KeyMatter.exists(kind=kind, subject_id=subject_id):
        raise duplicate
    try:
        async with changing(caller.services, caller.user) as change:
            row = await KeyMatter.create(
                tenant_id=change.street_id,
                kind=kind,
                subject_id=subject_id,
                note=note,
                marked_by_id=caller.user.id,
                marked_at=change.at,
            )
            await change.audit(
                "key_matter.marked",
                subject_gid(kind, subject_id),
                {"keyMatter": row.id, "note": note},
            )
    except IntegrityError as exc:
        raise duplicate from exc
    return row


async def remove_matter(caller: Caller, pk: int) -> None:
    """Take a matter off the list; twice is ``NOT_FOUND``."""
    async with changing(caller.services, caller.user) as change:
        row = await in_street(KeyMatter, pk, "id", for_update=True)
        await row.delete()
        await change.audit(
            "key_matter.removed", subject_gid(row.kind, row.subject_id), {"keyMatter": pk}
        )


def matters() -> QuerySet[KeyMatter]:
    return KeyMatter.all()


# -- what content concerns -------------------------------------------------------------------


async def concerns(author_id: int | None, about: About) -> list[dict[str, object]]:
    """The key people and key matters among the content's author and what it is about, as the
    review item keeps them (``kind``, the entry's ``id``, a ``label``: a masked name, or the
    matter's title)."""
    accounts = list(dict.fromkeys([*about.people, *([author_id] if author_id else [])]))
    found: list[dict[str, object]] = []
    if accounts or about.residents:
        watched = Q(user_id__in=accounts) | Q(resident__user_id__in=accounts)
        watched |= Q(resident_id__in=list(about.residents))
        listed = await KeyPerson.filter(watched).order_by("id")
        for person, name in zip(listed, await masked_names(listed), strict=True):
            found.append({"kind": KEY_PERSON, "id": person.id, "label": name})
    kinds = {name: kind for kind, name in TYPE_NAMES.items()}
    wanted: dict[MatterKind, list[int]] = {}
    for subject in about.matters:
        type_name, pk = from_global_id(subject)
        if type_name in kinds:
            wanted.setdefault(kinds[type_name], []).append(pk)
    if wanted:
        query = Q(id=0)
        for kind, pks in wanted.items():
            query |= Q(kind=kind, subject_id__in=pks)
        marked = await KeyMatter.filter(query).order_by("id")
        for row, view in zip(marked, await views_of(marked), strict=True):
            found.append(
                {
                    "kind": KEY_MATTER,
                    "id": row.id,
                    "label": view.title,
                    "subject": subject_gid(row.kind, row.subject_id),
                }
            )
    return found
