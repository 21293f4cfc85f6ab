"""The handler's steps (受理 … 通报): the accepting community worker takes a ring through the
nine steps, each in one unit of work (the consultation's timeline, the audit chain, the event),
each refused when it is not the next (STEP_OUT_OF_ORDER) or its conditions do not hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import validators
from core.errors import ErrorCode, Refused
from core.i18n import translate
from models.accounts import Membership
from models.columns import column, max_length
from models.consultations import (
    ATTACHMENT_MAX_LENGTH,
    DECISION_MAX_LENGTH,
    Classification,
    Consultation,
    ConsultationMeeting,
    ConsultationStep,
    Evaluation,
    Invitation,
    InvitationStatus,
    PartyKind,
    Step,
)
from models.people import Resident
from resolvers.caller import Caller
from resolvers.cases.common import case_gid
from resolvers.consultations.codes import ConsultationCode
from resolvers.consultations.common import consultation_gid, lock, take_step
from resolvers.consultations.meetings import draw_nonces
from resolvers.consultations.routing import open_case
from resolvers.consultations.settings import street_bell
from resolvers.consultations.steps import Action, transition
from resolvers.events import Change, changing
from resolvers.notifications import notify

BAD = ErrorCode.BAD_USER_INPUT


@dataclass(frozen=True)
class PartyDraft:
    kind: PartyKind
    name: str
    user_id: int


@dataclass(frozen=True)
class Decision:
    text: str
    agreed_by: list[int] = field(default_factory=list)  # invitations that agreed


async def _tell(
    change: Change, users: list[int | None], kind: str, title: str, c: Consultation
) -> None:
    await notify(
        change, [u for u in users if u is not None], kind, title, "", consultation_gid(c.id)
    )


async def accept(
    caller: Caller, consultation_id: int, office: str | None, note: str
) -> Consultation:
    """受理: a consultation matter (``office`` None), or a non-consultation matter routed to
    one of the street's offices (六办三中心): it stops here and becomes a case, linked."""
    note = validators.text(note, "note", max_length(ConsultationStep, "note"), required=False)
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        if office is None:
            target = transition(Action.ACCEPT, c.step)
            values: dict[str, object] = {"classification": Classification.CONSULTATION}
            detail: dict[str, object] = {"classification": Classification.CONSULTATION.value}
        else:
            target = transition(Action.ROUTE, c.step)
            if office not in bell.offices:
                raise Refused(BAD, "consultation.unknown_office", "office", office=office)
            values = {"classification": Classification.NON_CONSULTATION, "office": office}
            detail = {"classification": Classification.NON_CONSULTATION.value, "office": office}
        values |= {"handler_id": caller.user.id, "accepted_at": change.at}
        if office is not None:
            case = await open_case(caller, c, bell.offices[office])
            values["case_id"] = case.id
            detail["case"] = case_gid(case.id)
        await take_step(change, c, target, bell, note=note, detail=detail, fields=values)
        await _tell(
            change,
            [c.requester_id, c.entered_by_id],
            "consultation.accepted",
            translate("consultation.accepted_title", title=c.title),
            c,
        )
    return c


async def decline(caller: Caller, consultation_id: int, reason: str) -> Consultation:
    """不予受理, with the reason the requester is told."""
    reason = validators.text(reason, "reason", max_length(Consultation, "not_accepted_reason"))
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.DECLINE, c.step)
        values = {"not_accepted_reason": reason, "handler_id": caller.user.id}
        await take_step(change, c, target, bell, note=reason, fields=values)
        await _tell(
            change,
            [c.requester_id, c.entered_by_id],
            "consultation.not_accepted",
            translate("consultation.not_accepted_title", title=c.title),
            c,
        )
    return c


