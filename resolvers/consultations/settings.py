"""A street's bell settings (协商铃设置): its offices for non-consultation matters (六办三中心),
its categories, the working days each step may take. A street without its own row has the
defaults below."""

from __future__ import annotations

from dataclasses import dataclass

from models.consultations import BellSettings, Step

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


@dataclass(frozen=True)
class StreetBell:
    offices: dict[str, str]  # code → name
    categories: tuple[str, ...]
    step_days: dict[Step, int]
    yellow_days: int


async def street_bell() -> StreetBell:
    """The current street's settings (its row, or the defaults)."""
    row = await BellSettings.first()
    offices = dict(DEFAULT_OFFICES)
    categories = DEFAULT_CATEGORIES
    step_days = dict(DEFAULT_STEP_DAYS)
    yellow = 1
    if row is not None:
        if row.offices:
            offices = {o["code"]: o["name"] for o in row.offices}
        if row.categories:
            categories = tuple(row.categories)
        step_days.update({Step(k): int(v) for k, v in row.step_days.items()})
        yellow = row.yellow_days
    return StreetBell(offices, categories, step_days, yellow)
