"""What every part of the cases domain shares: IDs, the timeline step, the event of a change."""

from __future__ import annotations

from typing import Any

from core.i18n import translate
from core.ids import to_global_id
from models.cases import Case, CaseLevel, CaseStep, StepAction
from policies.capabilities.cases import CASE_READ
from resolvers.events import Change

CASE_EVENTS = "case."
# Case events are read by those who read cases (each subscription narrows them further to the
# cases its subscriber sees); big screens and the general street stream do not get them.
VISIBILITY = f"{CASE_READ.resource}:{CASE_READ.action}"


def case_gid(case_id: int) -> str:
    return to_global_id("Case", case_id)


def level_text(level: int) -> str:
    """The level as the reader of a notification says it (网格, 社区, 街道, 区级部门)."""
    if level == CaseLevel.GRID:
        return translate("case.level_grid")
    if level == CaseLevel.COMMUNITY:
        return translate("case.level_community")
    if level == CaseLevel.STREET:
        return translate("case.level_street")
    return translate("case.level_district")


def level_name(level: int | None) -> str | None:
    return None if level is None else CaseLevel(level).name


def payload(case: Case, **extra: Any) -> dict[str, Any]:
    """What live views get of a case after a change: where it stands, no personal data."""
    return {
        "case": case_gid(case.id),
        "state": case.state.value,
        "level": level_name(case.level),
        "round": case.round,
        "stint": case.stint,
        "urgency": case.urgency.value,
        "grid": to_global_id("Grid", case.grid_id) if case.grid_id else None,
        "dueAt": case.due_at.isoformat(),
        **extra,
    }


async def step(
    change: Change,
    case: Case,
    action: StepAction,
    *,
    level: CaseLevel,
    note: str = "",
    to_level: CaseLevel | None = None,
    detail: dict[str, Any] | None = None,
) -> CaseStep:
    """One entry of the case's timeline, its audit entry and its event, in the change's
    transaction (``case.<action>``, e.g. ``case.signed``)."""
    row = await CaseStep.create(
        case_id=case.id,
        action=action,
        actor_id=change.actor_id,
        level=level,
        to_level=to_level,
        state=case.state,
        round=case.round,
        note=note,
        detail=detail or {},
        at=change.at,
    )
    name = f"case.{action.value.lower()}"
    record = {
        "step": row.id,
        "level": level_name(level),
        "toLevel": level_name(to_level),
        "state": case.state.value,
        "round": case.round,
        "note": note,
        **(detail or {}),
    }
    await change.audit(name, case_gid(case.id), record)
    await change.event(
        name,
        case_gid(case.id),
        payload(case, step=row.id, action=action.value, toLevel=level_name(to_level)),
        visibility=VISIBILITY,
    )
    return row