async def invite(caller: Caller, consultation_id: int, parties: list[PartyDraft]) -> Consultation:
    """发起协商约请: one invitation per party, each answered by one member of the street."""
    if not parties:
        raise Refused(BAD, "input.required", "parties")
    if len(parties) > 30:
        raise Refused(BAD, "consultation.too_many", "parties", max=30)
    longest = max_length(Invitation, "party_name")
    names = [validators.text(p.name, f"parties[{i}].name", longest) for i, p in enumerate(parties)]
    seen: set[int] = set()
    for i, party in enumerate(parties):
        if party.user_id in seen:
            raise Refused(BAD, "consultation.invited_twice", f"parties[{i}].accountId")
        seen.add(party.user_id)
        if not await Membership.filter(user_id=party.user_id).exists():
            raise Refused(ErrorCode.NOT_FOUND, "error.not_found", f"parties[{i}].accountId")
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.INVITE, c.step)
        await Invitation.bulk_create(
            [
                Invitation(
                    tenant_id=change.street_id,
                    consultation_id=c.id,
                    party_kind=party.kind,
                    party_name=name,
                    user_id=party.user_id,
                    invited_at=change.at,
                )
                for party, name in zip(parties, names, strict=True)
            ]
        )
        detail = {
            "parties": [
                {"kind": p.kind.value, "name": n} for p, n in zip(parties, names, strict=True)
            ]
        }
        await take_step(change, c, target, bell, detail=detail)
        await _tell(
            change,
            [p.user_id for p in parties],
            "consultation.invited",
            translate("consultation.invited_title", title=c.title),
            c,
        )
    return c


async def _invitations(c: Consultation) -> list[Invitation]:
    return list(await Invitation.filter(consultation_id=c.id).order_by("id"))


async def coordinate(caller: Caller, consultation_id: int, agenda: str) -> Consultation:
    """对接协商事项: the agenda, once every party has answered and each that accepted has
    given its position."""
    agenda = validators.text(agenda, "agenda", max_length(Consultation, "agenda"))
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.COORDINATE, c.step)
        invitations = await _invitations(c)
        waiting = [i.party_name for i in invitations if i.status is InvitationStatus.INVITED]
        if waiting:
            raise Refused(BAD, "consultation.answers_pending", "id", parties="、".join(waiting))
        accepted = [i for i in invitations if i.status is InvitationStatus.ACCEPTED]
        if not accepted:
            raise Refused(BAD, "consultation.no_party", "id")
        silent = [i.party_name for i in accepted if not i.position]
        if silent:
            raise Refused(BAD, "consultation.positions_pending", "id", parties="、".join(silent))
        positions = [{"party": i.party_name, "position": i.position} for i in accepted]
        await take_step(
            change, c, target, bell, detail={"positions": positions}, fields={"agenda": agenda}
        )
    return c


async def confirm(caller: Caller, consultation_id: int) -> Consultation:
    """确认参会信息: the meeting is scheduled and the parties who attend have said so."""
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.CONFIRM, c.step)
        meeting = await ConsultationMeeting.filter(consultation_id=c.id).first()
        if meeting is None:
            raise Refused(BAD, "consultation.no_meeting", "id")
        attending = [i for i in await _invitations(c) if i.attending]
        if not attending:
            raise Refused(BAD, "consultation.no_attendee", "id")
        await draw_nonces(meeting, attending)
        detail = {"attending": [i.party_name for i in attending], "meeting": meeting.id}
        await take_step(change, c, target, bell, detail=detail)
        await _tell(
            change,
            [i.user_id for i in attending],
            "consultation.meeting_reminder",
            translate("consultation.meeting_reminder_title", title=c.title),
            c,
        )
    return c


async def meet(
    caller: Caller,
    consultation_id: int,
    minutes: str,
    decisions: list[Decision],
    attachments: list[str],
) -> Consultation:
    """召开协商会议: the minutes, with the decisions and who agreed to each. Not before the
    meeting has begun."""
    minutes = validators.text(minutes, "minutes", max_length(ConsultationMeeting, "minutes"))
    if not decisions:
        raise Refused(BAD, "input.required", "decisions")
    texts = [
        validators.text(d.text, f"decisions[{n}].text", DECISION_MAX_LENGTH)
        for n, d in enumerate(decisions)
    ]
    files = [
        validators.text(a, f"attachments[{n}]", ATTACHMENT_MAX_LENGTH)
        for n, a in enumerate(attachments)
    ]
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.MEET, c.step)
        meeting = await ConsultationMeeting.get(consultation_id=c.id)
        if change.at < meeting.starts_at:
            raise Refused(BAD, "consultation.minutes_before_meeting", "minutes")
        own = {i.id for i in await _invitations(c)}
        for n, decision in enumerate(decisions):
            if not set(decision.agreed_by) <= own:
                raise Refused(ErrorCode.NOT_FOUND, "error.not_found", f"decisions[{n}].agreedBy")
        meeting.held_at = change.at
        meeting.minutes = minutes
        meeting.decisions = [
            {"text": t, "agreedBy": sorted(set(d.agreed_by))}
            for t, d in zip(texts, decisions, strict=True)
        ]
        meeting.attachments = files
        await meeting.save()
        await take_step(change, c, target, bell, detail={"decisions": meeting.decisions})
    return c


