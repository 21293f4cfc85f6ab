"""The projects domain's enums in GraphQL, each registered once with its description;
the domain's schema modules import them from here."""

from __future__ import annotations

import strawberry

from models.projects import ProgressSource, ProjectStatus, Publication, SourceKind
from resolvers.projects.common import Lateness
from resolvers.projects.views import BoardOrder

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
    Publication,
    name="PostPublication",
    description="Whether a progress post or supervision opinion is public: IN_REVIEW 待审核 "
    "(matching the street's watch list: its author and the project's managers see it) · "
    "PUBLISHED 已发布 · REJECTED 未通过审核.",
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

__all__ = ["BoardOrder", "Lateness", "ProgressSource", "ProjectStatus", "SourceKind"]
