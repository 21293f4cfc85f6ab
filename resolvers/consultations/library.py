"""The case library (案例库): a solved consultation prepared as a reference case by its
handler, reviewed and published by the street (审核发布) once no personal data is left in it,
and found again by similar-case search."""

from __future__ import annotations

from dataclasses import dataclass

from core import validators
from core.errors import DomainError, ErrorCode, Refused
from core.ids import to_global_id
from models.accounts import User
from models.columns import column, max_length
from models.consultations import Consultation, Invitation, LibraryCase, LibraryStatus
from models.people import Resident
from resolvers import publishing
from resolvers.caller import Caller
from resolvers.consultations import pii, search
from resolvers.consultations.codes import ConsultationCode
from resolvers.consultations.common import consultation_gid, lock
from resolvers.consultations.steps import SOLVED
from resolvers.events import Change, changing
from resolvers.publishing import Decision, Reviewable
from tenants.scoping import current_street_id

BAD = ErrorCode.BAD_USER_INPUT


def case_gid(case_id: int) -> str:
    return to_global_id("LibraryCase", case_id)


@dataclass(frozen=True)
class CaseText:
    title: str
    summary: str
    outcome: str


def _checked(text: CaseText) -> CaseText:
    return CaseText(
        validators.text(text.title, "title", max_length(LibraryCase, "title")),
        validators.text(text.summary, "summary", max_length(LibraryCase, "summary")),
        validators.text(text.outcome, "outcome", max_length(LibraryCase, "outcome")),
    )


async def known_names(c: Consultation) -> list[str]:
    """Names the street knows to belong to this consultation: the requester's and the
    entering worker's, the parties' contacts, the resident it is for and the compound's."""
    user_ids = [u for u in (c.requester_id, c.entered_by_id) if u is not None]
    user_ids += await column(Invitation.filter(consultation_id=c.id), "user_id", int)
    names = await column(User.filter(id__in=user_ids), "display_name", str)
    names += await column(Resident.filter(user_id__in=user_ids), "name", str)
    if c.resident_id is not None:
        names += await column(Resident.filter(id=c.resident_id), "name", str)
    if c.compound_id is not None:
        names += await column(Resident.filter(building__compound_id=c.compound_id), "name", str)
    return [n for n in names if n]


async def prepare(caller: Caller, consultation_id: int, text: CaseText) -> LibraryCase:
    """Prepare a solved consultation as a library case, waiting for review (DRAFT)."""
    text = _checked(text)
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        if c.step not in SOLVED:
            raise Refused(BAD, "consultation.not_solved", "consultationId")
        if await LibraryCase.filter(consultation_id=c.id).exists():
            raise Refused(
                ErrorCode.ALREADY_EXISTS, "consultation.in_library_already", "consultationId"
            )
        case = await LibraryCase.create(
            tenant_id=change.street_id,
            consultation_id=c.id,
            title=text.title,
            category=c.category,
            summary=text.summary,
            outcome=text.outcome,
            drafted_by_id=caller.user.id,
            created_at=change.at,
        )
        await change.record("consultation.case_prepared", consultation_gid(c.id), {"case": case.id})
    return case


