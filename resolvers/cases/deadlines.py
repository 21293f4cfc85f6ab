"""Deadline warnings of cases (黄线提醒、红线示警): once each, with any number of workers.

An open case turns yellow when its ``yellow_at`` (a share of the working time to its
deadline) has passed, red once its ``due_at`` has. The handler (who signed, else the handling
party) and their leader in charge (分管领导) are told once per colour and stint, as the
projects' scanner does it (``resolvers/projects/deadlines.py``): a warning is claimed by
raising ``warned_level`` under a row lock that other scanners skip (``… FOR UPDATE SKIP
LOCKED``, then ``… WHERE warned_level < level``), in the same transaction as what it sends,
and ``CaseWarning`` is unique per case, stint and colour, so of several workers scanning at
once exactly one sends each warning.

A pass works street by street in batches: one claim, one insert of warnings and steps, one
run of audit entries, one event per batch for the live desk, and one inbox notification per
recipient and colour (a list when several of their cases turned at once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.i18n import translate
from models.cases import (
    OPEN_STATES,
    Case,
    CaseStep,
    CaseWarning,
    StepAction,
    WarningLevel,
)
from resolvers.cases.access import warned_users_of
from resolvers.cases.common import VISIBILITY, case_gid, level_name, level_text
from resolvers.cases.settings import CaseDomainSettings
from resolvers.events import Change, changing
from resolvers.notifications import notify
from resolvers.periodic import Periodic
from resolvers.services import Services
from tenants.scoping import street_scope, unscoped

BATCH = 500
# What a warning reads of a claimed case (its step, its audit entry, who is told, the text).
_CLAIMED = (
    "id", "title", "category_id", "level", "state", "round", "stint", "due_at", "warned_level",
    "handler_id", "grid_id", "community_id", "department_id", "district_department_id",
    "leader_id",
)  # fmt: skip
NAMES = {WarningLevel.YELLOW: "yellow", WarningLevel.RED: "red"}


async def scan_case_deadlines(services: Services) -> int:
    """Send every warning that is due and not yet sent; returns how many this call sent."""
    now = services.clock.now()
    with unscoped("the case deadline scanner serves every street"):
        rows = await Case.filter(
            state__in=list(OPEN_STATES), warned_level__lt=WarningLevel.RED, yellow_at__lte=now
        ).values_list("id", "tenant_id")
    by_street: dict[int, list[int]] = defaultdict(list)
    for case_id, street_id in rows:
        by_street[int(street_id)].append(int(case_id))
    sent = 0
    for street_id, ids in sorted(by_street.items()):
        with street_scope(street_id):
            for start in range(0, len(ids), BATCH):
                sent += await _warn(services, ids[start : start + BATCH])
    return sent


async def _warn(services: Services, ids: Sequence[int]) -> int:
    async with changing(services, None) as change:
        now = change.at
        cases = (
            await Case.filter(
                id__in=list(ids),
                state__in=list(OPEN_STATES),
                warned_level__lt=WarningLevel.RED,
                yellow_at__lte=now,
            )
            .select_for_update(skip_locked=True)
            .order_by("id")
            .only(*_CLAIMED)
        )
        claimed: list[tuple[Case, WarningLevel]] = []
        for case in cases:
            level = WarningLevel.RED if case.due_at <= now else WarningLevel.YELLOW
            if case.warned_level >= level:
                continue
            claimed.append((case, level))
        for level in (WarningLevel.YELLOW, WarningLevel.RED):
            chosen = [case.id for case, found in claimed if found is level]
            if chosen:
                await Case.filter(id__in=chosen, warned_level__lt=level).update(warned_level=level)
        if not claimed:
            return 0
        await CaseWarning.bulk_create(
            [
                CaseWarning(
                    tenant_id=change.street_id,
                    case_id=case.id,
                    stint=case.stint,
                    level=level,
                    case_level=case.level,
                    due_at=case.due_at,
                    sent_at=now,
                )
                for case, level in claimed
            ]
        )
        await CaseStep.bulk_create(
            [
                CaseStep(
                    tenant_id=change.street_id,
                    case_id=case.id,
                    action=StepAction.WARNED,
                    level=case.level,
                    state=case.state,
                    round=case.round,
                    detail={"warning": level.name, "dueAt": case.due_at.isoformat()},
                    at=now,
                )
                for case, level in claimed
            ]
        )
        await change.audit_many(
            [
                (
                    "case.warned",
                    case_gid(case.id),
                    {"warning": level.name, "stint": case.stint, "dueAt": case.due_at.isoformat()},
                )
                for case, level in claimed
            ]
        )
        await change.event(
            "case.warned",
            "",
            {
                "cases": [
                    {
                        "case": case_gid(case.id),
                        "warning": level.name,
                        "level": level_name(case.level),
                        "dueAt": case.due_at.isoformat(),
                    }
                    for case, level in claimed
                ]
            },
            visibility=VISIBILITY,
        )
        await _tell(services, change, claimed)
    return len(claimed)


async def _tell(
    services: Services, change: Change, claimed: list[tuple[Case, WarningLevel]]
) -> None:
    """One notification per recipient and colour: the case, or the list of their cases."""
    inbox: dict[tuple[int, WarningLevel], list[Case]] = defaultdict(list)
    recipients = await warned_users_of(services, [case for case, _ in claimed])
    for case, level in claimed:
        for user_id in recipients[case.id]:
            inbox[user_id, level].append(case)
    for (user_id, level), cases in sorted(inbox.items(), key=lambda item: item[0]):
        name = NAMES[level]
        if level is WarningLevel.RED:
            kind = translate("case.warning_red")
        else:
            kind = translate("case.warning_yellow")
        if len(cases) == 1:
            title = translate("case.warning_title", title=cases[0].title, warning=kind)
            subject = case_gid(cases[0].id)
        else:
            title = translate("case.warnings_title", count=len(cases), warning=kind)
            subject = None
        body = "\n".join(
            translate(
                "case.warning_line",
                title=case.title,
                level=level_text(case.level),
                due=case.due_at.isoformat(timespec="minutes"),
            )
            for case in cases
        )
        await notify(change, [user_id], f"case.deadline.{name}", title, body, subject)


def case_deadline_scanner(services: Services) -> Periodic:
    """The background task of each worker that runs ``scan_case_deadlines``."""
    return Periodic(
        "case-deadline-scanner",
        lambda: scan_case_deadlines(services),
        services.settings.section(CaseDomainSettings).case_scan_seconds,
    )
