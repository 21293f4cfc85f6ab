"""A street's bell settings (协商铃设置): its offices for non-consultation matters (六办三中心),
its categories, the working days each step may take. A street without its own row has the
defaults below."""

from __future__ import annotations

from dataclasses import dataclass

from core import validators
from core.errors import ErrorCode, Refused
from models.columns import max_length
from models.consultations import OFFICE_NAME_MAX_LENGTH, BellSettings, Consultation, Step
from resolvers.caller import Caller
from resolvers.events import changing

BAD = ErrorCode.BAD_USER_INPUT

DEFAULT_OFFICES = (
    ("dangzheng", "党政综合办公室"),
    ("dangjian", "党建工作办公室"),
    ("pingan", "平安建设办公室"),
    ("chengguan", "城市管理办公室"),
    ("shehui", "社会事务办公室"),
    ("jingji", "经济发展办公室"),
    ("bianmin", "便民服务中心"),
    ("zhihui", "综合信息指挥中心"),
    ("wenhua", "文化活动中心"),
)
DEFAULT_CATEGORIES = (
    "物业管理",
    "城市管理",
    "老旧小区改造",
    "环境卫生",
    "停车交通",
    "邻里纠纷",
    "公共设施",
    "其他",
)
DEFAULT_STEP_DAYS = {
    Step.ACCEPTED: 2,
    Step.INVITED: 3,
    Step.COORDINATED: 5,
    Step.CONFIRMED: 3,
    Step.MET: 10,
    Step.REVIEWED: 3,
    Step.ANNOUNCED: 2,
    Step.EVALUATED: 10,
}
"""Working days from one step to the next, by the step it leads to (受理 2 个工作日…)."""
DEFAULT_YELLOW_PERCENT = 80
"""The yellow line (黄线): this share of a step's working time gone."""


@dataclass(frozen=True)
class StreetBell:
    offices: dict[str, str]  # code → name
    categories: tuple[str, ...]
    step_days: dict[Step, int]
    yellow_days: int
    yellow_percent: int = DEFAULT_YELLOW_PERCENT


async def street_bell() -> StreetBell:
    """The current street's settings (its row, or the defaults)."""
    row = await BellSettings.first()
    offices = dict(DEFAULT_OFFICES)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    step_days = dict(DEFAULT_STEP_DAYS)
    yellow = 1
    percent = DEFAULT_YELLOW_PERCENT
    if row is not None:
        if row.offices:
            offices = {o["code"]: o["name"] for o in row.offices}
        if row.categories:
            categories = tuple(row.categories)
        step_days.update({Step(k): int(v) for k, v in row.step_days.items()})
        yellow = row.yellow_days
        percent = row.yellow_percent
    return StreetBell(offices, categories, step_days, yellow, percent)


async def save(
    caller: Caller,
    offices: list[tuple[str, str]] | None,
    categories: list[str] | None,
    step_days: dict[Step, int] | None,
    yellow_percent: int | None = None,
) -> BellSettings:
    """A street's own offices, categories, step deadlines and yellow line (each left as it
    is when not given)."""
    checked_offices = None
    if offices is not None:
        if not offices:
            raise Refused(BAD, "input.required", "offices")
        checked_offices = [
            {
                "code": validators.code(code, f"offices[{n}].code"),
                "name": validators.text(name, f"offices[{n}].name", OFFICE_NAME_MAX_LENGTH),
            }
            for n, (code, name) in enumerate(offices)
        ]
    checked_categories = None
    if categories is not None:
        if not categories:
            raise Refused(BAD, "input.required", "categories")
        category = max_length(Consultation, "category")
        checked_categories = [
            validators.text(c, f"categories[{n}]", category) for n, c in enumerate(categories)
        ]
    days = {
        step.value: validators.in_range(
            n, 1, 60, f"stepDays.{step.value}", "consultation.step_days"
        )
        for step, n in (step_days or {}).items()
    }
    if yellow_percent is not None:
        yellow_percent = validators.in_range(
            yellow_percent, 1, 99, "yellowPercent", "consultation.yellow_percent"
        )
    async with changing(caller.services, caller.user) as change:
        row = await BellSettings.first()
        if row is None:
            row = await BellSettings.create(tenant_id=change.street_id)
        if checked_offices is not None:
            row.offices = checked_offices
        if checked_categories is not None:
            row.categories = checked_categories
        row.step_days = {**row.step_days, **days}
        if yellow_percent is not None:
            row.yellow_percent = yellow_percent
        await row.save()
        await change.audit(
            "consultation.settings_changed",
            f"Street:{change.street_id}",
            {
                "offices": len(row.offices),
                "categories": len(row.categories),
                "stepDays": days,
                **({"yellowPercent": yellow_percent} if yellow_percent is not None else {}),
            },
        )
    return row
