"""Step deadline warnings of the bell (黄线提醒、红线示警): once each, with any number of workers.

Each step of an open consultation is due in the street's working days for it
(``BellSettings.step_days``, counted by the cases domain's calendar, ``take_step``). The
consultation turns yellow once its ``step_yellow_at`` (a share of the working time to the
step's deadline, ``yellow_percent``) has passed, red once its ``step_due_at`` has. Whoever
holds the step (the accepting community worker; before acceptance, the community's staff) and
the street's leader in charge (分管领导, the cases domain's ``CaseLeader`` for every category)
are told once per step and colour, as the cases' scanner does it
(``resolvers/cases/deadlines.py``): a warning is claimed by raising ``warned_level`` under a
row lock that other scanners skip (``… FOR UPDATE SKIP LOCKED``), in the same transaction as
the timeline entry, the audit entry, the event and the notification, and ``StepWarning`` is
unique per consultation, step and colour, so of several workers scanning at once exactly one
sends each warning. The next step sets ``warned_level`` back to 0 with its own deadline.

The scan reads only IDs and streets across every street, then handles each consultation in
its street's scope and its own error boundary (``each_in_street``): one that cannot be read
is logged and skipped, and every other, of its street and of any other, is warned. A
consultation whose step was taken before the deadlines had instants (migration 0011: a
``step_due`` day, no ``step_due_at``) gets them first, from its day and its last step taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.clock import local_date
from core.i18n import translate
from core.settings import SettingsSection
from models.cases import CaseLeader, LeaderDuty
from models.columns import column
from models.consultations import (
    Consultation,
    ConsultationStep,
    StepWarning,
    StepWarningLevel,
)
from models.people import CommunityAssignment
from resolvers.consultations.common import consultation_gid, deadline_on
from resolvers.consultations.settings import street_bell
from resolvers.consultations.steps import OPEN, next_step
from resolvers.consultations.views import STEP_NAMES
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic, each_in_street
from resolvers.services import Services
from tenants.scoping import unscoped

NAMES = {StepWarningLevel.YELLOW: "yellow", StepWarningLevel.RED: "red"}


class BellDomainSettings(SettingsSection):
    """How often the bell's step scanner looks for warnings to send (env
    ``GONGZHI_BELL_SCAN_SECONDS``)."""

    bell_scan_seconds: float = 60.0


async def scan_step_deadlines(services: Services) -> int:
    """Send every step warning that is due and not yet sent; returns how many this call
    sent."""
    now = services.clock.now()
    with unscoped("the bell's step scanner serves every street"):
        # IDs only: the scan reads nothing a poison row could break (each item reads its row).
        undated = await Consultation.filter(
            step__in=list(OPEN), step_due__not_isnull=True, step_due_at__isnull=True
        ).values_list("id", "tenant_id")
    await each_in_street("bell step deadline instants", _items(undated), _fill_instants)
    with unscoped("the bell's step scanner serves every street"):
        due = (
            await Consultation.filter(
                step__in=list(OPEN),
                warned_level__lt=StepWarningLevel.RED,
                step_yellow_at__lte=now,
            )
            .order_by("tenant_id", "id")
            .values_list("id", "tenant_id")
        )
    return await each_in_street(
        "bell step deadline", _items(due), lambda cid: warn_consultation(services, cid)
    )


def _items(rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """(consultation, street) pairs, street by street."""
    pairs = [(int(row[0]), int(row[1])) for row in rows]
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


async def _fill_instants(consultation_id: int) -> int:
    """The deadline instants of a step taken before they were kept: its ``step_due`` day's
    close, and the yellow line from when the step was taken. Sends nothing (0)."""
    c = await Consultation.filter(id=consultation_id, step_due_at=None).first()
    if c is None or c.step_due is None:
        return 0
    taken = (
        await ConsultationStep.filter(
            consultation_id=c.id, step=c.step, warning=StepWarningLevel.NONE
        )
        .order_by("-at", "-id")
        .first()
    )
    due = deadline_on(await street_bell(), c.step_due, taken.at if taken else c.updated_at)
    await Consultation.filter(id=c.id, step_due_at=None).update(
        step_due_at=due.due_at, step_yellow_at=due.yellow_at
    )
    return 0


def level_at(c: Consultation, now: datetime) -> StepWarningLevel:
    """The colour of the consultation's current step at ``now`` (NONE when no step is due)."""
    if c.step not in OPEN or c.step_due_at is None or c.step_yellow_at is None:
        return StepWarningLevel.NONE
    if c.step_due_at <= now:
        return StepWarningLevel.RED
    if c.step_yellow_at <= now:
        return StepWarningLevel.YELLOW
    return StepWarningLevel.NONE


