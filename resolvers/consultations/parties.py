"""What an invited party does (协商方): accept or decline the invitation (with a reason), give
its position while the matter is coordinated, say whether it attends, and sign off or object
in the joint review. Only the account the invitation names may answer it (NOT_INVITED)."""

from __future__ import annotations

from core import validators
from core.errors import ErrorCode, Refused
from models.columns import max_length
from models.consultations import Consultation, Invitation, InvitationStatus, Step, Verdict
from resolvers.caller import Caller
from resolvers.consultations.codes import ConsultationCode
from resolvers.consultations.common import consultation_gid, lock
from resolvers.events import changing

BAD = ErrorCode.BAD_USER_INPUT


async def my_invitation(caller: Caller, c: Consultation) -> Invitation:
    found = await Invitation.filter(consultation_id=c.id, user_id=caller.user.id).first()
    if found is None:
        raise Refused(ConsultationCode.NOT_INVITED, "consultation.not_invited", "id")
    return found


def _at(c: Consultation, steps: set[Step], action: str) -> None:
    if c.step not in steps:
        raise Refused(
            ConsultationCode.STEP_OUT_OF_ORDER,
            "consultation.step_out_of_order",
            "id",
            step=c.step.value,
            action=action,
        )


async def _answer(
    caller: Caller, consultation_id: int, action: str, **values: object
) -> Invitation:
    async with changing(caller.services, caller.user) as change:
        c = await lock(caller, consultation_id)
        invitation = await my_invitation(caller, c)
        check = values.pop("_check")
        assert callable(check)
        check(c, invitation)
        for name, value in values.items():
            setattr(invitation, name, value)
        invitation.answered_at = change.at
        await invitation.save()
        recorded = {k: str(v) for k, v in values.items() if k != "checkin_nonce"}
        await change.record(
            f"consultation.{action}",
            consultation_gid(c.id),
            {"party": invitation.party_name, **recorded},
            payload={"party": invitation.party_name, "action": action},
        )
    return invitation


async def answer(caller: Caller, consultation_id: int, accept: bool, reason: str) -> Invitation:
    """Accept or decline the invitation, while the parties are being invited (a decline
    says why)."""
    reason = validators.text(
        reason, "reason", max_length(Invitation, "reason"), required=not accept
    )

    def check(c: Consultation, invitation: Invitation) -> None:
        _at(c, {Step.INVITED}, "answer")
        if invitation.status is not InvitationStatus.INVITED:
            raise Refused(BAD, "consultation.already_answered", "id")

    status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    return await _answer(
        caller, consultation_id, "invitation_answered", _check=check, status=status, reason=reason
    )


async def give_position(caller: Caller, consultation_id: int, position: str) -> Invitation:
    """对接协商事项: the party's position on the matter, before the agenda is set."""
    position = validators.text(position, "position", max_length(Invitation, "position"))

    def check(c: Consultation, invitation: Invitation) -> None:
        _at(c, {Step.INVITED}, "position")
        if invitation.status is not InvitationStatus.ACCEPTED:
            raise Refused(BAD, "consultation.not_accepted_invitation", "id")

    return await _answer(caller, consultation_id, "position_given", _check=check, position=position)


async def attend(caller: Caller, consultation_id: int, attending: bool) -> Invitation:
    """确认参会: whether the party attends the meeting (once coordinated, until confirmed)."""

    def check(c: Consultation, invitation: Invitation) -> None:
        _at(c, {Step.COORDINATED}, "attend")
        if invitation.status is not InvitationStatus.ACCEPTED:
            raise Refused(BAD, "consultation.not_accepted_invitation", "id")

    return await _answer(
        caller, consultation_id, "attendance_given", _check=check, attending=attending
    )


async def give_verdict(
    caller: Caller, consultation_id: int, verdict: Verdict, reason: str
) -> Invitation:
    """联审: sign off on the meeting's minutes, or object with a reason; once."""
    reason = validators.text(
        reason,
        "reason",
        max_length(Invitation, "verdict_reason"),
        required=verdict is Verdict.OBJECTED,
    )

    def check(c: Consultation, invitation: Invitation) -> None:
        _at(c, {Step.MET}, "verdict")
        if not invitation.attending:
            raise Refused(BAD, "consultation.not_attending", "id")
        if invitation.verdict is not None:
            raise Refused(BAD, "consultation.already_answered", "id")

    return await _answer(
        caller,
        consultation_id,
        "verdict_given",
        _check=check,
        verdict=verdict,
        verdict_reason=reason,
    )
