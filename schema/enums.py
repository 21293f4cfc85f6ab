"""Domain enums exposed in GraphQL. Schema modules import enums from here, so each is
registered once, with its description, before any type uses it."""

from __future__ import annotations

import strawberry

from core.errors import ErrorCode
from models.accounts import Role
from models.projects import ProgressSource, ProjectStatus, SourceKind
from resolvers.projects.common import Lateness
from resolvers.projects.views import BoardOrder

strawberry.enum(
    ErrorCode,
    name="ErrorCode",
    description="Stable machine-readable error codes (also in `errors[].extensions.code`).",
)

strawberry.enum(
    Role,
    name="Role",
    description="A role held in a street (or a district, or the platform). "
    "RESIDENT 居民 · BUILDING_CHIEF 楼道长 · GRID_WORKER 网格员 · GRID_CHIEF 网格长 · "
    "COMMUNITY_STAFF 社区两委 · STREET_REVIEWER 街道片区审核员 · STREET_DEPARTMENT 街道科室 · "
    "STREET_LEADER 街道领导 · STREET_ADMIN 街道系统管理员 · DISTRICT_DEPARTMENT 区级部门 · "
    "DISTRICT_ADMIN 区综合指挥中心 · REPRESENTATIVE 人大代表 · DELIBERATOR 议事员 · "
    "CONGRESS_STAFF 人大工委 · PROFESSIONAL 专业人士 · DISPLAY 大屏 · PLATFORM_ADMIN 平台管理员",
)

strawberry.enum(
    ProjectStatus,
    name="ProjectStatus",
    description="A livelihood project's status: PROPOSED 提出 · CANDIDATE 候选 · "
    "APPROVED 票决通过 · IN_PROGRESS 实施中 · COMPLETED 完工 · ACCEPTED 验收 · "
    "REJECTED 未通过 · SUSPENDED 暂停.",
)
strawberry.enum(
    ProgressSource,
    name="ProgressSource",
    description="Where a project's progress comes from: MILESTONES (done weight over total "
    "weight) or MANUAL (set by the department with a reason).",
)
strawberry.enum(
    SourceKind,
    name="ProjectSourceKind",
    description="What a project was promoted from: CASE 事件 · SUGGESTION 代表建议 · "
    "CONSULTATION 协商.",
)
strawberry.enum(
    Lateness,
    name="Lateness",
    description="ON_TIME 正常 · YELLOW 黄灯 (a milestone is due within the configured days) · "
    "RED 红灯 (a milestone passed its planned date undone). Only approved or running projects "
    "can be late.",
)
strawberry.enum(
    BoardOrder,
    name="ProjectBoardOrder",
    description="PROGRESS: most advanced first, then most urgent. LATENESS: most urgent open "
    "milestone first, then most advanced.",
)

__all__ = [
    "BoardOrder",
    "ErrorCode",
    "Lateness",
    "ProgressSource",
    "ProjectStatus",
    "Role",
    "SourceKind",
]