async def warn_consultation(services: Services, consultation_id: int) -> int:
    """The warning now due for one consultation of the current street, if not yet sent
    (1 when this call sent it, 0 otherwise)."""
    async with changing(services, None) as change:
        now = change.at
        c = (
            await Consultation.filter(
                id=consultation_id,
                step__in=list(OPEN),
                warned_level__lt=StepWarningLevel.RED,
                step_yellow_at__lte=now,
            )
            .select_for_update(skip_locked=True)
            .first()
        )
        if c is None:
            return 0  # another scanner holds it, or its step was just taken
        level = level_at(c, now)
        due = next_step(c.step)
        if level is StepWarningLevel.NONE or c.warned_level >= level or due is None:
            return 0
        assert c.step_due_at is not None  # level_at saw it
        claimed = await Consultation.filter(id=c.id, warned_level__lt=level).update(
            warned_level=level
        )
        if not claimed:
            return 0
        await StepWarning.create(
            tenant_id=change.street_id,
            consultation_id=c.id,
            step=due,
            level=level,
            due_at=c.step_due_at,
            sent_at=now,
        )
        kind = _kind(level)
        detail = {"warning": level.name, "dueStep": due.value, "dueAt": c.step_due_at.isoformat()}
        await ConsultationStep.create(
            tenant_id=change.street_id,
            consultation_id=c.id,
            step=c.step,
            actor_id=None,
            at=now,
            note=translate("consultation.step_warning_note", warning=kind, step=STEP_NAMES[due]),
            detail=detail,
            warning=level,
        )
        await change.record(
            "consultation.step_warned",
            consultation_gid(c.id),
            detail,
            payload={**detail, "step": c.step.value, "community": c.community_id},
        )
        await _tell(change, c, level, due_name=STEP_NAMES[due])
    return 1


def _kind(level: StepWarningLevel) -> str:
    if level is StepWarningLevel.RED:
        return translate("consultation.step_warning_red")
    return translate("consultation.step_warning_yellow")


async def warned_users(c: Consultation) -> list[int]:
    """Who a step warning goes to: the handler (the accepting community worker; before
    acceptance, the community's staff) and the street's leader in charge of every category
    (分管领导), if it has one."""
    recipients: set[int] = set()
    if c.handler_id is not None:
        recipients.add(c.handler_id)
    else:
        staff = CommunityAssignment.filter(community_id=c.community_id)
        recipients.update(await column(staff, "user_id", int))
    leader = (
        await CaseLeader.filter(duty=LeaderDuty.IN_CHARGE, category_id=None).order_by("id").first()
    )
    if leader is not None:
        recipients.add(leader.user_id)
    return sorted(recipients)


async def _tell(change: Change, c: Consultation, level: StepWarningLevel, due_name: str) -> None:
    assert c.step_due_at is not None
    kind = _kind(level)
    title = translate("consultation.step_warning_title", warning=kind, title=c.title)
    body = translate(
        "consultation.step_warning_body",
        step=due_name,
        due=(c.step_due or local_date(c.step_due_at)).isoformat(),
    )
    users = await warned_users(c)
    await notify(
        change, users, f"consultation.deadline.{NAMES[level]}", title, body, consultation_gid(c.id)
    )


def step_deadline_scanner(services: Services) -> Periodic:
    """The background task of each worker that runs ``scan_step_deadlines``."""
    return Periodic(
        "bell-step-scanner",
        lambda: scan_step_deadlines(services),
        services.settings.section(BellDomainSettings).bell_scan_seconds,
    )
