"""The cases domain's enums in GraphQL, each registered once with its description; the
domain's schema modules import them from here."""

from __future__ import annotations

import strawberry

from models.cases import (
    AssignmentRole,
    CaseLevel,
    CaseSource,
    CaseState,
    CategoryKind,
    LeaderDuty,
    MediaKind,
    Satisfaction,
    StepAction,
    Urgency,
    WarningLevel,
)
from resolvers.cases.views import QueueKind

strawberry.enum(
    CaseState,
    name="CaseState",
    description="Where a case stands: PENDING 待签收 · HANDLING 处理中 · RESOLVED 已办结 "
    "(waiting for the rating) · CLOSED 已结案.",
)
strawberry.enum(
    CaseLevel,
    name="CaseLevel",
    description="The handling level: GRID 网格 → COMMUNITY 社区 → STREET 街道 → DISTRICT 区级部门.",
)
strawberry.enum(
    Urgency, name="CaseUrgency", description="ORDINARY 一般 · IMPORTANT 重要 · URGENT 紧急."
)
strawberry.enum(
    CaseSource,
    name="CaseSource",
    description="Where a case came from: RESIDENT_APP 居民随手拍 · GRID_PATROL 巡查上报 · "
    "VISIT 走访 · CONSULTATION_BELL 协商铃 · HOTLINE 12345 热线 · ON_BEHALF 代录 · "
    "OPEN311 an Open311 client.",
)
strawberry.enum(
    CategoryKind, name="CaseCategoryKind", description="SERVICE 服务类 · REGULATORY 管制类."
)
strawberry.enum(
    Satisfaction,
    name="CaseSatisfaction",
    description="SATISFIED 满意 · BASICALLY_SATISFIED 基本满意 · UNSATISFIED 不满意.",
)
strawberry.enum(
    LeaderDuty,
    name="CaseLeaderDuty",
    description="IN_CHARGE 分管领导 (second reports, warnings) · HEAD 主要领导 (third reports).",
)
strawberry.enum(
    AssignmentRole, name="CaseAssignmentRole", description="LEAD 牵头 · ASSISTING 协办."
)
strawberry.enum(MediaKind, name="CaseMediaKind", description="PHOTO · VIDEO · VOICE.")
strawberry.enum(
    StepAction,
    name="CaseStepAction",
    description="What a step of the timeline did: REPORTED 上报 · SIGNED 签收 · "
    "ESCALATED 上报上级 · "
    "SENT_BACK 回退 · TRANSFERRED 内部流转 · LINKED 外部联动 · PART_DONE 协办完成 · "
    "RESOLVED 办结 · RATED 评价 · REREPORTED 再次上报 · CALLED_BACK 回访 · WARNED 黄线/红线 · "
    "CLOSED 结案 · MADE_PROJECT 转为民生实事.",
)
strawberry.enum(
    WarningLevel,
    name="CaseWarningLevel",
    description="NONE · YELLOW 黄线提醒 (a share of the deadline passed) · RED 红线示警 (overdue).",
)
strawberry.enum(
    QueueKind,
    name="CaseQueueKind",
    description="TO_SIGN 待签收 · IN_PROGRESS 办理中 · OVERDUE 已超期 · ALL 全部待办.",
)

__all__ = [
    "AssignmentRole",
    "CaseLevel",
    "CaseSource",
    "CaseState",
    "CategoryKind",
    "LeaderDuty",
    "MediaKind",
    "QueueKind",
    "Satisfaction",
    "StepAction",
    "Urgency",
    "WarningLevel",
]