async def review(caller: Caller, consultation_id: int, outcome: str) -> Consultation:
    """联审协商结果: the outcome, once every party at the meeting has signed off or objected
    (objections and their reasons stay on the record)."""
    outcome = validators.text(outcome, "outcome", max_length(Consultation, "outcome"))
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.REVIEW, c.step)
        attending = [i for i in await _invitations(c) if i.attending]
        pending = [i.party_name for i in attending if i.verdict is None]
        if pending:
            raise Refused(BAD, "consultation.review_pending", "id", parties="、".join(pending))
        verdicts = [
            {"party": i.party_name, "verdict": str(i.verdict), "reason": i.verdict_reason}
            for i in attending
        ]
        await take_step(
            change, c, target, bell, detail={"verdicts": verdicts}, fields={"outcome": outcome}
        )
    return c


async def announce(caller: Caller, consultation_id: int, text: str) -> Consultation:
    """通报协商结果: to the requester, the parties and the residents of the compound."""
    text = validators.text(text, "text", max_length(Consultation, "announcement"))
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        target = transition(Action.ANNOUNCE, c.step)
        values = {"announcement": text, "announced_at": change.at}
        await take_step(change, c, target, bell, fields=values)
        parties = [i.user_id for i in await _invitations(c)]
        neighbours: list[int | None] = []
        if c.compound_id is not None:
            with_accounts = Resident.filter(
                building__compound_id=c.compound_id, user_id__not_isnull=True
            )
            neighbours = list(await column(with_accounts, "user_id", int))
        users = [c.requester_id, c.entered_by_id, *parties, *neighbours]
        await _tell(
            change,
            users,
            "consultation.announced",
            translate("consultation.announced_title", title=c.title),
            c,
        )
    return c


async def may_evaluate(caller: Caller, c: Consultation) -> bool:
    """The requester, or a resident of the consultation's compound (community, without one)."""
    if c.requester_id == caller.user.id:
        return True
    mine = Resident.filter(user_id=caller.user.id)
    if c.compound_id is not None:
        return await mine.filter(building__compound_id=c.compound_id).exists()
    return await mine.filter(community_id=c.community_id).exists()


async def evaluate(caller: Caller, consultation_id: int, rating: int, comment: str) -> Evaluation:
    """评价协商结果: once each, from the announcement on. The requester's rating (or, for a
    ring with no account behind it, the first) completes the ninth step."""
    rating = validators.in_range(rating, 1, 5, "rating", "consultation.rating_range")
    comment = validators.text(comment, "comment", max_length(Evaluation, "comment"), required=False)
    bell = await street_bell()
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        transition(Action.EVALUATE, c.step)
        if not await may_evaluate(caller, c):
            raise Refused(ErrorCode.FORBIDDEN, "consultation.not_yours_to_rate", "id")
        if await Evaluation.filter(consultation_id=c.id, user_id=caller.user.id).exists():
            raise Refused(
                ConsultationCode.ALREADY_EVALUATED, "consultation.already_evaluated", "id"
            )
        by_requester = c.requester_id == caller.user.id
        evaluation = await Evaluation.create(
            tenant_id=change.street_id,
            consultation_id=c.id,
            user_id=caller.user.id,
            rating=rating,
            comment=comment,
            by_requester=by_requester,
            at=change.at,
        )
        completes = c.step is Step.ANNOUNCED and (by_requester or c.requester_id is None)
        if completes:
            await take_step(change, c, Step.EVALUATED, bell, detail={"rating": rating})
        else:
            await change.record("consultation.rated", consultation_gid(c.id), {"rating": rating})
    return evaluation