async def publish(caller: Caller, case_id: int, text: CaseText | None) -> LibraryCase:
    """Review and publish a prepared case, optionally edited. Refused (PERSONAL_DATA, with
    each span named) while a name, phone number or ID number is left in its text. It then
    passes the street's review queue: in the library at once, or IN_REVIEW until a reviewer
    approves it (matching the watch list, or when the street reviews every case)."""
    async with changing(caller.services, caller.user) as change:
        case = await LibraryCase.filter(id=case_id).select_for_update().first()
        if case is None:
            raise DomainError(ErrorCode.NOT_FOUND, field="id")
        if case.status is not LibraryStatus.DRAFT:
            raise Refused(BAD, "consultation.library_not_draft", "id")
        if text is not None:
            text = _checked(text)
            case.title, case.summary, case.outcome = text.title, text.summary, text.outcome
        consultation = await Consultation.get(id=case.consultation_id)
        names = await known_names(consultation)
        for field, value in (
            ("title", case.title),
            ("summary", case.summary),
            ("outcome", case.outcome),
        ):
            spans = pii.find(value, names)
            if spans:
                raise Refused(
                    ConsultationCode.PERSONAL_DATA,
                    "consultation.personal_data",
                    field,
                    spans="、".join(map(str, spans)),
                )
        case.published_by_id = caller.user.id
        # About the consultation's people (who rang, who entered it, the resident it was
        # for) and the case it became.
        about = publishing.About(
            people=tuple(u for u in (consultation.requester_id, consultation.entered_by_id) if u),
            residents=(consultation.resident_id,) if consultation.resident_id else (),
            matters=(to_global_id("Case", consultation.case_id),) if consultation.case_id else (),
        )
        if await publishing.submit(
            change, LIBRARY_CASE, case.id, reviewed_text(case), case.drafted_by_id, about
        ):
            await _into_library(change, case)
        else:
            case.status = LibraryStatus.IN_REVIEW
            await case.save()
            await change.record("consultation.case_held", case_gid(case.id), {"title": case.title})
    return case


async def _into_library(change: Change, case: LibraryCase) -> None:
    found = search.tokens(
        change.street_id, f"{case.title} {case.category} {case.summary} {case.outcome}"
    )
    case.search = " ".join(found)
    case.search_length = len(found)
    case.status = LibraryStatus.PUBLISHED
    case.published_at = change.at
    await case.save()
    await search.index(case.id, case.search, case.search_length)
    await change.record("consultation.case_published", case_gid(case.id), {"title": case.title})


# -- through the street's review queue (审核, resolvers/publishing.py) ---------------------------

LIBRARY_CASE = "LIBRARY_CASE"


def reviewed_text(case: LibraryCase) -> str:
    """What the queue matches and a reviewer reads: the title, summary and outcome."""
    return f"{case.title}\n{case.summary}\n{case.outcome}"


async def _decided(change: Change, pk: int, decision: Decision) -> None:
    """Approved: into the library (findable); rejected: a draft again, for its handler to
    rework and publish once more (through the queue again)."""
    case = await LibraryCase.filter(id=pk).select_for_update().first()
    if case is None or case.status is not LibraryStatus.IN_REVIEW:
        return
    if decision.approved:
        await _into_library(change, case)
    else:
        case.status = LibraryStatus.DRAFT
        case.published_by_id = None
        await case.save()
        await change.record(
            "consultation.case_rejected", case_gid(case.id), {"reason": decision.reason}
        )


REVIEWABLE = (
    Reviewable(
        LIBRARY_CASE,
        "案例库案例 (a case-library entry)",
        max_length(LibraryCase, "title")
        + max_length(LibraryCase, "summary")
        + max_length(LibraryCase, "outcome")
        + 2,
        node_type="LibraryCase",
        on_decided=_decided,
        editable=False,
    ),
)
"""The case library's entries pass the review queue once the street's publisher has checked
them (their title, summary and outcome are edited there, not in the queue)."""


async def similar(text: str, limit: int = 3) -> list[tuple[LibraryCase, float]]:
    """The street's published cases closest to ``text``, best first, with their scores."""
    text = validators.text(text, "text", max_length(Consultation, "description"))
    if not search.query_tokens(current_street_id(), text):
        raise Refused(BAD, "consultation.query_empty", "text")
    limit = validators.in_range(limit, 1, 20, "first", "consultation.too_many")
    return await _cases(await search.similar(current_street_id(), text, limit))


async def _cases(hits: list[search.Hit]) -> list[tuple[LibraryCase, float]]:
    rows = {c.id: c for c in await LibraryCase.filter(id__in=[h.case_id for h in hits])}
    return [(rows[h.case_id], h.score) for h in hits if h.case_id in rows]


async def similar_to_ring(text: str) -> list[tuple[LibraryCase, float]]:
    """The three closest cases to a new ring (none when its text gives no search term)."""
    return await _cases(await search.similar(current_street_id(), text, 3))
